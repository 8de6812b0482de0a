import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../platform/errors';
import {
  attachmentListSchema,
  attachmentParamsSchema,
  attachmentSchema,
  attachmentUploadQuerySchema,
  MAX_ATTACHMENT_BYTES,
} from './attachment-schema';
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
  caseViewSchema,
  createCaseSchema,
  type CaseActionInput,
} from './case-schema';

/** What an attachment answer may do when opened on its own: nothing but be shown (no script, no frame). */
const ATTACHMENT_CSP = "default-src 'none'; img-src 'self'; frame-ancestors 'none'; sandbox";

/** A body over the attachment limit is refused with the attachment's own code, not the generic one. */
const attachmentTooLarge: ErrorRequestHandler = (err: { type?: string }, _req, _res, next) => {
  next(
    err?.type === 'entity.too.large'
      ? new AppError('ATTACHMENT_TOO_LARGE', `An attachment may have at most ${MAX_ATTACHMENT_BYTES} bytes.`)
      : err,
  );
};

/** `filename*` of RFC 6266 / 8187: any name, UTF-8, percent-encoded. */
const dispositionOf = (name: string) => `attachment; filename*=UTF-8''${encodeURIComponent(name)}`;

/** Cases: inspectors open, work and decide them; inspectors and admins read them. */
export function caseRoutes(services: { cases: CaseService }, openapi: OpenApiRegistry): Router {
  const router = Router();
  const { cases } = services;

  openapi.add({
    method: 'post',
    path: '/api/v1/cases',
    summary: 'Open a case from tips, risk signals, flags and certificates',
    description:
      'The tips, signals and flags move to in-case (one case each: 409 ITEM_IN_OTHER_CASE otherwise); the certificates they concern join the case. ' +
      'Tips are taken first, each only from new: a dismissed tip is 409 TIP_NOT_NEW, one dismissed or taken meanwhile 409 TIP_CHANGED, and when the case cannot be written its tips go back to new. An assignee with a declared conflict of interest with a holder or body of the case is refused (409 INSPECTOR_CONFLICT).',
    tags: ['supervision'],
    roles: ['inspector'],
    body: createCaseSchema,
    responses: { 201: caseViewSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 429),
  });
  router.post('/cases', async (req, res) => {
    const principal = assertRole(res, 'inspector');
    const input = parseInput(createCaseSchema, req.body);
    res.status(201).json(await cases.viewOf(await cases.create(input, actorOf(principal))));
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
    summary: 'One case, with its events, decision, attachments and the names of what it holds',
    description:
      '`refs` names what the ids stand for: tips by reference, certificates by number and holder, signals by rule and subject, flags by certificate, people (event authors, assignees, uploaders) by name.',
    tags: ['supervision'],
    roles: ['inspector', 'admin'],
    params: caseParamsSchema,
    responses: { 200: caseViewSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/cases/:id', async (req, res) => {
    assertRole(res, 'inspector', 'admin');
    const { id } = parseInput(caseParamsSchema, req.params);
    parseInput(z.strictObject({}), req.query, 'INVALID_QUERY');
    res.set('Cache-Control', 'no-store').json(await cases.viewOf(await cases.get(id)));
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
    responses: { 200: caseViewSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 429),
  });
  router.patch('/cases/:id', async (req, res) => {
    const principal = assertRole(res, 'inspector');
    const { id } = parseInput(caseParamsSchema, req.params);
    const { action } = parseInput(caseActionNameSchema, req.body);
    const input = parseInput(CASE_ACTIONS[action], req.body) as CaseActionInput;
    res.json(await cases.viewOf(await cases.act(id, input, actorOf(principal))));
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/cases/{id}/attachments',
    summary: 'Add an evidence attachment (a photo or a PDF) to an open case',
    description: `The body is the file's bytes (any Content-Type; at most ${MAX_ATTACHMENT_BYTES} bytes), the name in \`name\`. The type is read from the first bytes: JPEG, PNG, WebP or PDF (415 INVALID_ATTACHMENT otherwise, whatever the name or header says). Appends an \`attach\` event and is audited with the bytes' SHA-256. A decided case: 409 CASE_DECIDED.`,
    tags: ['supervision'],
    roles: ['inspector'],
    params: caseParamsSchema,
    query: attachmentUploadQuerySchema,
    responses: { 201: attachmentSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 413, 415, 429),
  });
  router.post(
    '/cases/:id/attachments',
    express.raw({ type: () => true, limit: MAX_ATTACHMENT_BYTES }),
    attachmentTooLarge,
    async (req: Request, res: Response) => {
      const principal = assertRole(res, 'inspector');
      const { id } = parseInput(caseParamsSchema, req.params);
      const { name } = parseInput(attachmentUploadQuerySchema, req.query, 'INVALID_ATTACHMENT_NAME');
      // A JSON body was read by the API's JSON parser: it is no photo or PDF.
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!Buffer.isBuffer(req.body) && req.body !== undefined && Object.keys(req.body).length > 0) {
        throw new AppError('INVALID_ATTACHMENT', 'Send the file’s bytes as the body, not JSON.');
      }
      res.status(201).json(await cases.attach(id, { name, data }, actorOf(principal)));
    },
  );

  openapi.add({
    method: 'get',
    path: '/api/v1/cases/{id}/attachments',
    summary: "A case's evidence attachments, oldest first (without their bytes)",
    tags: ['supervision'],
    roles: ['inspector'],
    params: caseParamsSchema,
    responses: { 200: attachmentListSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/cases/:id/attachments', async (req, res) => {
    assertRole(res, 'inspector');
    const { id } = parseInput(caseParamsSchema, req.params);
    parseInput(z.strictObject({}), req.query, 'INVALID_QUERY');
    const { attachments } = await cases.viewOf(await cases.get(id));
    res.set('Cache-Control', 'no-store').json({ items: attachments });
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/cases/{id}/attachments/{attachmentId}',
    summary: 'The bytes of an evidence attachment, with the type they were checked to have',
    description:
      'Served as a download with `X-Content-Type-Options: nosniff` and a policy that lets nothing in it run. Needs the bearer token: fetch it and show it from a blob URL.',
    tags: ['supervision'],
    roles: ['inspector'],
    params: attachmentParamsSchema,
    responses: {
      200: {
        description: 'The file (image/jpeg, image/png, image/webp or application/pdf)',
        contentType: '*/*',
      },
    },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/cases/:id/attachments/:attachmentId', async (req, res) => {
    assertRole(res, 'inspector');
    const { id, attachmentId } = parseInput(attachmentParamsSchema, req.params);
    parseInput(z.strictObject({}), req.query, 'INVALID_QUERY');
    const { attachment, data } = await cases.attachment(id, attachmentId);
    res
      .set({
        'Content-Type': attachment.contentType,
        'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': dispositionOf(attachment.name),
        'Content-Security-Policy': ATTACHMENT_CSP,
        'Cache-Control': 'private, no-store',
      })
      .send(data);
  });

  return router;
}
