import { Router } from 'express';
import type { InspectorService } from './inspector-service';
import { actorOf } from '../audit/audit-service';
import { assertRole } from '../platform/auth';
import { parseInput } from '../platform/http';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import {
  createInspectorSchema,
  inspectorListQuerySchema,
  inspectorListSchema,
  inspectorParamsSchema,
  inspectorSchema,
  updateInspectorSchema,
} from './inspector-schema';

/** The directory of inspectors: admins manage it, inspectors and admins read it (conflict reasons are private). */
export function inspectorRoutes(
  services: { inspectors: InspectorService },
  openapi: OpenApiRegistry,
): Router {
  const router = Router();
  const { inspectors } = services;

  openapi.add({
    method: 'get',
    path: '/api/v1/inspectors',
    summary: 'List the inspectors of the directory, with their declared conflicts of interest',
    tags: ['draws'],
    roles: ['admin', 'inspector'],
    query: inspectorListQuerySchema,
    responses: { 200: inspectorListSchema },
    problems: problemResponses(400, 401, 403, 429),
  });
  router.get('/inspectors', async (req, res) => {
    assertRole(res, 'admin', 'inspector');
    const { active } = parseInput(inspectorListQuerySchema, req.query, 'INVALID_QUERY');
    res.json({ items: await inspectors.list(active === undefined ? {} : { active: active === 'true' }) });
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/inspectors/{id}',
    summary: 'One inspector of the directory',
    tags: ['draws'],
    roles: ['admin', 'inspector'],
    params: inspectorParamsSchema,
    responses: { 200: inspectorSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/inspectors/:id', async (req, res) => {
    assertRole(res, 'admin', 'inspector');
    const { id } = parseInput(inspectorParamsSchema, req.params);
    res.json(await inspectors.get(id));
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/inspectors',
    summary: 'Register an inspector, with declared conflicts of interest (holders or bodies)',
    description:
      'A conflict names a holder (unified social credit code) or a certifying body (body code) the inspector must never be drawn for.',
    tags: ['draws'],
    roles: ['admin'],
    body: createInspectorSchema,
    responses: { 201: inspectorSchema },
    problems: problemResponses(400, 401, 403, 409, 429),
  });
  router.post('/inspectors', async (req, res) => {
    const principal = assertRole(res, 'admin');
    const input = parseInput(createInspectorSchema, req.body);
    res.status(201).json(await inspectors.create(input, actorOf(principal)));
  });

  openapi.add({
    method: 'patch',
    path: '/api/v1/inspectors/{id}',
    summary: "Update an inspector's name, unit, active flag or declared conflicts",
    description:
      '`conflicts` replaces the whole list; a conflict declared before keeps its declaration time. Inspectors are deactivated, never deleted. A plan already published keeps the pool it was published with.',
    tags: ['draws'],
    roles: ['admin'],
    params: inspectorParamsSchema,
    body: updateInspectorSchema,
    responses: { 200: inspectorSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.patch('/inspectors/:id', async (req, res) => {
    const principal = assertRole(res, 'admin');
    const { id } = parseInput(inspectorParamsSchema, req.params);
    const patch = parseInput(updateInspectorSchema, req.body);
    res.json(await inspectors.update(id, patch, actorOf(principal)));
  });

  return router;
}
