import { randomBytes } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { actorOf, type AuditService } from '../audit/audit-service';
import type { Body } from '../bodies/body-schema';
import type { BodyService } from '../bodies/body-service';
import type { Principal } from '../platform/auth';
import type { CertificateRepository, UpsertResult } from '../certificates/certificate-repository';
import type { Certificate, CertificateData, StoredStatus } from '../certificates/certificate-schema';
import {
  isLegalTransition,
  lastStatusChangeDate,
  type CertificateService,
} from '../certificates/certificate-service';
import { AppError, isAppError } from '../platform/errors';
import { storeUnavailable } from '../platform/store-failure';
import { jobCertificates } from './upload-job-certificates';
import {
  aboutColumn,
  ROW_TEXT,
  rowError,
  summaryText,
  WARNING_TEXT,
  type Bilingual,
} from './upload-row-texts';
import type { UploadJobRepository } from './upload-job-repository';
import { checkRows, checkRowsInWorker, type CheckOptions, type ParseUpload } from './upload-checker';
import type { CheckedRow, RefusedRow } from './upload-rows';
import type { RowError, UploadFormat, UploadJob, UploadMode, UploadProgress } from './upload-schema';
import { openUploadScratch, type UploadScratch } from './upload-scratch';

export type { ParseUpload } from './upload-checker';

/** The error report keeps the first this many row errors; the job says when there were more. */
export const MAX_STORED_ERRORS = 100_000;
/**
 * Rows checked and written together: one registry lookup and one transaction per batch. Measured on the
 * embedded registry: 5,000-row transactions store about 15 % faster than 2,000-row ones (fewer commits,
 * fewer full-text index segments), for a little more memory and a longer pause (about 0.25 s) that a
 * lookup arriving meanwhile may wait out.
 */
export const DEFAULT_BATCH_SIZE = 5_000;
/**
 * Files from this size on, and files of unknown size, are parsed and checked on a worker thread while the
 * main thread writes the registry; a file known to be smaller stays in-process, where starting a thread
 * (a few hundred milliseconds) would cost more than it saves.
 */
export const DEFAULT_WORKER_MIN_BYTES = 1_048_576;
/** Progress of a job whose batches fill slowly (a slow client) is still written this often. */
const PROGRESS_INTERVAL_MS = 1_000;
/**
 * A running job with no write for this long belongs to a process that is gone (a live one writes its
 * progress every batch, and at least every PROGRESS_INTERVAL_MS while rows arrive).
 */
export const STALE_UPLOAD_MS = 10 * 60_000;

export interface UploadRequest {
  /** The uploading token: a body token (the body comes from it, never from the file). */
  principal: Principal;
  source: Readable;
  format: UploadFormat;
  mode: UploadMode;
  /** The job id the client proposes (so it can poll progress while it sends); random when absent. */
  jobId?: string;
  fileName?: string;
  /** The file's size when the client declared it (Content-Length); decides where it is parsed. */
  sizeHint?: number;
}

/** One stored batch of an upload job: what the job's `onStored` listener is told. */
export interface StoredEvent {
  jobId: string;
  bodyCode: string;
  /** In file order; `unchanged` rows included (the job still covers them). */
  results: readonly UpsertResult[];
  /** When they were stored (ISO timestamp). */
  at: string;
}

/** Rows of one batch of an upload refused as outside the body's scope or approval (ROW_OUT_OF_SCOPE). */
export interface RefusedEvent {
  jobId: string;
  bodyCode: string;
  rows: readonly RefusedRow[];
  /** When they were refused (ISO timestamp). */
  at: string;
}

