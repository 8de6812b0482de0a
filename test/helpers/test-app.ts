import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, createServices, type AppDeps, type Services } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import type { Cache } from '../../server/platform/cache';
import { createLogger } from '../../server/platform/logger';
import { createMemoryCache } from '../../server/platform/memory-cache';
import { createMetrics } from '../../server/platform/metrics';
import { openSqliteStores, type Stores } from '../../server/platform/stores';

/** A fresh directory under the OS temp dir, removed by `cleanup`. */
export function tempDir(prefix = 'certwatch-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  services: Services;
  stores: Stores;
  close(): Promise<void>;
}

/**
 * The real app on a real SQLite file in its own temp dir, with an in-process cache unless one is given.
 * Config comes from the same schema as production, with test overrides.
 */
export function createTestApp(options: { env?: Record<string, string>; cache?: Cache } = {}): TestApp {
  const dir = tempDir();
  const config: Config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...options.env,
  });
  const stores = openSqliteStores(dir);
  const deps: AppDeps = {
    config,
    logger: createLogger('silent'),
    stores,
    cache: options.cache ?? createMemoryCache(),
    metrics: createMetrics(),
  };
  const services = createServices(deps);
  return {
    app: createApp(deps, services),
    deps,
    services,
    stores,
    async close() {
      await stores.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
