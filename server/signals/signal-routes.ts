import { Router } from 'express';
import { z } from 'zod';
import type { SignalService } from './signal-service';
import { actorOf } from '../audit/audit-service';
import { assertRole } from '../platform/auth';
import { parseInput } from '../platform/http';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { MAX_PAGE_SIZE } from '../platform/paging';
import {
  ruleListSchema,
  signalListQuerySchema,
  signalListSchema,
  signalParamsSchema,
  signalViewSchema,
  triageSignalSchema,
} from './signal-schema';

/**
 * The risk-signal queue: inspectors and admins read it; inspectors triage (dismiss or reopen). Moving a
 * signal into a case, and out of it, is the case workflow's (cases).
 */
export function signalRoutes(services: { signals: SignalService }, openapi: OpenApiRegistry): Router {
  const router = Router();
  const { signals } = services;

  openapi.add({
    method: 'get',
    path: '/api/v1/signals',
    summary: 'The queue of risk signals, most recently raised first',
    description: `Filters combine (AND). Paged, ${MAX_PAGE_SIZE} per page at most. Evidence names certificates, bodies and auditors by their ids and registration numbers, never by personal details.`,
    tags: ['supervision'],
    roles: ['inspector', 'admin'],
    query: signalListQuerySchema,
    responses: { 200: signalListSchema },
    problems: problemResponses(400, 401, 403, 429),
  });
  router.get('/signals', async (req, res) => {
    assertRole(res, 'inspector', 'admin');
    const { page, pageSize, publicId, ...filter } = parseInput(
      signalListQuerySchema,
      req.query,
      'INVALID_QUERY',
    );
    res.json(await signals.list({ ...filter, certificatePublicId: publicId }, { page, pageSize }));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/signals/rules',
    summary: 'The risk rules that raise signals, with their titles in Chinese and English',
    tags: ['supervision'],
    roles: ['inspector', 'admin'],
    responses: { 200: ruleListSchema },
    problems: problemResponses(400, 401, 403, 429),
  });
  router.get('/signals/rules', (req, res) => {
    assertRole(res, 'inspector', 'admin');
    parseInput(z.strictObject({}), req.query, 'INVALID_QUERY');
    res.json({ items: signals.rules() });
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/signals/{id}',
    summary: 'One risk signal, with its evidence',
    tags: ['supervision'],
    roles: ['inspector', 'admin'],
    params: signalParamsSchema,
    responses: { 200: signalViewSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/signals/:id', async (req, res) => {
    assertRole(res, 'inspector', 'admin');
    const { id } = parseInput(signalParamsSchema, req.params);
    res.json(await signals.get(id));
  });

  openapi.add({
    method: 'patch',
    path: '/api/v1/signals/{id}',
    summary: 'Dismiss a risk signal, or open a dismissed one again, with a note',
    description:
      'Audited with the note. Setting the state a signal already has changes nothing. A signal in a case is settled by the case (409 SIGNAL_IN_CASE). Raising a dismissed signal again does not reopen it.',
    tags: ['supervision'],
    roles: ['inspector'],
    params: signalParamsSchema,
    body: triageSignalSchema,
    responses: { 200: signalViewSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 429),
  });
  router.patch('/signals/:id', async (req, res) => {
    const principal = assertRole(res, 'inspector');
    const { id } = parseInput(signalParamsSchema, req.params);
    const request = parseInput(triageSignalSchema, req.body);
    res.json(await signals.triage(id, request, actorOf(principal)));
  });

  return router;
}
