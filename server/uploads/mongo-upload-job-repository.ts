import mongoose, { Schema, Types, type Connection, type Model } from 'mongoose';
import type { UploadJobRepository } from './upload-job-repository';
import {
  EMPTY_PROGRESS,
  INTERRUPTED_BY_RESTART,
  ROW_ERROR_CODES,
  UPLOAD_FORMATS,
  UPLOAD_JOB_STATES,
  UPLOAD_MODES,
  type RowError,
  type UploadJob,
} from './upload-schema';

/** How many error rows one read of the report fetches. */
const ERROR_PAGE_SIZE = 1000;

/** A job as stored: the job's own id is the document key. */
interface UploadJobDoc extends Omit<UploadJob, 'id'> {
  _id: string;
}

/** One row error of a job's report; `_id` (an ObjectId, increasing as written) keeps the append order. */
interface UploadErrorDoc extends RowError {
  _id: Types.ObjectId;
  jobId: string;
}

// `strict: 'throw'` and `_id: false` as in the other adapters: a field added to the job but not here
// fails loudly, and sub-documents carry no ids of their own.
const sub = { _id: false, strict: 'throw' } as const;
const count = { type: Number, required: true };

const uploadJobSchema = new Schema<UploadJobDoc>(
  {
    _id: { type: String, required: true },
    bodyCode: { type: String, required: true },
    createdBy: { type: String, required: true },
    format: { type: String, enum: UPLOAD_FORMATS, required: true },
    mode: { type: String, enum: UPLOAD_MODES, required: true },
    fileName: String,
    state: { type: String, enum: UPLOAD_JOB_STATES, required: true },
    progress: {
      type: new Schema(
        {
          bytes: count,
          rowsRead: count,
          accepted: count,
          rejected: count,
          created: count,
          updated: count,
          unchanged: count,
        },
        sub,
      ),
      required: true,
    },
    summary: String,
    warnings: {
      type: [
        new Schema(
          {
            code: String,
            message: String,
            columns: { type: [String], default: undefined },
            rows: { type: [Number], default: undefined },
          },
          sub,
        ),
      ],
      required: true,
    },
    errorsStored: count,
    errorsCapped: { type: Boolean, required: true },
    failure: new Schema({ code: String, message: String }, sub),
    // ISO strings, as in every other adapter.
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    finishedAt: String,
  },
  { collection: 'upload_jobs', versionKey: false, strict: 'throw', id: false },
);
uploadJobSchema.index({ bodyCode: 1, createdAt: 1 });
uploadJobSchema.index({ state: 1, updatedAt: 1 });

const uploadErrorSchema = new Schema<UploadErrorDoc>(
  {
    jobId: { type: String, required: true },
    row: { type: Number, required: true },
    field: { type: String, required: true },
    code: { type: String, enum: ROW_ERROR_CODES, required: true },
    message: { type: String, required: true },
    messageZh: String,
    header: String,
    number: String,
  },
  { collection: 'upload_errors', versionKey: false, strict: 'throw', id: false },
);
uploadErrorSchema.index({ jobId: 1, row: 1, _id: 1 });

/** One certificate a job covers; `_id` (an ObjectId, increasing as written) keeps the file order. */
interface JobCertificateDoc {
  _id: Types.ObjectId;
  jobId: string;
  publicId: string;
}

const jobCertificateSchema = new Schema<JobCertificateDoc>(
  {
    jobId: { type: String, required: true },
    publicId: { type: String, required: true },
  },
  { collection: 'upload_job_certificates', versionKey: false, strict: 'throw', id: false },
);
// Read in _id order. No unique index on publicId: see `appendCertificates` in the port.
jobCertificateSchema.index({ jobId: 1, _id: 1 });

function models(conn: Connection): {
  Jobs: Model<UploadJobDoc>;
  Errors: Model<UploadErrorDoc>;
  Certificates: Model<JobCertificateDoc>;
} {
  return {
    Jobs:
      (conn.models.UploadJob as Model<UploadJobDoc> | undefined) ??
      conn.model<UploadJobDoc>('UploadJob', uploadJobSchema),
    Errors:
      (conn.models.UploadError as Model<UploadErrorDoc> | undefined) ??
      conn.model<UploadErrorDoc>('UploadError', uploadErrorSchema),
    Certificates:
      (conn.models.UploadJobCertificate as Model<JobCertificateDoc> | undefined) ??
      conn.model<JobCertificateDoc>('UploadJobCertificate', jobCertificateSchema),
  };
}

/** The one place a stored document becomes a plain job. */
function toJob(doc: UploadJobDoc): UploadJob {
  const { _id, ...job } = doc;
  return { ...job, id: _id };
}

