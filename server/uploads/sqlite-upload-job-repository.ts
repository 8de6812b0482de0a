import type { SqliteDatabase } from '../platform/sqlite';
import type { UploadJobRepository } from './upload-job-repository';
import {
  EMPTY_PROGRESS,
  INTERRUPTED_BY_RESTART,
  type RowError,
  type RowErrorCode,
  type UploadJob,
} from './upload-schema';

/** How many error rows one read of the report fetches. */
const ERROR_PAGE_SIZE = 1000;

interface ErrorRow {
  seq: number;
  row: number;
  field: string;
  code: string;
  message: string;
  message_zh: string | null;
  header: string | null;
  number: string | null;
}

const toJob = (doc: string): UploadJob => JSON.parse(doc) as UploadJob;

/**
 * Upload jobs in the embedded SQLite file: the job as a JSON document, its error report and the
 * certificates it covers as rows.
 */
export function createSqliteUploadJobRepository(db: SqliteDatabase): UploadJobRepository {
  const insertJob = db.prepare<[string, string, string, string, string, string]>(
    `INSERT INTO upload_jobs (id, body_code, state, created_at, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
  );
  const byId = db.prepare<[string], { doc: string }>('SELECT doc FROM upload_jobs WHERE id = ?');
  const bodyPage = db.prepare<[string, number, number], { doc: string }>(
    'SELECT doc FROM upload_jobs WHERE body_code = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?',
  );
  const bodyCount = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM upload_jobs WHERE body_code = ?',
  );
  const createdSince = db.prepare<[string, string, number], { doc: string }>(
    'SELECT doc FROM upload_jobs WHERE body_code = ? AND created_at >= ? ORDER BY created_at, id LIMIT ?',
  );
  const writeJob = db.prepare<[string, string, string, string]>(
    'UPDATE upload_jobs SET state = ?, updated_at = ?, doc = ? WHERE id = ?',
  );
  const runningBefore = db.prepare<[string], { doc: string }>(
    "SELECT doc FROM upload_jobs WHERE state = 'running' AND updated_at < ? ORDER BY created_at",
  );
  const insertError = db.prepare<
    [string, number, string, string, string, string | null, string | null, string | null]
  >(
    `INSERT INTO upload_errors (job_id, row, field, code, message, message_zh, header, number)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Keyset paging over the (job_id, row) index, whose entries for one row are in rowid order: no sort.
  const errorPage = db.prepare<[string, number, number, number], ErrorRow>(
    `SELECT rowid AS seq, row, field, code, message, message_zh, header, number FROM upload_errors
     WHERE job_id = ? AND (row, rowid) > (?, ?) ORDER BY row, rowid LIMIT ?`,
  );

  /** Applies `change` to the running job `id` inside one transaction; undefined when it is not running. */
  const updateRunning = db.transaction(
    (id: string, at: string, change: (job: UploadJob) => UploadJob): UploadJob | undefined => {
      const row = byId.get(id);
      if (!row) return undefined;
      const job = toJob(row.doc);
      if (job.state !== 'running') return undefined;
      const next = change(job);
      writeJob.run(next.state, at, JSON.stringify(next), id);
      return next;
    },
  );

  const appendAll = db.transaction((jobId: string, errors: readonly RowError[]) => {
    for (const e of errors) {
      insertError.run(
        jobId,
        e.row,
        e.field,
        e.code,
        e.message,
        e.messageZh ?? null,
        e.header ?? null,
        e.number ?? null,
      );
    }
  });

  const lastSeq = db.prepare<[string], { seq: number }>(
    'SELECT coalesce(max(seq), 0) AS seq FROM upload_job_certificates WHERE job_id = ?',
  );
  const insertCertificate = db.prepare<[string, number, string]>(
    'INSERT INTO upload_job_certificates (job_id, seq, public_id) VALUES (?, ?, ?)',
  );
  const certificatePage = db.prepare<[string, number, number], { seq: number; public_id: string }>(
    'SELECT seq, public_id FROM upload_job_certificates WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  const appendCertificates = db.transaction((jobId: string, publicIds: readonly string[]) => {
    let seq = (lastSeq.get(jobId) as { seq: number }).seq;
    for (const publicId of new Set(publicIds)) insertCertificate.run(jobId, (seq += 1), publicId);
  });

  return {
    async create(input) {
      const job: UploadJob = {
        ...input,
        state: 'running',
        progress: { ...EMPTY_PROGRESS },
        warnings: [],
        errorsStored: 0,
        errorsCapped: false,
        updatedAt: input.createdAt,
      };
      const stored = JSON.parse(JSON.stringify(job)) as UploadJob;
      const { changes } = insertJob.run(
        job.id,
        job.bodyCode,
        job.state,
        job.createdAt,
        job.updatedAt,
        JSON.stringify(stored),
      );
      return changes === 1 ? stored : undefined;
    },

    async updateProgress(id, progress, at) {
      updateRunning(id, at, (job) => ({ ...job, progress: { ...progress }, updatedAt: at }));
    },

    async finish(id, outcome) {
      const at = outcome.finishedAt;
      return updateRunning(id, at, (job) =>
        JSON.parse(JSON.stringify({ ...job, ...outcome, updatedAt: at })),
      );
    },

    async findById(id) {
      const row = byId.get(id);
      return row ? toJob(row.doc) : undefined;
    },

    async listByBody(bodyCode, { offset, limit }) {
      const items = bodyPage.all(bodyCode, limit, offset).map((r) => toJob(r.doc));
      return { items, total: (bodyCount.get(bodyCode) as { n: number }).n };
    },

    async listCreatedSince(bodyCode, since, limit) {
      return createdSince.all(bodyCode, since, limit).map((r) => toJob(r.doc));
    },

    async appendErrors(jobId, errors) {
      if (errors.length > 0) appendAll(jobId, errors);
    },

    async *errors(jobId) {
      let after = { row: Number.MIN_SAFE_INTEGER, seq: Number.MIN_SAFE_INTEGER };
      for (;;) {
        const page = errorPage.all(jobId, after.row, after.seq, ERROR_PAGE_SIZE);
        for (const e of page) {
          const error: RowError = {
            row: e.row,
            field: e.field,
            code: e.code as RowErrorCode,
            message: e.message,
          };
          if (e.message_zh !== null) error.messageZh = e.message_zh;
          if (e.header !== null) error.header = e.header;
          if (e.number !== null) error.number = e.number;
          yield error;
        }
        if (page.length < ERROR_PAGE_SIZE) return;
        const last = page[page.length - 1] as ErrorRow;
        after = { row: last.row, seq: last.seq };
      }
    },

    async appendCertificates(jobId, publicIds) {
      if (publicIds.length > 0) appendCertificates(jobId, publicIds);
    },

    async listCertificates(jobId, after, limit) {
      // The cursor is the seq of the last certificate handed out; one more row tells whether a page follows.
      const rows = certificatePage.all(jobId, after === undefined ? 0 : Number(after), limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        publicIds: page.map((r) => r.public_id),
        ...(rows.length > limit && last ? { next: String(last.seq) } : {}),
      };
    },

    async markInterrupted(before, at) {
      return db.transaction(() =>
        runningBefore.all(before).flatMap(
          (row) =>
            updateRunning(toJob(row.doc).id, at, (job) => ({
              ...job,
              state: 'interrupted',
              failure: { ...INTERRUPTED_BY_RESTART },
              updatedAt: at,
              finishedAt: at,
            })) ?? [],
        ),
      )();
    },
  };
}
