import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { principalOf } from './auth';
import { AppError, isAppError, type ErrorCode } from './errors';
import { asLang, fieldIssueZh, pickLang, type FieldIssue, type Lang } from './i18n';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { STORE_RETRY_AFTER_SECONDS, storeUnavailable } from './store-failure';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** An RFC 9457 problem document with the stable `code` clients map to text. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  [extension: string]: unknown;
}

/**
 * The human message of an error in a language: server/error-texts.ts gives it (the code's own text from
 * the feature's texts file); app.ts passes it in, since platform/ imports no feature.
 */
export type ErrorDetail = (error: AppError, lang: Lang) => string;

/** Without a lookup: the error's own message, whatever its language. */
const ownMessage: ErrorDetail = (error) => error.message;

/**
 * The problem document of `error` for a reader of `lang`: `detail` in that language, while `code`,
 * `title` and the extensions (`errors`, the failing field, limits) stay the same in both.
 */
export function problemOf(error: AppError, lang: Lang = error.lang, detailOf = ownMessage): Problem {
  return {
    type: `urn:certwatch:problem:${error.code}`,
    title: error.code.toLowerCase().replace(/_/g, ' '),
    status: error.status,
    code: error.code,
    detail: detailOf(error, lang),
    ...error.details,
    ...error.detailsIn?.[lang],
  };
}

/**
 * The language of an error answer, negotiated as for pages and uploads (platform/i18n.ts pickLang):
 * `?lang=zh|en`, then Accept-Language, then Chinese.
 */
export function problemLang(req: Request): Lang {
  let queryLang: unknown;
  try {
    queryLang = req.query.lang;
  } catch {
    // A query string the parser refuses: the error being answered may be about it.
  }
  return pickLang(queryLang, req.get('accept-language'));
}

/**
 * Parses request input with a zod schema. The first failing field decides the error code: the code a
 * check declares in its params (`{ params: { code } }`), else the field's `meta({ errorCode })`, else
 * `fallback`. Every issue is listed in `errors` with its field path.
 */
export function parseInput<S extends z.ZodObject>(
  schema: S,
  input: unknown,
  fallback: ErrorCode = 'VALIDATION_FAILED',
): z.output<S> {
  const result = schema.safeParse(withoutAnswerLang(schema, input, fallback));
  if (result.success) return result.data;
  const issues = result.error.issues;
  // Unknown parameters (`q[$gt]`, typos) say most about what went wrong: report them first.
  const first = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  const field = first?.path.map(String).join('.') ?? '';
  const declared = (first as { params?: { code?: ErrorCode } } | undefined)?.params?.code;
  const fieldName = first?.path.length ? String(first.path[0]) : undefined;
  const fieldSchema = fieldName ? (schema.shape as Record<string, z.ZodType>)[fieldName] : undefined;
  const metaCode = declaredErrorCode(fieldSchema);
  // `?q=a&q=b` arrives as an array where one value is expected: a malformed query, not a bad value.
  const repeated =
    fallback === 'INVALID_QUERY' &&
    first?.code === 'invalid_type' &&
    first.expected !== 'array' &&
    fieldName !== undefined &&
    Array.isArray((input as Record<string, unknown> | undefined)?.[fieldName]);
  const code: ErrorCode =
    first?.code === 'unrecognized_keys' || repeated ? fallback : (declared ?? metaCode ?? fallback);
  const message =
    first?.code === 'unrecognized_keys'
      ? first.message
      : repeated
        ? `${field}: given more than once`
        : `${field || 'input'}: ${first?.message ?? 'invalid'}`;
  const fieldOf = (i: z.core.$ZodIssue) => i.path.map(String).join('.');
  throw new AppError(code, message, {
    details: { errors: issues.map((i) => ({ field: fieldOf(i), message: i.message })) },
    detailsIn: {
      zh: { errors: issues.map((i) => ({ field: fieldOf(i), message: fieldIssueZh(fieldIssue(i)) })) },
    },
  });
}

/** What fieldIssueZh needs of a schema issue. */
export function fieldIssue(issue: z.core.$ZodIssue): FieldIssue {
  const i = issue as z.core.$ZodIssue & Omit<FieldIssue, 'code' | 'missing' | 'errorCode'>;
  return {
    code: issue.code,
    origin: i.origin,
    minimum: i.minimum,
    maximum: i.maximum,
    keys: i.keys,
    values: i.values,
    missing: issue.code === 'invalid_type' && issue.message.endsWith('received undefined'),
    errorCode: (issue as { params?: { code?: string } }).params?.code,
  };
}

/**
 * A query without its `lang=zh|en` when the route's schema does not take one: every API route takes it,
 * as the language of its error answer (problemLang), and no strict query schema refuses it for that.
 */