export interface UploadService {
  /** The largest file of this format an upload reads (past it: PAYLOAD_TOO_LARGE). */
  maxBytes(format: UploadFormat): number;
  /** The PAYLOAD_TOO_LARGE error for a file of this format. */
  tooLarge(format: UploadFormat): AppError;
  /**
   * Reads the file row by row, checks every row, stores the valid ones in batches (partial) or, once the
   * whole file is known to be valid, all of them (atomic), and returns the finished job: `succeeded`, or
   * `rejected` (atomic, bad rows). A file that cannot be read to the end throws its AppError with the
   * failed job in `details.job`. Audited as one `upload.finish` entry.
   */
  upload(request: UploadRequest): Promise<UploadJob>;
  /** A job, for its own body's tokens, admins and inspectors; UPLOAD_JOB_NOT_FOUND for anyone else. */
  get(principal: Principal, jobId: string): Promise<UploadJob>;
  /** The job (as `get`) and its error report, in row order. */
  errorReport(
    principal: Principal,
    jobId: string,
  ): Promise<{ job: UploadJob; errors: AsyncIterable<RowError> }>;
  /**
   * The job (as `get`) and the public ids of the certificates it stored, in file order; each call of
   * `publicIds` reads the list afresh from its start, a page at a time.
   */
  certificateList(
    principal: Principal,
    jobId: string,
  ): Promise<{ job: UploadJob; publicIds: () => AsyncIterable<string> }>;
  /**
   * Marks the jobs left `running` with no write since `before` as interrupted (a process that died
   * mid-upload), each audited as `upload.interrupted`. Returns how many.
   */
  markInterrupted(before: string): Promise<number>;
}

/** A new job id: 128 random bits as 22 base64url characters. */
export function newUploadJobId(): string {
  return randomBytes(16).toString('base64url');
}

const JOB_ID = /^[A-Za-z0-9_-]{22}$/;

/** How a read ended early, when it did. */
type Stop = { kind: 'too-large' } | { kind: 'aborted' };

/**
 * Counts the bytes read from the client, and fails the read once there are more than `maxBytes`
 * (the parser then stops and the route answers 413 without reading further).
 */
class ByteMeter extends Transform {
  bytes = 0;
  stop: Stop | undefined;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.stop = { kind: 'too-large' };
      done(tooLarge(this.maxBytes));
      return;
    }
    done(null, chunk);
  }
}

function tooLarge(maxBytes: number): AppError {
  const limit = maxBytes >= 1_048_576 ? `${Math.floor(maxBytes / 1_048_576)} MB` : `${maxBytes} bytes`;
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    `The file is larger than ${limit}, the most one upload of its format takes; split it into several uploads.`,
    { details: { maxBytes } },
  );
}

/**
 * The error of a row whose reported status cannot follow the stored one: revoked and withdrawn are final,
 * and a change takes effect no earlier than the last one. Undefined when the move is allowed or there is
 * no move.
 */
function transitionError(
  c: CheckedRow & { number: string },
  reported: StoredStatus,
  stored: Certificate | undefined,
): RowError | undefined {
  if (stored === undefined || stored.status === reported) return undefined;
  const { row, number } = c;
  const header = (field: string) => ({ header: c.headers?.get(field), number });
  const column = (field: string, template: Bilingual) => c.headers?.get(field) ?? template;
  if (!isLegalTransition(stored.status, reported)) {
    return rowError(
      row,
      'status',
      'ROW_ILLEGAL_STATUS_TRANSITION',
      aboutColumn(
        column('status', STATUS_COLUMN),
        ROW_TEXT.illegalTransition(number, stored.status, reported),
      ),
      header('status'),
    );
  }
  const date = c.data?.statusDate ?? c.statusDate;
  const last = lastStatusChangeDate(stored);
  if (date !== undefined && last !== undefined && date < last) {
    return rowError(
      row,
      'statusDate',
      'ROW_STATUS_DATE_BEFORE_LAST_CHANGE',
      aboutColumn(column('statusDate', STATUS_DATE_COLUMN), ROW_TEXT.statusDateBeforeLastChange(date, last)),
      header('statusDate'),
    );
  }
  return undefined;
}

const STATUS_COLUMN: Bilingual = { zh: '证书状态', en: 'Status' };
const STATUS_DATE_COLUMN: Bilingual = { zh: '状态变更日期', en: 'Status date' };

