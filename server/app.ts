import express, { type Express } from 'express';
import helmet from 'helmet';
import { auditRoutes } from './audit/audit-routes';
import { auditorRoutes } from './auditors/auditor-routes';
import { auditorPageRoutes } from './auditors/auditor-page';
import { transparencyRoutes } from './audit/transparency-routes';
import { bodyRoutes } from './bodies/body-routes';
import { tokenRoutes } from './bodies/token-routes';
import { disclosureRoutes } from './bodies/disclosure-routes';
import { certificateAdminRoutes } from './certificates/certificate-admin-routes';
import { certificateRoutes, publicIdLookup } from './certificates/certificate-routes';
import { pageRoutes, unknownPageRoutes } from './certificates/page-routes';
import { tokenQuotas, trustProxySetting } from './config';
import { apiNotFound, errorHandler, noStoreWhenAuthenticated, observeRequests } from './platform/http';
import {
  createOpenApiRegistry,
  problemResponses,
  renderDocsPage,
  type OpenApiRegistry,
} from './platform/openapi';
import type { SiteIdentity } from './platform/page-frame';
import { PUBLIC_ASSETS_DIR } from './platform/paths';
import { publicRateLimit, redisRateLimitStore, requestQuota, tokenRateLimit } from './platform/rate-limit';
import { jwksRoutes, qrRoutes } from './qr/qr-routes';
import { uploadRoutes } from './uploads/upload-routes';
import { drawRoutes } from './draws/draw-routes';
import { inspectorRoutes } from './inspectors/inspector-routes';
import { dishonestyPageRoutes } from './dishonesty/dishonesty-page';
import { drawPageRoutes } from './draws/draw-page';
import { statsPageRoutes } from './stats/stats-page';
import { bodyPageRoutes } from './certificates/body-page';
import { inspectPageRoutes } from './cases/inspect-page';
import { bodyPortalPageRoutes } from './bodies/body-portal-page';
import { reportPageRoutes } from './tips/report-page';
import { tipStatusPageRoutes } from './tips/tip-status-page';
import { dishonestyRoutes } from './dishonesty/dishonesty-routes';
import { signalRoutes } from './signals/signal-routes';
import { caseRoutes } from './cases/case-routes';
import { flagRoutes } from './cases/flag-routes';
import { tipIntake, tipRoutes } from './tips/tip-routes';
import { createServices, type AppDeps, type Services } from './composition/services';
import { problemDetail } from './error-texts';
import { receiptJwksRoutes, receiptRoutes } from './receipts/receipt-routes';
import { receiptPageRoutes } from './receipts/receipt-page';
import { openDataFileRoutes, openDataRoutes } from './opendata/opendata-routes';
import { openDataPageRoutes } from './opendata/opendata-page';

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

const API_CSP_DIRECTIVES = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] };

