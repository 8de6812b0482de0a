import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { auditRoutes } from './audit/audit-routes';
import { createAuditService, type AuditService } from './audit/audit-service';
import { bodyRoutes } from './bodies/body-routes';
import { createBodyService, type BodyService } from './bodies/body-service';
import { tokenRoutes } from './bodies/token-routes';
import { createTokenService, type TokenService } from './bodies/token-service';
import { certificateAdminRoutes } from './certificates/certificate-admin-routes';
import { certificateRoutes, publicIdLookup } from './certificates/certificate-routes';
import { pageRoutes } from './certificates/page-routes';
import { createCertificateService, type CertificateService } from './certificates/certificate-service';
import { trustProxySetting, type Config } from './config';
import type { Cache } from './platform/cache';
import { authenticate } from './platform/auth';
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
import { publicRateLimit, redisRateLimitStore } from './platform/rate-limit';
import type { Stores } from './platform/stores';
import { jwksRoutes, qrRoutes } from './qr/qr-routes';
import { createQrService, type QrService } from './qr/qr-service';
import { createQrZipService, type QrZipService } from './qr/qr-zip-service';
import { createScanRecorder, scanHashSecret } from './qr/scan-recorder';
import { openKeyRing } from './qr/signing-keys';
import { parseUpload } from './uploads/upload-parsers';
import { uploadRoutes } from './uploads/upload-routes';
import { createUploadService, type UploadService } from './uploads/upload-service';
import { recordJobCertificates } from './uploads/upload-job-certificates';
import { drawRoutes } from './supervision/draw-routes';
import { createDrawService, tiersFromCredit, type DrawService } from './supervision/draw-service';
import { inspectorRoutes } from './supervision/inspector-routes';
import { createInspectorService, type InspectorService } from './supervision/inspector-service';
import { createCreditService, creditSignalsFrom, type CreditService } from './supervision/credit-service';
import { dishonestyPageRoutes } from './supervision/dishonesty-page';
import { inspectPageRoutes } from './supervision/inspect-page';
import { reportPageRoutes } from './supervision/report-page';
import { dishonestyRoutes } from './supervision/dishonesty-routes';
import { createDishonestyService, type DishonestyService } from './supervision/dishonesty-service';
import { SCAN_RULES } from './supervision/rules';
import { createUploadRuleRunner } from './supervision/rules/rule-engine';
import {
  clonedQrTally,
  createScanRuleRunner,
  type ScanRuleRunner,
} from './supervision/rules/scan-rule-runner';
import { signalRoutes } from './supervision/signal-routes';
import { createSignalService, type SignalService } from './supervision/signal-service';
import { caseRoutes } from './supervision/case-routes';
import { createCaseService, type CaseService } from './supervision/case-service';
import { flagRoutes } from './supervision/flag-routes';
import { createFlagService, type FlagService } from './supervision/flag-service';
import { tipIntake, tipRoutes } from './supervision/tip-routes';
import { createTipService, type TipService } from './supervision/tip-service';

export interface AppDeps {
  config: Config;
  logger: Logger;
  stores: Stores;
  cache: Cache;
  metrics?: Metrics;
  /** express-rate-limit store shared by instances (Redis); in-process memory when absent. */
  rateLimitStore?: Store;
  /** The shared Redis (cluster mode): clone detection counts networks in it; in-process when absent. */
  redis?: Redis;
  /** The clock of date-bound rules (credit-repair notice periods), ms since the epoch; tests inject one. */
  now?: () => number;
}

export interface Services {
  audit: AuditService;
  bodies: BodyService;
  certificates: CertificateService;
  tokens: TokenService;
  uploads: UploadService;
  qr: QrService;
  qrZip: QrZipService;
  inspectors: InspectorService;
  draws: DrawService;
  dishonesty: DishonestyService;
  credit: CreditService;
  signals: SignalService;
  /** The scan risk rules (qr's onScan): `idle()` before closing the stores. */
  scanRules: ScanRuleRunner;
  tips: TipService;
  flags: FlagService;
  cases: CaseService;
}

