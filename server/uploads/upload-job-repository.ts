import type { FinishedUploadJob, NewUploadJob, RowError, UploadJob, UploadProgress } from './upload-schema';

/**
 * Upload jobs and their error reports. A job is written when the upload starts, its progress after every
 * batch, and its outcome once at the end; the error report is appended in batches as rows are checked.
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
   * Marks every job still `running` whose last write (updatedAt) is before `runningBefore` (ISO timestamp)
   * as `interrupted`, with `failure` saying why and finishedAt set to `at`: the jobs a crashed or killed
   * process left behind. Returns the jobs so marked.
   */
  markInterrupted(runningBefore: string, at: string): Promise<UploadJob[]>;
}
