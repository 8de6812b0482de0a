/**
 * Keyset (seek) paging: a page starts after the key of the last item of the one before, so a page deep in
 * a long list costs what the first one does (no OFFSET to walk). The key travels as an opaque base64url
 * cursor with a short check, so a cut or altered cursor is a 400 INVALID_CURSOR, never a page from
 * somewhere else. The page extends the house's one paged-list schema (paging.ts).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from './errors';
import { pageOf, pagingQuery, type Page } from './paging';

/** How far a keyset list counts its items: `total` stops there and `totalCapped` says so. */
export const MAX_KEYSET_COUNT = 10_000;

/** Bytes of the check at the head of a cursor (of SHA-256 over the key's JSON). */
const CHECK_BYTES = 6;
/** A cursor longer than this is no cursor of ours (keys are a few short strings). */
const MAX_CURSOR_LENGTH = 512;

function checkOf(json: Buffer): Buffer {
  return createHash('sha256').update(json).digest().subarray(0, CHECK_BYTES);
}

/** The cursor for a page that starts after `key` (the last item's sort key). */
export function encodeCursor(key: unknown): string {
  const json = Buffer.from(JSON.stringify(key), 'utf8');
  return Buffer.concat([checkOf(json), json]).toString('base64url');
}

function invalidCursor(): AppError {
  return new AppError(
    'INVALID_CURSOR',
    'The cursor is not one this list handed out; start again from the first page.',
    { details: { field: 'after' } },
  );
}

/** The key a cursor carries, held to `key`; INVALID_CURSOR for anything this list did not hand out. */
export function decodeCursor<T>(cursor: string, key: z.ZodType<T>): T {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  const bytes = Buffer.from(cursor, 'base64url');
  // Canonical only: a character changed in the padding bits decodes to the same bytes.
  if (bytes.toString('base64url') !== cursor || bytes.length <= CHECK_BYTES) throw invalidCursor();
  const json = bytes.subarray(CHECK_BYTES);
  if (!checkOf(json).equals(bytes.subarray(0, CHECK_BYTES))) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const result = key.safeParse(parsed);
  if (!result.success) throw invalidCursor();
  return result.data;
}

/**
 * `after` and `pageSize` of a keyset list query: `after` is the cursor of the page before (absent: the
 * first page), decoded to its key (INVALID_CURSOR when it is not one); `pageSize` 1 to 100, default 20
 * (INVALID_PAGE), as every paged list takes it.
 */
export function keysetQuery<T>(key: z.ZodType<T>) {
  return {
    after: z
      .string()
      .transform((cursor, ctx): T => {
        try {
          return decodeCursor(cursor, key);
        } catch (error) {
          ctx.addIssue({
            code: 'custom',
            message: error instanceof AppError ? error.message : 'not a cursor of this list',
            params: { code: 'INVALID_CURSOR' },
          });
          return z.NEVER;
        }
      })
      .optional()
      .describe('The `next` cursor of the page before; absent for the first page')
      .meta({ errorCode: 'INVALID_CURSOR' }),
    pageSize: pagingQuery.pageSize,
  };
}

/** One page of a keyset list: the paged-list schema, with `next` for `page` and a capped total. */
export const keysetPageOf = <T extends z.ZodType>(item: T) =>
  pageOf(item)
    .omit({ page: true })
    .extend({
      next: z.string().optional().describe('The cursor of the next page (`after=`); absent on the last page'),
      totalCapped: z
        .boolean()
        .describe(`True when the list holds more than \`total\` (counting stops at ${MAX_KEYSET_COUNT})`),
    });

/** One page of a keyset list, as `keysetPageOf` describes it. */
export interface KeysetPage<T> extends Omit<Page<T>, 'page'> {
  next?: string;
  totalCapped: boolean;
}

/**
 * The page made of `rows` read with one row more than `pageSize` (that row only says a page follows),
 * with `next` the cursor after its last item, and the total from a count stopped past MAX_KEYSET_COUNT.
 */
export function keysetPage<R, T>(
  rows: readonly R[],
  options: { pageSize: number; keyOf: (row: R) => unknown; toItem: (row: R) => T; counted: number },
): KeysetPage<T> {
  const { pageSize, keyOf, toItem, counted } = options;
  const shown = rows.slice(0, pageSize);
  const last = shown[shown.length - 1];
  return {
    items: shown.map(toItem),
    ...(rows.length > pageSize && last !== undefined ? { next: encodeCursor(keyOf(last)) } : {}),
    total: Math.min(counted, MAX_KEYSET_COUNT),
    totalCapped: counted > MAX_KEYSET_COUNT,
    pageSize,
  };
}