/** A JSON round trip drops undefined members, which the driver would otherwise store as null. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function isDuplicateKeyError(err: unknown): boolean {
  return err instanceof mongoose.mongo.MongoServerError && err.code === 11000;
}

/** Upload jobs, their error reports and certificates in MongoDB (mongoose models; plain objects in and out). */
export function createMongoUploadJobRepository(conn: Connection): UploadJobRepository {
  const { Jobs, Errors, Certificates } = models(conn);

  /** Applies `$set` to the job `id` only while it is running; the job after, or undefined. */
  async function updateRunning(id: string, set: Partial<UploadJobDoc>): Promise<UploadJob | undefined> {
    const doc = await Jobs.findOneAndUpdate(
      { _id: id, state: 'running' },
      { $set: plain(set) },
      { returnDocument: 'after' },
    ).lean<UploadJobDoc>();
    return doc ? toJob(doc) : undefined;
  }

  return {
    async create(input) {
      const { id, ...rest } = input;
      const doc: UploadJobDoc = plain({
        ...rest,
        _id: id,
        state: 'running',
        progress: { ...EMPTY_PROGRESS },
        warnings: [],
        errorsStored: 0,
        errorsCapped: false,
        updatedAt: input.createdAt,
      });
      try {
        await Jobs.create(doc);
      } catch (err) {
        if (isDuplicateKeyError(err)) return undefined;
        throw err;
      }
      return toJob(doc);
    },

    async updateProgress(id, progress, at) {
      await Jobs.updateOne(
        { _id: id, state: 'running' },
        { $set: { progress: { ...progress }, updatedAt: at } },
      );
    },

    async finish(id, outcome) {
      return updateRunning(id, { ...outcome, updatedAt: outcome.finishedAt });
    },

    async findById(id) {
      const doc = await Jobs.findById(id).lean<UploadJobDoc>();
      return doc ? toJob(doc) : undefined;
    },

    async listByBody(bodyCode, { offset, limit }) {
      const [docs, total] = await Promise.all([
        Jobs.find({ bodyCode })
          .sort({ createdAt: -1, _id: -1 })
          .skip(offset)
          .limit(limit)
          .lean<UploadJobDoc[]>(),
        Jobs.countDocuments({ bodyCode }),
      ]);
      return { items: docs.map(toJob), total };
    },

    async listCreatedSince(bodyCode, since, limit) {
      const docs = await Jobs.find({ bodyCode, createdAt: { $gte: since } })
        .sort({ createdAt: 1, _id: 1 })
        .limit(limit)
        .lean<UploadJobDoc[]>();
      return docs.map(toJob);
    },

    async appendErrors(jobId, errors) {
      if (errors.length === 0) return;
      // ObjectIds made here, in order, in this one process: `_id` order is append order.
      await Errors.insertMany(
        errors.map((e) => plain({ ...e, jobId, _id: new Types.ObjectId() })),
        { ordered: true },
      );
    },

    async *errors(jobId) {
      let after: { row: number; id: Types.ObjectId } | undefined;
      for (;;) {
        const filter = after
          ? { jobId, $or: [{ row: { $gt: after.row } }, { row: after.row, _id: { $gt: after.id } }] }
          : { jobId };
        const page = await Errors.find(filter)
          .sort({ row: 1, _id: 1 })
          .limit(ERROR_PAGE_SIZE)
          .lean<UploadErrorDoc[]>();
        for (const { _id, jobId: _j, ...error } of page) yield error;
        if (page.length < ERROR_PAGE_SIZE) return;
        const last = page[page.length - 1] as UploadErrorDoc;
        after = { row: last.row, id: last._id };
      }
    },

    async appendCertificates(jobId, publicIds) {
      const fresh = [...new Set(publicIds)];
      if (fresh.length === 0) return;
      // ObjectIds made here, in order, in this one process: `_id` order is file order.
      await Certificates.insertMany(
        fresh.map((publicId) => ({ _id: new Types.ObjectId(), jobId, publicId })),
        { ordered: true },
      );
    },

    async listCertificates(jobId, after, limit) {
      const filter = after === undefined ? { jobId } : { jobId, _id: { $gt: new Types.ObjectId(after) } };
      // One more than asked for tells whether a page follows.
      const rows = await Certificates.find(filter, { publicId: 1 })
        .sort({ _id: 1 })
        .limit(limit + 1)
        .lean<Pick<JobCertificateDoc, '_id' | 'publicId'>[]>();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        publicIds: page.map((r) => r.publicId),
        ...(rows.length > limit && last ? { next: last._id.toHexString() } : {}),
      };
    },

    async markInterrupted(before, at) {
      const stale = await Jobs.find({ state: 'running', updatedAt: { $lt: before } }, { _id: 1 })
        .sort({ createdAt: 1 })
        .lean<{ _id: string }[]>();
      const marked: UploadJob[] = [];
      for (const { _id } of stale) {
        const job = await updateRunning(_id, {
          state: 'interrupted',
          failure: { ...INTERRUPTED_BY_RESTART },
          updatedAt: at,
          finishedAt: at,
        });
        if (job) marked.push(job);
      }
      return marked;
    },
  };
}
