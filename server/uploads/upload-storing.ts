/**
 * The second stage of an upload: checked rows against the registry (status transitions), then stored in
 * batches (partial) or spooled until the whole file is known valid (atomic), with the job's progress and
 * error report written as it goes. The same code runs in the request's process (MongoDB, small files) and
 * in a storing process with its own registry connection (large files on the embedded registry, see
 * upload-store-process.ts), so that storing never holds the event loop that answers lookups.
 */
import type { Body } from '../bodies/body-schema';
import type { CertificateRepository, UpsertResult } from '../certificates/certificate-repository';
import type { Certificate, CertificateData, StoredStatus } from '../certificates/certificate-schema';
import { isLegalTransition, lastStatusChangeDate } from '../certificates/certificate-service';
import { AppError } from '../platform/errors';
import type { UploadJobRepository } from './upload-job-repository';
import { aboutColumn, ROW_TEXT, rowError, WARNING_TEXT, type Bilingual } from './upload-row-texts';
import type { CheckedRow, RefusedRow } from './upload-rows';
import {
  EMPTY_PROGRESS,
  type RowError,
  type UploadJob,
  type UploadMode,
  type UploadProgress,
} from './upload-schema';
import { openUploadScratch, type UploadScratch } from './upload-scratch';

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

export interface UploadStoringDeps {
  jobs: Pick<UploadJobRepository, 'updateProgress' | 'appendErrors'>;
  /** For the batched reads of what is stored (status transitions). */
  registry: Pick<CertificateRepository, 'findByNumbers'>;
  /**
   * Writes a batch and forgets the cached answers of what it changed; `texts` are the reports as the JSON
   * text they were parsed from, where they were (CertificateRepository.upsertMany).
   */
  upsertMany(
    data: CertificateData[],
    at: string,
    texts?: readonly (string | undefined)[],
  ): Promise<UpsertResult[]>;
  /** Told of each batch once it is stored (awaited: a failure fails the upload, after the batch is stored). */
  onStored?: (event: StoredEvent) => Promise<void>;
  /** Told of each batch's rows refused as out of scope (awaited). */
  onRefused?: (event: RefusedEvent) => Promise<void>;
  now: () => string;
}

/** What one upload's storing knows: its job, its body, how it stores. */
export interface UploadStoringJob {
  jobId: string;
  body: Body;
  mode: UploadMode;
  batchSize: number;
  /** How many row errors the job's report keeps. */
  maxStoredErrors: number;
  /** The bytes of the file read so far (written with the progress). */
  bytesRead: () => number;
  /**
   * Store each batch in slices of about this many ms (rows per slice adapted as it goes, see
   * SLICE_ROWS), each slice stored, told to `onStored` and its progress written before the next one
   * begins: the storing process may commit between two slices (upload-write-group.ts), so a writer of the
   * portal waits for one slice at most. Left out: a batch in one write.
   * The storing process slices; a writer of the portal itself does not need to.
   */
  sliceMs?: number;
}

/**
 * Bounds and first guess of the rows a slice stores (the rows per slice follow the time they take). Each
 * slice costs about 10 ms of CPU beyond its rows (its transactions, the rules' reads for the slice),
 * measured: slices of ~30 rows, where 50 ms of wall time on a machine busy with other work led, stored
 * at half the rate of whole batches. 250 rows take about 50 ms on such a machine, so the floor costs
 * about a tenth.
 */
export const SLICE_ROWS = { min: 250, max: 5_000, first: 500 } as const;

/**
 * Rows for the next slice, from the last one's rows and ms: scaled toward the target, at most doubled or
 * halved at a time (one slow slice, a pause of the process, must not swing it), within SLICE_ROWS.
 */
export function nextSliceRows(rows: number, ms: number, targetMs: number): number {
  const scaled = ms > 0 ? (rows * targetMs) / ms : rows * 2;
  const bounded = Math.min(rows * 2, Math.max(rows / 2, scaled));
  return Math.round(Math.min(SLICE_ROWS.max, Math.max(SLICE_ROWS.min, bounded)));
}

