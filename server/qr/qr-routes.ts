import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { QrService } from './qr-service';
import type { QrZipService } from './qr-zip-service';
import { publicIdSchema } from '../certificates/certificate-schema';
import { assertRole } from '../platform/auth';
import { AppError } from '../platform/errors';
import { hasQueryBeyondLang, parseInput } from '../platform/http';
import type { OpenApiRegistry } from '../platform/openapi';
import { problemResponses } from '../platform/openapi';
import { uploadJobIdSchema } from '../uploads/upload-schema';
import { jwksSchema, MAX_SCAN_TEXT, scanAnswerSchema, scanRequestSchema } from './qr-schema';
import type { QrFormat, QrImage } from './qr-service';
import { fileStem, QR_ZIP_FORMATS } from './qr-zip-service';

const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/;
/** Seconds a JWKS may be cached: short, so that a rotation reaches verifiers within minutes. */
const JWKS_MAX_AGE = 300;

const IMAGE_ROUTES: { suffix: string; format: QrFormat; summary: string; mediaType: string }[] = [
  {
    suffix: 'qr.png',
    format: 'png',
    summary: "A certificate's signed QR code as PNG",
    mediaType: 'image/png',
  },
  {
    suffix: 'qr.svg',
    format: 'svg',
    summary: "A certificate's signed QR code as SVG",
    mediaType: 'image/svg+xml',
  },
  {
    suffix: 'label.svg',
    format: 'label',
    summary:
      'A printable 50 × 30 mm label: the QR code (at least 25 mm wide) with the scheme, number and holder (Chinese)',
    mediaType: 'image/svg+xml',
  },
];

/** A download name made of the certificate number: letters, digits, `.`, `-` and `_` only. */
function fileName(number: string, suffix: string): string {
  return `${fileStem(number)}-${suffix}`;
}

export const qrZipQuerySchema = z.strictObject({
  format: z.enum(QR_ZIP_FORMATS).default('png').describe('png (default) or svg: the format of every code'),
});

/** Whether a stream failed because the client closed the connection (nobody left to answer). */
function clientWentAway(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
}

function sendImage(res: Response, image: QrImage, suffix: string): void {
  res
    .status(200)
    .type(image.contentType)
    // The image is the body's own: browsers may keep it a little, shared caches never.
    .set('Cache-Control', 'private, max-age=300')
    .set('Content-Disposition', `inline; filename="${fileName(image.number, suffix)}"`)
    .send(image.body);
}

