import { randomBytes } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { actorOf, type AuditService } from '../audit/audit-service';
import type { Body } from '../bodies/body-schema';
import type { BodyService } from '../bodies/body-service';
import type { Principal } from '../platform/auth';
import type { CertificateRepository } from '../certificates/certificate-repository';
import type { CertificateService } from '../certificates/certificate-service';
import { AppError, isAppError } from '../platform/errors';
import { pageWindow, type Page, type PageRequest } from '../platform/paging';
import { storeUnavailable } from '../platform/store-failure';
import { jobCertificates } from './upload-job-certificates';
import { summaryText } from './upload-row-texts';
import type { UploadJobRepository } from './upload-job-repository';
import { checkRows, checkRowsInWorker, type CheckOptions, type ParseUpload } from './upload-checker';
import type { RowError, UploadFormat, UploadJob, UploadMode } from './upload-schema';
import { storeInProcess, type ChangedCertificate } from './upload-store-process';
import {
  newStoringState,
  storeUploadRows,
  type RefusedEvent,
  type StoredEvent,
  type UploadStoringState,
} from './upload-storing';

export type { ParseUpload } from './upload-checker';
export type { RefusedEvent, StoredEvent } from './upload-storing';

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
 * The storing process's time slices, ms: it holds the registry's write lock for about this long at a time
 * (a batch of DEFAULT_BATCH_SIZE rows and its rules took a second or more in one go).
 */
export const STORE_SLICE_MS = 50;
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
  /**
   * One page of a body's jobs, newest first. A body token lists its own body's (asking for another is
   * FORBIDDEN); admins and inspectors name the body.
   */
  list(principal: Principal, bodyCode: string | undefined, page: PageRequest): Promise<Page<UploadJob>>;
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
  /** How far the nice value of the upload's threads goes above this thread's (BACKGROUND_NICE by default). */
  threadNice?: number;
  /**
   * Large uploads (those parsed on a worker) run at once: in all (`total`, else UPLOADS_BUSY) and per
   * body (`perBody`, else UPLOAD_BODY_BUSY); refused before a byte is read, with no job, and told to try
   * again in `retryAfterSeconds`. Unbounded when absent.
   */
  maxRunning?: { total: number; perBody: number; retryAfterSeconds: number };
  /**
   * Told of each batch once it is stored (awaited: a failure fails the upload, after the batch is
   * stored), for what follows a write: the job's list of certificates, the risk rules.
   */
  onStored?: (event: StoredEvent) => Promise<void>;
  /** Told of each batch's rows refused as out of scope (awaited; the risk rules keep the attempt). */
  onRefused?: (event: RefusedEvent) => Promise<void>;
  /**
   * Stores the files parsed on a worker (large ones) in a process of their own, with its own connection
   * to the embedded registry, so that storing never holds this process's event loop (upload-store-process.ts).
   * The process wires its own `onStored` and `onRefused` (the same ones); absent: stored in this process.
   */
  storeProcess?: {
    /** The process's module (it opens the stores and wires the listeners). */
    file: string;
    /** The registry's directory. */
    dataDir: string;
    logLevel: string;
    /** Forgets the cached answers of certificates the process stored (awaited in order). */
    forget(certificates: ChangedCertificate[]): Promise<void>;
    /** Rule failures counted in the process, by rule. */
    onRuleErrors?(counts: Record<string, number>): void;
  };
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

  /** Large uploads running now, by body code. */
  const running = new Map<string, number>();
  let runningTotal = 0;

  /** Takes a place for a large upload of this body, or refuses it; returns what gives the place back. */
  function takePlace(body: Body): () => void {
    const limits = deps.maxRunning;
    if (!limits) return () => undefined;
    const { retryAfterSeconds } = limits;
    const ofBody = running.get(body.code) ?? 0;
    if (ofBody >= limits.perBody) {
      throw new AppError(
        'UPLOAD_BODY_BUSY',
        `This body already runs ${ofBody} large uploads at once, the most it may. Wait for one to finish (poll its job), then send this file again.`,
        { details: { running: ofBody, retryAfterSeconds } },
      );
    }
    if (runningTotal >= limits.total) {
      throw new AppError(
        'UPLOADS_BUSY',
        'The server is storing as many uploads at once as it can; send this file again in a little while.',
        { details: { retryAfterSeconds } },
      );
    }
    running.set(body.code, ofBody + 1);
    runningTotal += 1;
    return () => {
      runningTotal -= 1;
      const left = (running.get(body.code) ?? 1) - 1;
      if (left > 0) running.set(body.code, left);
      else running.delete(body.code);
    };
  }

  async function upload(request: UploadRequest): Promise<UploadJob> {
    const body = await bodyOf(request.principal);
    // A file of unknown size counts as large.
    const onWorker = (request.sizeHint ?? Number.MAX_SAFE_INTEGER) >= workerMinBytes;
    const release = onWorker ? takePlace(body) : undefined;
    try {
      return await run(request, body, onWorker);
    } finally {
      release?.();
    }
  }

  async function run(request: UploadRequest, body: Body, onWorker: boolean): Promise<UploadJob> {
    const job = await createJob(request, body);
    let storing: UploadStoringState = newStoringState(job.progress);
    const meter = new ByteMeter(maxBytes(request.format));

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

    let failure: AppError | undefined;
    let unexpected: unknown;
    try {
      if (onWorker && deps.storeProcess) {
        const { file, dataDir, logLevel, forget, onRuleErrors } = deps.storeProcess;
        const result = await storeInProcess(
          {
            file,
            dataDir,
            logLevel,
            jobId: job.id,
            body,
            format: request.format,
            mode: request.mode,
            batchSize,
            maxStoredErrors,
            flushMs: PROGRESS_INTERVAL_MS,
            sliceMs: STORE_SLICE_MS,
            nice: deps.threadNice,
            parseOnWorker: true,
            state: storing,
          },
          meter,
          forget,
          onRuleErrors,
        );
        storing = result.state;
        if (result.error) throw result.error;
      } else {
        const options: CheckOptions = {
          format: request.format,
          body,
          batchSize,
          flushMs: PROGRESS_INTERVAL_MS,
          onWarning: (w) => storing.warnings.push(w),
          threadNice: deps.threadNice,
        };
        const batches = onWorker
          ? checkRowsInWorker(meter, parse, options)
          : checkRows(meter, parse, options);
        await storeUploadRows(
          {
            jobs,
            registry,
            upsertMany: (data, at) => certificates.upsertMany(data, at),
            onStored: deps.onStored,
            onRefused: deps.onRefused,
            now,
          },
          {
            jobId: job.id,
            body,
            mode: request.mode,
            batchSize,
            maxStoredErrors,
            bytesRead: () => meter.bytes,
          },
          batches,
          storing,
          () => meter.stop !== undefined,
        );
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
      source.unpipe(meter);
    }

    const { progress, warnings, errorsStored, errorsCapped } = storing;
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
    async list(principal, bodyCode, page) {
      const code = principal.role === 'body' ? principal.bodyCode : bodyCode;
      if (
        principal.role === 'body' &&
        (code === undefined || (bodyCode !== undefined && bodyCode !== code))
      ) {
        throw new AppError('FORBIDDEN', 'A body token lists only its own body’s uploads.');
      }
      if (code === undefined) {
        throw new AppError('INVALID_QUERY', 'Name the certifying body whose uploads to list (`body`).');
      }
      const { items, total } = await jobs.listByBody(code, pageWindow(page));
      return { items, total, ...page };
    },
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
