import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { createApp } from '../../server/app';
import { createServices, type AppDeps, type Services } from '../../server/composition/services';
import type { Role } from '../../server/platform/auth';
import { loadConfig, type Config } from '../../server/config';
import type { Cache } from '../../server/platform/cache';
import { createLogger } from '../../server/platform/logger';
import { createMemoryCache } from '../../server/platform/memory-cache';
import { createMetrics } from '../../server/platform/metrics';
import { openSqliteStores, type Stores } from '../../server/composition/stores';

/** A fresh directory under the OS temp dir, removed by `cleanup`. */
export function tempDir(prefix = 'certwatch-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  services: Services;
  stores: Stores;
  /** The directory holding the registry file (`registry.sqlite`), for tests that look at raw rows. */
  dataDir: string;
  /** The bearer value of a fresh token (issued through the token service); `bodyCode` for a body token. */
  tokenFor(role: Role, bodyCode?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real app on a real SQLite file in its own temp dir, with an in-process cache unless one is given
 * (and `redis`: the shared Redis of cluster mode, for what counts in it).
 * Config comes from the same schema as production, with test overrides.
 */
export function createTestApp(
  options: { env?: Record<string, string>; cache?: Cache; redis?: Redis } = {},
): TestApp {
  const dir = tempDir();
  const config: Config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    TIP_RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_ADMIN_PER_MINUTE: '100000',
    RATE_LIMIT_BODY_PER_MINUTE: '100000',
    RATE_LIMIT_INSPECTOR_PER_MINUTE: '100000',
    RATE_LIMIT_PARTNER_PER_MINUTE: '100000',
    // The upload's threads and storing process at the test's own priority: beside other load (the suite's other workers, a
    // busy machine) threads 10 below it would crawl, and no test here is about priority but
    // background-thread.test.ts, which sets its own.
    UPLOAD_THREAD_NICE: '0',
    ...options.env,
  });
  const stores = openSqliteStores(dir);
  const deps: AppDeps = {
    config,
    logger: createLogger('silent'),
    stores,
    cache: options.cache ?? createMemoryCache(),
    metrics: createMetrics(),
    redis: options.redis,
  };
  const services = createServices(deps);
  return {
    app: createApp(deps, services),
    deps,
    services,
    stores,
    dataDir: dir,
    async tokenFor(role, bodyCode) {
      if ((role === 'body') !== (bodyCode !== undefined)) {
        throw new Error('tokenFor: a body token needs a body code, and only a body token takes one');
      }
      const request = { role, bodyCode, label: `test ${role}`, expiresInDays: 1 };
      const issued = await services.tokens.issue(request, undefined);
      return issued.secret;
    },
    async close() {
      // Queued scan records first, while the store is open; this also stops the key ring's timer.
      await services.qr.close();
      services.receipts.close();
      await services.scanRules.idle();
      await stores.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
