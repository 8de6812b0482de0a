import { Router } from 'express';
import { z } from 'zod';
import type { TokenService } from './token-service';
import { assertActsForBody, assertRole } from '../platform/auth';
import { parseInput } from '../platform/http';
import { normalizeIdentifier } from '../platform/normalize';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { bodyCodeSchema } from './body-schema';
import { issueTokenSchema, tokenViewSchema } from './token-schema';

export const tokenListQuerySchema = z.strictObject({
  body: z
    .string()
    .max(64)
    .transform(normalizeIdentifier)
    .pipe(bodyCodeSchema)
    .optional()
    .meta({ errorCode: 'INVALID_BODY_CODE' }),
});

export const tokenListSchema = z.object({ items: z.array(tokenViewSchema) }).meta({ id: 'TokenList' });

export const issuedTokenSchema = z
  .object({
    token: tokenViewSchema,
    secret: z.string().describe('The bearer value `cw.<id>.<secret>`: shown this once, never again'),
  })
  .meta({ id: 'IssuedToken' });

const tokenIdParams = z.object({ id: z.string().describe('The token id (16 base64url characters)') });

/** API tokens: listing (never secrets or hashes), issue (admin) and revocation. */
export function tokenRoutes(services: { tokens: TokenService }, openapi: OpenApiRegistry): Router {
  const router = Router();
  const { tokens } = services;

  openapi.add({
    method: 'get',
    path: '/api/v1/tokens',
    summary: 'List access tokens (an admin sees all, a body token those of its own body)',
    tags: ['tokens'],
    roles: ['admin', 'body'],
    query: tokenListQuerySchema,
    responses: { 200: tokenListSchema },
    problems: problemResponses(400, 401, 403, 429),
  });
  router.get('/tokens', async (req, res) => {
    const principal = assertRole(res, 'admin', 'body');
    const { body } = parseInput(tokenListQuerySchema, req.query, 'INVALID_QUERY');
    if (body !== undefined) assertActsForBody(principal, body);
    const bodyCode = principal.role === 'body' ? principal.bodyCode : body;
    res.json({ items: await tokens.list({ bodyCode }) });
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/tokens',
    summary: 'Issue an access token; the answer carries its secret, this once',
    description:
      'A `body` token needs `bodyCode` of an existing body; other roles must not have one. An `inspector` token takes `inspectorId`, ' +
      'the directory id of the inspector who holds it (404 INSPECTOR_NOT_FOUND when the directory has none): cases then name who acted ' +
      'by that inspector, not by the label. `inspectorId` with another role is 400 INSPECTOR_LINK_NOT_ALLOWED. Only the SHA-256 of the secret is stored.',
    tags: ['tokens'],
    roles: ['admin'],
    body: issueTokenSchema,
    responses: { 201: issuedTokenSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.post('/tokens', async (req, res) => {
    const principal = assertRole(res, 'admin');
    const request = parseInput(issueTokenSchema, req.body);
    res.status(201).json(await tokens.issue(request, principal));
  });

  openapi.add({
    method: 'delete',
    path: '/api/v1/tokens/{id}',
    summary: "Revoke an access token (an admin any, a body token its own body's)",
    description: 'Revoking a revoked token changes nothing and answers the same.',
    tags: ['tokens'],
    roles: ['admin', 'body'],
    params: tokenIdParams,
    responses: { 200: tokenViewSchema },
    problems: problemResponses(401, 403, 404, 429),
  });
  router.delete('/tokens/:id', async (req, res) => {
    const principal = assertRole(res, 'admin', 'body');
    res.json(await tokens.revoke(req.params.id, principal));
  });

  return router;
}
