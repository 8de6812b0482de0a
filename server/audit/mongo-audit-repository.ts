import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { AuditRepository, StoredAuditEntry } from './audit-repository';
import {
  chainEntry,
  changeText,
  parseStoredJson,
  type Actor,
  type AuditEntry,
  type AuditRecord,
} from './audit-schema';
import { entryBytes, leafHash, nodesOfAppend, siblingsOfAppend, type Hash, type StoredNode } from './merkle';

/** An audit entry as stored in MongoDB. */
export interface AuditDoc extends AuditEntry {
  _id: Types.ObjectId;
  /**
   * The change as its canonical JSON text, the exact text its digest was taken over. Text, not a
   * sub-document: BSON would reshape some values (undefined members, -0, keys with `$` or `.`), and the
   * digest of a change must come out the same when it is read back.
   */
  change: string;
}

/** How often an append is retried after another instance took the seq it chained to. */
export const MAX_APPEND_ATTEMPTS = 30;

// `_id: false, id: false`: the actor's own `id` field must not be shadowed by mongoose's `id` virtual.
const subOptions = { _id: false, id: false, strict: 'throw' } as const;

const auditSchema = new Schema<AuditDoc>(
  {
    seq: { type: Number, required: true },
    at: { type: String, required: true },
    actor: new Schema(
      { type: { type: String, required: true }, id: String, role: String, bodyCode: String },
      subOptions,
    ),
    action: { type: String, required: true },
    target: new Schema(
      { type: { type: String, required: true }, id: { type: String, required: true } },
      subOptions,
    ),
    digest: { type: String, required: true },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
    change: { type: String, required: true },
  },
  {
    collection: 'audit_log',
    versionKey: false,
    strict: 'throw',
    id: false,
    // An entry once acknowledged must survive a failover: a rolled-back entry would let the chain be
    // re-extended differently after its head was published.
    writeConcern: { w: 'majority', journal: true },
  },
);
// One entry per position: two instances that chained to the same head cannot both insert.
auditSchema.index({ seq: 1 }, { unique: true });
// One successor per entry: even two appends that read different heads cannot both chain to one entry.
auditSchema.index({ prevHash: 1 }, { unique: true });
auditSchema.index({ 'target.type': 1, 'target.id': 1, seq: -1 });

/** A stored node of the audit log's Merkle tree (see ./merkle.ts). */
interface TreeNodeDoc {
  level: number;
  idx: number;
  hash: Buffer;
}

const treeSchema = new Schema<TreeNodeDoc>(
  {
    level: { type: Number, required: true },
    idx: { type: Number, required: true },
    hash: { type: Buffer, required: true },
  },
  {
    collection: 'audit_tree',
    versionKey: false,
    strict: 'throw',
    id: false,
    writeConcern: { w: 'majority', journal: true },
  },
);
treeSchema.index({ level: 1, idx: 1 }, { unique: true });

function treeModel(conn: Connection): Model<TreeNodeDoc> {
  const existing = conn.models.AuditTreeNode as Model<TreeNodeDoc> | undefined;
  return existing ?? conn.model<TreeNodeDoc>('AuditTreeNode', treeSchema);
}

/** A lean read gives BSON Binary for a Buffer field; the rest of the code wants a Buffer. */
function bufferOf(value: unknown): Buffer | undefined {
  if (value === undefined || value === null) return undefined;
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer?: Uint8Array; value?: () => Uint8Array };
  if (binary.buffer instanceof Uint8Array) return Buffer.from(binary.buffer);
  return undefined;
}

/** The audit log model on this connection (compiled once per connection). */
export function auditModel(conn: Connection): Model<AuditDoc> {
  const existing = conn.models.AuditEntry as Model<AuditDoc> | undefined;
  return existing ?? conn.model<AuditDoc>('AuditEntry', auditSchema);
}

function isDuplicateKeyError(err: unknown): boolean {
  return err instanceof mongoose.mongo.MongoServerError && err.code === 11000;
}

/** The one place a stored document becomes a plain entry. */
function toStored(doc: AuditDoc): StoredAuditEntry {
  return {
    seq: doc.seq,
    at: doc.at,
    // A lean document carries exactly the stored fields: no undefined members that would change the hash.
    actor: doc.actor as Actor,
    action: doc.action,
    target: { type: doc.target?.type, id: doc.target?.id },
    digest: doc.digest,
    prevHash: doc.prevHash,
    hash: doc.hash,
    // A change removed by hand reads as absent: `null` then fails its digest (unless it was null).
    change: typeof doc.change === 'string' ? parseStoredJson(doc.change) : (doc.change ?? null),
  };
}

const positive = (n: number) => Math.max(1, Math.floor(n) || 1);

/** Full jitter, doubling from 2 ms up to 200 ms: racing instances spread out instead of colliding again. */
const backoffMs = (attempt: number) => Math.random() * Math.min(200, 2 * 2 ** attempt);

