import { Schema, type Connection, type Model } from 'mongoose';
import type { CaseRepository } from './case-repository';
import {
  CASE_STATES,
  ORDERED_STATUSES,
  OUTCOMES,
  caseEventSchema,
  caseRecordSchema,
  type Case,
  type CaseEvent,
  type CaseRecord,
} from './case-schema';

/** A case as stored: its id is the document key, its events inside it (appended with `$push`). */
interface CaseDoc extends Omit<CaseRecord, 'id'> {
  _id: string;
  events: CaseEvent[];
}

// `strict: 'throw'` and `_id: false` as in the other adapters: a field added to the case but not here
// fails loudly on the first write, and sub-documents carry no ids of their own.
const sub = { _id: false, id: false, strict: 'throw' } as const;

const decisionMongoSchema = new Schema(
  {
    outcome: { type: String, enum: OUTCOMES, required: true },
    basis: String,
    facts: { type: String, required: true },
    decidedAt: { type: String, required: true },
    decidedBy: { type: String, required: true },
    statusChange: new Schema(
      {
        publicId: { type: String, required: true },
        status: { type: String, enum: ORDERED_STATUSES, required: true },
        reason: { type: String, required: true },
        date: { type: String, required: true },
      },
      sub,
    ),
    recordIds: { type: [String], default: undefined },
  },
  sub,
);

const caseMongoSchema = new Schema<CaseDoc>(
  {
    _id: { type: String, required: true },
    reference: { type: String, required: true },
    title: { type: String, required: true },
    summary: String,
    state: { type: String, enum: CASE_STATES, required: true },
    assignee: String,
    publicIds: { type: [String], default: undefined },
    tipIds: { type: [String], default: undefined },
    signalIds: { type: [String], default: undefined },
    flagIds: { type: [String], default: undefined },
    decision: decisionMongoSchema,
    // ISO strings, as in the SQLite adapter: they sort as text in time order and round-trip unchanged.
    createdAt: { type: String, required: true },
    createdBy: { type: String, required: true },
    updatedAt: { type: String, required: true },
    version: { type: Number, required: true },
    // An array only ever $pushed to; one shape per action (a discriminated union), so Mixed: each event
    // is checked by caseEventSchema on the way out.
    events: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'cases', versionKey: false, strict: 'throw', id: false },
);
caseMongoSchema.index({ reference: 1 }, { unique: true });
caseMongoSchema.index({ createdAt: -1, _id: -1 });
caseMongoSchema.index({ state: 1, createdAt: -1, _id: -1 });
caseMongoSchema.index({ assignee: 1, createdAt: -1, _id: -1 });
caseMongoSchema.index({ assignee: 1, state: 1, createdAt: -1, _id: -1 });

export function caseModel(conn: Connection): Model<CaseDoc> {
  return (conn.models.Case as Model<CaseDoc> | undefined) ?? conn.model<CaseDoc>('Case', caseMongoSchema);
}

/** The one place a stored document becomes a plain case (checked, as the SQLite adapter does). */
function toCase(doc: CaseDoc): Case {
  const { _id, events, ...rest } = doc;
  return {
    ...caseRecordSchema.parse({ id: _id, ...rest }),
    events: events.map((e) => caseEventSchema.parse(e)),
  };
}

/** A JSON round trip drops undefined members, which the driver would otherwise store as null. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The optional members of a case: a replacement without one removes it. */
const OPTIONAL = ['summary', 'assignee', 'decision'] as const;

/** Cases in MongoDB (`cases`, events inside each case): a change and its event are one atomic update. */
export function createMongoCaseRepository(conn: Connection): CaseRepository {
  const Cases = caseModel(conn);

  return {
    async create(record, event) {
      const { id, ...rest } = plain(record);
      await Cases.create({ _id: id, ...rest, events: [plain(event)] });
      return plain({ ...record, events: [event] });
    },

    async findById(id) {
      const doc = await Cases.findById(id).lean<CaseDoc>();
      return doc ? toCase(doc) : undefined;
    },

    async list({ state, assignee }, { offset, limit }) {
      const filter = {
        ...(state === undefined ? {} : { state }),
        ...(assignee === undefined ? {} : { assignee }),
      };
      const [docs, total] = await Promise.all([
        Cases.find(filter).sort({ createdAt: -1, _id: -1 }).skip(offset).limit(limit).lean<CaseDoc[]>(),
        Cases.countDocuments(filter),
      ]);
      return { items: docs.map(toCase), total };
    },

    async update(record, event) {
      const { id, ...rest } = plain(record);
      const absent = OPTIONAL.filter((key) => rest[key] === undefined);
      const doc = await Cases.findOneAndUpdate(
        { _id: id, state: 'open', version: record.version - 1 },
        {
          $set: rest,
          $push: { events: plain(event) },
          ...(absent.length > 0 ? { $unset: Object.fromEntries(absent.map((key) => [key, 1])) } : {}),
        },
        { returnDocument: 'after' },
      ).lean<CaseDoc>();
      return doc ? toCase(doc) : undefined;
    },
  };
}
