/**
 * One instance of the portal in cluster mode, as main.ts builds it: MongoDB stores, the Redis cache and
 * rate-limit counters, shared secrets. Several instances on one database and one Redis prefix are the
 * replicas of `docker compose up --scale app=N`, in one test process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { createApp } from '../../server/app';
import { createServices, type AppDeps, type Services } from '../../server/composition/services';
import { openMongoStores, type MongoStores } from '../../server/composition/mongo-stores';
import { loadConfig } from '../../server/config';
import type { Role } from '../../server/platform/auth';
import { createLogger } from '../../server/platform/logger';
import { createMetrics } from '../../server/platform/metrics';
import type { MongoOptions } from '../../server/platform/mongo';
import { redisRateLimitStore } from '../../server/platform/rate-limit';
import { createRedisClient } from '../../server/platform/redis';
import { createRedisCache } from '../../server/platform/redis-cache';
import { removeKeysUnder, waitForReady } from '../helpers/redis-server';

export interface ClusterInstance {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  services: Services;
  stores: MongoStores;
  tokenFor(role: Role, bodyCode?: string): Promise<string>;
  close(): Promise<void>;
}

export interface ClusterInstanceOptions {
  mongoUri: string;
  /** The database every instance of one cluster shares. */
  dbName: string;
  redisUrl: string;
  /** The Redis key prefix every instance of one cluster shares (REDIS_KEY_PREFIX). */
  redisPrefix: string;
  /** The signing keys' folder every instance shares (as QR_SIGNING_KEYS would be). */
  dataDir: string;
  mongo?: MongoOptions;
}

export async function openClusterInstance(options: ClusterInstanceOptions): Promise<ClusterInstance> {
  const logger = createLogger('silent');
  const config = loadConfig({
    STORE: 'mongo',
    MONGODB_URI: options.mongoUri,
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.redisPrefix,
    DATA_DIR: options.dataDir,
    SCAN_HASH_SECRET: 'cluster-test-scan-hash-secret-0123456789',
    // Cluster mode refuses a localhost origin (it is printed in every QR code).
    PUBLIC_BASE_URL: 'https://verify.example.gov.cn',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    TIP_RATE_LIMIT_PER_MINUTE: '100000',
    // The upload's parsing threads at the test's priority (see test-app.ts).
    UPLOAD_THREAD_NICE: '0',
  });
  const stores = await openMongoStores(
    options.mongoUri,
    { dbName: options.dbName, ...options.mongo },
    logger,
  );
  const redis: Redis = createRedisClient(options.redisUrl, {
    logger,
    connectionName: 'certwatch-cluster-test',
  });
  await waitForReady(redis);
  const deps: AppDeps = {
    config,
    logger,
    stores,
    cache: createRedisCache(redis, { prefix: `${options.redisPrefix}cache:`, logger }),
    metrics: createMetrics(),
    rateLimitStore: redisRateLimitStore(redis, options.redisPrefix),
    redis,
  };
  const services = createServices(deps);
  return {
    app: createApp(deps, services),
    deps,
    services,
    stores,
    async tokenFor(role, bodyCode) {
      const issued = await services.tokens.issue(
        { role, bodyCode, label: `cluster test ${role}`, expiresInDays: 1 },
        undefined,
      );
      return issued.secret;
    },
    async close() {
      await services.qr.close().catch(() => undefined);
      await services.scanRules.idle();
      await stores.close();
      await deps.cache.close();
    },
  };
}

/** Drops the shared database and the Redis keys of a cluster, once its instances are closed. */
export async function removeClusterData(options: ClusterInstanceOptions): Promise<void> {
  const stores = await openMongoStores(options.mongoUri, { dbName: options.dbName });
  await stores.connection.dropDatabase();
  await stores.close();
  const redis = createRedisClient(options.redisUrl, { logger: createLogger('silent') });
  await waitForReady(redis);
  await removeKeysUnder(redis, options.redisPrefix);
  redis.disconnect();
  fs.rmSync(options.dataDir, { recursive: true, force: true });
}

/** The in-memory MongoDB wire server's folder (../shared/tools/mongo-wire beside the project), if there. */
export const MONGO_WIRE_DIR = path.resolve(__dirname, '../../../shared/tools/mongo-wire');

/**
 * A wire server of the test's own, which it may stop and start again on the same port (the data of an
 * in-memory server is gone after a restart, as a real one's would not be).
 */
export interface OwnMongoWire {
  uri: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it (if running) and removes its temporary copy. */
  dispose(): Promise<void>;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, open: boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await portAnswers(port)) !== open) {
    if (Date.now() > deadline)
      throw new Error(`port ${port} not ${open ? 'open' : 'closed'} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts ../shared/tools/mongo-wire/start.sh on `port` (it copies the server to a temporary folder and
 * installs mingo and bson there), then runs that copy itself so that it can stop and restart it.
 */
export async function startOwnMongoWire(port: number): Promise<OwnMongoWire> {
  const started = spawnSync('bash', [path.join(MONGO_WIRE_DIR, 'start.sh'), String(port)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const pid = Number(/MONGO_WIRE_PID=(\d+)/.exec(started.stdout)?.[1]);
  if (!pid) throw new Error(`mongo-wire start.sh failed: ${started.stdout}${started.stderr}`);
  // start.sh runs `node TMP/mongo-wire.XXXX/mongo-wire.cjs --port PORT`.
  const script = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[1] as string;
  process.kill(pid, 'SIGTERM');
  await waitForPort(port, false);
  let child: ChildProcess | undefined;
  const wire: OwnMongoWire = {
    uri: `mongodb://127.0.0.1:${port}/certwatch`,
    port,
    async start() {
      child = spawn(process.execPath, [script, '--port', String(port)], { stdio: 'ignore' });
      await waitForPort(port, true);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((r) => running.once('exit', r));
      running.kill('SIGKILL');
      await exited;
    },
    async dispose() {
      await wire.stop();
      // Only start.sh's own temporary copy (mongo-wire.XXXX), never anything else.
      if (/^mongo-wire\.[^/]+$/.test(path.basename(path.dirname(script)))) {
        fs.rmSync(path.dirname(script), { recursive: true, force: true });
      }
    },
  };
  await wire.start();
  return wire;
}
