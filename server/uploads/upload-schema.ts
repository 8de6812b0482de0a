import { z } from 'zod';

export const UPLOAD_FORMATS = ['csv', 'xlsx', 'ndjson'] as const;
export type UploadFormat = (typeof UPLOAD_FORMATS)[number];

export const UPLOAD_MODES = ['atomic', 'partial'] as const;
export type UploadMode = (typeof UPLOAD_MODES)[number];

/**
 * Why a row was rejected. Stable codes (a published contract, like the API's error codes): the error
 * report and the body's own systems key on them.
 */
export const ROW_ERROR_CODES = [
  'ROW_MISSING_FIELD',
  'ROW_INVALID_VALUE',
  'ROW_INVALID_DATE',
  'ROW_INVALID_CREDIT_CODE',
  'ROW_INVALID_NUMBER',
  'ROW_UNKNOWN_SCHEME',
  'ROW_UNKNOWN_STATUS',
  'ROW_EXPIRY_BEFORE_ISSUE',
  'ROW_DUPLICATE_NUMBER',
  'ROW_OTHER_BODY',
  'ROW_OUT_OF_SCOPE',
  'ROW_ILLEGAL_STATUS_TRANSITION',
  'ROW_MALFORMED',
  'ROW_EXCEL_ERROR',
  'ROW_STATUS_DATE_BEFORE_ISSUE',
  'ROW_STATUS_DATE_BEFORE_LAST_CHANGE',
] as const;
export const rowErrorCodeSchema = z.enum(ROW_ERROR_CODES);
export type RowErrorCode = z.infer<typeof rowErrorCodeSchema>;

/** One reason a row was rejected. `row` is the row number the uploader sees in their file. */
export interface RowError {
  row: number;
  /** The field (canonical name, e.g. `holder.creditCode`), or '' for the whole row. */
  field: string;
  code: RowErrorCode;
  /** What is wrong, in English. */
  message: string;
  /** What is wrong, in Chinese (absent only in reports written before it was kept). */
  messageZh?: string;
  /** The column's header as the file writes it (absent when the file has no such column). */
  header?: string;
  /** The certificate number as given, when the row has one (helps find the row in the body's system). */
  number?: string;
}

/** Most errors one row reports: a row of empty cells or shifted columns would otherwise give dozens. */
export const MAX_ERRORS_PER_ROW = 10;

/**
 * A row as the parser hands it on: its number in the file and the certificate report it maps to (the
 * shape of CertificateInput, still unvalidated), or the errors that kept it from mapping.
 */
export interface ParsedRow {
  row: number;
  /** What could be read of the row (also when it has errors, so that later checks find the rest). */
  input?: Record<string, unknown>;
  errors: RowError[];
  /** Each field's header as the file writes it (for messages naming the column). */
  headers?: ReadonlyMap<string, string>;
}

/**
 * Where a job is. `rejected`: an atomic upload with bad rows (nothing stored). `failed`: the file itself
 * could not be read to the end (malformed, too large) or the server failed. `interrupted`: the upload
 * stopped before the end of the file (the client went away, or the server died: jobs a crash left
 * `running` are marked so at the next start-up); rows stored before that stay, and uploading the same
 * file again completes it.
 */
export const UPLOAD_JOB_STATES = ['running', 'succeeded', 'failed', 'rejected', 'interrupted'] as const;
export const uploadJobStateSchema = z.enum(UPLOAD_JOB_STATES);
export type UploadJobState = z.infer<typeof uploadJobStateSchema>;

/** A job id: 128 random bits as 22 base64url characters (unguessable, so a URL never enumerates jobs). */
export const uploadJobIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}$/, 'job id: 22 base64url characters (128 random bits)');

export const uploadProgressSchema = z.object({
  /** Bytes of the file read so far. */
  bytes: z.number().int().nonnegative(),
  /** Data rows read so far (header rows and blank lines are not counted). */
  rowsRead: z.number().int().nonnegative(),
  /** Rows that passed every check (stored, or to be stored once the atomic check is over). */
  accepted: z.number().int().nonnegative(),
  /** Rows with at least one error (see the error report). */
  rejected: z.number().int().nonnegative(),
  /** Of the accepted rows: certificates new to the registry ... */
  created: z.number().int().nonnegative(),
  /** ... certificates whose stored record changed ... */
  updated: z.number().int().nonnegative(),
  /** ... and certificates already stored exactly so. */
  unchanged: z.number().int().nonnegative(),
});
export type UploadProgress = z.infer<typeof uploadProgressSchema>;

