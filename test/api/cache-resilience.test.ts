import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import type { Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { createApp } from '../../server/app';
import { createServices, type AppDeps } from '../../server/composition/services';
import type { Certificate } from '../../server/certificates/certificate-schema';
import type { Cache } from '../../server/platform/cache';
import { createLogger, type Logger } from '../../server/platform/logger';
import { redisRateLimitStore } from '../../server/platform/rate-limit';
import { createRedisClient } from '../../server/platform/redis';
import { createRedisCache } from '../../server/platform/redis-cache';
import { makeBody, makeCertificate } from '../helpers/factories';
import {
  removeKeysUnder,
  SHARED_REDIS_URL,
  startPrivateRedis,
  waitForReady,
  type PrivateRedisServer,
} from '../helpers/redis-server';
import { createTestApp, type TestApp } from '../helpers/test-app';

const silent = createLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** A client and a Redis cache on it, as main.ts builds them. */
async function redisCacheOn(url: string, prefix: string): Promise<{ redis: Redis; cache: Cache }> {
  const redis = createRedisClient(url, { logger: silent, connectionName: 'certwatch-test' });
  await waitForReady(redis);
  return { redis, cache: createRedisCache(redis, { prefix, logger: silent }) };
}

/** The cache_lookups_total sample for these labels (0 before the first increment). */
async function cacheLookups(deps: AppDeps, kind: string, result: 'hit' | 'miss'): Promise<number> {
  const counter = await deps.metrics!.cacheLookups.get();
  return counter.values.find((v) => v.labels.kind === kind && v.labels.result === result)?.value ?? 0;
}

async function seed(t: TestApp): Promise<Certificate> {
  const body = await t.services.bodies.upsert(makeBody());
  const [result] = await t.services.certificates.upsertMany([makeCertificate({ bodyCode: body.code })]);
  return result!.certificate;
}

describe('when the Redis behind the cache is killed mid-traffic and restarted', () => {
  let server: PrivateRedisServer;
  let redis: Redis;
  let cache: Cache;
  let admin: Redis;
  let t: TestApp;
  let http: Server;
  const prefix = `certwatch-test:${randomUUID()}:cache:`;

  beforeAll(async () => {
    server = await startPrivateRedis();
    ({ redis, cache } = await redisCacheOn(server.url, prefix));
    admin = createRedisClient(server.url, { logger: silent, connectionName: 'certwatch-test-admin' });
    await waitForReady(admin);
    t = createTestApp({ cache });
    http = t.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
    await cache.close();
    admin.disconnect();
    await t.close();
    await server.stop();
  });

  test('then no lookup fails, /readyz reports the degradation, a write made meanwhile is seen, and Redis is used again', async () => {
    const cert = await seed(t);
    const other = await seed(t);
    const byId = `/api/v1/certificates/${cert.publicId}`;
    const byNumber = `/api/v1/certificates?number=${encodeURIComponent(cert.number)}`;
    const cachedKey = `${prefix}c:p:${cert.publicId}`;

    // Warm the cache, and keep a snapshot so that the restarted server comes back holding the old answer:
    // only the replayed invalidation can then keep it from being served.
    expect(await request(http).get(byId)).toMatchObject({ status: 200, body: { status: 'valid' } });
    expect(await request(http).get(byNumber)).toMatchObject({
      status: 200,
      body: { items: [{ status: 'valid' }] },
    });
    expect(JSON.parse((await admin.get(cachedKey)) ?? '{}')).toMatchObject({ status: 'valid' });
    await admin.save();

    const failures: string[] = [];
    let lookups = 0;
    let running = true;
    const paths = [byId, byNumber, `/api/v1/certificates/${other.publicId}`];
    const traffic = Array.from({ length: 4 }, async (_, worker) => {
      for (let i = worker; running; i += 1) {
        const path = paths[i % paths.length]!;
        const res = await request(http).get(path);
        lookups += 1;
        if (res.status !== 200) failures.push(`${res.status} ${path} ${JSON.stringify(res.body)}`);
      }
    });

    await waitFor('traffic before the kill', async () => lookups >= 30);
    await server.kill();
    await waitFor('/readyz degraded', async () => {
      const res = await request(http).get('/readyz');
      return res.body?.status === 'degraded';
    });
    const degraded = await request(http).get('/readyz');
    expect(degraded).toMatchObject({
      status: 200,
      body: {
        status: 'degraded',
        checks: { store: { status: 'ok' }, cache: { backend: 'redis', status: 'degraded' } },
      },
    });
    expect(degraded.body.checks.cache.detail).toMatch(/redis connection/);

    // A write while Redis is away: its invalidation cannot reach Redis and must be remembered.
    await t.services.certificates.changeStatus(cert.publicId, {
      status: 'suspended',
      reason: 'Surveillance audit refused',
      date: '2026-03-01',
    });
    const duringOutage = lookups;
    await waitFor('traffic during the outage', async () => lookups >= duringOutage + 30);
    expect(await request(http).get(byId)).toMatchObject({ status: 200, body: { status: 'suspended' } });

    await server.restart();
    await waitFor('/readyz ok again', async () => (await request(http).get('/readyz')).body?.status === 'ok');
    await waitForReady(admin, 10_000);
    const afterRestart = lookups;
    await waitFor('traffic after the restart', async () => lookups >= afterRestart + 30);
    running = false;
    await Promise.all(traffic);

    expect(failures).toEqual([]);
    expect(await request(http).get(byId)).toMatchObject({
      status: 200,
      body: { status: 'suspended', statusReason: 'Surveillance audit refused' },
    });
    expect(await request(http).get(byNumber)).toMatchObject({
      status: 200,
      body: { items: [{ status: 'suspended' }] },
    });

    // Redis is used again: it holds the new answer, and a repeated lookup is a cache hit.
    expect(JSON.parse((await admin.get(cachedKey)) ?? '{}')).toMatchObject({ status: 'suspended' });
    const hitsBefore = await cacheLookups(t.deps, 'publicId', 'hit');
    expect(await request(http).get(byId)).toMatchObject({ status: 200, body: { status: 'suspended' } });
    expect(await cacheLookups(t.deps, 'publicId', 'hit')).toBe(hitsBefore + 1);
    expect(await request(http).get('/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { cache: { backend: 'redis', status: 'ok' } } },
    });
    expect(redis.status).toBe('ready');
  });
});

describe('when rate limits are counted in Redis', () => {
  let server: PrivateRedisServer;
  let redis: Redis;
  let admin: Redis;
  let t: TestApp;
  const prefix = `certwatch-test:${randomUUID()}:`;

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = createRedisClient(server.url, { logger: silent, connectionName: 'certwatch-test' });
    admin = createRedisClient(server.url, { logger: silent, connectionName: 'certwatch-test-admin' });
    await Promise.all([waitForReady(redis), waitForReady(admin)]);
    t = createTestApp();
  });
  afterAll(async () => {
    redis.disconnect();
    admin.disconnect();
    await t.close();
    await server.stop();
  });

  /** A lookup of `cert` through an app allowing 3 requests a minute, counted in `store`. */
  function limitedLookup(store: Store, cert: Certificate, logger: Logger = silent) {
    const deps: AppDeps = {
      ...t.deps,
      logger,
      config: { ...t.deps.config, RATE_LIMIT_PER_MINUTE: 3 },
      rateLimitStore: store,
    };
    const app = createApp(deps, t.services);
    return () => request(app).get(`/api/v1/certificates/${cert.publicId}`);
  }

  test('when the app is built before Redis answers, then limits apply as soon as it does', async () => {
    const cert = await seed(t);
    const late = createRedisClient(server.url, { logger: silent, overrides: { lazyConnect: true } });
    try {
      // The store initialises (loads its script) now, on a client that is not connected yet; that first
      // command makes the lazy client connect.
      const lookup = limitedLookup(redisRateLimitStore(late, `certwatch-test:${randomUUID()}:`), cert);
      expect(late.status).not.toBe('ready');
      await waitForReady(late);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await lookup()).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      late.disconnect();
    }
  });

  test('then past the limit they answer 429, while Redis is down they let requests through, and they count again once it is back', async () => {
    const cert = await seed(t);
    const logs: { level: number; msg: string; suppressed?: number }[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs.push(JSON.parse(chunk.toString()));
          done();
        },
      }),
    );
    const lookup = limitedLookup(redisRateLimitStore(redis, prefix), cert, logger);

    for (let i = 0; i < 3; i += 1) expect((await lookup()).status).toBe(200);
    const limited = await lookup();
    expect(limited).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(limited.headers['retry-after']).toBeDefined();
    expect(await admin.keys(`${prefix}rl:*`)).toHaveLength(1);

    // Each request of the outage meets a store error: reported once on the service log, not on the console.
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await server.kill();
      for (let i = 0; i < 5; i += 1) {
        expect(await lookup()).toMatchObject({ status: 200, body: { publicId: cert.publicId } });
      }
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
    const storeErrors = logs.filter((l) => l.msg.includes('error from store'));
    expect(storeErrors).toEqual([expect.objectContaining({ level: 50 })]);

    // The restarted server is empty (no script loaded, no counters): the store reloads its script and counts anew.
    await server.restart();
    await waitForReady(redis, 10_000);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await lookup()).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('when two instances share the Redis cache and the registry', () => {
  const prefix = `certwatch-test:${randomUUID()}:cache:`;
  let one: TestApp;
  let two: { deps: AppDeps; app: ReturnType<typeof createApp> };
  let caches: { redis: Redis; cache: Cache }[];

  beforeAll(async () => {
    caches = await Promise.all([
      redisCacheOn(SHARED_REDIS_URL, prefix),
      redisCacheOn(SHARED_REDIS_URL, prefix),
    ]);
    one = createTestApp({ cache: caches[0]!.cache });
    // A second instance: its own cache connection and services over the same registry.
    const deps: AppDeps = { ...one.deps, cache: caches[1]!.cache };
    two = { deps, app: createApp(deps, createServices(deps)) };
  });
  afterAll(async () => {
    await removeKeysUnder(caches[0]!.redis, prefix);
    await Promise.all(caches.map((c) => c.cache.close()));
    await one.close();
  });

  test('when a status is changed through one, then the other answers the change at once, by public id and by number', async () => {
    const cert = await seed(one);
    const paths = [
      `/api/v1/certificates/${cert.publicId}`,
      `/api/v1/certificates?number=${encodeURIComponent(cert.number)}`,
      `/api/v1/certificates?number=${encodeURIComponent(cert.number)}&body=${cert.bodyCode}`,
    ];
    const statusOf = (res: request.Response) => res.body.status ?? res.body.items?.[0]?.status;

    // Fill the shared cache through both instances, then show the second one answers from it.
    for (const path of paths) {
      expect(statusOf(await request(one.app).get(path))).toBe('valid');
      expect(statusOf(await request(two.app).get(path))).toBe('valid');
    }
    const hits = await cacheLookups(two.deps, 'publicId', 'hit');
    expect(statusOf(await request(two.app).get(paths[0]!))).toBe('valid');
    expect(await cacheLookups(two.deps, 'publicId', 'hit')).toBe(hits + 1);

    await one.services.certificates.changeStatus(cert.publicId, {
      status: 'revoked',
      reason: 'Forged audit records',
      date: '2026-04-01',
    });

    for (const path of paths) {
      const res = await request(two.app).get(path);
      expect(res.status).toBe(200);
      expect(statusOf(res)).toBe('revoked');
    }
  });
});
