import { Router } from 'express';
import { z } from 'zod';
import type { AuditService } from './audit-service';
import { assertRole } from '../platform/auth';
import { AppError } from '../platform/errors';
import { parseInput } from '../platform/http';
import { hasForbiddenCharacters } from '../platform/normalize';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { actorSchema, auditHeadSchema } from './audit-schema';

export const MAX_AUDIT_LIMIT = 100;

export const auditEntriesQuerySchema = z.strictObject({
  targetType: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a target type such as certificate, body, token or upload')
    .describe('certificate, body, token, upload, …'),
  targetId: z
    .string()
    .min(1)
    .max(128)
    .refine((v) => !hasForbiddenCharacters(v), 'contains control or invisible characters')
    .describe('The target’s id: a certificate public id, a body code, a token id, an upload job id'),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().min(1).max(MAX_AUDIT_LIMIT))
    .default(20)
    .describe(`At most ${MAX_AUDIT_LIMIT}`),
});

export const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: actorSchema,
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    digest: z.string().describe('SHA-256 (hex) of the canonical JSON of `change`'),
    prevHash: z.string().describe('`hash` of the entry before (64 zeros for the first)'),
    hash: z.string().describe('SHA-256 (hex) of this entry'),
    change: z.unknown().describe('What changed, as recorded'),
  })
  .meta({ id: 'AuditEntry' });

export const auditEntryListSchema = z
  .object({ items: z.array(auditEntrySchema) })
  .meta({ id: 'AuditEntryList' });

/** The audit log: its public head, and the entries about one target for admins and inspectors. */
export function auditRoutes(services: { audit: AuditService }, openapi: OpenApiRegistry): Router {
  const router = Router();
  const { audit } = services;

  openapi.add({
    method: 'get',
    path: '/api/v1/audit/head',
    summary:
      'The head of the append-only audit log (publish it; compare with scripts/verify-audit.ts --expect-head)',
    description:
      'Every write appends an entry carrying the SHA-256 of the previous one, so this hash commits to the whole log up to `seq`. An empty log answers seq 0 and 64 zeros.',
    tags: ['audit'],
    responses: { 200: auditHeadSchema },
    problems: problemResponses(400, 429),
  });
  router.get('/audit/head', async (req, res) => {
    if (Object.keys(req.query).length > 0)
      throw new AppError('INVALID_QUERY', 'This route takes no query parameters.');
    // The head moves with every write: a cached copy would be a stale commitment.
    res.set('Cache-Control', 'no-store').json(await audit.head());
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/audit/entries',
    summary: 'Audit entries about one target, newest first',
    tags: ['audit'],
    roles: ['admin', 'inspector'],
    query: auditEntriesQuerySchema,
    responses: { 200: auditEntryListSchema },
    problems: problemResponses(400, 401, 403, 429),
  });
  router.get('/audit/entries', async (req, res) => {
    assertRole(res, 'admin', 'inspector');
    const { targetType, targetId, limit } = parseInput(auditEntriesQuerySchema, req.query, 'INVALID_QUERY');
    res.set('Cache-Control', 'no-store').json({ items: await audit.forTarget(targetType, targetId, limit) });
  });

  return router;
}
