import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { pageOf } from '../platform/paging';
import { AppError } from '../platform/errors';
import { hasQueryBeyondLang, parseInput } from '../platform/http';
import { hasForbiddenCharacters, normalizeIdentifier } from '../platform/normalize';
import type { OpenApiRegistry } from '../platform/openapi';
import { problemResponses } from '../platform/openapi';
import {
  certificateNumberSchema,
  publicCertificateSchema,
  publicIdSchema,
  statusSchema,
} from './certificate-schema';
import { SCHEMES } from '../schemes/schemes';
import { MAX_PAGE_SIZE, MAX_SEARCH_DEPTH, type CertificateService } from './certificate-service';
import { bodyCodeSchema, publicBodySchema } from '../bodies/body-schema';

const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/;

/** A query-string value: one string, bounded, no control characters; `errorCode` names its failures. */
const queryText = (max: number, errorCode: string, tooLongCode = errorCode) =>
  z
    .string()
    .refine((v) => v.length <= max, { message: `at most ${max} characters`, params: { code: tooLongCode } })
    .refine((v) => !hasForbiddenCharacters(v), {
      message: 'contains control or invisible characters',
      params: { code: 'INVALID_CHARACTERS' },
    })
    .meta({ errorCode });

// Normalised, then held to the shapes the registry stores: a value no certificate can carry (`' OR 1=1 --`,
// a stray `%`) is a 400, not an empty list that could be read as "this certificate does not exist".
export const numberQuerySchema = z.strictObject({
  number: queryText(64, 'INVALID_CERTIFICATE_NUMBER').pipe(certificateNumberSchema),
  body: queryText(32, 'INVALID_BODY_CODE').transform(normalizeIdentifier).pipe(bodyCodeSchema).optional(),
});

/** A whole decimal number in a query string (no hex, exponents or signs). */
const queryInteger = z
  .string()
  .regex(/^\d{1,6}$/, 'a whole number')
  .transform(Number);

/** A scheme code of the catalogue, in any case (`ems`, `EnMS`), as the catalogue spells it. */
const schemeFilter = z.string().transform((value, ctx) => {
  const code = normalizeIdentifier(value);
  const scheme = SCHEMES.find((s) => s.code.toUpperCase() === code);
  if (scheme) return scheme.code;
  ctx.addIssue({ code: 'custom', message: 'not a scheme code of the catalogue' });
  return z.NEVER;
});

export const searchQuerySchema = z.strictObject({
  q: queryText(100, 'QUERY_TOO_SHORT', 'QUERY_TOO_LONG'),
  status: statusSchema
    .optional()
    .describe(
      'Effective status: valid, suspended, revoked, withdrawn or expired (derived from the expiry date)',
    ),
  scheme: schemeFilter.optional().describe('A scheme code of the catalogue (QMS, EMS, CCC, ...)'),
  body: queryText(32, 'INVALID_QUERY')
    .transform(normalizeIdentifier)
    .pipe(bodyCodeSchema)
    .optional()
    .describe("The certifying body's code"),
  page: queryInteger.pipe(z.number().min(1)).default(1).meta({ errorCode: 'INVALID_PAGE' }),
  pageSize: queryInteger
    .pipe(z.number().min(1).max(MAX_PAGE_SIZE))
    .default(20)
    .meta({ errorCode: 'INVALID_PAGE' }),
});

export const numberLookupSchema = z
  .object({
    items: z.array(publicCertificateSchema),
    body: publicBodySchema.nullable().optional(),
    registryLastReportedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'NumberLookup' });

export const searchResultSchema = pageOf(publicCertificateSchema)
  .extend({ totalCapped: z.boolean() })
  .meta({ id: 'SearchResult' });

/**
 * GET /api/v1/certificates/:publicId, what every QR scan and typed lookup asks: the hottest path of the
 * service. app.ts mounts it at the top level behind the rate limit alone, not in the API router, whose
 * JSON-body parser, token check and router layers a public GET does not need (about a tenth of its
 * cost as profiled; see the README's benchmark section).
 */
export function publicIdLookup(service: CertificateService): RequestHandler {
  return async (req, res) => {
    const publicId = req.params.publicId as string;
    // A plain regex test, not a schema parse.
    if (!PUBLIC_ID.test(publicId))
      throw new AppError('INVALID_PUBLIC_ID', 'A public id is 22 letters, digits, - or _.');
    // No parameters here (but `lang`, as everywhere), as strict as the other routes; `req.query` is
    // parsed only when there is a query.
    if (hasQueryBeyondLang(req)) throw new AppError('INVALID_QUERY', 'This route takes no query parameters.');
    // What res.json does, less what this answer never needs (ETag, freshness, HEAD, JSONP settings).
    const body = JSON.stringify(await service.getByPublicId(publicId));
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  };
}

/** The public verification API: thin handlers over the certificate service. */
export function certificateRoutes(service: CertificateService, openapi: OpenApiRegistry): Router {
  const router = Router();

  openapi.add({
    method: 'get',
    path: '/api/v1/certificates/{publicId}',
    summary: 'Verify a certificate by the public id its QR code carries',
    tags: ['public'],
    params: z.object({ publicId: publicIdSchema }),
    responses: { 200: publicCertificateSchema },
    problems: problemResponses(400, 404, 429),
  });
  // Its handler, publicIdLookup, is mounted by app.ts at the top level: see there.

  openapi.add({
    method: 'get',
    path: '/api/v1/certificates',
    summary: 'Find certificates by number (numbers are unique only per certifying body)',
    description:
      'Always answers with a list. When it is empty, `body` (if asked for) and `registryLastReportedAt` say how fresh the registry is, so that "not found" can be read right.',
    tags: ['public'],
    query: numberQuerySchema,
    responses: { 200: numberLookupSchema },
    problems: problemResponses(400, 429),
  });
  router.get('/certificates', async (req, res) => {
    const { number, body } = parseInput(numberQuerySchema, req.query, 'INVALID_QUERY');
    res.json(await service.findByNumber(number, body));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/search',
    summary: 'Search by organisation name (any part, Chinese or not), credit code or certificate number',
    description: `At least two characters; ${MAX_PAGE_SIZE} per page at most and no deeper than ${MAX_SEARCH_DEPTH} results. Optionally narrowed by effective status, scheme and certifying body (an unknown value is 400 INVALID_QUERY).`,
    tags: ['public'],
    query: searchQuerySchema,
    responses: { 200: searchResultSchema },
    problems: problemResponses(400, 429),
  });
  router.get('/search', async (req, res) => {
    const { q, page, pageSize, ...filters } = parseInput(searchQuerySchema, req.query, 'INVALID_QUERY');
    res.json(
      await service.search(q, page, pageSize, {
        status: filters.status,
        scheme: filters.scheme,
        bodyCode: filters.body,
      }),
    );
  });

  return router;
}
