import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createLogger } from '../../server/platform/logger';
import { createRedisClient } from '../../server/platform/redis';
import { createRedisDistinctCounter } from '../../server/signals/redis-distinct-counter';
import { freePort, removeKeysUnder, SHARED_REDIS_URL, waitForReady } from '../helpers/redis-server';
import { distinctCounterContract } from './distinct-counter.contract';

const silent = createLogger('silent');
/** This run's keys, all under one prefix that no other run uses; removed in afterAll. */
const RUN_PREFIX = `certwatch-test:${randomUUID()}:`;

let redis: Redis;

beforeAll(async () => {
  redis = createRedisClient(SHARED_REDIS_URL, { logger: silent, connectionName: 'certwatch-test' });
  await waitForReady(redis);
});
afterAll(async () => {
  await removeKeysUnder(redis, RUN_PREFIX);
  await redis.quit();
});

distinctCounterContract({
  name: 'redis (HyperLogLog)',
  open: async (window) =>
    createRedisDistinctCounter(redis, { prefix: `${RUN_PREFIX}${randomUUID()}:`, window }),
  options: { tolerance: 0.02 },
});

describe('redis distinct counter', () => {
  const window = { windowSeconds: 3600, buckets: 6 };

  test('when a value is added, then one HyperLogLog per key and bucket holds it, expiring when the bucket leaves the window, beside the count kept until the bucket ends', async () => {
    const prefix = `${RUN_PREFIX}ttl-${randomUUID()}:`;
    const counter = createRedisDistinctCounter(redis, { prefix, window });
    const at = Date.now();
    await counter.add('cert-1', 'net-a', new Date(at).toISOString());
    const bucket = Math.floor(at / 600_000);
    const name = `${prefix}{cert-1}:${bucket}`;
    await expect(redis.pfcount(name)).resolves.toBe(1);
    const ttl = await redis.pttl(name);
    // It leaves the window at the end of the sixth bucket from its own: 50 to 60 minutes from now.
    expect(ttl).toBeGreaterThan((bucket + 6) * 600_000 - at - 5_000);
    expect(ttl).toBeLessThanOrEqual((bucket + 6) * 600_000 - at);
    expect(ttl).toBeGreaterThan(50 * 60_000 - 5_000);
    // The window's count, kept for the rest of this bucket (a repeat answers from it).
    await counter.add('cert-1', 'net-a', new Date(at + 1).toISOString());
    await expect(redis.get(`${prefix}{cert-1}:count:${bucket}`)).resolves.toBe('1');
    const countTtl = await redis.pttl(`${prefix}{cert-1}:count:${bucket}`);
    expect(countTtl).toBeGreaterThan(0);
    expect(countTtl).toBeLessThanOrEqual((bucket + 1) * 600_000 - at);
  });

  test('when two instances count into one prefix, then each sees the networks the other counted', async () => {
    const prefix = `${RUN_PREFIX}shared-${randomUUID()}:`;
    const other = createRedisClient(SHARED_REDIS_URL, { logger: silent, connectionName: 'certwatch-test-2' });
    try {
      await waitForReady(other);
      const one = createRedisDistinctCounter(redis, { prefix, window });
      const two = createRedisDistinctCounter(other, { prefix, window });
      const at = new Date().toISOString();
      await one.add('cert', 'net-a', at);
      await two.add('cert', 'net-b', at);
      await expect(one.add('cert', 'net-c', at)).resolves.toBe(3);
    } finally {
      await other.quit();
    }
  });

  test('when Redis cannot be reached, then add rejects (the caller counts the failure) instead of hanging', async () => {
    const port = await freePort();
    const down = createRedisClient(`redis://127.0.0.1:${port}`, {
      logger: silent,
      overrides: { disconnectTimeout: 10 },
    });
    try {
      const counter = createRedisDistinctCounter(down, { prefix: `${RUN_PREFIX}down:`, window });
      await expect(counter.add('cert', 'net', new Date().toISOString())).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });
});
