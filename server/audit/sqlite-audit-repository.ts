import type { SqliteDatabase } from '../platform/sqlite';
import type { AuditRepository, StoredAuditEntry } from './audit-repository';
import {
  chainEntryWithBytes,
  changeText,
  parseStoredJson,
  type Actor,
  type AuditEntry,
  type AuditRecord,
} from './audit-schema';
import { entryBytes, leafHash, nodesOfAppend, type Hash, type NodeKey } from './merkle';

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  digest: string;
  prev_hash: string;
  hash: string;
  change: string;
}

const COLUMNS = 'seq, at, actor, action, target_type, target_id, digest, prev_hash, hash, change';

/** A row as the verifier sees it: hand-edited JSON is passed on as text, so its entry fails to verify. */
function toStored(row: AuditRow): StoredAuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    // Normally an Actor; after a hand edit perhaps not, and then only its hash (which then fails) reads it.
    actor: parseStoredJson(row.actor) as Actor,
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    digest: row.digest,
    prevHash: row.prev_hash,
    hash: row.hash,
    change: parseStoredJson(row.change),
  };
}

function popcount(n: number): number {
  let bits = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) bits += v % 2;
  return bits;
}

/** How many perfect nodes a tree of `size` leaves has: 2·size − popcount(size). */
const nodesOfSize = (size: number) => 2 * size - popcount(size);

/**
 * A node's position in the order appends create them: leaf i comes after the 2i − popcount(i) nodes of the
 * leaves before it, and the parents it completes follow it, level by level.
 */
function positionOf(level: number, index: number): number {
  const lastLeaf = (index + 1) * 2 ** level - 1;
  return nodesOfSize(lastLeaf) + level;
}

/** The leaves of a tree holding `count` nodes (the largest size whose nodes are all there). */
function leavesOfNodes(count: number): number {
  let size = Math.floor(count / 2);
  while (nodesOfSize(size + 1) <= count) size += 1;
  return size;
}

/** At least 1, whole: a bad page size or limit must not turn into an unbounded or empty read. */
const positive = (n: number) => Math.max(1, Math.floor(n) || 1);