export function createUploadService(deps: {
  jobs: UploadJobRepository;
  /** For the batched reads of what is stored (status transitions); writes go through `certificates`. */
  registry: Pick<CertificateRepository, 'findByNumbers'>;
  certificates: Pick<CertificateService, 'upsertMany'>;
  bodies: Pick<BodyService, 'list' | 'recordReport'>;
  audit: Pick<AuditService, 'record'>;
  parse: ParseUpload;
  /** Largest upload read, bytes: `xlsx` for XLSX files, `other` for CSV and NDJSON. */
  limits: { xlsx: number; other: number };
  batchSize?: number;
  /** How many row errors a job's report keeps (MAX_STORED_ERRORS by default). */
  maxStoredErrors?: number;
  /** Files of at least this many bytes (or of unknown size) are parsed on a worker thread; Infinity: never. */
  workerMinBytes?: number;
  /**
   * Told of each batch once it is stored (awaited: a failure fails the upload, after the batch is
   * stored), for what follows a write: the job's list of certificates, the risk rules.
   */
  onStored?: (event: StoredEvent) => Promise<void>;
  /** Told of each batch's rows refused as out of scope (awaited; the risk rules keep the attempt). */
  onRefused?: (event: RefusedEvent) => Promise<void>;
  now?: () => string;
}): UploadService {
  const { jobs, registry, certificates, bodies, audit, parse } = deps;
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxStoredErrors = deps.maxStoredErrors ?? MAX_STORED_ERRORS;
  const workerMinBytes = deps.workerMinBytes ?? DEFAULT_WORKER_MIN_BYTES;
  const now = deps.now ?? (() => new Date().toISOString());
  const maxBytes = (format: UploadFormat) => (format === 'xlsx' ? deps.limits.xlsx : deps.limits.other);

  async function bodyOf(principal: Principal): Promise<Body> {
    if (principal.role !== 'body' || principal.bodyCode === undefined) {
      throw new AppError('FORBIDDEN', 'Uploads are made with the token of a certifying body.');
    }
    const body = (await bodies.list()).find((b) => b.code === principal.bodyCode);
    if (!body)
      throw new AppError('BODY_NOT_FOUND', `No certifying body ${principal.bodyCode} is registered.`);
    return body;
  }

  async function createJob(request: UploadRequest, body: Body): Promise<UploadJob> {
    if (request.jobId !== undefined && !JOB_ID.test(request.jobId)) {
      throw new AppError(
        'INVALID_UPLOAD_JOB_ID',
        'A proposed job id is 22 base64url characters (128 random bits).',
      );
    }
    const job = await jobs.create({
      id: request.jobId ?? newUploadJobId(),
      bodyCode: body.code,
      createdBy: request.principal.tokenId,
      format: request.format,
      mode: request.mode,
      fileName: request.fileName,
      createdAt: now(),
    });
    if (!job) throw new AppError('UPLOAD_JOB_EXISTS', 'This job id is taken; propose a fresh random one.');
    return job;
  }

  async function upload(request: UploadRequest): Promise<UploadJob> {
    const body = await bodyOf(request.principal);
    const job = await createJob(request, body);
    const progress: UploadProgress = { ...job.progress };
    const warnings: UploadJob['warnings'] = [];
    let errorsStored = 0;
    let errorsCapped = false;
    const meter = new ByteMeter(maxBytes(request.format));
    // Atomic uploads keep their checked rows here until the whole file is known to be valid.
    const spool: UploadScratch | undefined = request.mode === 'atomic' ? openUploadScratch() : undefined;

    // `pipe` leaves the client stream alone when the meter fails: the route can still answer on it.
    const { source } = request;
    const onSourceGone = () => {
      if (!meter.destroyed && !meter.writableFinished) {
        meter.stop ??= { kind: 'aborted' };
        meter.destroy(new Error('the client closed the connection before the end of the file'));
      }
    };
    source.once('error', onSourceGone);
    source.once('aborted', onSourceGone);
    source.once('close', () => {
      if (!(source as Readable & { complete?: boolean }).complete && !source.readableEnded) onSourceGone();
    });
    source.pipe(meter);

    async function saveProgress(): Promise<void> {
      progress.bytes = meter.bytes;
      await jobs.updateProgress(job.id, progress, now());
    }

    async function report(errors: RowError[]): Promise<void> {
      if (errors.length === 0) return;
      const room = maxStoredErrors - errorsStored;
      const kept = errors.length <= room ? errors : errors.slice(0, Math.max(0, room));
      if (kept.length < errors.length && !errorsCapped) {
        errorsCapped = true;
        warnings.push({
          code: 'UPLOAD_ERRORS_CAPPED',
          message: WARNING_TEXT.UPLOAD_ERRORS_CAPPED(maxStoredErrors).en,
        });
      }
      if (kept.length > 0) {
        await jobs.appendErrors(job.id, kept);
        errorsStored += kept.length;
      }
    }

    async function store(data: CertificateData[]): Promise<void> {
      if (data.length === 0) return;
      const at = now();
      const results = await certificates.upsertMany(data, at);
      for (const result of results) progress[result.outcome] += 1;
      await deps.onStored?.({ jobId: job.id, bodyCode: body.code, results, at });
    }

    /** Checks one batch of checked rows against the registry; stores or spools what passes. */
    async function processBatch(checked: CheckedRow[]): Promise<void> {
      progress.rowsRead += checked.length;
      const candidates = checked.filter(
        (c): c is CheckedRow & { number: string } =>
          c.errors.length === 0 && c.number !== undefined && (c.data !== undefined || c.json !== undefined),
      );
      // Status moves against what is stored, in one lookup for the batch.
      if (candidates.length > 0) {
        const numbers = candidates.map((c) => c.number);
        const stored = new Map(
          (await registry.findByNumbers(body.code, numbers)).map((cert) => [cert.number, cert]),
        );
        for (const c of candidates) {
          const reported = c.data?.status ?? c.status ?? 'valid';
          const error = transitionError(c, reported, stored.get(c.number));
          if (error) c.errors.push(error);
        }
      }
      const valid = candidates.filter((c) => c.errors.length === 0);
      const errors: RowError[] = [];
      for (const c of checked) errors.push(...c.errors);
      progress.accepted += valid.length;
      progress.rejected += checked.length - valid.length;
      await report(errors);
      const refused = checked.flatMap((c) => (c.refused ? [c.refused] : []));
      if (refused.length > 0) {
        await deps.onRefused?.({ jobId: job.id, bodyCode: body.code, rows: refused, at: now() });
      }
      if (request.mode === 'partial') {
        await store(valid.map((c) => c.data ?? (JSON.parse(c.json as string) as CertificateData)));
      } else if (progress.rejected === 0) {
        // Atomic: rows are kept only while the file is still all valid; after the first bad row nothing
        // will be stored, and the rest of the file is only checked (to report every error at once).
        spool?.spool(valid.map((c) => c.json ?? JSON.stringify(c.data)));
      }
      await saveProgress();
    }

    let failure: AppError | undefined;
    let unexpected: unknown;
    try {
      const options: CheckOptions = {
        format: request.format,
        body,
        batchSize,
        flushMs: PROGRESS_INTERVAL_MS,
        onWarning: (w) => warnings.push(w),
      };
      // A file of unknown size counts as large.
      const onWorker = (request.sizeHint ?? Number.MAX_SAFE_INTEGER) >= workerMinBytes;
      const batches = onWorker ? checkRowsInWorker(meter, parse, options) : checkRows(meter, parse, options);
      // The parser pulls from the meter, which pulls from the client: awaiting each batch's writes
      // before taking the next is what keeps the read from outrunning the registry.
      for await (const batch of batches) await processBatch(batch);
      // A parser that ended quietly after its input failed has still not read the whole file.
      if (meter.stop) throw new Error('the read stopped before the end of the file');
      if (progress.rowsRead === 0) {
        throw new AppError('UPLOAD_EMPTY', 'The file has no data rows.');
      }
      if (request.mode === 'atomic' && progress.rejected === 0) {
        for (const page of spool?.spooled(batchSize) ?? []) {
          await store(page.map((json) => JSON.parse(json) as CertificateData));
          await saveProgress();
          // The embedded registry answers synchronously, so nothing above gives way to other requests
          // (lookups, progress polls): let them in between batches.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } catch (err) {
      if (meter.stop?.kind === 'too-large') failure = tooLarge(maxBytes(request.format));
      else if (meter.stop?.kind !== 'aborted') {
        // A store out of reach or out of room fails the job with a code the client can act on (retry).
        if (isAppError(err)) failure = err;
        else if (storeUnavailable(err)) failure = storeUnavailable(err);
        else unexpected = err;
      }
    } finally {
      spool?.close();
      source.unpipe(meter);
    }

    progress.bytes = meter.bytes;
    const state: UploadJob['state'] =
      meter.stop?.kind === 'aborted'
        ? 'interrupted'
        : failure || unexpected
          ? 'failed'
          : request.mode === 'atomic' && progress.rejected > 0
            ? 'rejected'
            : 'succeeded';
    const finishedAt = now();
    const jobFailure =
      meter.stop?.kind === 'aborted'
        ? {
            code: 'UPLOAD_ABORTED',
            message:
              'The client closed the connection before the end of the file. Rows stored before that are kept; upload the same file again to complete it.',
          }
        : failure
          ? { code: failure.code, message: failure.message }
          : unexpected
            ? { code: 'INTERNAL_ERROR', message: 'The upload failed on the server; try again later.' }
            : undefined;
    const finished =
      (await jobs.finish(job.id, {
        state,
        progress: { ...progress },
        summary:
          state === 'succeeded' || state === 'rejected'
            ? summaryText(state, progress, request.mode).en
            : undefined,
        warnings,
        errorsStored,
        errorsCapped,
        failure: jobFailure,
        finishedAt,
      })) ?? (await jobs.findById(job.id));
    const final = finished as UploadJob;

    await audit.record(
      actorOf(request.principal),
      'upload.finish',
      { type: 'upload', id: job.id },
      {
        bodyCode: body.code,
        state: final.state,
        mode: final.mode,
        format: final.format,
        fileName: final.fileName,
        progress: final.progress,
        errorsStored: final.errorsStored,
        failure: final.failure,
      },
    );
    // The body has reported when some of its rows are in (or confirmed unchanged): a file rejected
    // whole says nothing about how current the registry is.
    if (state === 'succeeded' && progress.accepted > 0) await bodies.recordReport(body.code, finishedAt);

    if (unexpected) throw unexpected;
    if (failure) {
      throw new AppError(failure.code, failure.message, {
        cause: failure,
        details: { ...failure.details, job: final },
      });
    }
    return final;
  }

  async function get(principal: Principal, jobId: string): Promise<UploadJob> {
    if (!JOB_ID.test(jobId)) {
      throw new AppError('INVALID_UPLOAD_JOB_ID', 'A job id is 22 base64url characters.');
    }
    const job = await jobs.findById(jobId);
    const allowed =
      job !== undefined &&
      (principal.role === 'admin' ||
        principal.role === 'inspector' ||
        (principal.role === 'body' && principal.bodyCode === job.bodyCode));
    // Another body's job answers exactly as a job that does not exist: ids cannot be probed.
    if (!allowed)
      throw new AppError('UPLOAD_JOB_NOT_FOUND', 'No upload job with this id is visible to this token.');
    return job as UploadJob;
  }

  return {
    maxBytes,
    tooLarge: (format) => tooLarge(maxBytes(format)),
    upload,
    get,
    async errorReport(principal, jobId) {
      const job = await get(principal, jobId);
      return { job, errors: jobs.errors(job.id) };
    },
    async certificateList(principal, jobId) {
      const job = await get(principal, jobId);
      return { job, publicIds: () => jobCertificates(jobs, job.id) };
    },
    async markInterrupted(before) {
      const marked = await jobs.markInterrupted(before, now());
      for (const job of marked) {
        await audit.record(
          actorOf(undefined),
          'upload.interrupted',
          { type: 'upload', id: job.id },
          {
            bodyCode: job.bodyCode,
            state: job.state,
            progress: job.progress,
            failure: job.failure,
          },
        );
      }
      return marked.length;
    },
  };
}
