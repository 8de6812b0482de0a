import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Store } from 'express-rate-limit';
import { createBodyService, type BodyService } from './bodies/body-service';
import { certificateRoutes } from './certificates/certificate-routes';
import { pageRoutes } from './certificates/page-routes';
import { createCertificateService, type CertificateService } from './certificates/certificate-service';
import { trustProxySetting, type Config } from './config';
import type { Cache } from './platform/cache';
import { apiNotFound, errorHandler, observeRequests } from './platform/http';
import type { Logger } from './platform/logger';
import type { Metrics } from './platform/metrics';
import {
  createOpenApiRegistry,
  problemResponses,
  renderDocsPage,
  type OpenApiRegistry,
} from './platform/openapi';
import { PUBLIC_ASSETS_DIR } from './platform/paths';
import { publicRateLimit } from './platform/rate-limit';
import type { Stores } from './platform/stores';

export interface AppDeps {
  config: Config;
  logger: Logger;
  stores: Stores;
  cache: Cache;
  metrics?: Metrics;
  /** express-rate-limit store shared by instances (Redis); in-process memory when absent. */
  rateLimitStore?: Store;
}

export interface Services {
  bodies: BodyService;
  certificates: CertificateService;
}

/** The use cases, wired to the adapters in `deps`. */
export function createServices(deps: AppDeps): Services {
  const { stores, cache, metrics, config } = deps;
  const bodies = createBodyService({ bodies: stores.bodies, cache, metrics });
  const certificates = createCertificateService({
    certificates: stores.certificates,
    bodies,
    cache,
    metrics,
    ttlSeconds: config.CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.NEGATIVE_CACHE_TTL_SECONDS,
  });
  return { bodies, certificates };
}

const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  workerSrc: ["'self'", 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
};

/** Builds the Express app. Never listens: main.ts does, and tests use supertest. */
export function createApp(deps: AppDeps, services: Services = createServices(deps)): Express {
  const { config, logger, metrics, stores, cache } = deps;
  const openapi: OpenApiRegistry = createOpenApiRegistry({
    title: 'CertWatch',
    version: '1',
    serverUrl: config.PUBLIC_BASE_URL,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  app.set('etag', false);

  app.use(helmet({ contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES } }));
  app.use(observeRequests(logger, metrics));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const cacheHealth = cache.health();
    let store: { status: 'ok' | 'down'; backend: string; detail?: string } = {
      status: 'ok',
      backend: stores.kind,
    };
    try {
      await stores.ping();
    } catch (error) {
      store = { status: 'down', backend: stores.kind, detail: (error as Error).message };
    }
    const status = store.status === 'down' ? 'down' : cacheHealth.status === 'degraded' ? 'degraded' : 'ok';
    res.status(status === 'down' ? 503 : 200).json({ status, checks: { store, cache: cacheHealth } });
  });
  if (metrics) {
    app.get('/metrics', async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }

  app.use('/assets', express.static(PUBLIC_ASSETS_DIR, { maxAge: '1h', index: false }));

  const limited = publicRateLimit({ perMinute: config.RATE_LIMIT_PER_MINUTE, store: deps.rateLimitStore });
  const api = express.Router();
  api.use(limited);
  api.use(express.json({ limit: '100kb' }));
  api.use(certificateRoutes(services.certificates, openapi));
  openapi.add({
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This description of the API (OpenAPI 3.1)',
    tags: ['meta'],
    responses: { 200: { description: 'The OpenAPI 3.1 document', contentType: 'application/json' } },
    problems: problemResponses(429),
  });
  api.get('/openapi.json', (_req, res) => {
    res.json(openapi.document());
  });
  api.use(apiNotFound);
  // Answered inside the router: leaving it resets req.baseUrl, and the metrics label would lose `/api/v1`.
  api.use(errorHandler(logger));
  app.use('/api/v1', api);
  app.get('/api/docs', (_req, res) => {
    res.type('html').send(renderDocsPage(openapi.document()));
  });
  // Any other /api path (`/api/v2/...`) is an API client's mistake too: JSON 404, not an HTML page.
  app.use('/api', apiNotFound);

  app.use(pageRoutes(services, { logger, rateLimit: limited }));

  app.use(errorHandler(logger));
  return app;
}
