import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { UploadService } from './upload-service';
import { assertRole } from '../platform/auth';
import { AppError, isAppError } from '../platform/errors';
import { parseInput } from '../platform/http';
import { LANGS, pickLang, type Lang } from '../platform/i18n';
import { hasForbiddenCharacters } from '../platform/normalize';
import type { OpenApiRegistry } from '../platform/openapi';
import { problemResponses } from '../platform/openapi';
import { errorReportCsv } from './upload-error-report';
import { jobIn, uploadErrorIn } from './upload-row-texts';
import { uploadFormatOf } from './upload-parsers';
import { bodyCodeSchema } from '../bodies/body-schema';
import { pagingQuery } from '../platform/paging';
import { normalizeIdentifier } from '../platform/normalize';
import { UPLOAD_MODES, uploadJobIdSchema, uploadJobListSchema, uploadJobSchema } from './upload-schema';

/** The header a client proposes its job id in, so that it can poll the job while it is still sending. */
export const JOB_ID_HEADER = 'upload-job-id';

const LANG_DESCRIPTION =
  'zh or en: the language of the summary, notices and row error messages (else Accept-Language, else zh)';

export const uploadQuerySchema = z.strictObject({
  mode: z
    .enum(UPLOAD_MODES)
    .default('atomic')
    .describe(
      'atomic: nothing is stored unless every row is valid (default); partial: valid rows are stored',
    ),
  format: z
    .string()
    .max(16)
    .optional()
    .describe('csv, xlsx or ndjson; else taken from Content-Type, then from fileName'),
  fileName: z
    .string()
    .min(1)
    .max(255)
    .refine((v) => !hasForbiddenCharacters(v), 'must not contain control or invisible characters')
    .optional()
    .describe('The name of the file, kept with the job'),
  lang: z.enum(LANGS).optional().describe(LANG_DESCRIPTION),
});

const langQuery = z.strictObject({ lang: z.enum(LANGS).optional().describe(LANG_DESCRIPTION) });
const jobParams = z.object({ jobId: uploadJobIdSchema });

/** GET /uploads: a page of one body's jobs (a body token: its own; others name the body). */
export const uploadListQuerySchema = z.strictObject({
  body: z
    .string()
    .max(64)
    .transform(normalizeIdentifier)
    .pipe(bodyCodeSchema)
    .optional()
    .describe('The body whose jobs to list: required for admin and inspector tokens')
    .meta({ errorCode: 'INVALID_BODY_CODE' }),
  ...pagingQuery,
});
/** The language of the answer: `?lang=`, then Accept-Language, then Chinese. */
function langOf(req: Request, query: { lang?: Lang }): Lang {
  return pickLang(query.lang, req.get('accept-language'));
}

/** After this answer the connection closes: the rest of an unread upload is not worth reading. */
function closeAfter(res: Response): void {
  res.set('Connection', 'close');
}

function assertJobId(jobId: string): void {
  if (!uploadJobIdSchema.safeParse(jobId).success) {
    throw new AppError('INVALID_UPLOAD_JOB_ID', 'A job id is 22 letters, digits, - or _.');
  }
}