/** Builds the Express app. Never listens: main.ts does, and tests use supertest. */
export function createApp(deps: AppDeps, services: Services = createServices(deps)): Express {
  const { config, logger, metrics, stores, cache } = deps;
  const openapi: OpenApiRegistry = createOpenApiRegistry({
    title: 'CertWatch',
    version: '1',
    serverUrl: config.PUBLIC_BASE_URL,
  });

  const app = express();
  // Who runs the portal: every page's footer (platform/page-frame.ts siteOf).
  app.locals.site = {
    operator: { zh: config.OPERATOR_NAME, en: config.OPERATOR_NAME_EN },
    hotline: config.OPERATOR_HOTLINE,
    filing: config.OPERATOR_FILING,
  } satisfies SiteIdentity;
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  app.set('etag', false);

  // Pages get the page policy; JSON answers of the API the policy OWASP gives for APIs (nothing may load
  // or frame them) and only the headers that mean something for JSON: smaller answers on hot paths.
  const pageHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES } });
  const apiHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP_DIRECTIVES },
    xFrameOptions: { action: 'deny' },
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  app.use((req, res, next) => (req.url.startsWith('/api/v1/') ? apiHeaders : pageHeaders)(req, res, next));
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
  // Browsers ask for /favicon.ico whatever the page says; the icon is an SVG among the assets.
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/assets/favicon.svg'));

  // Anonymous requests share their address's budget (pages and API alike); a request with a valid token
  // spends its token's (see requestQuota).
  const limited = publicRateLimit({
    perMinute: config.RATE_LIMIT_PER_MINUTE,
    ipv6Subnet: config.RATE_LIMIT_IPV6_SUBNET,
    store: deps.rateLimitStore,
    logger,
  });
  const quota = requestQuota({
    verify: services.tokens.verify,
    anonymous: limited,
    perToken: tokenRateLimit({
      perRole: tokenQuotas(config),
      // A limiter needs a store of its own (express-rate-limit refuses one store for two).
      store: deps.redis ? redisRateLimitStore(deps.redis, `${config.REDIS_KEY_PREFIX}tokens:`) : undefined,
      logger,
    }),
  });
  // The hottest path, answered before the API router: see publicIdLookup.
  app.get(
    '/api/v1/certificates/:publicId',
    quota,
    noStoreWhenAuthenticated,
    publicIdLookup(services.certificates),
  );
  const api = express.Router();
  api.use(quota, noStoreWhenAuthenticated);
  // Tips carry a photo: their own stricter limit and larger body, read before the 100 kB parser below.
  api.use(
    tipIntake({
      perMinute: config.TIP_RATE_LIMIT_PER_MINUTE,
      // A limiter needs a store of its own (express-rate-limit refuses one store for two).
      store: deps.redis ? redisRateLimitStore(deps.redis, `${config.REDIS_KEY_PREFIX}tips:`) : undefined,
      logger,
    }),
  );
  api.use(express.json({ limit: '100kb' }));
  api.use(certificateRoutes(services.certificates, openapi));
  api.use(certificateAdminRoutes(services, openapi));
  api.use(bodyRoutes(services, openapi));
  api.use(disclosureRoutes(services, openapi));
  api.use(tokenRoutes(services, openapi));
  api.use(auditRoutes(services, openapi));
  api.use(transparencyRoutes(services, openapi));
  api.use(uploadRoutes(services, openapi));
  api.use(qrRoutes(services, openapi));
  api.use(inspectorRoutes(services, openapi));
  api.use(drawRoutes(services, openapi));
  api.use(dishonestyRoutes(services, openapi));
  api.use(signalRoutes(services, openapi));
  api.use(tipRoutes(services, openapi));
  api.use(flagRoutes(services, openapi));
  api.use(caseRoutes(services, openapi));
  api.use(receiptRoutes(services, openapi));
  api.use(auditorRoutes(services, openapi));
  api.use(openDataRoutes(services, openapi, { logger }));
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
  api.use(errorHandler(logger, problemDetail));
  app.use('/api/v1', api);
  app.get('/api/docs', (_req, res) => {
    res.type('html').send(renderDocsPage(openapi.document()));
  });
  // Any other /api path (`/api/v2/...`) is an API client's mistake too: JSON 404, not an HTML page.
  app.use('/api', apiNotFound);
  app.use(jwksRoutes(services, openapi, limited));
  app.use(receiptJwksRoutes(services, openapi, limited));

  app.use(pageRoutes(services, { logger, rateLimit: limited, publicBaseUrl: config.PUBLIC_BASE_URL }));
  app.use(dishonestyPageRoutes(services, { logger, rateLimit: limited }));
  app.use(auditorPageRoutes(services, { logger, rateLimit: limited, now: deps.now }));
  app.use(drawPageRoutes(services, { logger, rateLimit: limited, publicBaseUrl: config.PUBLIC_BASE_URL }));
  app.use(statsPageRoutes(services, { logger, rateLimit: limited }));
  app.use(bodyPageRoutes(services, { logger, rateLimit: limited }));
  app.use(inspectPageRoutes({ rateLimit: limited }));
  app.use(bodyPortalPageRoutes({ rateLimit: limited }));
  // The report form's own budget, as strict as the tip API's (a store of its own, like tipIntake's).
  const reportLimit = publicRateLimit({
    perMinute: config.TIP_RATE_LIMIT_PER_MINUTE,
    store: deps.redis ? redisRateLimitStore(deps.redis, `${config.REDIS_KEY_PREFIX}report:`) : undefined,
    logger,
  });
  app.use(reportPageRoutes(services, { logger, rateLimit: limited, submitLimit: reportLimit }));
  app.use(tipStatusPageRoutes(services, { logger, rateLimit: limited, lookupLimit: reportLimit }));
  app.use(receiptPageRoutes(services, { logger, rateLimit: limited, publicBaseUrl: config.PUBLIC_BASE_URL }));
  app.use(openDataPageRoutes(services, { rateLimit: limited }));
  app.use(openDataFileRoutes(services, { rateLimit: limited, publicBaseUrl: config.PUBLIC_BASE_URL }));

  app.use(unknownPageRoutes({ logger, rateLimit: limited }));
  app.use(errorHandler(logger, problemDetail));
  return app;
}
