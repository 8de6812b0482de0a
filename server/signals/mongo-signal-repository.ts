import mongoose, { Schema, type Connection, type Model, type QueryFilter, type UpdateQuery } from 'mongoose';
import type { SignalFilter, SignalRepository } from './signal-repository';
import {
  SIGNAL_SEVERITIES,
  SIGNAL_STATES,
  SIGNAL_SUBJECT_KINDS,
  signalDraftSchema,
  signalSchema,
  type Signal,
} from './signal-schema';

/** A signal as stored: its own id is the document key. */
interface SignalDoc extends Omit<Signal, 'id'> {
  _id: string;
}

// `strict: 'throw'` as in the other adapters: a field added to the signal but not here fails loudly.
const sub = { _id: false, id: false, strict: 'throw' } as const;

const mongoSignalSchema = new Schema<SignalDoc>(
  {
    _id: { type: String, required: true },
    ruleId: { type: String, required: true },
    severity: { type: String, enum: SIGNAL_SEVERITIES, required: true },
    subject: {
      type: new Schema(
        { kind: { type: String, enum: SIGNAL_SUBJECT_KINDS, required: true }, key: String, label: String },
        sub,
      ),
      required: true,
    },
    dedupKey: { type: String, required: true },
    summary: { type: String, required: true },
    // A rule's facts, whatever their shape: kept as given.
    evidence: { type: Schema.Types.Mixed, required: true },
    certificatePublicIds: { type: [String], default: [] },
    bodyCode: String,
    state: { type: String, enum: SIGNAL_STATES, required: true },
    caseId: String,
    // ISO strings, as in the SQLite adapter: they sort as text in time order and round-trip unchanged.
    firstRaisedAt: { type: String, required: true },
    lastRaisedAt: { type: String, required: true },
    occurrences: { type: Number, required: true },
  },
  { collection: 'signals', versionKey: false, strict: 'throw', id: false, minimize: false },
);
mongoSignalSchema.index({ dedupKey: 1 }, { unique: true });
// The queue's order, alone and after each filter.
mongoSignalSchema.index({ lastRaisedAt: -1, _id: -1 });
for (const field of ['state', 'ruleId', 'severity', 'bodyCode', 'certificatePublicIds']) {
  mongoSignalSchema.index({ [field]: 1, lastRaisedAt: -1, _id: -1 });
}
// A subject's open signals (credit levels).
mongoSignalSchema.index({ 'subject.kind': 1, 'subject.key': 1, state: 1 });
mongoSignalSchema.index({ bodyCode: 1, state: 1 });

/** The Signal model on this connection (compiled once per connection). */
export function signalModel(conn: Connection): Model<SignalDoc> {
  const existing = conn.models.Signal as Model<SignalDoc> | undefined;
  return existing ?? conn.model<SignalDoc>('Signal', mongoSignalSchema);
}

/** The one place a stored document becomes a plain Signal (checked as the SQLite adapter does). */
function toSignal(doc: SignalDoc): Signal {
  const { _id, ...rest } = doc;
  return signalSchema.parse({ ...rest, id: _id });
}

function queryOf(filter: SignalFilter): QueryFilter<SignalDoc> {
  const query: QueryFilter<SignalDoc> = {};
  if (filter.ruleId !== undefined) query.ruleId = filter.ruleId;
  if (filter.severity !== undefined) query.severity = filter.severity;
  if (filter.state !== undefined) query.state = filter.state;
  if (filter.bodyCode !== undefined) query.bodyCode = filter.bodyCode;
  if (filter.certificatePublicId !== undefined) query.certificatePublicIds = filter.certificatePublicId;
  if (filter.since !== undefined) query.lastRaisedAt = { $gte: filter.since };
  return query;
}

/** A write refused by the unique dedup key: another instance created the same signal first. */
function isDuplicateKeyError(err: unknown): boolean {
  return err instanceof mongoose.mongo.MongoServerError && err.code === 11000;
}