/** The audit log in MongoDB (mongoose model, lean reads; plain objects in and out). */
export function createMongoAuditRepository(conn: Connection): AuditRepository {
  const Audit = auditModel(conn);
  const Tree = treeModel(conn);

  async function leafCount(): Promise<number> {
    const doc = await Tree.findOne({ level: 0 }).sort({ idx: -1 }).select({ idx: 1 }).lean<{ idx: number }>();
    return doc ? doc.idx + 1 : 0;
  }

  /**
   * Adds the leaves of entries `have + 1 .. size` and the perfect nodes they complete. Nodes are a function
   * of the entries, so instances extending at once write the same nodes: upserts, and a duplicate-key race
   * between two of them is harmless. There is no transaction across the entry and its nodes (the wire
   * server and a single node have none): a crash between them leaves the tree behind, and the next append
   * or read catches it up.
   */
  async function extendTree(size: number): Promise<void> {
    let have = await leafCount();
    while (have < size) {
      // Only committed entries become leaves, like the head an append chains onto (see lastEntry).
      const docs = await Audit.find({ seq: { $gt: have, $lte: size } })
        .sort({ seq: 1 })
        .limit(1000)
        .read('primary')
        .readConcern('majority')
        .lean<AuditDoc[]>();
      if (docs.length === 0) return;
      const written = new Map<string, Hash>();
      const nodes: StoredNode[] = [];
      for (const doc of docs) {
        if (doc.seq !== have + 1)
          throw new Error(`audit tree: entry ${have + 1} is missing; the log has a gap`);
        const needed = siblingsOfAppend(have).filter((k) => !written.has(`${k.level}:${k.index}`));
        const found = await readNodes(needed);
        needed.forEach((k, i) => {
          const hash = found[i];
          if (!hash)
            throw new Error(`audit tree: node ${k.level}/${k.index} is missing; the tree was damaged`);
          written.set(`${k.level}:${k.index}`, hash);
        });
        const { change: _change, ...entry } = toStored(doc);
        for (const node of nodesOfAppend(
          have,
          leafHash(entryBytes(entry)),
          (k) => written.get(`${k.level}:${k.index}`) as Hash,
        )) {
          written.set(`${node.level}:${node.index}`, node.hash);
          nodes.push(node);
        }
        have += 1;
      }
      try {
        await Tree.bulkWrite(
          nodes.map((n) => ({
            updateOne: {
              filter: { level: n.level, idx: n.index },
              update: { $set: { hash: n.hash } },
              upsert: true,
            },
          })),
          { ordered: false },
        );
      } catch (err) {
        // Another instance upserted the same node first: it wrote the same hash.
        if (
          !isDuplicateKeyError(err) &&
          !(err instanceof mongoose.mongo.MongoBulkWriteError && err.code === 11000)
        )
          throw err;
      }
    }
  }

  async function readNodes(keys: { level: number; index: number }[]): Promise<(Hash | undefined)[]> {
    if (keys.length === 0) return [];
    const docs = await Tree.find({ $or: keys.map((k) => ({ level: k.level, idx: k.index })) }).lean<
      TreeNodeDoc[]
    >();
    const byKey = new Map(docs.map((d) => [`${d.level}:${d.idx}`, bufferOf(d.hash)]));
    return keys.map((k) => byKey.get(`${k.level}:${k.index}`));
  }

  /** The tree caught up with the log (usually two index reads). */
  async function treeInStep(): Promise<number> {
    const size = (await lastEntry())?.seq ?? 0;
    if ((await leafCount()) < size) await extendTree(size);
    return size;
  }

  // Majority, from the primary, as the appends are written: after a failover a head read with the default
  // read concern could be an entry about to be rolled back, and a new entry chained onto it would be lost
  // with it (or fork the published chain).
  async function lastEntry(): Promise<AuditDoc | undefined> {
    const doc = await Audit.findOne()
      .sort({ seq: -1 })
      .read('primary')
      .readConcern('majority')
      .lean<AuditDoc>();
    return doc ?? undefined;
  }

  // Appends of this instance run one at a time: without this, N concurrent appends would all chain to the
  // same head and N-1 of them retry, N^2 writes in all. Only other instances can still collide.
  let queue: Promise<unknown> = Promise.resolve();
  function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  function append(record: AuditRecord, change: unknown): Promise<AuditEntry> {
    const text = changeText(change);
    return oneAtATime(async () => {
      for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt += 1) {
        const entry = chainEntry(await lastEntry(), record);
        try {
          await Audit.create({ ...entry, change: text });
        } catch (err) {
          // Another instance appended at this seq first: chain after its entry instead.
          if (!isDuplicateKeyError(err)) throw err;
          await sleep(backoffMs(attempt));
          continue;
        }
        await extendTree(entry.seq);
        return entry;
      }
      throw new Error(
        `audit log: append gave up after ${MAX_APPEND_ATTEMPTS} attempts (constant contention)`,
      );
    });
  }

  return {
    append,

    async appendMany(items) {
      // One after another: each chains onto the one before (this instance's appends queue up anyway).
      const entries: AuditEntry[] = [];
      for (const { record, change } of items) entries.push(await append(record, change));
      return entries;
    },

    treeSize: treeInStep,

    async treeNodes(keys) {
      await treeInStep();
      return readNodes(keys);
    },

    async head() {
      const doc = await lastEntry();
      if (!doc) return undefined;
      const { change: _change, ...entry } = toStored(doc);
      return entry;
    },

    async *entries(fromSeq, pageSize) {
      const size = positive(pageSize);
      let after = Number.isFinite(fromSeq) ? Math.floor(fromSeq) - 1 : 0;
      for (;;) {
        const docs = await Audit.find({ seq: { $gt: after } })
          .sort({ seq: 1 })
          .limit(size)
          .lean<AuditDoc[]>();
        for (const doc of docs) yield toStored(doc);
        if (docs.length < size) return;
        after = (docs[docs.length - 1] as AuditDoc).seq;
      }
    },

    async forTarget(type, id, limit) {
      const docs = await Audit.find({ 'target.type': type, 'target.id': id })
        .sort({ seq: -1 })
        .limit(positive(limit))
        .lean<AuditDoc[]>();
      return docs.map(toStored);
    },
  };
}