/** Where the storing of one upload stands; read after it ended too (progress of a failed job). */
export interface UploadStoringState {
  progress: UploadProgress;
  warnings: UploadJob['warnings'];
  errorsStored: number;
  errorsCapped: boolean;
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

/**
 * Stores the checked batches of one upload: each batch checked against the registry, its errors reported,
 * its valid rows stored (partial) or spooled (atomic, stored once the file ended all valid), and the
 * progress written after every batch. Throws UPLOAD_EMPTY for a file without rows, and whatever a write
 * throws; `state` is filled in as it goes, so a failed job still reports how far it came. `stopped` says
 * whether the read of the file failed (a parser may end quietly after its input failed).
 */
export async function storeUploadRows(
  deps: UploadStoringDeps,
  job: UploadStoringJob,
  batches: AsyncIterable<CheckedRow[]>,
  state: UploadStoringState,
  stopped: () => boolean,
): Promise<void> {
  const { jobs, registry } = deps;
  const { progress, warnings } = state;
  const bodyCode = job.body.code;
  // Atomic uploads keep their checked rows here until the whole file is known to be valid.
  const spool: UploadScratch | undefined = job.mode === 'atomic' ? openUploadScratch() : undefined;

  async function saveProgress(): Promise<void> {
    progress.bytes = job.bytesRead();
    await jobs.updateProgress(job.jobId, progress, deps.now());
  }

  async function report(errors: RowError[]): Promise<void> {
    if (errors.length === 0) return;
    const room = job.maxStoredErrors - state.errorsStored;
    const kept = errors.length <= room ? errors : errors.slice(0, Math.max(0, room));
    if (kept.length < errors.length && !state.errorsCapped) {
      state.errorsCapped = true;
      warnings.push({
        code: 'UPLOAD_ERRORS_CAPPED',
        message: WARNING_TEXT.UPLOAD_ERRORS_CAPPED(job.maxStoredErrors).en,
      });
    }
    if (kept.length > 0) {
      await jobs.appendErrors(job.jobId, kept);
      state.errorsStored += kept.length;
    }
  }

  async function storeSlice(data: CertificateData[], texts?: readonly (string | undefined)[]): Promise<void> {
    const at = deps.now();
    const results = await deps.upsertMany(data, at, texts);
    for (const result of results) progress[result.outcome] += 1;
    await deps.onStored?.({ jobId: job.jobId, bodyCode, results, at });
  }

  let sliceRows: number = SLICE_ROWS.first;
  /**
   * Stores one batch's rows (in slices when the job is sliced), each with the JSON text it was parsed from
   * where it was; the caller writes the progress after.
   */
  async function store(data: CertificateData[], texts?: readonly (string | undefined)[]): Promise<void> {
    if (data.length === 0) return;
    const { sliceMs } = job;
    if (sliceMs === undefined) {
      await storeSlice(data, texts);
      return;
    }
    for (let i = 0; i < data.length;) {
      const rows = Math.min(sliceRows, data.length - i);
      const started = performance.now();
      await storeSlice(data.slice(i, i + rows), texts?.slice(i, i + rows));
      i += rows;
      // Only a full slice says how many rows fit the time (a batch's short last slice would not).
      if (rows === sliceRows) sliceRows = nextSliceRows(rows, performance.now() - started, sliceMs);
      if (i < data.length) {
        await saveProgress();
        // Other work of this thread (the file's next bytes) between slices; the lock is already free.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
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
        (await registry.findByNumbers(bodyCode, numbers)).map((cert) => [cert.number, cert]),
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
      await deps.onRefused?.({ jobId: job.jobId, bodyCode, rows: refused, at: deps.now() });
    }
    if (job.mode === 'partial') {
      await store(
        valid.map((c) => c.data ?? (JSON.parse(c.json as string) as CertificateData)),
        valid.map((c) => c.json),
      );
    } else if (progress.rejected === 0) {
      // Atomic: rows are kept only while the file is still all valid; after the first bad row nothing
      // will be stored, and the rest of the file is only checked (to report every error at once).
      spool?.spool(valid.map((c) => c.json ?? JSON.stringify(c.data)));
    }
    await saveProgress();
  }

  try {
    // The parser pulls from the meter, which pulls from the client: awaiting each batch's writes
    // before taking the next is what keeps the read from outrunning the registry.
    for await (const batch of batches) await processBatch(batch);
    // A parser that ended quietly after its input failed has still not read the whole file.
    if (stopped()) throw new Error('the read stopped before the end of the file');
    if (progress.rowsRead === 0) {
      throw new AppError('UPLOAD_EMPTY', 'The file has no data rows.');
    }
    if (job.mode === 'atomic' && progress.rejected === 0) {
      for (const page of spool?.spooled(job.batchSize) ?? []) {
        await store(
          page.map((json) => JSON.parse(json) as CertificateData),
          page,
        );
        await saveProgress();
        // The embedded registry answers synchronously, so nothing above gives way to other work
        // (lookups, progress polls, when this runs in the request's process): let it in between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    spool?.close();
  }
}

/** A fresh storing state, from the job's stored progress (zero for a new job). */
export function newStoringState(progress: UploadProgress = EMPTY_PROGRESS): UploadStoringState {
  return { progress: { ...progress }, warnings: [], errorsStored: 0, errorsCapped: false };
}
