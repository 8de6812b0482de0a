import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { APPROVAL_STATUSES, bodySchema, type Body } from './body-schema';
import type { BodyRepository } from './body-repository';

/** A certifying body as stored in MongoDB. */
export interface BodyDoc extends Body {
  _id: Types.ObjectId;
}

/** One change of approval, as stored in the body's history. */
const approvalChangeSchema = new Schema(
  {
    status: { type: String, enum: APPROVAL_STATUSES, required: true },
    from: { type: String, required: true },
    recordedAt: String,
  },
  { _id: false, strict: 'throw', versionKey: false },
);

// `strict: 'throw'`: a field added to the body schema but not here fails on the first write instead of
// being dropped silently. `default: undefined` keeps an absent array absent.
const mongoBodySchema = new Schema<BodyDoc>(
  {
    code: { type: String, required: true },
    name: { type: String, required: true },
    nameEn: String,
    phone: String,
    website: String,
    approvalNumber: { type: String, required: true },
    approvalStatus: { type: String, enum: APPROVAL_STATUSES, required: true },
    approvalStatusDate: String,
    approvalHistory: { type: [approvalChangeSchema], default: undefined },
    approvedSchemes: { type: [String], default: undefined },
    approvedIndustryCodes: { type: [String], default: undefined },
    lastReportedAt: String,
  },
  { collection: 'bodies', versionKey: false, strict: 'throw', id: false },
);
mongoBodySchema.index({ code: 1 }, { unique: true });

/** The Body model on this connection (compiled once per connection). */
export function bodyModel(conn: Connection): Model<BodyDoc> {
  const existing = conn.models.Body as Model<BodyDoc> | undefined;
  return existing ?? conn.model<BodyDoc>('Body', mongoBodySchema);
}

/** The one place a stored document becomes a plain Body (parsed as the SQLite adapter does). */
function toBody(doc: BodyDoc): Body {
  const { _id, ...body } = doc;
  return bodySchema.parse(body);
}

/** Certifying bodies in MongoDB (mongoose model; plain objects in and out). */
export function createMongoBodyRepository(conn: Connection): BodyRepository {
  const Bodies = bodyModel(conn);

  return {
    async upsert(body) {
      // A JSON round trip drops undefined members, which the driver would otherwise store as null.
      const doc = JSON.parse(JSON.stringify(body)) as Body;
      await Bodies.replaceOne({ code: body.code }, doc, { upsert: true });
      return body;
    },

    async findByCode(code) {
      const doc = await Bodies.findOne({ code }).lean<BodyDoc>();
      return doc ? toBody(doc) : undefined;
    },

    async list() {
      const docs = await Bodies.find().sort({ code: 1 }).lean<BodyDoc[]>();
      return docs.map(toBody);
    },

    async touchLastReported(code, at) {
      await Bodies.updateOne({ code }, { $set: { lastReportedAt: at } });
    },
  };
}
