import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { assertRole } from '../platform/auth';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { problemResponses, type OpenApiRegistry } from '../platform/openapi';
import { CATALOG_PATH, dcatCatalog } from './opendata-catalog';
import { exportStartedSchema, manifestSchema } from './opendata-schema';
import type { OpenDataService } from './opendata-service';

/** The manifest of the served datasets, and the admin's "export now". */
export function openDataRoutes(
  services: { openData: OpenDataService },
  openapi: OpenApiRegistry,
  options: { logger: Logger },
): Router {
  const router = Router();
  const { openData } = services;

  openapi.add({
    method: 'get',
    path: '/api/v1/open-data',
    summary: 'The manifest of the open datasets: files, row counts, SHA-256, generation time, licence',
    tags: ['public'],
    responses: { 200: manifestSchema },
    problems: problemResponses(404, 429),
  });
  router.get('/open-data', (_req, res) => {
    const manifest = openData.current();
    if (!manifest) throw new AppError('OPEN_DATA_FILE_NOT_FOUND', 'No dataset has been generated yet.');
    res.set('Cache-Control', 'public, max-age=300').json(manifest);
  });

  openapi.add({
    method: 'post',
    path: '/api/v1/open-data/exports',
    summary: 'Starts an open-data export now (it runs in the background; the manifest changes when it ends)',
    tags: ['public'],
    roles: ['admin'],
    responses: { 202: exportStartedSchema },
    problems: problemResponses(401, 403, 409, 429),
  });
  router.post('/open-data/exports', (_req, res) => {
    assertRole(res, 'admin');
    if (openData.running())
      throw new AppError('OPEN_DATA_EXPORT_RUNNING', 'An open-data export is running already.');
    const startedAt = new Date().toISOString();
    openData.exportNow().catch((err: unknown) => {
      if (!(err instanceof AppError)) options.logger.error({ err }, 'open data export failed');
    });
    res.status(202).json({ state: 'started', startedAt });
  });

  return router;
}

const FILE = z.string().regex(/^[a-z-]+\.(csv|ndjson|txt|json)$/);

/** The downloads and the catalogue, outside /api (stable URLs people and harvesters keep). */
export function openDataFileRoutes(
  services: { openData: OpenDataService },
  options: { rateLimit?: RequestHandler; publicBaseUrl: string },
): Router {
  const router = Router();
  const limit: RequestHandler = options.rateLimit ?? ((_req, _res, next) => next());
  const { openData } = services;

  router.get(CATALOG_PATH, limit, (_req, res) => {
    res
      .set('Cache-Control', 'public, max-age=300')
      .set('Access-Control-Allow-Origin', '*')
      .type('application/ld+json')
      .send(JSON.stringify(dcatCatalog(openData.current(), options.publicBaseUrl), null, 2));
  });

  router.get('/open-data/:file', limit, (req, res, next) => {
    const { file } = req.params as { file: string };
    const found = FILE.safeParse(file).success ? openData.filePath(file) : undefined;
    if (!found) throw new AppError('OPEN_DATA_FILE_NOT_FOUND', 'No such open-data file.');
    const entry = openData
      .current()
      ?.datasets.flatMap((d) => d.files)
      .find((f) => f.file === file);
    const type =
      entry?.mediaType ?? (file.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8');
    res
      .set('Cache-Control', 'public, max-age=300')
      .set('Access-Control-Allow-Origin', '*')
      .set('Content-Type', type);
    if (entry) res.set('X-Checksum-SHA256', entry.sha256);
    res.sendFile(found, { headers: { 'Content-Type': type } }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  });

  return router;
}