function withoutAnswerLang(schema: z.ZodObject, input: unknown, fallback: ErrorCode): unknown {
  if (fallback !== 'INVALID_QUERY' || typeof input !== 'object' || input === null) return input;
  if ('lang' in schema.shape || asLang((input as { lang?: unknown }).lang) === undefined) return input;
  const { lang: _lang, ...rest } = input as Record<string, unknown>;
  return rest;
}

/** Whether a request has query parameters besides a `lang=zh|en` (which every API route takes). */
export function hasQueryBeyondLang(req: Request): boolean {
  if (!req.url.includes('?')) return false;
  const keys = Object.keys(req.query);
  return keys.length > 1 || (keys.length === 1 && (keys[0] !== 'lang' || !asLang(req.query.lang)));
}

/**
 * The `meta({ errorCode })` a field declares, looked for through the wrappers around it (`.optional()`,
 * `.default()`, `.pipe()`), so that `queryText(...).pipe(...)` keeps the code its first stage declares.
 */
function declaredErrorCode(schema: z.ZodType | undefined): ErrorCode | undefined {
  for (let s = schema; s;) {
    const code = s.meta()?.errorCode as ErrorCode | undefined;
    if (code) return code;
    const def = s.def as { innerType?: z.ZodType; in?: z.ZodType };
    s = def.innerType ?? def.in;
  }
  return undefined;
}

/**
 * Answers to authenticated requests are for their caller only: `Cache-Control: no-store` (above all the
 * one secret a token issue returns), so that no browser, proxy or CDN keeps a copy. Mounted after the
 * principal is known; a route may still set its own policy (e.g. `private` for a body's QR images).
 */
export const noStoreWhenAuthenticated: RequestHandler = (_req, res, next) => {
  if (principalOf(res)) res.setHeader('Cache-Control', 'no-store');
  next();
};

/** JSON 404 for unknown API routes. */
export const apiNotFound: RequestHandler = (req) => {
  throw new AppError('ROUTE_NOT_FOUND', `No API route ${req.method} ${req.baseUrl}${req.path}.`);
};

/** Maps errors thrown by body parsers and the router (http-errors with `type`/`status`) to stable codes. */
function fromHttpError(error: {
  status?: number;
  statusCode?: number;
  type?: string;
  message?: string;
}): AppError | undefined {
  const status = error.status ?? error.statusCode;
  if (!status || status < 400 || status >= 500) return undefined;
  // The router marks a path parameter it cannot percent-decode (`/certificates/%E0%A4%A`) with status 400.
  if (error instanceof URIError)
    return new AppError('MALFORMED_URL', 'The URL is not validly percent-encoded.');
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError('MALFORMED_JSON', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request body encoding is not supported.');
    default:
      return new AppError(
        status === 404 ? 'ROUTE_NOT_FOUND' : 'VALIDATION_FAILED',
        'The request is malformed.',
      );
  }
}

/**
 * The last handler: AppErrors and client errors become problem documents; a store out of reach (MongoDB
 * down, SQLite disk full) is a 503 STORE_UNAVAILABLE with Retry-After (as is any error whose details name
 * `retryAfterSeconds`); anything else is a 500 with no
 * internals in the answer, logged with its stack. `detail` is in the reader's language (problemLang),
 * from `detailOf`.
 */
export function errorHandler(logger: Logger, detailOf: ErrorDetail): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let error = isAppError(err) ? err : fromHttpError(err as Record<string, never>);
    if (!error) {
      error = storeUnavailable(err);
      // Once per failed request, without the error's text (a connection string may be in it).
      if (error) logger.warn({ cause: (err as Error).name, route: req.route?.path }, 'store unavailable');
    }
    if (!error) {
      logger.error({ err, method: req.method, route: req.route?.path }, 'unhandled error');
      error = new AppError('INTERNAL_ERROR', 'Something went wrong on our side; please try again.');
    }
    if (res.headersSent) return void res.end();
    const retryAfter =
      error.code === 'STORE_UNAVAILABLE' ? STORE_RETRY_AFTER_SECONDS : error.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
    const lang = problemLang(req);
    res
      .status(error.status)
      .type(PROBLEM_CONTENT_TYPE)
      .set('Content-Language', lang === 'zh' ? 'zh-CN' : 'en')
      .vary('Accept-Language')
      .send(JSON.stringify(problemOf(error, lang, detailOf)));
  };
}

/**
 * Counts and times every request by route pattern (never by raw URL: bounded label sets, no ids in
 * metrics) and logs one line per request without query string or client address.
 */
export function observeRequests(logger: Logger, metrics: Metrics | undefined): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      metrics?.httpRequests.inc({ method: req.method, route, status: res.statusCode });
      metrics?.httpDuration.observe({ method: req.method, route }, seconds);
      logger.info(
        { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 },
        'request',
      );
    });
    next();
  };
}
