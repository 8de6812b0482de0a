import type { FinishedUploadJob, NewUploadJob, RowError, UploadJob, UploadProgress } from './upload-schema';

/** One page of a body's jobs, newest first, and how many jobs the body has. */
export interface UploadJobPage {
  items: UploadJob[];
  total: number;
}

/** One page of the certificates a job covers, in file order. */
export interface JobCertificatePage {
  publicIds: string[];
  /** Where the next page starts (an opaque cursor for `listCertificates`); absent on the last page. */
  next?: string;
}

/**
 * Upload jobs, their error reports and the certificates they cover. A job is written when the upload
 * starts, its progress after every batch, and its outcome once at the end; the error report and the
 * list of certificates are appended in batches as rows are checked and stored.
 * Plain objects in and out; ids are the job's own random id, never an adapter key.
 */
export interface UploadJobRepository {
  /**
   * Stores a new job in state `running` with zero progress, no warnings and an empty error report.
   * Returns the stored job, or undefined when a job with this id already exists (nothing is changed then):
   * clients may propose the id, so a collision is an answer, not a crash.
   */
  create(job: NewUploadJob): Promise<UploadJob | undefined>;

  /**
   * Records the progress of a running job at `at` (ISO timestamp, becomes updatedAt). A job that is no
   * longer running is left alone, so a late write cannot undo `finish` or `markInterrupted`.
   */
  updateProgress(id: string, progress: UploadProgress, at: string): Promise<void>;

  /**
   * Ends a running job with its outcome (finishedAt becomes updatedAt too). Returns the finished job, or
   * undefined when there is no running job with this id (unknown, or already finished or interrupted).
   */
  finish(id: string, outcome: FinishedUploadJob): Promise<UploadJob | undefined>;

  /** The job with this id, or undefined. */
  findById(id: string): Promise<UploadJob | undefined>;

  /**
   * One window of the body's jobs, newest first (by createdAt, then id), with the count of all its jobs.
   * Index-backed on (body, createdAt): another body's jobs are never read.
   */
  listByBody(bodyCode: string, window: { offset: number; limit: number }): Promise<UploadJobPage>;

  /**
   * The body's jobs created at or after `since` (ISO timestamp), oldest first, at most `limit`: what its
   * reporting timeliness reads (a year of monthly uploads is a few dozen jobs).
   */
  listCreatedSince(bodyCode: string, since: string, limit: number): Promise<UploadJob[]>;

  /**
   * Appends row errors to the job's report, in one write. Errors are kept in the order appended; the
   * caller decides how many to keep (the repository stores whatever it is given).
   */
  appendErrors(jobId: string, errors: readonly RowError[]): Promise<void>;

  /**
   * The job's error report ordered by row number, and for one row in the order appended. Read in pages,
   * so memory stays flat however long the report; empty for an unknown job.
   */
  errors(jobId: string): AsyncIterable<RowError>;

  /**
   * Adds certificates (public ids, in file order) to the end of the list of those the job covers, in one
   * write; a certificate repeated within the call is added once, at its first place. Appending one that an
   * earlier call added is the caller's mistake, not checked (the upload service stores a certificate once
   * per job: a number repeated in a file is a rejected row), since checking would cost an index insert at
   * a random place for every stored row.
   */
  appendCertificates(jobId: string, publicIds: readonly string[]): Promise<void>;

  /**
   * At most `limit` of the job's certificates in the order first appended, starting after the cursor
   * `after` (from the first when undefined). Keyset paging on an index: a page costs the same at the end
   * of a million-certificate job as at its start. An unknown job or cursor past the end: an empty page.
   */
  listCertificates(jobId: string, after: string | undefined, limit: number): Promise<JobCertificatePage>;

  /**
   * Marks every job still `running` whose last write (updatedAt) is before `runningBefore` (ISO timestamp)
   * as `interrupted`, with `failure` saying why and finishedAt set to `at`: the jobs a crashed or killed
   * process left behind. Returns the jobs so marked.
   */
  markInterrupted(runningBefore: string, at: string): Promise<UploadJob[]>;
}
