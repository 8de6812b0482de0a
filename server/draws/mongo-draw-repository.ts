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

/**
 * A draw as stored in MongoDB: the plan, its snapshot without the population, and its results. The
 * population is kept apart (DrawPopulationDoc): 100,000 entities with long names would pass the 16 MB a
 * document may hold.
 */
export interface DrawDoc {
  _id: Types.ObjectId;
  id: string;
  createdAt: string;
  state: 'published' | 'executed';
  /** The plan (StoredDraw), checked with its zod schema on every read. */
  record: StoredDraw;
  /** Inspectors and recusals; `population` only in draws stored before it moved to `draw_populations`. */
  snapshot: Omit<DrawSnapshot, 'population'> & { population?: DrawSnapshot['population'] };
  results: DrawResult[];
}

/** One slice of a draw's population, in order: `chunk` 0, 1, ... of the draw `drawId`. */
export interface DrawPopulationDoc {
  _id: Types.ObjectId;
  drawId: string;
  chunk: number;
  entities: DrawSnapshot['population'];
}

/** Entities per population document: some hundred kB even with the longest names. */
export const POPULATION_CHUNK = 1000;

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
mongoDrawSchema.index({ state: 1, createdAt: -1, _id: -1 });

const drawPopulationSchema = new Schema<DrawPopulationDoc>(
  {
    drawId: { type: String, required: true },
    chunk: { type: Number, required: true },
    entities: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'draw_populations', versionKey: false, strict: 'throw', id: false, minimize: false },
);
drawPopulationSchema.index({ drawId: 1, chunk: 1 }, { unique: true });

/** The draw population model on this connection (compiled once per connection). */
export function drawPopulationModel(conn: Connection): Model<DrawPopulationDoc> {
  const existing = conn.models.DrawPopulation as Model<DrawPopulationDoc> | undefined;
  return existing ?? conn.model<DrawPopulationDoc>('DrawPopulation', drawPopulationSchema);
}

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

/** Certificates per cursor batch of `holderCertificates`, unless the repository is opened with another. */
export const HOLDER_BATCH = 5000;

/**
 * Draws in MongoDB (mongoose models; plain objects in and out). `holderBatch`: certificates per cursor
 * batch of `holderCertificates` (tests cross batches with a small one).
 */
export function createMongoDrawRepository(
  conn: Connection,
  { holderBatch = HOLDER_BATCH }: { holderBatch?: number } = {},
): DrawRepository {
  const Draws = drawModel(conn);
  const Populations = drawPopulationModel(conn);
  const Certificates = certificateModel(conn);
  // A JSON round trip drops undefined members, which the driver would otherwise store as null.
  const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const toDraw = (doc: { record: unknown }): StoredDraw => storedDrawSchema.parse(doc.record);

  return {
    async create(draw, snapshot) {
      const { population, ...rest } = plain(snapshot);
      const chunks: Omit<DrawPopulationDoc, '_id'>[] = [];
      for (let i = 0; i < population.length; i += POPULATION_CHUNK) {
        chunks.push({
          drawId: draw.id,
          chunk: chunks.length,
          entities: population.slice(i, i + POPULATION_CHUNK),
        });
      }
      // The population first, so that no draw is ever read without it. A taken id fails here already
      // (chunk 0 of that id exists), before anything is written; ordered, so nothing follows a failure.
      if (chunks.length > 0) await Populations.insertMany(chunks, { ordered: true });
      try {
        await Draws.create({
          id: draw.id,
          createdAt: draw.createdAt,
          state: draw.state,
          record: plain(draw),
          snapshot: rest,
          results: [],
        });
      } catch (err) {
        if (chunks.length > 0) await Populations.deleteMany({ drawId: draw.id }).catch(() => undefined);
        throw err;
      }
    },

    async findById(id) {
      const doc = await Draws.findOne({ id }, { record: 1 }).lean<Pick<DrawDoc, 'record'>>();
      return doc ? toDraw(doc) : undefined;
    },

    async snapshot(id) {
      const doc = await Draws.findOne({ id }, { snapshot: 1 }).lean<Pick<DrawDoc, 'snapshot'>>();
      if (!doc) return undefined;
      if (doc.snapshot.population) return drawSnapshotSchema.parse(doc.snapshot);
      const chunks = await Populations.find({ drawId: id }, { entities: 1 })
        .sort({ chunk: 1 })
        // A few MB per batch: a reply must stay under 16 MB, which a whole large population is not.
        .batchSize(16)
        .lean<Pick<DrawPopulationDoc, 'entities'>[]>();
      return drawSnapshotSchema.parse({ ...doc.snapshot, population: chunks.flatMap((c) => c.entities) });
    },

    async list({ limit, offset }, state) {
      // Newest first; _id (increasing per process) breaks ties within one millisecond.
      const docs = await Draws.find(state === undefined ? {} : { state }, { record: 1 })
        .sort({ createdAt: -1, _id: -1 })
        .skip(offset)
        .limit(limit)
        .lean<Pick<DrawDoc, 'record'>[]>();
      return docs.map(toDraw);
    },

    async count(state) {
      return Draws.countDocuments(state === undefined ? {} : { state });
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
        .batchSize(holderBatch)
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
