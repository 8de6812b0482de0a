import express, { Router } from 'express';
import type { Store } from 'express-rate-limit';
import { z } from 'zod';
import type { TipService } from './tip-service';
import { assertRole } from '../platform/auth';
import { AppError } from '../platform/errors';
import { parseInput } from '../platform/http';
import type { Logger } from '../platform/logger';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { publicRateLimit } from '../platform/rate-limit';
import { actorOf } from '../audit/audit-service';
import {
  dismissTipSchema,
  MAX_PHOTO_BYTES,
  submitTipSchema,
  tipListQuerySchema,
  tipListSchema,
  tipParamsSchema,
  tipReceiptSchema,
  tipSchema,
  tipStatusQuerySchema,
  tipStatusSchema,
} from './tip-schema';

/** A tip's JSON body: the photo (1 MiB, 1.4 MB as base64) and the text fields, well under this. */
export const TIP_BODY_LIMIT = '1.5mb';

/** What an image answer may do when opened on its own: nothing but be shown (no script, no frame, no form). */
const PHOTO_CSP = "default-src 'none'; img-src 'self'; frame-ancestors 'none'; sandbox";

/**
 * The intake of POST /tips, mounted before the API's 100 kB JSON parser: the stricter limit of tips per
 * client first (a refused request is not even read), then the body with the larger limit a photo needs.
 * The 100 kB parser then skips the body already read.
 */
export function tipIntake(options: { perMinute: number; store?: Store; logger?: Logger }): Router {
  const router = Router();
  const limit = publicRateLimit(options);
  // Both call next(): the request goes on to the route in `tipRoutes`.
  router.post('/tips', limit, express.json({ limit: TIP_BODY_LIMIT }));
  // Asking about a reference counts against the same budget as sending tips: guessing is as slow as it.
  router.get('/tips/status', limit);
  return router;
}

/** Public tips: anyone reports; inspectors and admins read them, contact and photo included. */
export function tipRoutes(services: { tips: TipService }, openapi: OpenApiRegistry): Router {
  const router = Router();
  const { tips } = services;

  openapi.add({
    method: 'post',
    path: '/api/v1/tips',
    summary: 'Report a suspect certificate, or one not in the registry (no login)',
    description:
      `JSON up to ${TIP_BODY_LIMIT}; a photo of at most ${MAX_PHOTO_BYTES} bytes decoded, JPEG, PNG or WebP (checked by its ` +
      'first bytes). Rate-limited per client more strictly than the rest of the API. The answer is only the reference ' +
      "to quote and the time of receipt; the contact given is seen by inspectors only. The reporter's network is kept " +
      'as a keyed hash, never the address.',
    tags: ['public'],
    body: submitTipSchema,
    responses: { 201: tipReceiptSchema },
    problems: problemResponses(400, 413, 415, 429),
  });
  router.post('/tips', async (req, res) => {
    if (!req.is('application/json')) {
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Send the tip as JSON with Content-Type application/json.',
      );
    }
    const input = parseInput(submitTipSchema, req.body);
    res
      .status(201)
      .set('Cache-Control', 'no-store')
      .json(await tips.submit(input, { clientAddress: req.ip }));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/tips/status',
    summary: 'The state of a tip, for whoever holds its reference (no login)',
    description:
      'The reference is a capability: 40 random bits a day, so holding it is what lets one ask. The answer is the ' +
      'state (received, under-review, closed) and its China dates, never the contents, contact, photo or ids. ' +
      'Any well-formed reference no tip has is 404 TIP_REFERENCE_NOT_FOUND; one that cannot be a reference is 400 ' +
      'INVALID_TIP_REFERENCE. Rate-limited with the tip submissions, as one budget.',
    tags: ['public'],
    query: tipStatusQuerySchema,
    responses: { 200: tipStatusSchema },
    problems: problemResponses(400, 404, 429),
  });
  router.get('/tips/status', async (req, res) => {
    const { reference } = parseInput(tipStatusQuerySchema, req.query, 'INVALID_QUERY');
    res.set('Cache-Control', 'no-store').json(await tips.status(reference));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/tips',
    summary: 'The tips, newest first, of one state or all',
    tags: ['supervision'],
    roles: ['inspector', 'admin'],
    query: tipListQuerySchema,
    responses: { 200: tipListSchema },
    problems: problemResponses(400, 401, 403, 429),
  });
  router.get('/tips', async (req, res) => {
    assertRole(res, 'inspector', 'admin');
    const query = parseInput(tipListQuerySchema, req.query, 'INVALID_QUERY');
    res.set('Cache-Control', 'no-store').json(await tips.list(query));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/tips/{id}',
    summary: 'One tip, with the contact the reporter gave',
    tags: ['supervision'],
    roles: ['inspector', 'admin'],
    params: tipParamsSchema,
    responses: { 200: tipSchema },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/tips/:id', async (req, res) => {
    assertRole(res, 'inspector', 'admin');
    const { id } = parseInput(tipParamsSchema, req.params);
    parseInput(z.strictObject({}), req.query, 'INVALID_QUERY');
    res.set('Cache-Control', 'no-store').json(await tips.get(id));
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/tips/{id}/dismissal',
    summary: 'Dismiss a new tip with a reason (nothing in it to take up)',
    description:
      'The tip moves to dismissed; the change and its reason go into the audit log (`tip.dismiss`). A tip in a case, or dismissed already, is 409 TIP_NOT_NEW, also when another dismissal or a case took it first (the move is a compare-and-set from new).',
    tags: ['supervision'],
    roles: ['inspector'],
    params: tipParamsSchema,
    body: dismissTipSchema,
    responses: { 200: tipSchema },
    problems: problemResponses(400, 401, 403, 404, 409, 429),
  });
  router.post('/tips/:id/dismissal', async (req, res) => {
    const principal = assertRole(res, 'inspector');
    const { id } = parseInput(tipParamsSchema, req.params);
    const { reason } = parseInput(dismissTipSchema, req.body);
    res.set('Cache-Control', 'no-store').json(await tips.dismiss(id, reason, actorOf(principal)));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/tips/{id}/photo',
    summary: "A tip's photo, with the type it was checked to have",
    description:
      'Served with `X-Content-Type-Options: nosniff`, inline, and a policy that lets nothing in it run. Needs the bearer token: fetch it and show it from a blob URL.',
    tags: ['supervision'],
    roles: ['inspector', 'admin'],
    params: tipParamsSchema,
    responses: {
      200: { description: 'The photo (image/jpeg, image/png or image/webp)', contentType: 'image/*' },
    },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.get('/tips/:id/photo', async (req, res) => {
    assertRole(res, 'inspector', 'admin');
    const { id } = parseInput(tipParamsSchema, req.params);
    parseInput(z.strictObject({}), req.query, 'INVALID_QUERY');
    const photo = await tips.photo(id);
    res
      .set({
        'Content-Type': photo.contentType,
        'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': 'inline',
        'Content-Security-Policy': PHOTO_CSP,
        'Cache-Control': 'private, no-store',
      })
      .send(photo.data);
  });

  return router;
}
