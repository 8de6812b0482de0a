import type { Server } from 'node:http';
import type { Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { createApp } from './app';
import type { createServices } from './composition/services';
import { loadConfig, type Config } from './config';
import type { Cache } from './platform/cache';
import { prepareDataDir } from './platform/data-dir';
import { localeLang, StartupRefusal } from './platform/locale';
import { createLogger, type Logger } from './platform/logger';
import type { createMemoryCache } from './platform/memory-cache';
import type { createMetrics } from './platform/metrics';
import type { redisRateLimitStore } from './platform/rate-limit';
import type { createRedisClient, redactRedisUrl, waitForRedis } from './platform/redis';
import type { createRedisCache } from './platform/redis-cache';
import type { openStores } from './composition/stores';
import type { STALE_UPLOAD_MS } from './uploads/upload-service';

/**
 * The app and what it runs on: some 650 modules, about two seconds of CPU. Loaded only once the configuration
 * and DATA_DIR are accepted, so that a refusal comes without them.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded late on purpose (see above) */
const runtime = () => ({
  ...(require('./app') as { createApp: typeof createApp }),
  ...(require('./composition/services') as { createServices: typeof createServices }),
  ...(require('./composition/stores') as { openStores: typeof openStores }),
  ...(require('./platform/memory-cache') as { createMemoryCache: typeof createMemoryCache }),
  ...(require('./platform/metrics') as { createMetrics: typeof createMetrics }),
  ...(require('./platform/rate-limit') as { redisRateLimitStore: typeof redisRateLimitStore }),
  ...(require('./platform/redis') as {
    createRedisClient: typeof createRedisClient;
    redactRedisUrl: typeof redactRedisUrl;
    waitForRedis: typeof waitForRedis;
  }),
  ...(require('./platform/redis-cache') as { createRedisCache: typeof createRedisCache }),
  ...(require('./uploads/upload-service') as { STALE_UPLOAD_MS: typeof STALE_UPLOAD_MS }),
});
/* eslint-enable @typescript-eslint/no-require-imports */
type Runtime = ReturnType<typeof runtime>;

const SHUTDOWN_GRACE_MS = 10_000;
/** How long start-up waits for Redis before serving anyway (lookups then go to the registry until it answers). */
const REDIS_STARTUP_WAIT_MS = 5_000;

/**
 * The cache and rate-limit counters: in-process on a single node, on the shared Redis when REDIS_URL is
 * set (cluster mode). Redis is optional at start: the service serves from the registry until it answers.
 */
async function openSharedState(
  {
    createMemoryCache,
    createRedisClient,
    waitForRedis,
    redactRedisUrl,
    createRedisCache,
    redisRateLimitStore,
  }: Runtime,
  config: Config,
  logger: Logger,
): Promise<{ cache: Cache; rateLimitStore?: Store; redis?: Redis }> {
  if (!config.REDIS_URL) return { cache: createMemoryCache() };
  const redis = createRedisClient(config.REDIS_URL, { logger });
  if (!(await waitForRedis(redis, REDIS_STARTUP_WAIT_MS))) {
    logger.warn(
      { redis: redactRedisUrl(config.REDIS_URL) },
      'redis not ready at start-up; serving from the registry until it answers',
    );
  }
  return {
    // The cache gets a prefix of its own: its outage fallback flushes everything under it.
    cache: createRedisCache(redis, { prefix: `${config.REDIS_KEY_PREFIX}cache:`, logger }),
    rateLimitStore: redisRateLimitStore(redis, config.REDIS_KEY_PREFIX),
    redis,
  };
}

/** Whether this process keeps anything under DATA_DIR: the registry, or keys and secrets not given in env. */
function usesDataDir(config: Config): boolean {
  return config.STORE === 'sqlite' || !config.QR_SIGNING_KEYS || !config.SCAN_HASH_SECRET;
}

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  if (usesDataDir(config) && prepareDataDir(config.DATA_DIR, { create: config.INIT_DATA_DIR }).created) {
    logger.warn({ dataDir: config.DATA_DIR }, 'DATA_DIR created (INIT_DATA_DIR): a new, empty registry');
  }
  const rt = runtime();
  const { openStores, createMetrics, createServices, STALE_UPLOAD_MS, createApp } = rt;
  const stores = await openStores(config, logger);
  const { cache, rateLimitStore, redis } = await openSharedState(rt, config, logger);
  const metrics = config.METRICS_ENABLED ? createMetrics() : undefined;
  const deps = { config, logger, stores, cache, metrics, rateLimitStore, redis };
  const services = createServices(deps);
  // Uploads a killed process left `running` are over: mark them interrupted. An embedded registry has
  // one process, so every running job is such a one; on a shared MongoDB other instances may be
  // uploading now, so only jobs silent for STALE_UPLOAD_MS are.
  const startedAt = Date.now();
  const interrupted = await services.uploads.markInterrupted(
    new Date(stores.kind === 'sqlite' ? startedAt : startedAt - STALE_UPLOAD_MS).toISOString(),
  );
  if (interrupted > 0)
    logger.warn({ interrupted }, 'upload jobs left running by a previous process marked interrupted');
  const app = createApp(deps, services);

  const server: Server = app.listen(config.PORT, config.HOST, () => {
    logger.info(
      {
        port: config.PORT,
        store: stores.kind,
        cache: cache.health().backend,
        rateLimit: rateLimitStore ? 'redis' : 'memory',
      },
      'CertWatch listening',
    );
  });
  // Bodies overdue on reporting raise a low signal: checked now and hourly (each instance; deduplicated).
  const stopOverdueCheck = services.reportingOverdue.schedule();
  // The open data: checked every hour, exported when the served files are not of today (China date).
  const exportIfDue = () => {
    services.openData.exportIfDue().catch((err: unknown) => logger.error({ err }, 'open data export failed'));
  };
  const openDataTimers = config.OPEN_DATA_DAILY
    ? [setTimeout(exportIfDue, 60_000).unref(), setInterval(exportIfDue, 3_600_000).unref()]
    : [];
  server.keepAliveTimeout = 65_000;
  // A large upload streams for minutes over a slow line; Node's default (5 min for the whole request) would cut it.
  server.requestTimeout = 30 * 60_000;

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining connections');
    stopOverdueCheck();
    for (const timer of openDataTimers) clearTimeout(timer);
    const force = setTimeout(() => {
      logger.warn('drain timed out; closing remaining connections');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      // Closing the Redis cache quits the client the rate-limit store shares: only once no request is left.
      // Queued scan records are written before the store closes.
      await services.qr.close().catch(() => undefined);
      services.receipts.close();
      // Signals of the last scans, before the store closes.
      await services.scanRules.idle();
      await Promise.allSettled([stores.close(), cache.close()]);
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof StartupRefusal) {
    // ConfigError, DataDirError, a key file: one line (or list) in the locale's language.
    console.error(error.text(localeLang(process.env)));
  } else {
    console.error('CertWatch failed to start:', error);
  }
  process.exit(1);
});
