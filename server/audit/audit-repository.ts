import type { AuditEntry, AuditRecord } from './audit-schema';
import type { Hash, NodeKey } from './merkle';

/** An audit entry as stored, with the change it digests. */
export interface StoredAuditEntry extends AuditEntry {
  change: unknown;
}

/**
 * The append-only audit log. Entries are chained: each carries the hash of the one before, so an entry
 * edited or removed in the database breaks the chain from there on. There is no update or delete.
 * Entries are also the leaves of an RFC 9162 Merkle tree (./merkle.ts): entry seq s is leaf s - 1, and the
 * store keeps the hash of every perfect subtree so that roots and proofs read O(log n) nodes.
 */
export interface AuditRepository {
  /**
   * Appends `record` (with the `change` it digests) after the current head, atomically: concurrent appends
   * from several instances still form one chain with no gap or fork. Returns the chained entry.
   */
  append(record: AuditRecord, change: unknown): Promise<AuditEntry>;

  /**
   * Appends several entries in the order given, each as `append` would, one after the other with nothing
   * of this store's between them (SQLite: under one write lock, which is taken once for the lot instead
   * of once an entry). Returns the chained entries in that order; an empty list appends nothing.
   */
  appendMany(items: readonly { record: AuditRecord; change: unknown }[]): Promise<AuditEntry[]>;

  /**
   * How many entries are leaves of the stored tree: the head's seq (the tree is built with each append,
   * and for entries written before it existed, on the first read that finds it behind).
   */
  treeSize(): Promise<number>;

  /**
   * Stored perfect nodes of the tree, in the order of `keys`, in one read; undefined for a node that is
   * not stored (beyond the tree, or removed from the database).
   */
  treeNodes(keys: NodeKey[]): Promise<(Hash | undefined)[]>;

  /** The last entry, or undefined when the log is empty. */
  head(): Promise<AuditEntry | undefined>;

  /** Entries in order, from `fromSeq` (inclusive), read in pages of `pageSize` so memory stays flat. */
  entries(fromSeq: number, pageSize: number): AsyncIterable<StoredAuditEntry>;

  /** Entries about one target, newest first, at most `limit`. */
  forTarget(type: string, id: string, limit: number): Promise<StoredAuditEntry[]>;
}
