import { Router } from 'express';
import type { FlagService } from './flag-service';
import { actorOf } from '../audit/audit-service';
import { assertRole } from '../platform/auth';
import { parseInput } from '../platform/http';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { createFlagSchema, flagListQuerySchema, flagListSchema, flagSchema } from './flag-schema';

/** Inspectors flag suspect certificates; the flags wait in the queue until a case takes them up. */
export function flagRoutes(services: { flags: FlagService }, openapi: OpenApiRegistry): Router {
  const router = Router();
  const { flags } = services;

  openapi.add({
    method: 'post',
    path: '/api/v1/flags',
    summary: 'Flag a certificate of the registry as suspect',
    description:
      'The certificate must be in the registry (404 otherwise: a certificate that is not is a tip).',
    tags: ['supervision'],
    roles: ['inspector'],
    body: createFlagSchema,
    responses: { 201: flagSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.post('/flags', async (req, res) => {
    const principal = assertRole(res, 'inspector');
    const input = parseInput(createFlagSchema, req.body);
    res.status(201).json(await flags.create(input, actorOf(principal)));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/flags',
    summary: 'The flags, newest first, of one state or all',
    tags: ['supervision'],
    roles: ['inspector', 'admin'],
    query: flagListQuerySchema,
    responses: { 200: flagListSchema },
    problems: problemResponses(400, 401, 403, 429),
  });
  router.get('/flags', async (req, res) => {
    assertRole(res, 'inspector', 'admin');
    const query = parseInput(flagListQuerySchema, req.query, 'INVALID_QUERY');
    res.set('Cache-Control', 'no-store').json(await flags.list(query));
  });

  return router;
}