/** Bulk upload by certifying bodies: the file streams in, the finished job comes back. */
export function uploadRoutes(services: { uploads: UploadService }, openapi: OpenApiRegistry): Router {
  const { uploads } = services;
  const router = Router();

  openapi.add({
    method: 'post',
    path: '/api/v1/uploads',
    summary: 'Upload a file of certificate reports (CSV, XLSX or NDJSON), streamed',
    description:
      'The request body is the file itself (not multipart): text/csv (UTF-8 with or without BOM, or GB18030/GBK), ' +
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, or application/x-ndjson. The body is the ' +
      "token's. Answers when the whole file is processed: 201 with the job, 422 UPLOAD_REJECTED (atomic, bad rows; " +
      `nothing stored) with the job in \`job\`. Files over ${uploads.maxBytes('csv')} bytes (XLSX: ` +
      `${uploads.maxBytes('xlsx')}) get 413. Optional header \`Upload-Job-Id\`: a job id chosen by the client ` +
      '(22 base64url characters, 128 random bits) so it can poll GET /api/v1/uploads/{jobId} while it sends. ' +
      'Large files (1 MiB or more, or chunked) run a few at a time: past its share a body gets 429 UPLOAD_BODY_BUSY, ' +
      'and a server storing all it can 503 UPLOADS_BUSY, both with Retry-After and before a byte is read (no job).',
    tags: ['uploads'],
    roles: ['body'],
    query: uploadQuerySchema,
    bodyMedia: {
      description: 'The file, as is (streamed; not multipart)',
      contentTypes: [
        'text/csv',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'application/x-ndjson',
      ],
    },
    responses: { 201: uploadJobSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
  });
  router.post('/uploads', async (req, res) => {
    let lang: Lang | undefined;
    try {
      const principal = assertRole(res, 'body');
      const query = parseInput(uploadQuerySchema, req.query, 'INVALID_QUERY');
      const jobId = req.get(JOB_ID_HEADER);
      if (jobId !== undefined) assertJobId(jobId);
      const { mode, fileName } = query;
      lang = langOf(req, query);
      const format = uploadFormatOf({ format: query.format, contentType: req.get('content-type'), fileName });
      const length = req.get('content-length');
      const sizeHint = length === undefined ? undefined : Number(length);
      // Refused before a byte is read: no job.
      if (sizeHint !== undefined && sizeHint > uploads.maxBytes(format)) throw uploads.tooLarge(format);

      const job = await uploads.upload({ principal, source: req, format, mode, jobId, fileName, sizeHint });
      // The client went away mid-file: there is nobody to answer (the job says what happened).
      if (job.state === 'interrupted') {
        req.socket.destroy();
        return;
      }
      const shown = jobIn(job, lang);
      if (job.state === 'rejected') {
        // The summary is in the reader's language already; without one, the code's text says it.
        const detail = shown.summary ?? 'Nothing stored: the file has rows with errors.';
        const written = shown.summary === undefined ? 'en' : lang;
        throw new AppError('UPLOAD_REJECTED', detail, { details: { job: shown }, lang: written });
      }
      res.status(201).location(`/api/v1/uploads/${job.id}`).json(shown);
    } catch (err) {
      // Refused before or part-way through the file (no token, too large, malformed): what is left of
      // it is not worth reading, so the connection closes after the answer instead of draining it.
      if (!req.complete) closeAfter(res);
      throw lang && isAppError(err) ? uploadErrorIn(err, lang) : err;
    }
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/uploads',
    summary: "A body's upload jobs, newest first (paged)",
    description:
      "A body's token lists its own body's jobs only (another `body` is 403); admin and inspector tokens name the body.",
    tags: ['uploads'],
    roles: ['body', 'admin', 'inspector'],
    query: uploadListQuerySchema,
    responses: { 200: uploadJobListSchema },
    problems: problemResponses(400, 401, 403, 429),
  });
  router.get('/uploads', async (req, res) => {
    const principal = assertRole(res, 'body', 'admin', 'inspector');
    const { body, page, pageSize } = parseInput(uploadListQuerySchema, req.query, 'INVALID_QUERY');
    res.json(await uploads.list(principal, body, { page, pageSize }));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/uploads/{jobId}',
    summary: 'An upload job: its state, progress and summary (poll it while the upload runs)',
    description:
      "A body's token sees only its own body's jobs; another body's job answers 404 like an unknown one.",
    tags: ['uploads'],
    roles: ['body', 'admin', 'inspector'],
    params: jobParams,
    query: langQuery,
    responses: { 200: uploadJobSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/uploads/:jobId', async (req, res) => {
    const principal = assertRole(res, 'body', 'admin', 'inspector');
    assertJobId(req.params.jobId);
    const lang = langOf(req, parseInput(langQuery, req.query, 'INVALID_QUERY'));
    res.json(jobIn(await uploads.get(principal, req.params.jobId), lang));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/uploads/{jobId}/errors.csv',
    summary:
      "An upload job's error report: one line per row error (row, column as the file's header writes it, code, message, number, field)",
    description:
      'In the language asked for (?lang=zh|en, else Accept-Language, else Chinese): the header line and the messages. ' +
      'UTF-8 with a BOM (Excel shows Chinese right); a cell that a spreadsheet would read as a formula is prefixed with an apostrophe.',
    tags: ['uploads'],
    roles: ['body', 'admin', 'inspector'],
    params: jobParams,
    query: langQuery,
    responses: { 200: { description: 'The error report', contentType: 'text/csv; charset=utf-8' } },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/uploads/:jobId/errors.csv', async (req, res) => {
    const principal = assertRole(res, 'body', 'admin', 'inspector');
    assertJobId(req.params.jobId);
    const lang = langOf(req, parseInput(langQuery, req.query, 'INVALID_QUERY'));
    const { job, errors } = await uploads.errorReport(principal, req.params.jobId);
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="upload-${job.id}-errors.csv"`)
      .set('Cache-Control', 'no-store')
      .set('Content-Language', lang === 'zh' ? 'zh-CN' : 'en')
      .set('Vary', 'Accept-Language');
    await pipeline(Readable.from(errorReportCsv(errors, lang)), res);
  });

  return router;
}
