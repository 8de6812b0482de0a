import { Router } from 'express';
import { z } from 'zod';
import type { AuditService } from '../audit/audit-service';
import type { CertificateService } from './certificate-service';
import { actorOf } from '../audit/audit-service';
import { assertActsForBody, assertRole } from '../platform/auth';
import { AppError } from '../platform/errors';
import { parseInput } from '../platform/http';
import { hasForbiddenCharacters, normalizeIdentifier, normalizeText } from '../platform/normalize';
import { keysetPageOf, keysetQuery, MAX_KEYSET_COUNT } from '../platform/keyset';
import { bodyCodeSchema } from '../bodies/body-schema';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import {
  bodyCertificateItemSchema,
  certificateNumberSchema,
  publicCertificateSchema,
  publicIdSchema,
  statusSchema,
  storedStatusSchema,
} from './certificate-schema';
import { todayInChina } from '../platform/china-time';

const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * One status change: suspend, reinstate (`valid`), revoke or withdraw. Every change but a reinstatement
 * says why. The effective date cannot lie in the future: the registry shows a status from when it is
 * reported, so a change announced ahead would show too early.
 */
export const statusChangeRequestSchema = z
  .strictObject({
    status: storedStatusSchema.describe('`valid` reinstates a suspended certificate'),
    reason: z
      .string()
      .max(2000)
      .refine((v) => !hasForbiddenCharacters(v), {
        message: 'must not contain control or invisible characters',
        params: { code: 'INVALID_CHARACTERS' },
      })
      .transform(normalizeText)
      .pipe(z.string().min(1).max(1000))
      .optional(),
    effectiveDate: z.iso.date(),
  })
  .refine((c) => c.status === 'valid' || c.reason !== undefined, {
    message: 'a reason is required (except to reinstate)',
    path: ['reason'],
  })
  .refine((c) => c.effectiveDate <= todayInChina(), {
    message: 'the effective date cannot be in the future',
    path: ['effectiveDate'],
  });

/** A query-string value: bounded, no control or invisible characters, normalised as identifiers are. */
const identifierQuery = (max: number) =>
  z
    .string()
    .refine((v) => v.length <= max && !hasForbiddenCharacters(v), `at most ${max} visible characters`)
    .transform(normalizeIdentifier);

const bodyCodeParams = z.strictObject({
  code: identifierQuery(64).pipe(bodyCodeSchema).meta({ errorCode: 'INVALID_BODY_CODE' }),
});

/** GET /bodies/{code}/certificates: filters and the keyset page (the cursor carries the last number). */
export const bodyCertificateListQuerySchema = z.strictObject({
  status: statusSchema
    .optional()
    .describe(
      'Effective status: valid, suspended, revoked, withdrawn or expired (derived from the expiry date)',
    ),
  numberPrefix: identifierQuery(64)
    .pipe(z.string().regex(/^[A-Z0-9][A-Z0-9\-/().#_]{0,63}$/, 'the start of a certificate number'))
    .optional()
    .describe('Only numbers that start with this (normalised: half-width, upper-case)')
    .meta({ errorCode: 'INVALID_CERTIFICATE_NUMBER' }),
  ...keysetQuery(certificateNumberSchema),
});

export const bodyCertificateListSchema = keysetPageOf(bodyCertificateItemSchema).meta({
  id: 'BodyCertificateList',
});

/** Writes of certifying bodies (and admins) on single certificates, and a body's list of its own. */
export function certificateAdminRoutes(
  services: { certificates: CertificateService; audit: AuditService },
  openapi: OpenApiRegistry,
): Router {
  const router = Router();
  const { certificates, audit } = services;

  openapi.add({
    method: 'post',
    path: '/api/v1/certificates/{publicId}/status',
    summary: 'Suspend, reinstate, revoke or withdraw one certificate',
    description:
      "A body token may change only its own body's certificates (403 for another body's; 404 for an id no certificate has). Revoked and withdrawn are final: any other move from them is 409. An effective date before the issue date (STATUS_DATE_BEFORE_ISSUE) or before the last status change (STATUS_DATE_BEFORE_LAST_CHANGE) is 409 too. The next lookup shows the new status.",
    tags: ['certificates'],
    roles: ['admin', 'body'],
    params: z.object({ publicId: publicIdSchema }),
    body: statusChangeRequestSchema,
    responses: { 200: publicCertificateSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 429),
  });
  router.post('/certificates/:publicId/status', async (req, res) => {
    const principal = assertRole(res, 'admin', 'body');
    const { publicId } = req.params;
    if (!PUBLIC_ID.test(publicId)) {
      throw new AppError('INVALID_PUBLIC_ID', 'A public id is 22 letters, digits, - or _.');
    }
    const { status, reason, effectiveDate } = parseInput(statusChangeRequestSchema, req.body);
    const change = { status, reason, date: effectiveDate };
    // A body token acts for its body only; one without a body code (never issued) matches no certificate.
    const onlyForBody = principal.role === 'body' ? (principal.bodyCode ?? '') : undefined;
    const updated = await certificates.changeStatus(publicId, change, undefined, { onlyForBody });
    await audit.record(
      actorOf(principal),
      'certificate.status',
      { type: 'certificate', id: publicId },
      {
        number: updated.number,
        bodyCode: updated.body?.code ?? onlyForBody,
        ...change,
      },
    );
    res.json(updated);
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/bodies/{code}/certificates',
    summary:
      "A body's own certificates in number order, by effective status and number prefix (keyset paged)",
    description: `A body token lists only its own body (any other code is 403, whether it exists or not); admin and inspector tokens list any body (404 for an unknown code). Pages follow \`next\` (pass it as \`after\`); a cursor this list did not hand out is 400 INVALID_CURSOR. \`total\` counts up to ${MAX_KEYSET_COUNT} (\`totalCapped\` when there are more).`,
    tags: ['certificates', 'bodies'],
    roles: ['admin', 'inspector', 'body'],
    params: bodyCodeParams,
    query: bodyCertificateListQuerySchema,
    responses: { 200: bodyCertificateListSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/bodies/:code/certificates', async (req, res) => {
    const principal = assertRole(res, 'admin', 'inspector', 'body');
    const { code } = parseInput(bodyCodeParams, req.params);
    if (principal.role === 'body') assertActsForBody(principal, code);
    const query = parseInput(bodyCertificateListQuerySchema, req.query, 'INVALID_QUERY');
    res.json(await certificates.listByBody(code, query));
  });

  return router;
}
