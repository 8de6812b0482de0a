import { Schema, type Connection, type Model } from 'mongoose';
import type { FlagRepository } from './flag-repository';
import { FLAG_STATES, flagSchema, type Flag } from './flag-schema';

/** A flag as stored: its id is the document key. */
interface FlagDoc extends Omit<Flag, 'id'> {
  _id: string;
}

// `strict: 'throw'`: a field added to the flag but not here fails loudly on the first write.
const flagMongoSchema = new Schema<FlagDoc>(
  {
    _id: { type: String, required: true },
    publicId: { type: String, required: true },
    reason: { type: String, required: true },
    createdBy: { type: String, required: true },
    // ISO strings, as in the SQLite adapter: they sort as text in time order and round-trip unchanged.
    createdAt: { type: String, required: true },
    state: { type: String, enum: FLAG_STATES, required: true },
    caseId: String,
  },
  { collection: 'flags', versionKey: false, strict: 'throw', id: false },
);
flagMongoSchema.index({ createdAt: -1, _id: -1 });
flagMongoSchema.index({ state: 1, createdAt: -1, _id: -1 });
flagMongoSchema.index({ publicId: 1 });

export function flagModel(conn: Connection): Model<FlagDoc> {
  return (conn.models.Flag as Model<FlagDoc> | undefined) ?? conn.model<FlagDoc>('Flag', flagMongoSchema);
}

/** The one place a stored document becomes a plain flag (checked, as the SQLite adapter does). */
function toFlag(doc: FlagDoc): Flag {
  const { _id, ...rest } = doc;
  return flagSchema.parse({ id: _id, ...rest });
}

/** A JSON round trip drops undefined members, which the driver would otherwise store as null. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;

/** Flags in MongoDB (`flags`): plain objects in and out. */
export function createMongoFlagRepository(conn: Connection): FlagRepository {
  const Flags = flagModel(conn);

  return {
    async create(flag) {
      const { id, ...rest } = plain(flag);
      await Flags.create({ _id: id, ...rest });
      return flagSchema.parse(plain(flag));
    },

    async findById(id) {
      const doc = await Flags.findById(id).lean<FlagDoc>();
      return doc ? toFlag(doc) : undefined;
    },

    async list({ state }, { offset, limit }) {
      const filter = state === undefined ? {} : { state };
      const [docs, total] = await Promise.all([
        Flags.find(filter).sort(NEWEST_FIRST).skip(offset).limit(limit).lean<FlagDoc[]>(),
        Flags.countDocuments(filter),
      ]);
      return { items: docs.map(toFlag), total };
    },

    async setState(ids, state, caseId) {
      if (ids.length === 0) return [];
      const filter = { _id: { $in: [...ids] } };
      await Flags.updateMany(
        filter,
        state === 'in-case' && caseId !== undefined
          ? { $set: { state, caseId } }
          : { $set: { state }, $unset: { caseId: 1 } },
      );
      const docs = await Flags.find(filter).lean<FlagDoc[]>();
      return docs.map(toFlag);
    },
  };
}
