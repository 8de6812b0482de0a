import express, { Router } from 'express';
import { z } from 'zod';
import { assertRole } from '../platform/auth';
import { AppError } from '../platform/errors';
import { parseInput } from '../platform/http';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { actorOf } from './audit-service';
import type { TransparencyService } from './transparency-service';
import {
  consistencyProofSchema,
  cosignatureResultSchema,
  inclusionProofSchema,
  witnessInputSchema,
  witnessSchema,
  witnessStatusSchema,
} from './witness-schema';

/** A tree size or index in a query: a whole decimal number, no sign, no leading zeros. */
const count = (what: string) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,14})$/, `${what}: a whole number`)
    .transform(Number);

export const inclusionQuerySchema = z
  .strictObject({
    index: count('index').describe('Leaf index: the entry with seq index + 1'),
    size: count('size').describe('Tree size (a checkpoint’s size)'),
  })
  .refine((q) => q.index < q.size, { message: 'index must be below size', path: ['index'] });

export const consistencyQuerySchema = z
  .strictObject({
    from: count('from').describe('The older tree size, at least 1'),
    to: count('to').describe('The newer tree size'),
  })
  .refine((q) => q.from >= 1 && q.from <= q.to, { message: 'need 1 ≤ from ≤ to', path: ['from'] });

const witnessParamsSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\s+]+$/, 'a witness key name'),
});

/** Proofs between fixed sizes never change: caches and browsers may keep them. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

function noQuery(query: object): void {
  if (Object.keys(query).length > 0)
    throw new AppError('INVALID_QUERY', 'This route takes no query parameters.');
}

/** The transparency log: checkpoints, the log's key, proofs, witnesses and their cosignatures. */
export function transparencyRoutes(
  services: { transparency: TransparencyService },
  openapi: OpenApiRegistry,
): Router {
  const router = Router();
  const { transparency } = services;

  openapi.add({
    method: 'get',
    path: '/api/v1/audit/checkpoint',
    summary: 'The signed checkpoint of the audit log’s Merkle tree (C2SP tlog-checkpoint, signed note)',
    description:
      'Origin line, tree size, base64 root hash, a blank line, then `— <key name> <base64(key id ‖ Ed25519 signature)>`, followed by the cosignatures of registered witnesses who cosigned this very checkpoint. Header X-Witnessed-By: how many.',
    tags: ['audit'],
    responses: { 200: { description: 'The checkpoint as a signed note', contentType: 'text/plain' } },
    problems: problemResponses(400, 429),
  });
  router.get('/audit/checkpoint', async (req, res) => {
    noQuery(req.query);
    const cp = await transparency.checkpoint();
    res
      .set('Cache-Control', 'no-cache')
      .set('X-Witnessed-By', String(cp.seenBy))
      .type('text/plain; charset=utf-8')
      .send(cp.note);
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/audit/log-key',
    summary: 'The audit log’s verifier keys (signed-note vkeys), the active key first, one per line',
    tags: ['audit'],
    responses: {
      200: { description: '<name>+<hex key id>+<base64(0x01 ‖ public key)>', contentType: 'text/plain' },
    },
    problems: problemResponses(400, 429),
  });
  router.get('/audit/log-key', (req, res) => {
    noQuery(req.query);
    res
      .set('Cache-Control', 'public, max-age=300')
      .type('text/plain; charset=utf-8')
      .send(`${transparency.logKeys().join('\n')}\n`);
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/audit/proofs/inclusion',
    summary: 'Inclusion proof of one entry in the tree of a given size (RFC 9162 §2.1.3)',
    tags: ['audit'],
    query: inclusionQuerySchema,
    responses: { 200: inclusionProofSchema },
    problems: problemResponses(400, 404, 429),
  });
  router.get('/audit/proofs/inclusion', async (req, res) => {
    const { index, size } = parseInput(inclusionQuerySchema, req.query, 'INVALID_QUERY');
    res.set('Cache-Control', IMMUTABLE).json(await transparency.inclusion(index, size));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/audit/proofs/consistency',
    summary: 'Consistency proof between two tree sizes (RFC 9162 §2.1.4)',
    tags: ['audit'],
    query: consistencyQuerySchema,
    responses: { 200: consistencyProofSchema },
    problems: problemResponses(400, 404, 429),
  });
  router.get('/audit/proofs/consistency', async (req, res) => {
    const { from, to } = parseInput(consistencyQuerySchema, req.query, 'INVALID_QUERY');
    res.set('Cache-Control', IMMUTABLE).json(await transparency.consistency(from, to));
  });

  openapi.add({
    method: 'get',
    path: '/api/v1/audit/witnesses',
    summary:
      'The current checkpoint, how many witnesses cosigned it ("seen by N"), and what each last cosigned',
    tags: ['audit'],
    responses: { 200: witnessStatusSchema },
    problems: problemResponses(400, 429),
  });
  router.get('/audit/witnesses', async (req, res) => {
    noQuery(req.query);
    res.set('Cache-Control', 'no-cache').json(await transparency.witnessStatus());
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/audit/witnesses',
    summary: 'Registers a witness by its verifier key (cosignature/v1)',
    tags: ['audit'],
    roles: ['admin'],
    body: witnessInputSchema,
    responses: { 201: witnessSchema },
    problems: problemResponses(400, 401, 403, 409, 429),
  });
  router.post('/audit/witnesses', async (req, res) => {
    const principal = assertRole(res, 'admin');
    const input = parseInput(witnessInputSchema, req.body);
    res.status(201).json(await transparency.registerWitness(actorOf(principal), input));
  });

  openapi.add({
    method: 'delete',
    path: '/api/v1/audit/witnesses/{name}',
    summary: 'Removes a witness (its cosignatures no longer count)',
    tags: ['audit'],
    roles: ['admin'],
    params: witnessParamsSchema,
    responses: { 204: { description: 'Removed', contentType: 'text/plain' } },
    problems: problemResponses(400, 401, 403, 404, 429),
  });
  router.delete('/audit/witnesses/:name', async (req, res) => {
    const principal = assertRole(res, 'admin');
    const { name } = parseInput(witnessParamsSchema, req.params);
    await transparency.removeWitness(actorOf(principal), name);
    res.status(204).end();
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/audit/cosignatures',
    summary:
      'A checkpoint of this log with witnesses’ cosignatures (C2SP tlog-cosignature), sent by a witness',
    description:
      'The body is the signed note as GET /api/v1/audit/checkpoint gave it plus the witness’s cosignature line. The signatures are the credential: no token is needed.',
    tags: ['audit'],
    bodyMedia: { description: 'The cosigned checkpoint', contentTypes: ['text/plain'] },
    responses: { 200: cosignatureResultSchema },
    problems: problemResponses(400, 409, 413, 415, 429),
  });
  router.post(
    '/audit/cosignatures',
    express.text({ type: 'text/plain', limit: '16kb' }),
    async (req, res) => {
      if (!req.is('text/plain'))
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the cosigned checkpoint as text/plain.');
      if (typeof req.body !== 'string' || req.body.length === 0)
        throw new AppError('INVALID_CHECKPOINT', 'The body is empty: send the cosigned checkpoint.');
      res.json(await transparency.cosign(req.body));
    },
  );

  return router;
}
