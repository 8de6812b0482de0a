import { Router } from 'express';
import { z } from 'zod';
import type { DrawService } from './draw-service';
import { actorOf } from '../audit/audit-service';
import { assertRole } from '../platform/auth';
import { parseInput } from '../platform/http';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import {
  createDrawSchema,
  drawListQuerySchema,
  drawListSchema,
  drawParamsSchema,
  drawResultInput,
  drawResultSchema,
  drawViewSchema,
  executeDrawSchema,
} from './draw-schema';

const HOW_TO_VERIFY =
  'Re-check a draw with `npm run verify-draw -- DRAW_ID --url BASE_URL` (scripts/verify-draw.ts), or re-implement the algorithm described in server/draws/draw-algorithm.ts.';

/** "Double random, one public": plans, their execution and inspection results. Reading is public. */
export function drawRoutes(services: { draws: DrawService }, openapi: OpenApiRegistry): Router {
  const router = Router();
  const { draws } = services;

  openapi.add({
    method: 'get',
    path: '/api/v1/draws',
    summary: 'Published random inspection plans, newest first (commitment, and the seed once executed)',
    tags: ['draws'],
    query: drawListQuerySchema,
    responses: { 200: drawListSchema },
    problems: problemResponses(400, 429),
  });
  router.get('/draws', async (req, res) => {
    const { page, pageSize } = parseInput(drawListQuerySchema, req.query, 'INVALID_QUERY');
    const { items, total } = await draws.list(page, pageSize);
    res.json({ items, page, pageSize, total });
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/draws/{id}',
    summary:
      'One draw: plan, commitment, population and inspector pool snapshot, then seed, targets and results',
    description: `Before execution the seed is secret; only its SHA-256 (commitment) is published. ${HOW_TO_VERIFY}`,
    tags: ['draws'],
    params: drawParamsSchema,
    responses: { 200: drawViewSchema },
    problems: problemResponses(400, 404, 429),
  });
  router.get('/draws/:id', async (req, res) => {
    const { id } = parseInput(drawParamsSchema, req.params);
    parseInput(z.strictObject({}), req.query, 'INVALID_QUERY');
    res.json(await draws.get(id));
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/draws',
    summary:
      'Publish a plan: population, sampling rates by risk tier, inspectors per target; commits to a secret seed',
    description:
      'The population (holders of certificates, or certifying bodies) and the pool of active inspectors with their recusals are fixed now and published with their hashes. Every tier present needs a rate (DRAW_RATE_MISSING); every entity that can be drawn needs enough inspectors without a conflict (DRAW_TOO_FEW_INSPECTORS).',
    tags: ['draws'],
    roles: ['admin', 'inspector'],
    body: createDrawSchema,
    responses: { 201: drawViewSchema },
    problems: problemResponses(400, 401, 403, 422, 429),
  });
  router.post('/draws', async (req, res) => {
    const principal = assertRole(res, 'admin', 'inspector');
    const input = parseInput(createDrawSchema, req.body);
    res.status(201).json(await draws.create(input, actorOf(principal)));
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/draws/{id}/execution',
    summary: 'Execute a published plan once: reveal the seed and draw targets and inspectors',
    description: `A plan naming an external entropy source needs its value as externalEntropy. ${HOW_TO_VERIFY}`,
    tags: ['draws'],
    roles: ['admin', 'inspector'],
    params: drawParamsSchema,
    body: executeDrawSchema,
    responses: { 200: drawViewSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 422, 429),
  });
  router.post('/draws/:id/execution', async (req, res) => {
    const principal = assertRole(res, 'admin', 'inspector');
    const { id } = parseInput(drawParamsSchema, req.params);
    // An execution without external entropy may come with no body at all.
    const input = parseInput(executeDrawSchema, req.body ?? {});
    res.json(await draws.execute(id, input, actorOf(principal)));
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/draws/{id}/results',
    summary: 'Publish the outcome of the inspection of one drawn target',
    description: 'A later result for the same target supersedes the earlier one; both stay published.',
    tags: ['draws'],
    roles: ['admin', 'inspector'],
    params: drawParamsSchema,
    body: drawResultInput,
    responses: { 201: drawResultSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 422, 429),
  });
  router.post('/draws/:id/results', async (req, res) => {
    const principal = assertRole(res, 'admin', 'inspector');
    const { id } = parseInput(drawParamsSchema, req.params);
    const input = parseInput(drawResultInput, req.body);
    res.status(201).json(await draws.addResult(id, input, actorOf(principal)));
  });

  return router;
}
