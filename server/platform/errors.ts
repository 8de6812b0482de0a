import type { Lang } from './i18n';

/**
 * The one error class of the service. `code` values are a published contract: clients map them to
 * Chinese/English text, so a code is never renamed or reused for another meaning.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  INVALID_QUERY: 400,
  INVALID_PUBLIC_ID: 400,
  INVALID_CERTIFICATE_NUMBER: 400,
  INVALID_BODY_CODE: 400,
  INVALID_CREDIT_CODE: 400,
  INVALID_CHARACTERS: 400,
  QUERY_TOO_SHORT: 400,
  QUERY_TOO_LONG: 400,
  INVALID_PAGE: 400,
  INVALID_CURSOR: 400,
  UNKNOWN_SCHEME: 400,
  MALFORMED_JSON: 400,
  MALFORMED_URL: 400,
  UPLOAD_EMPTY: 400,
  UPLOAD_MISSING_COLUMNS: 400,
  UPLOAD_MALFORMED: 400,
  INVALID_UPLOAD_JOB_ID: 400,
  SCAN_TEXT_EMPTY: 400,
  SCAN_TEXT_TOO_LONG: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CERTIFICATE_NOT_FOUND: 404,
  BODY_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  INSPECTOR_LINK_NOT_ALLOWED: 400,
  UPLOAD_JOB_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  DUPLICATE_CERTIFICATE: 409,
  BODY_EXISTS: 409,
  UPLOAD_JOB_EXISTS: 409,
  UPLOAD_JOB_RUNNING: 409,
  ILLEGAL_STATUS_TRANSITION: 409,
  STATUS_DATE_BEFORE_ISSUE: 409,
  STATUS_DATE_BEFORE_LAST_CHANGE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UPLOAD_ROW_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UPLOAD_REJECTED: 422,
  UPLOAD_BODY_BUSY: 429,
  UNSUPPORTED_UPLOAD_FORMAT: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  UPLOADS_BUSY: 503,
  // Dishonesty records, credit repair and partner credit queries.
  INVALID_DISHONESTY_ID: 400,
  INVALID_REPAIR_ID: 400,
  TOO_MANY_CODES: 400,
  DISHONESTY_RECORD_NOT_FOUND: 404,
  REPAIR_NOT_FOUND: 404,
  DISHONESTY_ALREADY_REPAIRED: 409,
  REPAIR_TOO_EARLY: 409,
  REPAIR_PENDING: 409,
  REPAIR_NOTICE_RUNNING: 409,
  REPAIR_ALREADY_DECIDED: 409,
  // Inspector directory and random inspection draws.
  INVALID_INSPECTOR_ID: 400,
  INVALID_DRAW_ID: 400,
  DRAW_ENTROPY_MISMATCH: 400,
  INSPECTOR_NOT_FOUND: 404,
  DRAW_NOT_FOUND: 404,
  INSPECTOR_EXISTS: 409,
  DRAW_ALREADY_EXECUTED: 409,
  DRAW_NOT_EXECUTED: 409,
  DRAW_POPULATION_EMPTY: 422,
  DRAW_POPULATION_TOO_LARGE: 422,
  DRAW_RATE_MISSING: 422,
  DRAW_TOO_FEW_INSPECTORS: 422,
  DRAW_NOT_A_TARGET: 422,
  // Risk signals.
  INVALID_SIGNAL_ID: 400,
  SIGNAL_NOT_FOUND: 404,
  SIGNAL_IN_CASE: 409,
  // Public tips, flags and cases.
  INVALID_TIP_ID: 400,
  INVALID_FLAG_ID: 400,
  INVALID_CASE_ID: 400,
  INVALID_PHOTO: 400,
  TIP_NOT_FOUND: 404,
  TIP_PHOTO_NOT_FOUND: 404,
  INVALID_TIP_REFERENCE: 400,
  TIP_REFERENCE_NOT_FOUND: 404,
  FLAG_NOT_FOUND: 404,
  CASE_NOT_FOUND: 404,
  CASE_DECIDED: 409,
  CASE_CHANGED: 409,
  ITEM_IN_OTHER_CASE: 409,
  NOT_IN_CASE: 409,
  INSPECTOR_CONFLICT: 409,
  INSPECTOR_INACTIVE: 409,
  PHOTO_TOO_LARGE: 413,
  TIP_NOT_NEW: 409,
  TIP_CHANGED: 409,
  // Evidence attachments of cases.
  INVALID_ATTACHMENT_ID: 400,
  INVALID_ATTACHMENT_NAME: 400,
  INVALID_ATTACHMENT: 415,
  ATTACHMENT_EMPTY: 400,
  ATTACHMENT_TOO_LARGE: 413,
  ATTACHMENT_NOT_FOUND: 404,
  // Verification receipts.
  RECEIPT_MALFORMED: 400,
  // The audit log as a transparency log: proofs, checkpoints, witnesses.
  INVALID_WITNESS_KEY: 400,
  INVALID_CHECKPOINT: 400,
  NO_VALID_COSIGNATURE: 400,
  AUDIT_SIZE_BEYOND_LOG: 404,
  WITNESS_NOT_FOUND: 404,
  WITNESS_EXISTS: 409,
  CHECKPOINT_NOT_IN_LOG: 409,
  // The auditor register and the auditors' public pages.
  AUDITOR_REGISTER_MISSING_COLUMNS: 400,
  INVALID_REGISTRATION_NUMBER: 400,
  AUDITOR_NOT_FOUND: 404,
  OPEN_DATA_EXPORT_RUNNING: 409,
  OPEN_DATA_FILE_NOT_FOUND: 404,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra members of the problem document (RFC 9457 extensions), e.g. the failing field. */
  readonly details: Record<string, unknown> | undefined;
  /**
   * The language `message` is written in: English unless a feature already wrote it for its reader (an
   * upload's summary). A problem answer in another language says the code's own text instead.
   */
  readonly lang: Lang;
  /** Members of `details` as a reader of another language gets them (e.g. each field's issue in Chinese). */
  readonly detailsIn: Partial<Record<Lang, Record<string, unknown>>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      cause?: unknown;
      details?: Record<string, unknown>;
      lang?: Lang;
      detailsIn?: Partial<Record<Lang, Record<string, unknown>>>;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.details = options.details;
    this.lang = options.lang ?? 'en';
    this.detailsIn = options.detailsIn;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
