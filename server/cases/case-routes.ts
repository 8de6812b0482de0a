import { Router } from 'express';
import { z } from 'zod';
import type { CaseService } from './case-service';
import { actorOf } from '../audit/audit-service';
import { assertRole } from '../platform/auth';
import { parseInput } from '../platform/http';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import {
  CASE_ACTIONS,
  caseActionNameSchema,
  caseActionSchema,
  caseListQuerySchema,
  caseListSchema,
  caseParamsSchema,
  caseSchema,
  createCaseSchema,
  type CaseActionInput,
} from './case-schema';

/** Cases: inspectors open, work and decide them; inspectors and admins read them. */
export function caseRoutes(services: { cases: CaseService }, openapi: OpenApiRegistry): Router {
  const router = Router();
  const { cases } = services;

  openapi.add({
    method: 'post',
    path: '/api/v1/cases',
    summary: 'Open a case from tips, risk signals, flags and certificates',
    description:
      'The tips, signals and flags move to in-case (one case each: 409 ITEM_IN_OTHER_CASE otherwise); the certificates they concern join the case. An assignee with a declared conflict of interest with a holder or body of the case is refused (409 INSPECTOR_CONFLICT).',
    tags: ['supervision'],
    roles: ['inspector'],
    body: createCaseSchema,
    responses: { 201: caseSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 429),
  });
  router.post('/cases', async (req, res) => {
    const principal = assertRole(res, 'inspector');
    const input = parseInput(createCaseSchema, req.body);
    res.status(201).json(await cases.create(input, actorOf(principal)));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/cases',
    summary: 'The cases, newest opened first, by state and assignee',
    tags: ['supervision'],
    roles: ['inspector', 'admin'],
    query: caseListQuerySchema,
    responses: { 200: caseListSchema },
    problems: problemResponses(400, 401, 403, 429),
  });
  router.get('/cases', async (req, res) => {
    assertRole(res, 'inspector', 'admin');
    const query = parseInput(caseListQuerySchema, req.query, 'INVALID_QUERY');
    res.set('Cache-Control', 'no-store').json(await cases.list(query));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/cases/{id}',
    summary: 'One case, with its events and decision',
    tags: ['supervision'],
    roles: ['inspector', 'admin'],
    params: caseParamsSchema,
    responses: { 200: caseSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/cases/:id', async (req, res) => {
    assertRole(res, 'inspector', 'admin');
    const { id } = parseInput(caseParamsSchema, req.params);
    parseInput(z.strictObject({}), req.query, 'INVALID_QUERY');
    res.set('Cache-Control', 'no-store').json(await cases.get(id));
  });

  openapi.add({
    method: 'patch',
    path: '/api/v1/cases/{id}',
    summary: 'One action on an open case: assign, note, evidence, link, unlink or decide',
    description:
      'Every action appends an event and is audited. `decide` is final (any later PATCH: 409 CASE_DECIDED). Confirmed: needs `basis`; orders `statusChange` (a certificate of the case) and creates each of `records` as a dishonesty record (caseRef = the case reference, start date = today in China, with the decision’s facts and basis). Dismissed: no record, no status change; the case’s tips and signals are dismissed. `unlink` returns tips, flags and signals to the queue.',
    tags: ['supervision'],
    roles: ['inspector'],
    params: caseParamsSchema,
    body: caseActionSchema,
    responses: { 200: caseSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 429),
  });
  router.patch('/cases/:id', async (req, res) => {
    const principal = assertRole(res, 'inspector');
    const { id } = parseInput(caseParamsSchema, req.params);
    const { action } = parseInput(caseActionNameSchema, req.body);
    const input = parseInput(CASE_ACTIONS[action], req.body) as CaseActionInput;
    res.json(await cases.act(id, input, actorOf(principal)));
  });

  return router;
}
