import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { DishonestyRepository } from './dishonesty-repository';
import {
  RECORD_STATES,
  REPAIR_OUTCOMES,
  SEVERITIES,
  SUBJECT_KINDS,
  dishonestyRecordSchema,
  repairSchema,
  type DishonestyRecord,
  type Repair,
} from './dishonesty-schema';

/** A record as stored: its own id is the document key. */
interface RecordDoc extends Omit<DishonestyRecord, 'id'> {
  _id: string;
}

/** A repair as stored; `open` is present (true) exactly while it awaits its decision. */
interface RepairDoc extends Omit<Repair, 'id'> {
  _id: string;
  open?: true;
}

// `strict: 'throw'` and `_id: false` as in the other adapters: a field added to the record but not here
// fails loudly on the first write, and sub-documents carry no ids of their own.
const sub = { _id: false, id: false, strict: 'throw' } as const;

const recordSchema = new Schema<RecordDoc>(
  {
    _id: { type: String, required: true },
    subject: {
      type: new Schema(
        {
          kind: { type: String, enum: SUBJECT_KINDS, required: true },
          name: { type: String, required: true },
          creditCode: String,
          bodyCode: String,
          registrationNumber: String,
        },
        sub,
      ),
      required: true,
    },
    severity: { type: String, enum: SEVERITIES, required: true },
    basis: { type: String, required: true },
    caseRef: String,
    facts: { type: String, required: true },
    // ISO strings, as in the SQLite adapter: they sort as text in time order and round-trip unchanged.
    startDate: { type: String, required: true },
    earliestRepairDate: { type: String, required: true },
    state: { type: String, enum: RECORD_STATES, required: true },
    supersededBy: new Schema({ repairId: String, decidedAt: String }, sub),
    createdAt: { type: String, required: true },
    createdBy: { type: String, required: true },
  },
  { collection: 'dishonesty_records', versionKey: false, strict: 'throw', id: false },
);
recordSchema.index({ 'subject.kind': 1, 'subject.creditCode': 1, state: 1 });
recordSchema.index({ 'subject.bodyCode': 1, state: 1 });
// An auditor's records (the auditor's public page); only auditor subjects carry a registration number.
recordSchema.index({ 'subject.registrationNumber': 1, state: 1 }, { sparse: true });
recordSchema.index({ state: 1, startDate: -1, createdAt: -1, _id: -1 });
recordSchema.index({ state: 1, 'subject.kind': 1, startDate: -1, createdAt: -1, _id: -1 });

const repairMongoSchema = new Schema<RepairDoc>(
  {
    _id: { type: String, required: true },
    recordId: { type: String, required: true },
    statement: { type: String, required: true },
    requestedAt: { type: String, required: true },
    requestedBy: { type: String, required: true },
    noticeStartDate: { type: String, required: true },
    noticeEndDate: { type: String, required: true },
    decision: new Schema(
      {
        outcome: { type: String, enum: REPAIR_OUTCOMES, required: true },
        reason: { type: String, required: true },
        decidedAt: { type: String, required: true },
        decidedBy: { type: String, required: true },
      },
      sub,
    ),
    open: Boolean,
  },
  { collection: 'dishonesty_repairs', versionKey: false, strict: 'throw', id: false },
);
repairMongoSchema.index({ recordId: 1, requestedAt: 1 });
// At most one repair per record awaits its decision (a partial index: `$exists: false` cannot be one).
repairMongoSchema.index({ recordId: 1 }, { unique: true, partialFilterExpression: { open: true } });

/** `value` as a literal in a regular expression. */
function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function dishonestyModels(conn: Connection): { Records: Model<RecordDoc>; Repairs: Model<RepairDoc> } {
  const Records =
    (conn.models.DishonestyRecord as Model<RecordDoc> | undefined) ??
    conn.model<RecordDoc>('DishonestyRecord', recordSchema);
  const Repairs =
    (conn.models.DishonestyRepair as Model<RepairDoc> | undefined) ??
    conn.model<RepairDoc>('DishonestyRepair', repairMongoSchema);
  return { Records, Repairs };
}

function isDuplicateKeyError(err: unknown): boolean {
  return err instanceof mongoose.mongo.MongoServerError && err.code === 11000;
}

/** The one place a stored document becomes a plain record (checked, as the SQLite adapter does). */
function toRecord(doc: RecordDoc): DishonestyRecord {
  const { _id, ...rest } = doc;
  return dishonestyRecordSchema.parse({ id: _id, ...rest });
}

function toRepair(doc: RepairDoc): Repair {
  const { _id, open: _open, ...rest } = doc;
  return repairSchema.parse({ id: _id, ...rest });
}

