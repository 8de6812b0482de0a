import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { createLogger } from '../../server/platform/logger';
import { createRedisClient } from '../../server/platform/redis';
import { createRedisCache } from '../../server/platform/redis-cache';
import { freePort, removeKeysUnder, SHARED_REDIS_URL, waitForReady } from '../helpers/redis-server';
import { cacheContract } from './cache.contract';

const silent = createLogger('silent');
/** This run's keys, all under one prefix that no other run uses; removed in afterAll. */
const RUN_PREFIX = `certwatch-test:${randomUUID()}:`;

let admin: Redis;

beforeAll(async () => {
  admin = createRedisClient(SHARED_REDIS_URL, { logger: silent, connectionName: 'certwatch-test-admin' });
  await waitForReady(admin);
});
afterAll(async () => {
  await removeKeysUnder(admin, RUN_PREFIX);
  await admin.quit();
});

/**
 * A cache on a connection of its own, under `prefix` (a fresh one by default). Its commands may take 10 s
 * instead of production's 250 ms: these tests check what the cache keeps, not how fast a busy machine
 * answers (a timed-out read is a miss by design, which would fail them on loaded CI cores).
 */
async function openCache(prefix = `${RUN_PREFIX}${randomUUID()}:`, maxPendingKeys?: number) {
  const redis = createRedisClient(SHARED_REDIS_URL, {
    logger: silent,
    connectionName: 'certwatch-test',
    overrides: { commandTimeout: 10_000 },
  });
  await waitForReady(redis);
  const cache = createRedisCache(redis, { prefix, logger: silent, maxPendingKeys });
  return { cache, redis, prefix };
}

cacheContract({
  name: 'redis',
  open: async () => (await openCache()).cache,
  close: (cache) => cache.close(),
  options: { backend: 'redis' },
});

describe('redis cache', () => {
  test('when two instances share a prefix, then each sees the other sets and deletes at once', async () => {
    const prefix = `${RUN_PREFIX}shared-${randomUUID()}:`;
    const one = await openCache(prefix);
    const two = await openCache(prefix);
    try {
      await one.cache.set('c:p:abc', 'v1', 60);
      await expect(two.cache.get('c:p:abc')).resolves.toBe('v1');
      await two.cache.delete(['c:p:abc']);
      await expect(one.cache.get('c:p:abc')).resolves.toBeUndefined();
    } finally {
      await Promise.all([one.cache.close(), two.cache.close()]);
    }
  });

  test('when a value is set, then Redis holds it under the prefix with its TTL', async () => {
    const { cache, prefix } = await openCache();
    try {
      await cache.set('c:n:*:CERT-1', '[]', 30);
      await expect(admin.get(`${prefix}c:n:*:CERT-1`)).resolves.toBe('[]');
      const ttl = await admin.ttl(`${prefix}c:n:*:CERT-1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30);
      await expect(admin.exists('c:n:*:CERT-1')).resolves.toBe(0);
    } finally {
      await cache.close();
    }
  });

  test('when the client is not connected, then reads miss, writes are no-ops, health is degraded, and deletes replay once it is ready', async () => {
    const prefix = `${RUN_PREFIX}offline-${randomUUID()}:`;
    await admin.set(`${prefix}stale`, 'revoked-yesterday', 'EX', 60);
    await admin.set(`${prefix}other`, 'kept', 'EX', 60);
    // lazyConnect: a client that has not connected yet stands for one whose server is away.
    const redis = createRedisClient(SHARED_REDIS_URL, { logger: silent, overrides: { lazyConnect: true } });
    const cache = createRedisCache(redis, { prefix, logger: silent });
    try {
      await expect(cache.get('stale')).resolves.toBeUndefined();
      await expect(cache.getMany(['stale', 'other'])).resolves.toEqual([undefined, undefined]);
      await expect(cache.set('new', 'value', 60)).resolves.toBeUndefined();
      await expect(cache.delete(['stale'])).resolves.toBeUndefined();
      expect(cache.health()).toMatchObject({
        backend: 'redis',
        status: 'degraded',
        detail: expect.stringContaining('1 invalidation(s) pending'),
      });
      await expect(admin.get(`${prefix}stale`)).resolves.toBe('revoked-yesterday');

      await redis.connect();
      await waitFor(async () => (await admin.exists(`${prefix}stale`)) === 0);
      await expect(cache.getMany(['stale', 'other', 'new'])).resolves.toEqual([undefined, 'kept', undefined]);
      expect(cache.health()).toEqual({ backend: 'redis', status: 'ok' });
    } finally {
      await cache.close();
    }
  });

  test('when more deletes are owed than the cap, then reads miss until the whole prefix is flushed on reconnect, and keys outside it stay', async () => {
    const prefix = `${RUN_PREFIX}overflow-${randomUUID()}:`;
    const outside = `${RUN_PREFIX}outside-${randomUUID()}`;
    await Promise.all(['a', 'b', 'c', 'unrelated'].map((k) => admin.set(`${prefix}${k}`, k, 'EX', 60)));
    await admin.set(outside, 'x', 'EX', 60);
    const redis = createRedisClient(SHARED_REDIS_URL, { logger: silent, overrides: { lazyConnect: true } });
    const cache = createRedisCache(redis, { prefix, logger: silent, maxPendingKeys: 2 });
    try {
      await cache.delete(['a', 'b']);
      await cache.delete(['c']);
      expect(cache.health().detail).toContain('flush of the cache prefix is owed');

      await redis.connect();
      await waitFor(async () => (await admin.exists(`${prefix}unrelated`)) === 0);
      await expect(admin.exists(`${prefix}a`, `${prefix}b`, `${prefix}c`)).resolves.toBe(0);
      await expect(admin.get(outside)).resolves.toBe('x');
      await cache.set('fresh', 'F', 60);
      await expect(cache.get('fresh')).resolves.toBe('F');
    } finally {
      await cache.close();
    }
  });

  test('when Redis cannot be reached, then nothing throws and connection errors are logged throttled, without the password', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const port = await freePort();
    const redis = createRedisClient(`redis://certwatch:s3cret-pass@127.0.0.1:${port}`, {
      logger,
      // ioredis arms this timer on a socket that already failed, and it would outlive the test.
      overrides: { disconnectTimeout: 10 },
    });
    const cache = createRedisCache(redis, { prefix: `${RUN_PREFIX}down:`, logger });
    try {
      await waitFor(async () => lines.some((l) => l.includes('redis connection error')));
      // Let a few more reconnection attempts fail.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await expect(cache.get('k')).resolves.toBeUndefined();
      await expect(cache.set('k', 'v', 60)).resolves.toBeUndefined();
      await expect(cache.delete(['k'])).resolves.toBeUndefined();
      expect(cache.health()).toMatchObject({ status: 'degraded' });
      const errors = lines.filter((l) => l.includes('redis connection error'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`127.0.0.1:${port}`);
      expect(lines.join('')).not.toContain('s3cret-pass');
    } finally {
      await cache.close();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
