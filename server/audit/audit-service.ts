import type { Principal } from '../platform/auth';
import type { AuditRepository, StoredAuditEntry } from './audit-repository';
import {
  checkEntry,
  digestOf,
  GENESIS_HASH,
  SYSTEM_ACTOR,
  type Actor,
  type AuditEntry,
  type ChainBreak,
} from './audit-schema';
import { createStreamingRoot, entryBytes, leafHash, rootAt } from './merkle';

/** The chain head as published: seq 0 and the genesis hash while the log is empty. */
export interface AuditHead {
  seq: number;
  hash: string;
  at?: string;
}

export interface VerifyOptions {
  /**
   * A head published earlier. Entries are only ever appended, so its hash must still be in the chain;
   * when it is not, the log was truncated (or rewritten) since.
   */
  expectHead?: string;
  /** Entries read per page (memory stays flat whatever the length of the log). */
  pageSize?: number;
  /**
   * A checkpoint saved earlier (by a witness, or from GET /api/v1/audit/checkpoint). The log only grows, so
   * the tree of its first `size` entries, recomputed from the entries, must have its root.
   */
  checkpoint?: { size: number; rootHash: Buffer };
  /** Also recompute the Merkle tree and compare the stored one (`tree` in the result). */
  tree?: boolean;
}

export interface VerifyResult {
  /** Entries that checked out, from the first, before any break. */
  entries: number;
  /** The last entry that checked out (the genesis head when none did). */
  verifiedHead: AuditHead;
  /** The first entry that does not check out; absent when the whole chain does. */
  firstBreak?: ChainBreak;
  /** With `expectHead`: whether that hash was found in the verified chain, and at which entry. */
  expectedHead?: { hash: string; found: boolean; seq?: number };
  /**
   * The Merkle tree recomputed from the verified entries: its root (base64), and, when the chain is intact,
   * whether the tree the store keeps (the one checkpoints are signed over) has that root.
   */
  tree?: { size: number; rootHash: string; storedMatches?: boolean };
  /**
   * With `checkpoint`: `truncated` when the verified log is shorter than the checkpoint, else the root of
   * the log's first `size` entries and whether it is the checkpoint's (false: the log was rewritten).
   */
  checkpoint?: { size: number; rootHash: string; truncated: boolean; rootAtSize?: string; matches: boolean };
}

export interface AuditService {
  /** Appends an entry for a state change. `change` is what changed (kept beside the entry, digested into it). */
  record(
    actor: Actor,
    action: string,
    target: { type: string; id: string },
    change: unknown,
  ): Promise<AuditEntry>;
  /**
   * Appends entries for several state changes, in order, in one append of the store (a batch's signals:
   * one write lock for the lot, not one each). Returns the entries in that order.
   */
  recordMany(
    records: readonly {
      actor: Actor;
      action: string;
      target: { type: string; id: string };
      change: unknown;
    }[],
  ): Promise<AuditEntry[]>;
  /** The chain head: the last entry's sequence number and hash (seq 0 and the genesis hash when empty). */
  head(): Promise<AuditHead>;
  /** Walks the whole chain, streaming; the first broken entry, or none when every entry checks out. */
  verify(options?: VerifyOptions): Promise<VerifyResult>;
  /** Entries about one target, newest first, at most `limit`. */
  forTarget(type: string, id: string, limit: number): Promise<StoredAuditEntry[]>;
}

/** The actor of a request's principal, or the system. */
export function actorOf(principal: Principal | undefined): Actor {
  return principal
    ? { type: 'token', id: principal.tokenId, role: principal.role, bodyCode: principal.bodyCode }
    : SYSTEM_ACTOR;
}

export function createAuditService(deps: { audit: AuditRepository; now?: () => string }): AuditService {
  const { audit } = deps;
  const now = deps.now ?? (() => new Date().toISOString());
  return {
    record(actor, action, target, change) {
      return audit.append({ at: now(), actor, action, target, digest: digestOf(change) }, change);
    },

    async recordMany(records) {
      if (records.length === 0) return [];
      const at = now();
      return audit.appendMany(
        records.map(({ actor, action, target, change }) => ({
          record: { at, actor, action, target, digest: digestOf(change) },
          change,
        })),
      );
    },

    async head() {
      const last = await audit.head();
      return last ? { seq: last.seq, hash: last.hash, at: last.at } : { seq: 0, hash: GENESIS_HASH };
    },

    async verify(options = {}) {
      const expected = options.expectHead?.toLowerCase();
      let previous: AuditEntry | undefined;
      let entries = 0;
      let firstBreak: ChainBreak | undefined;
      let expectedAt: number | undefined = expected === GENESIS_HASH ? 0 : undefined;
      const tree = createStreamingRoot();
      const saved = options.checkpoint;
      let rootAtSize = saved?.size === 0 ? tree.root() : undefined;
      for await (const entry of audit.entries(1, options.pageSize ?? 1000)) {
        firstBreak = checkEntry(previous, entry, entry.change);
        if (firstBreak) break;
        if (expectedAt === undefined && entry.hash === expected) expectedAt = entry.seq;
        tree.add(leafHash(entryBytes(entry)));
        if (saved && tree.size() === saved.size) rootAtSize = tree.root();
        previous = entry;
        entries += 1;
      }
      const rootHash = tree.root().toString('base64');
      let storedMatches: boolean | undefined;
      if (options.tree && !firstBreak && (await audit.treeSize()) === entries) {
        const stored = await rootAt(entries, (keys) => audit.treeNodes(keys));
        storedMatches = stored.toString('base64') === rootHash;
      }
      const verifiedHead: AuditHead = previous
        ? { seq: previous.seq, hash: previous.hash, at: previous.at }
        : { seq: 0, hash: GENESIS_HASH };
      return {
        entries,
        verifiedHead,
        ...(firstBreak ? { firstBreak } : {}),
        ...(expected !== undefined
          ? { expectedHead: { hash: expected, found: expectedAt !== undefined, seq: expectedAt } }
          : {}),
        ...(options.tree
          ? { tree: { size: entries, rootHash, ...(storedMatches !== undefined ? { storedMatches } : {}) } }
          : {}),
        ...(saved
          ? {
              checkpoint: {
                size: saved.size,
                rootHash: saved.rootHash.toString('base64'),
                truncated: rootAtSize === undefined,
                ...(rootAtSize ? { rootAtSize: rootAtSize.toString('base64') } : {}),
                matches: rootAtSize !== undefined && rootAtSize.equals(saved.rootHash),
              },
            }
          : {}),
      };
    },

    forTarget(type, id, limit) {
      return audit.forTarget(type, id, limit);
    },
  };
}
