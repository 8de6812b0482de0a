import type { AuditEntry, AuditRecord } from './audit-schema';

/** An audit entry as stored, with the change it digests. */
export interface StoredAuditEntry extends AuditEntry {
  change: unknown;
}

/**
 * The append-only audit log. Entries are chained: each carries the hash of the one before, so an entry
 * edited or removed in the database breaks the chain from there on. There is no update or delete.
 */
export interface AuditRepository {
  /**
   * Appends `record` (with the `change` it digests) after the current head, atomically: concurrent appends
   * from several instances still form one chain with no gap or fork. Returns the chained entry.
   */
  append(record: AuditRecord, change: unknown): Promise<AuditEntry>;

  /** The last entry, or undefined when the log is empty. */
  head(): Promise<AuditEntry | undefined>;

  /** Entries in order, from `fromSeq` (inclusive), read in pages of `pageSize` so memory stays flat. */
  entries(fromSeq: number, pageSize: number): AsyncIterable<StoredAuditEntry>;

  /** Entries about one target, newest first, at most `limit`. */
  forTarget(type: string, id: string, limit: number): Promise<StoredAuditEntry[]>;
}