/** The audit log in the registry's SQLite file (table `audit_log`, migration 2). */
export function createSqliteAuditRepository(db: SqliteDatabase): AuditRepository {
  const last = db.prepare<[], Pick<AuditEntry, 'seq' | 'hash'>>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const lastFull = db.prepare<[], AuditRow>(`SELECT ${COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT 1`);
  const insert = db.prepare<[number, string, string, string, string, string, string, string, string, string]>(
    `INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const page = db.prepare<[number, number], AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`,
  );
  const byTarget = db.prepare<[string, string, number], AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE target_type = ? AND target_id = ? ORDER BY seq DESC LIMIT ?`,
  );

  const lastNode = db.prepare<[], { pos: number }>('SELECT pos FROM audit_tree ORDER BY pos DESC LIMIT 1');
  const getNodeAt = db.prepare<[number], { hash: Buffer }>('SELECT hash FROM audit_tree WHERE pos = ?');
  const putNodeAt = db.prepare<[number, Buffer]>(
    'INSERT OR REPLACE INTO audit_tree (pos, hash) VALUES (?, ?)',
  );
  const dropFrom = db.prepare<[number]>('DELETE FROM audit_tree WHERE pos >= ?');
  const getNode = (level: number, index: number) => getNodeAt.get(positionOf(level, index));
  const putNode = (level: number, index: number, hash: Buffer) =>
    putNodeAt.run(positionOf(level, index), hash);
  /** Drops every node of leaves from `size` on. */
  const dropNodesFrom = { run: (size: number) => dropFrom.run(nodesOfSize(size)) };
  const treeSizeNow = () => leavesOfNodes((lastNode.get()?.pos ?? -1) + 1);

  /**
   * The last node this connection wrote at each level: the left siblings the next append needs are among
   * them, so an append from the same connection reads none. Cleared whenever another writer came between.
   */
  const lastAtLevel: (NodeKey & { hash: Hash })[] = [];

  function sibling(key: NodeKey): Hash {
    const known = lastAtLevel[key.level];
    if (known && known.index === key.index) return known.hash;
    const row = getNode(key.level, key.index);
    if (!row) throw new Error(`audit tree: node ${key.level}/${key.index} is missing; the tree was damaged`);
    return row.hash;
  }

  function addLeaf(index: number, bytes: Buffer): void {
    for (const node of nodesOfAppend(index, leafHash(bytes), sibling)) {
      putNode(node.level, node.index, node.hash);
      lastAtLevel[node.level] = node;
    }
  }

  /**
   * Brings the tree to `size` leaves, inside the caller's transaction: leaves for entries written before
   * the tree existed are added from the entries; nodes beyond the log (its tail was cut in the database)
   * are dropped, so the tree never covers entries that are not there.
   */
  function reconcileTree(size: number): void {
    let have = treeSizeNow();
    if (have > size) {
      lastAtLevel.length = 0;
      dropNodesFrom.run(size);
      have = size;
    }
    while (have < size) {
      const rows = page.all(have, 1000);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.seq !== have + 1)
          throw new Error(`audit tree: entry ${have + 1} is missing; the log has a gap`);
        addLeaf(have, entryBytes(toStored(row)));
        have += 1;
      }
    }
  }
  const reconcileTx = db.transaction(reconcileTree);
  /** The seq of the last entry this connection appended (0: none yet). */
  let lastAppendedHere = 0;

  /** The tree caught up with the log, outside an append (reads run this first; usually two index reads). */
  function treeInStep(): number {
    const size = last.get()?.seq ?? 0;
    if (treeSizeNow() !== size) reconcileTx.immediate(size);
    return size;
  }

  // Read the head, chain after it and insert, all under the write lock: BEGIN IMMEDIATE takes it before the
  // read, so another connection (another process) appending at the same moment waits (busy_timeout) and
  // then chains after this entry. No fork, no gap; the seq primary key would refuse a fork anyway. The
  // entry's leaf and the tree nodes it completes are written in the same transaction.
  const appendTx = db.transaction((record: AuditRecord, change: string): AuditEntry => {
    const previous = last.get();
    const { entry, bytes } = chainEntryWithBytes(previous, record);
    // The tree must be in step with the log before the leaf goes on (one read at the end of its B-tree).
    if ((previous?.seq ?? 0) !== lastAppendedHere) lastAtLevel.length = 0;
    if (treeSizeNow() !== entry.seq - 1) {
      lastAtLevel.length = 0;
      reconcileTree(entry.seq - 1);
    }
    try {
      addLeaf(entry.seq - 1, bytes);
    } catch {
      // A node this append needs was removed by hand: rebuild the tree from the entries, then add the leaf.
      dropNodesFrom.run(0);
      lastAtLevel.length = 0;
      reconcileTree(entry.seq - 1);
      addLeaf(entry.seq - 1, bytes);
    }
    lastAppendedHere = entry.seq;
    insert.run(
      entry.seq,
      entry.at,
      JSON.stringify(entry.actor),
      entry.action,
      entry.target.type,
      entry.target.id,
      entry.digest,
      entry.prevHash,
      entry.hash,
      change,
    );
    return entry;
  });

  // Several entries under one write lock: each in a savepoint of its own (appendTx nested), so that the
  // lot is taken and released once.
  const appendManyTx = db.transaction((items: readonly { record: AuditRecord; change: string }[]) =>
    items.map(({ record, change }) => appendTx(record, change)),
  );

  /**
   * Runs an append transaction; when it rolls back, what this connection remembers of its last append
   * (the nodes it wrote, its seq) is forgotten: those nodes were never stored, and the seq could later be
   * reached by another writer's entries, whose nodes the remembered ones would then stand for.
   */
  function appending<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      lastAtLevel.length = 0;
      lastAppendedHere = 0;
      throw error;
    }
  }

  return {
    async append(record, change) {
      return appending(() => appendTx.immediate(record, changeText(change)));
    },

    async appendMany(items) {
      if (items.length === 0) return [];
      const texts = items.map(({ record, change }) => ({ record, change: changeText(change) }));
      return appending(() => appendManyTx.immediate(texts));
    },

    async treeSize() {
      return treeInStep();
    },

    async treeNodes(keys) {
      treeInStep();
      return keys.map((key) => getNode(key.level, key.index)?.hash);
    },

    async head() {
      const row = lastFull.get();
      if (!row) return undefined;
      const { change: _change, ...entry } = toStored(row);
      return entry;
    },

    async *entries(fromSeq, pageSize) {
      const size = positive(pageSize);
      // Keyset paging: each page is one short read, so a long walk neither holds a read transaction open
      // nor blocks appends, and entries appended meanwhile are simply reached at the end.
      let after = Number.isFinite(fromSeq) ? Math.floor(fromSeq) - 1 : 0;
      for (;;) {
        const rows = page.all(after, size);
        for (const row of rows) yield toStored(row);
        if (rows.length < size) return;
        after = (rows[rows.length - 1] as AuditRow).seq;
      }
    },

    async forTarget(type, id, limit) {
      return byTarget.all(type, id, positive(limit)).map(toStored);
    },
  };
}
