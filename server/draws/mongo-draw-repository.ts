import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { certificateModel } from '../certificates/mongo-certificate-repository';
import type { DrawRepository, HolderCertificate } from './draw-repository';
import {
  drawResultSchema,
  drawSnapshotSchema,
  storedDrawSchema,
  type DrawResult,
  type DrawSnapshot,
  type StoredDraw,
} from './draw-schema';

/** A draw as stored in MongoDB: the plan, its snapshot and its results in one document. */
export interface DrawDoc {
  _id: Types.ObjectId;
  id: string;
  createdAt: string;
  state: 'published' | 'executed';
  /** The plan (StoredDraw), checked with its zod schema on every read. */
  record: StoredDraw;
  snapshot: DrawSnapshot;
  results: DrawResult[];
}

// The plan's shape is owned by its zod schema (checked on every read), so the nested parts are Mixed.
// `minimize: false` keeps empty objects (a filter with no narrowing), so the plan reads back as written.
const mongoDrawSchema = new Schema<DrawDoc>(
  {
    id: { type: String, required: true },
    createdAt: { type: String, required: true },
    state: { type: String, enum: ['published', 'executed'], required: true },
    record: { type: Schema.Types.Mixed, required: true },
    snapshot: { type: Schema.Types.Mixed, required: true },
    // An array the adapter only ever $pushes to.
    results: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'draws', versionKey: false, strict: 'throw', id: false, minimize: false },
);
mongoDrawSchema.index({ id: 1 }, { unique: true });
mongoDrawSchema.index({ createdAt: -1, _id: -1 });

/** The Draw model on this connection (compiled once per connection). */
export function drawModel(conn: Connection): Model<DrawDoc> {
  const existing = conn.models.Draw as Model<DrawDoc> | undefined;
  return existing ?? conn.model<DrawDoc>('Draw', mongoDrawSchema);
}

interface CertificateProjection {
  _id: Types.ObjectId;
  bodyCode: string;
  scheme: string;
  holder: { name: string; creditCode: string };
  status: string;
  expiryDate: string;
  updatedAt: string;
}

/** Draws in MongoDB (mongoose models; plain objects in and out). */
export function createMongoDrawRepository(conn: Connection): DrawRepository {
  const Draws = drawModel(conn);
  const Certificates = certificateModel(conn);
  // A JSON round trip drops undefined members, which the driver would otherwise store as null.
  const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const toDraw = (doc: { record: unknown }): StoredDraw => storedDrawSchema.parse(doc.record);

  return {
    async create(draw, snapshot) {
      await Draws.create({
        id: draw.id,
        createdAt: draw.createdAt,
        state: draw.state,
        record: plain(draw),
        snapshot: plain(snapshot),
        results: [],
      });
    },

    async findById(id) {
      const doc = await Draws.findOne({ id }, { record: 1 }).lean<Pick<DrawDoc, 'record'>>();
      return doc ? toDraw(doc) : undefined;
    },

    async snapshot(id) {
      const doc = await Draws.findOne({ id }, { snapshot: 1 }).lean<Pick<DrawDoc, 'snapshot'>>();
      return doc ? drawSnapshotSchema.parse(doc.snapshot) : undefined;
    },

    async list({ limit, offset }) {
      // Newest first; _id (increasing per process) breaks ties within one millisecond.
      const docs = await Draws.find({}, { record: 1 })
        .sort({ createdAt: -1, _id: -1 })
        .skip(offset)
        .limit(limit)
        .lean<Pick<DrawDoc, 'record'>[]>();
      return docs.map(toDraw);
    },

    async count() {
      return Draws.countDocuments();
    },

    async markExecuted(id, execution) {
      // Only a plan still published matches: the first execution is the one that stays.
      const { modifiedCount } = await Draws.updateOne(
        { id, state: 'published' },
        { $set: { state: 'executed', 'record.state': 'executed', 'record.execution': plain(execution) } },
      );
      return modifiedCount > 0;
    },

    async appendResult(id, result) {
      await Draws.updateOne({ id }, { $push: { results: plain(result) } });
    },

    async results(id) {
      const doc = await Draws.findOne({ id }, { results: 1 }).lean<Pick<DrawDoc, 'results'>>();
      return (doc?.results ?? []).map((r) => drawResultSchema.parse(r));
    },

    async *holderCertificates(filter) {
      const query = filter.bodyCodes === undefined ? {} : { bodyCode: { $in: [...filter.bodyCodes] } };
      const cursor = Certificates.find(query, {
        bodyCode: 1,
        scheme: 1,
        'holder.name': 1,
        'holder.creditCode': 1,
        status: 1,
        expiryDate: 1,
        updatedAt: 1,
      })
        .lean<CertificateProjection[]>()
        .batchSize(5000)
        .cursor();
      for await (const doc of cursor as AsyncIterable<CertificateProjection>) {
        const certificate: HolderCertificate = {
          creditCode: doc.holder.creditCode,
          holderName: doc.holder.name,
          bodyCode: doc.bodyCode,
          scheme: doc.scheme,
          status: doc.status,
          expiryDate: doc.expiryDate,
          updatedAt: doc.updatedAt,
        };
        yield certificate;
      }
    },
  };
}
