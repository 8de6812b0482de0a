import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { CreditService } from './credit-service';
import type { DishonestyService } from './dishonesty-service';
import { actorOf } from '../audit/audit-service';
import { assertRole, principalOf } from '../platform/auth';
import { AppError } from '../platform/errors';
import { parseInput } from '../platform/http';
import { hasForbiddenCharacters } from '../platform/normalize';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { creditQueryResultSchema, creditQuerySchema, MAX_CREDIT_QUERY_CODES } from './credit-schema';
import {
  createRecordSchema,
  dishonestyIdSchema,
  publicRecordListSchema,
  publicRecordSchema,
  recordViewSchema,
  repairDecisionInputSchema,
  repairRequestSchema,
  repairSchema,
  subjectKindSchema,
} from './dishonesty-schema';
import { MAX_LIST_PAGE_SIZE } from './dishonesty-service';

/** A whole decimal number in a query string (no hex, exponents or signs). */
const queryInteger = z
  .string()
  .regex(/^\d{1,6}$/, 'a whole number')
  .transform(Number);

/** GET /dishonesty and the /dishonesty page: which kind, which page. */
export const listQuerySchema = z.strictObject({
  kind: subjectKindSchema.optional().describe('organisation, body or auditor; all when absent'),
  q: z
    .string()
    .refine((v) => v.length <= 100, { message: 'at most 100 characters', params: { code: 'QUERY_TOO_LONG' } })
    .refine((v) => !hasForbiddenCharacters(v), {
      message: 'contains control or invisible characters',
      params: { code: 'INVALID_CHARACTERS' },
    })
    .meta({ errorCode: 'QUERY_TOO_SHORT' })
    .optional()
    .describe('A full unified social credit code, or two or more characters of a name'),
  page: queryInteger.pipe(z.number().min(1)).default(1).meta({ errorCode: 'INVALID_PAGE' }),
  pageSize: queryInteger
    .pipe(z.number().min(1).max(MAX_LIST_PAGE_SIZE))
    .default(20)
    .meta({ errorCode: 'INVALID_PAGE' }),
});

const recordParams = z.strictObject({
  id: dishonestyIdSchema.meta({ errorCode: 'INVALID_DISHONESTY_ID' }),
});
const repairParams = recordParams.extend({
  repairId: dishonestyIdSchema.meta({ errorCode: 'INVALID_REPAIR_ID' }),
});

const decisionResultSchema = z
  .object({ record: recordViewSchema, repair: repairSchema })
  .meta({ id: 'RepairDecisionResult' });

/** Records are never edited or deleted: any other method on their paths is a 405 naming the ones allowed. */
function methodNotAllowed(allow: string): RequestHandler {
  return (req, res) => {
    res.set('Allow', allow);
    throw new AppError(
      'METHOD_NOT_ALLOWED',
      `${req.method} is not allowed here (${allow} only): dishonesty records are never edited or deleted; a listing ends only by an approved credit repair.`,
    );
  };
}

/**
 * Dishonesty records (public list, inspectors' records, credit repair) and the partner departments'
 * credit queries. Thin handlers: the rules live in the dishonesty and credit services.
 */
