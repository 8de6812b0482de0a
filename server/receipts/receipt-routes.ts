import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { publicIdSchema } from '../certificates/certificate-schema';
import { AppError } from '../platform/errors';
import { parseInput } from '../platform/http';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { jwksSchema } from '../qr/qr-schema';
import { RECEIPT_JWKS_PATH } from './receipt-codec';
import {
  issuedReceiptSchema,
  issueReceiptRequestSchema,
  receiptVerificationSchema,
  verifyReceiptRequestSchema,
} from './receipt-schema';
import type { ReceiptService } from './receipt-service';

/** Seconds the receipt JWKS may be cached: short, so that a rotation reaches verifiers within minutes. */
const JWKS_MAX_AGE = 300;

function assertJson(req: Parameters<RequestHandler>[0], bodyExample: string): void {
  // An empty POST carries no Content-Type: that is fine where no body is needed.
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is('application/json')) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Send JSON: ${bodyExample} with Content-Type application/json.`,
    );
  }
}

/** Public receipts: issue one for a certificate (the lookup's public id), verify one. */
export function receiptRoutes(services: { receipts: ReceiptService }, openapi: OpenApiRegistry): Router {
  const { receipts } = services;
  const router = Router();

  openapi.add({
    method: 'post',
    path: '/api/v1/certificates/{publicId}/receipts',
    summary: 'A signed receipt of checking this certificate now (Ed25519, receipt key)',
    description:
      'Public, rate-limited; needs the same public id as the lookup, so it reveals nothing the lookup does not. ' +
      'The receipt records the check time, the certificate, its effective status (reason and date when not ' +
      "valid) and the registry's data at that moment; `signature` is over the RFC 8785 (JCS) bytes of " +
      '`receipt`, with the receipt key `kid` of /.well-known/receipt-jwks.json. `compact` carries the signed ' +
      'bytes themselves; `verifyUrl` is the printable page (its QR code holds the whole receipt). Nothing is ' +
      'stored. Body: none, or `{}`. See docs/receipt-format.md.',
    tags: ['public'],
    params: z.object({ publicId: publicIdSchema }),
    body: issueReceiptRequestSchema,
    responses: { 200: issuedReceiptSchema },
    problems: problemResponses(400, 404, 415, 429),
  });
  router.post('/certificates/:publicId/receipts', async (req, res) => {
    assertJson(req, '{}');
    const { publicId } = req.params;
    if (!publicIdSchema.safeParse(publicId).success) {
      throw new AppError('INVALID_PUBLIC_ID', 'A public id is 22 letters, digits, - or _.');
    }
    if (req.url.includes('?') && Object.keys(req.query).length > 0) {
      throw new AppError('INVALID_QUERY', 'This route takes no query parameters.');
    }
    parseInput(issueReceiptRequestSchema, req.body ?? {});
    res.set('Cache-Control', 'no-store').json(await receipts.issue(publicId));
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/receipts/verify',
    summary: 'Verify a receipt: `{ "compact": "r1...." }` (or its link), or `{ receipt, kid, signature }`',
    description:
      'Answers 200 with a verdict for anything that is a receipt: VALID (signed by a receipt key of this portal, ' +
      'unchanged; the receipt is returned), SIGNATURE_INVALID (changed), UNKNOWN_KEY (no such receipt key: a ' +
      'QR key never verifies a receipt). Something that is not a receipt at all: 400 RECEIPT_MALFORMED.',
    tags: ['public'],
    body: verifyReceiptRequestSchema,
    responses: { 200: receiptVerificationSchema },
    problems: problemResponses(400, 413, 415, 429),
  });
  router.post('/receipts/verify', (req, res) => {
    if (!req.is('application/json')) {
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Send JSON: { "compact": "r1...." } with Content-Type application/json.',
      );
    }
    const input = parseInput(verifyReceiptRequestSchema, req.body);
    res.set('Cache-Control', 'no-store').json(receipts.verify(input));
  });

  return router;
}

/**
 * GET /.well-known/receipt-jwks.json: the public keys that verify receipts (active and retired), apart
 * from the QR keys' /.well-known/jwks.json so that no verifier of one can accept a key of the other.
 */
export function receiptJwksRoutes(
  services: { receipts: ReceiptService },
  openapi: OpenApiRegistry,
  rateLimit: RequestHandler,
): Router {
  const router = Router();
  openapi.add({
    method: 'get',
    path: RECEIPT_JWKS_PATH,
    summary: 'The public keys that verify receipt signatures (JWKS: Ed25519, alg EdDSA); never QR keys',
    tags: ['public'],
    responses: { 200: jwksSchema },
    problems: problemResponses(429),
  });
  router.get(RECEIPT_JWKS_PATH, rateLimit, (_req, res) => {
    res
      .set('Cache-Control', `public, max-age=${JWKS_MAX_AGE}`)
      .set('Access-Control-Allow-Origin', '*')
      .type('application/jwk-set+json')
      .send(JSON.stringify(services.receipts.jwks()));
  });
  return router;
}
