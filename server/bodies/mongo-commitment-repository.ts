import mongoose, { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { CommitmentRepository } from './commitment-repository';
import { commitmentSchema, type Commitment } from './commitment-schema';

interface CommitmentDoc extends Commitment {
  _id: Types.ObjectId;
}

const mongoCommitmentSchema = new Schema<CommitmentDoc>(
  {
    bodyCode: { type: String, required: true },
    version: { type: Number, required: true },
    text: { type: String, required: true },
    dated: { type: String, required: true },
    submittedAt: { type: String, required: true },
  },
  { collection: 'body_commitments', versionKey: false, strict: 'throw', id: false },
);
// One document per body and version: the unique index is what refuses a racing duplicate.
mongoCommitmentSchema.index({ bodyCode: 1, version: -1 }, { unique: true });

function commitmentModel(conn: Connection): Model<CommitmentDoc> {
  const existing = conn.models.BodyCommitment as Model<CommitmentDoc> | undefined;
  return existing ?? conn.model<CommitmentDoc>('BodyCommitment', mongoCommitmentSchema);
}

function toCommitment(doc: CommitmentDoc): Commitment {
  const { _id, ...commitment } = doc;
  return commitmentSchema.parse(commitment);
}

/** Commitments in MongoDB (mongoose model; plain objects in and out). */
export function createMongoCommitmentRepository(conn: Connection): CommitmentRepository {
  const Commitments = commitmentModel(conn);
  return {
    async add(commitment) {
      try {
        await Commitments.create({ ...commitment });
      } catch (err) {
        if (err instanceof mongoose.mongo.MongoServerError && err.code === 11000) return undefined;
        throw err;
      }
      return commitment;
    },
    async latest(bodyCode) {
      const doc = await Commitments.findOne({ bodyCode }).sort({ version: -1 }).lean<CommitmentDoc>();
      return doc ? toCommitment(doc) : undefined;
    },
    async history(bodyCode, limit) {
      const docs = await Commitments.find({ bodyCode })
        .sort({ version: -1 })
        .limit(limit)
        .lean<CommitmentDoc[]>();
      return docs.map(toCommitment);
    },
  };
}
