/**
 * What the inspector workflow (tips, flags, cases) shares: id shapes, text fields and paging. One
 * place, so that the three features check input the same way. Free of Node's modules: the console's
 * browser code reads the schemas built on it (new ids and references: ids.ts).
 */
import { z } from 'zod';
import { hasForbiddenCharacters, normalizeText, toHalfWidth } from './normalize';

/** Record ids: 128 random bits, base64url, like certificate public ids (nothing to count up in a URL). */
export const workflowIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'an id: 22 base64url characters');

const controlMessage = {
  message: 'must not contain control or invisible characters',
  params: { code: 'INVALID_CHARACTERS' },
} as const;

/** One line of free text: no control or invisible characters, half-width, trimmed, spaces folded. */
export const singleLine = (min: number, max: number) =>
  z
    .string()
    .max(max * 2)
    .refine((v) => !hasForbiddenCharacters(v), controlMessage)
    .transform(normalizeText)
    .pipe(z.string().min(min).max(max));

/** Line breaks are what a form's text area sends; tabs become spaces. Every other control is refused. */
const LINE_BREAKS = /\r\n?/g;

/**
 * Free text of several lines (a description, a note): line breaks kept (at most one empty line in a
 * row), each line half-width with its spaces folded; otherwise as strict as `singleLine`.
 */
export const multiline = (min: number, max: number) =>
  z
    .string()
    .max(max * 2)
    .transform((v) => v.replace(LINE_BREAKS, '\n').replace(/\t/g, ' '))
    .refine((v) => v.split('\n').every((line) => !hasForbiddenCharacters(line)), controlMessage)
    .transform((v) =>
      toHalfWidth(v)
        .split('\n')
        .map((line) => line.replace(/\s+/g, ' ').trim())
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim(),
    )
    .pipe(z.string().min(min).max(max));

/** A whole decimal number in a query string (no hex, exponents or signs). */
const queryInteger = z
  .string()
  .regex(/^\d{1,6}$/, 'a whole number')
  .transform(Number);

export const MAX_PAGE_SIZE = 100;

/** `page` and `pageSize` of a list query (INVALID_PAGE when malformed). */
export const pagingQuery = {
  page: queryInteger.pipe(z.number().min(1)).default(1).meta({ errorCode: 'INVALID_PAGE' }),
  pageSize: queryInteger
    .pipe(z.number().min(1).max(MAX_PAGE_SIZE))
    .default(20)
    .meta({ errorCode: 'INVALID_PAGE' }),
};

/** One page of a list, as every list route answers it. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
