import type { Server } from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './platform/logger';
import { createMemoryCache } from './platform/memory-cache';
import { createMetrics } from './platform/metrics';
import { openStores } from './platform/stores';

const SHUTDOWN_GRACE_MS = 10_000;

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const stores = await openStores(config);
  const cache = createMemoryCache();
  const metrics = config.METRICS_ENABLED ? createMetrics() : undefined;
  const app = createApp({ config, logger, stores, cache, metrics });

  const server: Server = app.listen(config.PORT, config.HOST, () => {
    logger.info(
      { port: config.PORT, store: stores.kind, cache: cache.health().backend },
      'CertWatch listening',
    );
  });
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining connections');
    const force = setTimeout(() => {
      logger.warn('drain timed out; closing remaining connections');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
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
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('CertWatch failed to start:', error);
  }
  process.exit(1);
});