/** Risk signals in MongoDB (mongoose model; plain objects in and out). */
export function createMongoSignalRepository(conn: Connection): SignalRepository {
  const Signals = signalModel(conn);

  return {
    async raise(drafts, at) {
      const outcomes: Array<{ key: string; created: boolean }> = [];
      for (const { id, draft } of drafts) {
        // A JSON round trip drops undefined members (as the SQLite adapter's JSON column does).
        const parsed = JSON.parse(JSON.stringify(signalDraftSchema.parse(draft))) as typeof draft;
        const update: UpdateQuery<SignalDoc> = {
          $set: { ...parsed, lastRaisedAt: at },
          $setOnInsert: { _id: id, state: 'open', firstRaisedAt: at },
          $inc: { occurrences: 1 },
          ...(parsed.bodyCode === undefined ? { $unset: { bodyCode: 1 } } : {}),
        };
        // One atomic upsert per key; a concurrent insert of the same key loses to the unique index once,
        // and the retry then updates the winner's signal.
        const upsert = () => Signals.updateOne({ dedupKey: parsed.dedupKey }, update, { upsert: true });
        const result = await upsert().catch((err: unknown) => {
          if (isDuplicateKeyError(err)) return upsert();
          throw err;
        });
        outcomes.push({ key: parsed.dedupKey, created: result.upsertedCount > 0 });
      }
      const keys = [...new Set(outcomes.map((o) => o.key))];
      const stored = new Map(
        (await Signals.find({ dedupKey: { $in: keys } }).lean<SignalDoc[]>()).map((d) => [
          d.dedupKey,
          toSignal(d),
        ]),
      );
      return outcomes.map(({ key, created }) => ({ signal: stored.get(key) as Signal, created }));
    },

    async findDedupKeys(keys) {
      if (keys.length === 0) return [];
      const docs = await Signals.find(
        { dedupKey: { $in: [...new Set(keys)] } },
        { _id: 0, dedupKey: 1 },
      ).lean<Pick<SignalDoc, 'dedupKey'>[]>();
      return docs.map((d) => d.dedupKey);
    },

    async findById(id) {
      const doc = await Signals.findById(id).lean<SignalDoc>();
      return doc ? toSignal(doc) : undefined;
    },

    async list(filter, page) {
      const query = queryOf(filter);
      const [docs, total] = await Promise.all([
        Signals.find(query)
          .sort({ lastRaisedAt: -1, _id: -1 })
          .skip(page.offset)
          .limit(page.limit)
          .lean<SignalDoc[]>(),
        Signals.countDocuments(query),
      ]);
      return { items: docs.map(toSignal), total };
    },

    async findOpenConcerning({ creditCodes, bodyCodes }) {
      if (creditCodes.length === 0 && bodyCodes.length === 0) return [];
      const docs = await Signals.find({
        state: 'open',
        $or: [
          { 'subject.kind': 'organisation', 'subject.key': { $in: [...creditCodes] } },
          { bodyCode: { $in: [...bodyCodes] } },
        ],
      }).lean<SignalDoc[]>();
      return docs.map(toSignal);
    },

    async setState(ids, state, caseId, onlyFrom) {
      const update: UpdateQuery<SignalDoc> =
        state === 'in-case' && caseId !== undefined
          ? { $set: { state, caseId } }
          : { $set: { state }, $unset: { caseId: 1 } };
      const moved: Signal[] = [];
      for (const id of new Set(ids)) {
        // One compare-and-set per signal: the state it is in is checked in the same write.
        const filter: QueryFilter<SignalDoc> = onlyFrom
          ? { _id: id, state: { $in: [...onlyFrom] } }
          : { _id: id };
        const doc = await Signals.findOneAndUpdate(filter, update, {
          returnDocument: 'after',
        }).lean<SignalDoc>();
        if (doc) moved.push(toSignal(doc));
      }
      return moved;
    },
  };
}