/** QR images for certifying bodies, and the public scan verification. */
export function qrRoutes(services: { qr: QrService; qrZip: QrZipService }, openapi: OpenApiRegistry): Router {
  const { qr, qrZip } = services;
  const router = Router();

  for (const { suffix, format, summary, mediaType } of IMAGE_ROUTES) {
    openapi.add({
      method: 'get',
      path: `/api/v1/certificates/{publicId}/${suffix}`,
      summary,
      description:
        "For the certificate's own body's tokens and admins (a body prints the codes of its certificates); " +
        'another body gets 403. The code is signed with the active key from the registry record as it is now.',
      tags: ['qr'],
      roles: ['body', 'admin'],
      params: z.object({ publicId: publicIdSchema }),
      responses: { 200: { description: summary, contentType: mediaType } },
      problems: problemResponses(400, 401, 403, 404, 429),
    });
    router.get(`/certificates/:publicId/${suffix}`, async (req, res) => {
      const principal = assertRole(res, 'body', 'admin');
      const { publicId } = req.params;
      if (!PUBLIC_ID.test(publicId))
        throw new AppError('INVALID_PUBLIC_ID', 'A public id is 22 letters, digits, - or _.');
      if (hasQueryBeyondLang(req))
        throw new AppError('INVALID_QUERY', 'This route takes no query parameters.');
      const onlyForBody = principal.role === 'body' ? principal.bodyCode : undefined;
      sendImage(res, await qr.image(publicId, format, { onlyForBody }), suffix);
    });
  }

  openapi.add({
    method: 'get',
    path: '/api/v1/uploads/{jobId}/qr.zip',
    summary: 'Every QR code of an upload job in one zip, with a manifest (streamed)',
    description:
      "For the job's own body's tokens and admins; another body's job answers 404 like an unknown one. " +
      '`manifest.csv` comes first (file, number, holderName, publicId, url: the signed URL each code carries; ' +
      'UTF-8 with a BOM, formula-safe), then one image per certificate the job stored (created, updated or ' +
      'unchanged; rejected rows have none), in file order, named after the certificate number (characters ' +
      'other than letters, digits, `.`, `-` and `_` become `_`; names are unique). A job that stored nothing ' +
      'gives a zip with only the manifest header. A job still running: 409 UPLOAD_JOB_RUNNING. The zip is ' +
      'made while it downloads (ZIP64 past 65,535 entries); a failure part-way breaks the download rather ' +
      'than ending it short.',
    tags: ['qr'],
    roles: ['body', 'admin'],
    params: z.object({ jobId: uploadJobIdSchema }),
    query: qrZipQuerySchema,
    responses: { 200: { description: 'The zip', contentType: 'application/zip' } },
    problems: problemResponses(400, 401, 403, 404, 409, 429),
  });
  router.get('/uploads/:jobId/qr.zip', async (req, res) => {
    const principal = assertRole(res, 'body', 'admin');
    const { format } = parseInput(qrZipQuerySchema, req.query, 'INVALID_QUERY');
    const zip = await qrZip.open(principal, req.params.jobId, format);
    res
      .status(200)
      .type('application/zip')
      .set('Content-Disposition', `attachment; filename="${zip.fileName}"`)
      .set('Cache-Control', 'no-store');
    try {
      await zip.writeTo(res);
    } catch (err) {
      if (!clientWentAway(err)) throw err;
    }
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/scan',
    summary: 'Verify what a scanner read from a QR code (or a number typed in): one verdict',
    description:
      `JSON \`{ "text": "..." }\`, at most ${MAX_SCAN_TEXT} characters. Answers 200 with one stable \`verdict\` ` +
      'whatever the text is; only a malformed request is a 4xx. A signed code of this portal: GENUINE_VALID, ' +
      'GENUINE_SUSPENDED/REVOKED/WITHDRAWN/EXPIRED (reason and date in `certificate`), REGISTRY_MISMATCH (holder or ' +
      'scope changed since printing: `differences`), NOT_FOUND, SIGNATURE_INVALID (altered), UNKNOWN_KEY. A ' +
      'CertWatch-shaped code on another origin: FOREIGN_HOST (`signature` says whether it would verify). A plain ' +
      '`/v/{publicId}` link of this portal: UNSIGNED_LINK with the registry view (NOT_FOUND when unknown). A bare ' +
      'certificate number: NUMBER_LOOKUP with `matches`. Anything else: NOT_CERTWATCH. Each scan is recorded with ' +
      "a keyed hash of the client's network (/24, /48), never its address.",
    tags: ['public'],
    body: scanRequestSchema,
    responses: { 200: scanAnswerSchema },
    problems: problemResponses(400, 413, 415, 429),
  });
  router.post('/scan', async (req, res) => {
    if (!req.is('application/json'))
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Send JSON: { "text": "..." } with Content-Type application/json.',
      );
    const { text } = parseInput(scanRequestSchema, req.body);
    res.set('Cache-Control', 'no-store').json(await qr.scan(text, req.ip));
  });

  return router;
}

/**
 * GET /.well-known/jwks.json: the public keys that verify QR signatures (active and retired), for the
 * scanning page's offline check and for anyone's own verifier. Cacheable briefly; readable cross-origin.
 */
export function jwksRoutes(
  services: { qr: QrService },
  openapi: OpenApiRegistry,
  rateLimit: RequestHandler,
): Router {
  const router = Router();
  openapi.add({
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: 'The public keys that verify QR code signatures (JWKS: Ed25519, alg EdDSA)',
    tags: ['public'],
    responses: { 200: jwksSchema },
    problems: problemResponses(429),
  });
  router.get('/.well-known/jwks.json', rateLimit, (_req, res) => {
    res
      .set('Cache-Control', `public, max-age=${JWKS_MAX_AGE}`)
      .set('Access-Control-Allow-Origin', '*')
      .type('application/jwk-set+json')
      .send(JSON.stringify(services.qr.jwks()));
  });
  return router;
}
