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
  MALFORMED_JSON: 400,
  MALFORMED_URL: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CERTIFICATE_NOT_FOUND: 404,
  BODY_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  DUPLICATE_CERTIFICATE: 409,
  ILLEGAL_STATUS_TRANSITION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra members of the problem document (RFC 9457 extensions), e.g. the failing field. */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.details = options.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
