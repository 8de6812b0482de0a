/**
 * What a body discloses and owes: its public commitment (承诺书, versioned) and its reporting timeliness
 * (last report, next due date, on-time months). Thin handlers over the commitment and reporting services.
 */
import { Router } from 'express';
import { z } from 'zod';
import { assertActsForBody, assertRole } from '../platform/auth';
import { todayInChina } from '../platform/china-time';
import { AppError } from '../platform/errors';
import { parseInput } from '../platform/http';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { bodyCodeInput } from './body-routes';
import type { Body } from './body-schema';
import type { BodyService } from './body-service';
import type { ReportingService } from './body-reporting';
import type { CommitmentService } from './commitment-service';
import { commitmentListSchema, commitmentSchema, submitCommitmentSchema } from './commitment-schema';

const codeParams = z.strictObject({ code: bodyCodeInput });

/** A submitted commitment is dated on or before today (China). */
const submitSchema = submitCommitmentSchema.refine((c) => c.dated <= todayInChina(), {
  message: 'the date of the commitment cannot be in the future',
  path: ['dated'],
});

export const reportingSchema = z
  .object({
    bodyCode: z.string(),
    lastReportAt: z.iso.datetime().optional(),
    nextDueDate: z.iso.date(),
    late: z.boolean(),
    daysLate: z.number().int(),
    months: z.array(z.object({ month: z.string(), onTime: z.boolean() })),
    onTimeMonths: z.number().int(),
  })
  .meta({ id: 'ReportingTimeliness' });

export function disclosureRoutes(
  services: { bodies: BodyService; reporting: ReportingService; commitments: CommitmentService },
  openapi: OpenApiRegistry,
): Router {
  const router = Router();
  const { bodies, reporting, commitments } = services;

  async function existing(code: string): Promise<Body> {
    const body = (await bodies.list()).find((b) => b.code === code);
    if (!body) throw new AppError('BODY_NOT_FOUND', `No certifying body has the code ${code}.`);
    return body;
  }

  openapi.add({
    method: 'get',
    path: '/api/v1/bodies/{code}/reporting',
    summary:
      "A body's reporting timeliness: last report, next due date (the 10th of the next month), late or not",
    description:
      'A report is an upload that stored rows or a "nothing changed" confirmation. On-time months: of the last 12 whose due date has passed, those with a report from the month\'s first day to its due date (China time). A body token reads only its own (any other code is 403).',
    tags: ['bodies'],
    roles: ['admin', 'inspector', 'body'],
    params: codeParams,
    responses: { 200: reportingSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/bodies/:code/reporting', async (req, res) => {
    const principal = assertRole(res, 'admin', 'inspector', 'body');
    const { code } = parseInput(codeParams, req.params);
    if (principal.role === 'body') assertActsForBody(principal, code);
    res.json(await reporting.timeliness(await existing(code)));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/bodies/{code}/commitments',
    summary: "A body's public commitments (承诺书), newest version first",
    tags: ['bodies', 'public'],
    params: codeParams,
    responses: { 200: commitmentListSchema },
    problems: problemResponses(400, 404, 429),
  });
  router.get('/bodies/:code/commitments', async (req, res) => {
    const { code } = parseInput(codeParams, req.params);
    await existing(code);
    res.json({ items: await commitments.history(code) });
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/bodies/{code}/commitments',
    summary: "Submit the body's public commitment (承诺书): a new version, published on its public page",
    description:
      'The text (line breaks kept, up to 5000 characters) and the date the body puts on it (not in the future). A body token submits only for its own body.',
    tags: ['bodies'],
    roles: ['admin', 'body'],
    params: codeParams,
    body: submitSchema,
    responses: { 201: commitmentSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.post('/bodies/:code/commitments', async (req, res) => {
    const principal = assertRole(res, 'admin', 'body');
    const { code } = parseInput(codeParams, req.params);
    assertActsForBody(principal, code);
    const input = parseInput(submitSchema, req.body);
    await existing(code);
    res.status(201).json(await commitments.submit(code, input, principal));
  });

  return router;
}