export function dishonestyRoutes(
  services: { dishonesty: DishonestyService; credit: CreditService },
  openapi: OpenApiRegistry,
): Router {
  const router = Router();
  const { dishonesty, credit } = services;

  openapi.add({
    method: 'get',
    path: '/api/v1/dishonesty',
    summary: 'The public dishonesty list (listed records only, newest first)',
    description: `Paged, ${MAX_LIST_PAGE_SIZE} per page at most. Repaired records are no longer published. Auditors appear by name and body, never by registration number. A record under credit-repair notice carries \`repairNotice\`. \`q\` searches the list: a credit code finds that organisation, anything else part of a name.`,
    tags: ['dishonesty'],
    query: listQuerySchema,
    responses: { 200: publicRecordListSchema },
    problems: problemResponses(400, 429),
  });
  router.get('/dishonesty', async (req, res) => {
    const query = parseInput(listQuerySchema, req.query, 'INVALID_QUERY');
    res.set('Cache-Control', 'no-store').json(await dishonesty.listPublic(query));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/dishonesty/{id}',
    summary: 'One dishonesty record',
    description:
      'Public: a listed record as published (a repaired or unknown id is 404). Inspectors and admins: any record, with its repair procedures.',
    tags: ['dishonesty'],
    params: recordParams,
    responses: { 200: z.union([recordViewSchema, publicRecordSchema]) },
    problems: problemResponses(400, 404, 429),
  });
  router.get('/dishonesty/:id', async (req, res) => {
    const { id } = parseInput(recordParams, req.params);
    parseInput(z.strictObject({}), req.query, 'INVALID_QUERY');
    const role = principalOf(res)?.role;
    const record =
      role === 'inspector' || role === 'admin' ? await dishonesty.get(id) : await dishonesty.getPublic(id);
    res.set('Cache-Control', 'no-store').json(record);
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/dishonesty',
    summary: 'Record a dishonesty listing against an organisation, a body or a named auditor',
    description:
      'The earliest credit-repair date follows from the severity (1, 3, 5 or 6 years). The record is never edited or deleted afterwards. Lookups of the holder’s or body’s certificates show the listing at once.',
    tags: ['dishonesty'],
    roles: ['inspector', 'admin'],
    body: createRecordSchema,
    responses: { 201: recordViewSchema },
    problems: problemResponses(400, 401, 403, 429),
  });
  router.post('/dishonesty', async (req, res) => {
    const principal = assertRole(res, 'inspector', 'admin');
    const input = parseInput(createRecordSchema, req.body);
    res.status(201).json(await dishonesty.create(input, actorOf(principal)));
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/dishonesty/{id}/repairs',
    summary: 'Ask for credit repair of a record (starts its public notice of 5 working days)',
    description:
      'From the earliest repair date on, while the record is listed and no other repair awaits its decision (409 otherwise). A body token may ask only for records of its own body or its auditors.',
    tags: ['dishonesty'],
    roles: ['inspector', 'admin', 'body'],
    params: recordParams,
    body: repairRequestSchema,
    responses: { 201: repairSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 429),
  });
  router.post('/dishonesty/:id/repairs', async (req, res) => {
    const principal = assertRole(res, 'inspector', 'admin', 'body');
    const { id } = parseInput(recordParams, req.params);
    const input = parseInput(repairRequestSchema, req.body);
    // A body token acts for its body only; one without a body code (never issued) matches no record.
    const onlyForBody = principal.role === 'body' ? (principal.bodyCode ?? '') : undefined;
    res.status(201).json(await dishonesty.requestRepair(id, input, actorOf(principal), { onlyForBody }));
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/dishonesty/{id}/repairs/{repairId}/decision',
    summary: 'Decide a credit repair after its public notice (approved: the record is no longer listed)',
    description:
      'Only after the notice period has ended (409 REPAIR_NOTICE_RUNNING before), once (409 REPAIR_ALREADY_DECIDED).',
    tags: ['dishonesty'],
    roles: ['inspector', 'admin'],
    params: repairParams,
    body: repairDecisionInputSchema,
    responses: { 200: decisionResultSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 429),
  });
  router.post('/dishonesty/:id/repairs/:repairId/decision', async (req, res) => {
    const principal = assertRole(res, 'inspector', 'admin');
    const { id, repairId } = parseInput(repairParams, req.params);
    const input = parseInput(repairDecisionInputSchema, req.body);
    res.json(await dishonesty.decideRepair(id, repairId, input, actorOf(principal)));
  });

  router.all('/dishonesty', methodNotAllowed('GET, POST'));
  router.all('/dishonesty/:id', methodNotAllowed('GET'));
  router.all('/dishonesty/:id/repairs', methodNotAllowed('POST'));
  router.all('/dishonesty/:id/repairs/:repairId/decision', methodNotAllowed('POST'));

  openapi.add({
    method: 'post',
    path: '/api/v1/partner/credit-queries',
    summary: 'Credit levels and listings of many organisations and bodies at once (joint punishment)',
    description: `Up to ${MAX_CREDIT_QUERY_CODES} codes in \`creditCodes\` and \`bodyCodes\` together. One result per code, in order; an invalid code gets its own error (INVALID_CREDIT_CODE, INVALID_BODY_CODE) and the others are answered. Levels: A (no record), B (one minor record, or a body with listed auditors), C (moderate, or repeated minor), D (serious or grave), with the rules that applied.`,
    tags: ['partner'],
    roles: ['partner', 'admin', 'inspector'],
    body: creditQuerySchema,
    responses: { 200: creditQueryResultSchema },
    problems: problemResponses(400, 401, 403, 413, 429),
  });
  router.post('/partner/credit-queries', async (req, res) => {
    assertRole(res, 'partner', 'admin', 'inspector');
    const query = parseInput(creditQuerySchema, req.body);
    res.set('Cache-Control', 'no-store').json(await credit.query(query));
  });

  return router;
}