export const EMPTY_PROGRESS: UploadProgress = Object.freeze({
  bytes: 0,
  rowsRead: 0,
  accepted: 0,
  rejected: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
});

export const uploadJobSchema = z
  .object({
    id: uploadJobIdSchema,
    bodyCode: z.string(),
    /** Id of the token that uploaded (its public handle, never the secret). */
    createdBy: z.string(),
    format: z.enum(UPLOAD_FORMATS),
    mode: z.enum(UPLOAD_MODES),
    fileName: z.string().optional(),
    state: uploadJobStateSchema,
    progress: uploadProgressSchema,
    /** One-line outcome once finished, e.g. "No changes: ...". */
    summary: z.string().optional(),
    /** Things the uploader should know that did not reject a row (ignored columns, a capped report). */
    warnings: z.array(
      z.object({
        code: z.string(),
        message: z.string(),
        columns: z.array(z.string()).optional(),
        /** The rows concerned (UPLOAD_TOTAL_ROW_SKIPPED). */
        rows: z.array(z.number().int()).optional(),
      }),
    ),
    /** Rows of the error report stored (one per row error). */
    errorsStored: z.number().int().nonnegative(),
    /** True when there were more row errors than the report keeps (see MAX_STORED_ERRORS). */
    errorsCapped: z.boolean(),
    /**
     * Why a failed or interrupted job stopped: a stable code and its message. Failed: the API error code
     * the upload was answered with (UPLOAD_MALFORMED, PAYLOAD_TOO_LARGE, ...). Interrupted:
     * UPLOAD_ABORTED (the client went away) or UPLOAD_INTERRUPTED (the server stopped).
     */
    failure: z.object({ code: z.string(), message: z.string() }).optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'UploadJob' });
export type UploadJob = z.infer<typeof uploadJobSchema>;

/**
 * Whether the job stored rows in the registry (created, updated or confirmed unchanged): a report by its
 * body, as reporting timeliness counts it. A rejected atomic upload stored nothing.
 */
export function storedRows(job: UploadJob): boolean {
  if (job.state === 'running' || job.state === 'rejected') return false;
  const { created, updated, unchanged } = job.progress;
  return created + updated + unchanged > 0;
}

/** A page of a body's upload jobs (GET /uploads). */
export const uploadJobListSchema = z
  .object({
    items: z.array(uploadJobSchema),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })
  .meta({ id: 'UploadJobList' });

/** What a job is created with. */
export type NewUploadJob = Pick<
  UploadJob,
  'id' | 'bodyCode' | 'createdBy' | 'format' | 'mode' | 'fileName'
> & {
  createdAt: string;
};

/** What a job ends with. */
export type FinishedUploadJob = Pick<
  UploadJob,
  'state' | 'progress' | 'summary' | 'warnings' | 'errorsStored' | 'errorsCapped' | 'failure'
> & { finishedAt: string };

/** Why a job left `running` by a dead process is `interrupted`. */
export const INTERRUPTED_BY_RESTART = Object.freeze({
  code: 'UPLOAD_INTERRUPTED',
  message:
    'The server stopped before this upload finished. Rows stored before that are kept; upload the same file again to complete it (unchanged rows are skipped).',
});

/**
 * Something about the file as a whole that did not stop the upload but that the uploader should see
 * (shown with the job's summary): columns nobody reads, a column given twice.
 */
export interface UploadWarning {
  code: 'UPLOAD_UNKNOWN_COLUMNS' | 'UPLOAD_DUPLICATE_COLUMNS' | 'UPLOAD_TOTAL_ROW_SKIPPED';
  message: string;
  /** The header texts concerned, as written in the file. */
  columns: string[];
  /** The rows concerned: a total row (合计, Total) that was skipped. */
  rows?: number[];
}
