import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Who did something: a token holder (with role and, for bodies, the body) or the system itself. */
export const actorSchema = z.object({
  type: z.enum(['token', 'system']),
  id: z.string().optional(),
  role: z.string().optional(),
  bodyCode: z.string().optional(),
});
export type Actor = z.infer<typeof actorSchema>;

export const SYSTEM_ACTOR: Actor = { type: 'system', id: 'system' };

/** What an entry records before it is chained. */
export interface AuditRecord {
  at: string;
  actor: Actor;
  /** Dotted verb, e.g. `certificate.status`, `upload.finish`, `token.issue`. */
  action: string;
  target: { type: string; id: string };
  /** SHA-256 (hex) of the canonical JSON of the change; the change itself is stored beside it. */
  digest: string;
}

/** An entry of the append-only, hash-chained audit log. */
export interface AuditEntry extends AuditRecord {
  seq: number;
  /** `hash` of the previous entry; GENESIS_HASH for the first. */
  prevHash: string;
  /** SHA-256 (hex) over seq, at, actor, action, target, digest and prevHash. */
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export const auditHeadSchema = z
  .object({
    seq: z.number().int(),
    hash: z.string(),
    at: z.string().optional(),
  })
  .meta({ id: 'AuditHead' });

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The digest an entry carries for a change. */
export function digestOf(change: unknown): string {
  return sha256Hex(canonicalJson(change ?? null));
}

/** The hash of an entry: every field but the hash itself, canonically. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actor, action, target, digest, prevHash } = entry;
  return sha256Hex(canonicalJson({ seq, at, actor, action, target, digest, prevHash }));
}

/** The next entry after `previous` (undefined for the first). */
export function chainEntry(previous: Pick<AuditEntry, 'seq' | 'hash'> | undefined, record: AuditRecord): AuditEntry {
  const unhashed = { ...record, seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? GENESIS_HASH };
  return { ...unhashed, hash: entryHash(unhashed) };
}

export type ChainBreak = { seq: number; reason: 'hash-mismatch' | 'prev-mismatch' | 'seq-gap' | 'digest-mismatch' };

/**
 * Checks one entry against its predecessor. The change is given when the store keeps it, so an edited
 * change is caught even if its digest was left alone.
 */
export function checkEntry(
  previous: Pick<AuditEntry, 'seq' | 'hash'> | undefined,
  entry: AuditEntry,
  change?: unknown,
): ChainBreak | undefined {
  const expectedSeq = (previous?.seq ?? 0) + 1;
  if (entry.seq !== expectedSeq) return { seq: entry.seq, reason: 'seq-gap' };
  if (entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) return { seq: entry.seq, reason: 'prev-mismatch' };
  if (entryHash(entry) !== entry.hash) return { seq: entry.seq, reason: 'hash-mismatch' };
  if (change !== undefined && digestOf(change) !== entry.digest) return { seq: entry.seq, reason: 'digest-mismatch' };
  return undefined;
}
