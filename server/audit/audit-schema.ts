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
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The text a store keeps for a change: exactly what its digest is taken over (`null` for none). */
export function changeText(change: unknown): string {
  return canonicalJson(change ?? null);
}

/** The digest an entry carries for a change. */
export function digestOf(change: unknown): string {
  return sha256Hex(changeText(change));
}

/**
 * A JSON column read back for verification. Text that is no longer JSON (edited by hand) is returned as
 * the raw string rather than thrown: its hash or digest then fails to match, and the verifier names the
 * entry instead of crashing on it.
 */
export function parseStoredJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The bytes an entry's hash is taken over, and its Merkle leaf too (./merkle.ts): the UTF-8 of the
 * canonical JSON of every field but the hash (seq, at, actor, action, target, digest, prevHash).
 */
export function entryBytes(entry: Omit<AuditEntry, 'hash'>): Buffer {
  const { seq, at, actor, action, target, digest, prevHash } = entry;
  return Buffer.from(canonicalJson({ seq, at, actor, action, target, digest, prevHash }), 'utf8');
}

/** The hash of an entry: every field but the hash itself, canonically. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(entryBytes(entry)).digest('hex');
}

/**
 * The record exactly as every store keeps it: only the known actor and target fields, no undefined members.
 * Hashing anything a store would drop or reshape (an extra target field, `bodyCode: undefined` stored as
 * null) would make an intact entry fail verification after a round trip.
 */
function storedForm(record: AuditRecord): AuditRecord {
  const { type, id, role, bodyCode } = record.actor;
  const actor: Actor = { type };
  if (id !== undefined) actor.id = id;
  if (role !== undefined) actor.role = role;
  if (bodyCode !== undefined) actor.bodyCode = bodyCode;
  return {
    at: record.at,
    actor,
    action: record.action,
    target: { type: record.target.type, id: record.target.id },
    digest: record.digest,
  };
}

/** The next entry after `previous` (undefined for the first), with the bytes its hash was taken over. */
export function chainEntryWithBytes(
  previous: Pick<AuditEntry, 'seq' | 'hash'> | undefined,
  record: AuditRecord,
): { entry: AuditEntry; bytes: Buffer } {
  const unhashed = {
    ...storedForm(record),
    seq: (previous?.seq ?? 0) + 1,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  const bytes = entryBytes(unhashed);
  return { entry: { ...unhashed, hash: createHash('sha256').update(bytes).digest('hex') }, bytes };
}

/** The next entry after `previous` (undefined for the first). */
export function chainEntry(
  previous: Pick<AuditEntry, 'seq' | 'hash'> | undefined,
  record: AuditRecord,
): AuditEntry {
  return chainEntryWithBytes(previous, record).entry;
}

export type ChainBreakReason = 'hash-mismatch' | 'prev-mismatch' | 'seq-gap' | 'digest-mismatch';

export interface ChainBreak {
  /** The first entry that does not check out (for a gap: the entry found where `expectedSeq` should be). */
  seq: number;
  reason: ChainBreakReason;
  /** For a gap: the sequence number that is missing. */
  expectedSeq?: number;
}

/** One line for a person: which entry broke the chain and what that means. */
export function describeBreak(broken: ChainBreak): string {
  switch (broken.reason) {
    case 'seq-gap':
      return `entry ${broken.seq}: seq-gap (expected entry ${broken.expectedSeq ?? '?'}; entries were removed or renumbered)`;
    case 'prev-mismatch':
      return broken.seq === 1
        ? `entry 1: prev-mismatch (its prevHash is not the genesis hash; the entry was altered)`
        : `entry ${broken.seq}: prev-mismatch (its prevHash is not the hash of entry ${broken.seq - 1}; that entry was altered and re-hashed, or this one was)`;
    case 'hash-mismatch':
      return `entry ${broken.seq}: hash-mismatch (its fields were altered after it was written)`;
    case 'digest-mismatch':
      return `entry ${broken.seq}: digest-mismatch (the change kept with it was altered after it was written)`;
  }
}

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
  if (entry.seq !== expectedSeq) return { seq: entry.seq, reason: 'seq-gap', expectedSeq };
  if (entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) return { seq: entry.seq, reason: 'prev-mismatch' };
  if (entryHash(entry) !== entry.hash) return { seq: entry.seq, reason: 'hash-mismatch' };
  if (change !== undefined && digestOf(change) !== entry.digest)
    return { seq: entry.seq, reason: 'digest-mismatch' };
  return undefined;
}