/** A JSON round trip drops undefined members, which the driver would otherwise store as null. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const NEWEST_FIRST = { startDate: -1, createdAt: -1, _id: -1 } as const;

/**
 * Dishonesty records and repairs in MongoDB. The record's own fields are never in any update. Deciding
 * is two conditional writes (the decision, then the record's state), not a transaction: should the
 * process stop between them, the next attempt to decide that repair completes the record's move
 * (and still answers undefined, the repair being decided).
 */
export function createMongoDishonestyRepository(conn: Connection): DishonestyRepository {
  const { Records, Repairs } = dishonestyModels(conn);

  return {
    async create(record) {
      const { id, ...rest } = plain(record);
      await Records.create({ _id: id, ...rest });
      return plain(record);
    },

    async findById(id) {
      const doc = await Records.findById(id).lean<RecordDoc>();
      return doc ? toRecord(doc) : undefined;
    },

    async listListed({ kind, match, offset, limit }) {
      const filter: Record<string, unknown> =
        kind === undefined
          ? { state: 'listed' as const }
          : { state: 'listed' as const, 'subject.kind': kind };
      if (match && 'creditCode' in match) {
        // Only organisations carry a credit code: the (kind, credit code, state) index.
        if (kind !== undefined && kind !== 'organisation') return { items: [], total: 0 };
        Object.assign(filter, { 'subject.kind': 'organisation', 'subject.creditCode': match.creditCode });
      } else if (match) {
        // Checked on the listed records (the public list), as the SQLite adapter does.
        filter['subject.name'] = { $regex: escapeRegExp(match.name), $options: 'i' };
      }
      const [docs, total] = await Promise.all([
        Records.find(filter).sort(NEWEST_FIRST).skip(offset).limit(limit).lean<RecordDoc[]>(),
        Records.countDocuments(filter),
      ]);
      return { items: docs.map(toRecord), total };
    },

    async findListedConcerning({ creditCodes, bodyCodes }) {
      if (creditCodes.length === 0 && bodyCodes.length === 0) return [];
      const docs = await Records.find({
        state: 'listed',
        $or: [
          { 'subject.kind': 'organisation', 'subject.creditCode': { $in: [...creditCodes] } },
          { 'subject.bodyCode': { $in: [...bodyCodes] } },
        ],
      }).lean<RecordDoc[]>();
      return docs.map(toRecord);
    },

    async findListedAboutAuditor(registrationNumber) {
      const docs = await Records.find({
        'subject.registrationNumber': registrationNumber,
        'subject.kind': 'auditor',
        state: 'listed',
      })
        .sort(NEWEST_FIRST)
        .lean<RecordDoc[]>();
      return docs.map(toRecord);
    },

    async createRepair(repair) {
      const { id, decision: _d, ...rest } = plain(repair);
      if (!(await Records.exists({ _id: repair.recordId }))) {
        throw new Error(`no dishonesty record ${repair.recordId}`);
      }
      try {
        await Repairs.create({ _id: id, ...rest, open: true });
      } catch (err) {
        // The partial index refuses a second open repair; a taken repair id must still fail loudly.
        if (isDuplicateKeyError(err) && !(await Repairs.exists({ _id: id }))) return undefined;
        throw err;
      }
      return { id, ...rest };
    },

    async listRepairs(recordId) {
      const docs = await Repairs.find({ recordId }).sort({ requestedAt: 1, _id: 1 }).lean<RepairDoc[]>();
      return docs.map(toRepair);
    },

    async findOpenRepairs(recordIds) {
      if (recordIds.length === 0) return [];
      const docs = await Repairs.find({ recordId: { $in: [...recordIds] }, open: true }).lean<RepairDoc[]>();
      return docs.map(toRepair);
    },

    async decideRepair(recordId, repairId, decision) {
      const decided = await Repairs.findOneAndUpdate(
        { _id: repairId, recordId, open: true },
        { $set: { decision: plain(decision) }, $unset: { open: 1 } },
        { returnDocument: 'after' },
      ).lean<RepairDoc>();
      const supersede = (decidedAt: string) =>
        Records.updateOne(
          { _id: recordId, state: 'listed' },
          { $set: { state: 'repaired', supersededBy: { repairId, decidedAt } } },
        );
      if (!decided) {
        const earlier = await Repairs.findOne({ _id: repairId, recordId }).lean<RepairDoc>();
        if (earlier?.decision?.outcome === 'approved') await supersede(earlier.decision.decidedAt);
        return undefined;
      }
      if (decision.outcome === 'approved') await supersede(decision.decidedAt);
      const record = await Records.findById(recordId).lean<RecordDoc>();
      return record ? { record: toRecord(record), repair: toRepair(decided) } : undefined;
    },
  };
}