/** The use cases, wired to the adapters in `deps`. */
export function createServices(deps: AppDeps): Services {
  const { stores, cache, metrics, config } = deps;
  const audit = createAuditService({ audit: stores.audit });
  const signals = createSignalService({ signals: stores.signals, audit, now: deps.now });
  const bodies = createBodyService({ bodies: stores.bodies, cache, metrics });
  const dishonesty = createDishonestyService({
    records: stores.dishonesty,
    audit,
    cache,
    metrics,
    ttlSeconds: config.CACHE_TTL_SECONDS,
    now: deps.now,
  });
  const credit = createCreditService({
    dishonesty,
    bodies,
    signals: creditSignalsFrom(stores.signals),
    now: deps.now,
  });
  const certificates = createCertificateService({
    certificates: stores.certificates,
    bodies,
    cache,
    metrics,
    ttlSeconds: config.CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.NEGATIVE_CACHE_TTL_SECONDS,
    listings: dishonesty,
  });
  const tokens = createTokenService({ tokens: stores.tokens, bodies, audit });
  const uploadRules = createUploadRuleRunner({
    registry: stores.certificates,
    bodies: stores.bodies,
    raise: signals.raise,
    logger: deps.logger,
    metrics,
    now: deps.now,
  });
  const uploads = createUploadService({
    jobs: stores.uploadJobs,
    registry: stores.certificates,
    certificates,
    bodies,
    audit,
    parse: parseUpload,
    limits: { other: config.UPLOAD_MAX_BYTES, xlsx: config.UPLOAD_MAX_XLSX_BYTES },
    // What follows each stored batch: the job's certificate list, then the upload risk rules (which
    // never fail the upload). Another consumer adds its call here.
    onStored: async (event) => {
      await recordJobCertificates(stores.uploadJobs)(event);
      await uploadRules.onStored(event);
    },
  });
  if (config.STORE === 'mongo' && (!config.QR_SIGNING_KEYS || !config.SCAN_HASH_SECRET)) {
    deps.logger.warn(
      'cluster mode without QR_SIGNING_KEYS or SCAN_HASH_SECRET: unless DATA_DIR is shared, each instance signs with ' +
        "keys of its own (codes verify only where they were printed) and hashes scanners' networks differently",
    );
  }
  // One keyed hash of client networks for scans and tips alike.
  const networkSecret = scanHashSecret(config.DATA_DIR, config.SCAN_HASH_SECRET);
  // The scan risk rules run beside each recorded scan, never in its way.
  const scanRules = createScanRuleRunner({
    rules: SCAN_RULES,
    context: {
      findCertificate: (publicId) => stores.certificates.findByPublicId(publicId),
      clonedQr: clonedQrTally(config, deps.redis),
    },
    raise: signals.raise,
    logger: deps.logger,
    metrics,
    now: deps.now,
  });
  const qr = createQrService({
    keys: openKeyRing({ dataDir: config.DATA_DIR, configured: config.QR_SIGNING_KEYS, logger: deps.logger }),
    publicBaseUrl: config.PUBLIC_BASE_URL,
    certificates,
    registry: stores.certificates,
    cache,
    recorder: createScanRecorder({ scans: stores.scans, logger: deps.logger }),
    scanHashSecret: networkSecret,
    onScan: scanRules.onScan,
    logger: deps.logger,
    metrics,
  });
  const inspectors = createInspectorService({ inspectors: stores.inspectors, audit });
  // A plan's risk tiers are the credit levels of its population.
  const draws = createDrawService({
    draws: stores.draws,
    bodies,
    inspectors,
    audit,
    tiers: tiersFromCredit(credit),
  });
  const qrZip = createQrZipService({ uploads, qr, registry: stores.certificates });
  const tips = createTipService({ tips: stores.tips, qr, certificates, audit, networkSecret, now: deps.now });
  const flags = createFlagService({ flags: stores.flags, certificates, audit, now: deps.now });
  const cases = createCaseService({
    cases: stores.cases,
    tips,
    flags,
    signals,
    certificates,
    dishonesty,
    inspectors,
    audit,
    now: deps.now,
  });
  return {
    audit,
    bodies,
    certificates,
    tokens,
    uploads,
    qr,
    qrZip,
    inspectors,
    draws,
    dishonesty,
    credit,
    signals,
    scanRules,
    tips,
    flags,
    cases,
  };
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

  const limited = publicRateLimit({
    perMinute: config.RATE_LIMIT_PER_MINUTE,
    store: deps.rateLimitStore,
    logger,
  });
  // The hottest path, answered before the API router: see publicIdLookup.
  app.get('/api/v1/certificates/:publicId', limited, publicIdLookup(services.certificates));
  const api = express.Router();
  api.use(limited);
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
  api.use(authenticate(services.tokens.verify));
  api.use(certificateRoutes(services.certificates, openapi));
  api.use(certificateAdminRoutes(services, openapi));
  api.use(bodyRoutes(services, openapi));
  api.use(tokenRoutes(services, openapi));
  api.use(auditRoutes(services, openapi));
  api.use(uploadRoutes(services, openapi));
  api.use(qrRoutes(services, openapi));
  api.use(inspectorRoutes(services, openapi));
  api.use(drawRoutes(services, openapi));
  api.use(dishonestyRoutes(services, openapi));
  api.use(signalRoutes(services, openapi));
  api.use(tipRoutes(services, openapi));
  api.use(flagRoutes(services, openapi));
  api.use(caseRoutes(services, openapi));
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
  app.use(jwksRoutes(services, openapi, limited));

  app.use(pageRoutes(services, { logger, rateLimit: limited }));
  app.use(dishonestyPageRoutes(services, { logger, rateLimit: limited }));
  app.use(inspectPageRoutes({ rateLimit: limited }));
  app.use(
    reportPageRoutes(services, {
      logger,
      rateLimit: limited,
      // The report form's own budget, as strict as the tip API's (a store of its own, like tipIntake's).
      submitLimit: publicRateLimit({
        perMinute: config.TIP_RATE_LIMIT_PER_MINUTE,
        store: deps.redis ? redisRateLimitStore(deps.redis, `${config.REDIS_KEY_PREFIX}report:`) : undefined,
        logger,
      }),
    }),
  );

  app.use(errorHandler(logger));
  return app;
}
