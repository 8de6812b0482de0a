import { randomUUID } from 'node:crypto';
import { getJson, type Cache } from '../../server/platform/cache';

export interface CacheHarness {
  name: string;
  /** A cache of its own: no other open cache (of this run or another) sees its keys. */
  open(): Promise<Cache>;
  /** Closes the cache and removes whatever it left in the backend. */
  close(cache: Cache): Promise<void>;
  options: {
    /** What `health().backend` must say. */
    backend: 'memory' | 'redis';
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A key no other test uses. */
const key = (label: string) => `${label}:${randomUUID()}`;

/** The behaviour every `Cache` adapter must have; each adapter's test file calls this, then adds its own. */
export function cacheContract(harness: CacheHarness): void {
  describe(`Cache contract: ${harness.name}`, () => {
    let cache: Cache;
    beforeAll(async () => {
      cache = await harness.open();
    });
    afterAll(async () => {
      await harness.close(cache);
    });

    // First on purpose: after a large reply the Redis parser shrinks its buffer pool on a timer for about
    // two seconds, which the later tests outlast, so the test worker can exit promptly.
    test('when a value is large (1 MiB), then it comes back whole', async () => {
      const k = key('large');
      const chunk = '证书CERT-0123456789;';
      const value = chunk.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(chunk)));
      await cache.set(k, value, 60);
      const back = await cache.get(k);
      expect(back?.length).toBe(value.length);
      expect(back === value).toBe(true);
    });

    test('when a key was never set, then get answers undefined', async () => {
      await expect(cache.get(key('never'))).resolves.toBeUndefined();
    });

    test('when a value is set, then get answers it', async () => {
      const k = key('set');
      await cache.set(k, '{"status":"valid"}', 60);
      await expect(cache.get(k)).resolves.toBe('{"status":"valid"}');
    });

    test('when an empty string is set, then get answers it (a value, not a miss)', async () => {
      const k = key('empty');
      await cache.set(k, '', 60);
      await expect(cache.get(k)).resolves.toBe('');
    });

    test('when a key is set again, then the newer value wins', async () => {
      const k = key('overwrite');
      await cache.set(k, 'first', 60);
      await cache.set(k, 'second', 60);
      await expect(cache.get(k)).resolves.toBe('second');
    });

    test('when several keys are asked at once, then values come in order with undefined for misses', async () => {
      const [a, b, c] = [key('many-a'), key('many-b'), key('many-c')];
      await cache.set(a, 'A', 60);
      await cache.set(c, 'C', 60);
      await expect(cache.getMany([a, b, c, a])).resolves.toEqual(['A', undefined, 'C', 'A']);
      await expect(cache.getMany([])).resolves.toEqual([]);
    });

    test('when JSON values are read parsed, then they come deeply frozen, newer values win and non-JSON misses', async () => {
      const [a, b, bad] = [key('json-a'), key('json-b'), key('json-bad')];
      await cache.set(a, JSON.stringify({ n: 1, list: [{ x: 'y' }] }), 60);
      await cache.set(bad, 'not json {', 60);

      const [first, missing, notJson] = await cache.getManyJson([a, b, bad]);
      expect(first).toEqual({ n: 1, list: [{ x: 'y' }] });
      expect(missing).toBeUndefined();
      expect(notJson).toBeUndefined();
      const value = first as { list: Array<{ x: string }> };
      expect(Object.isFrozen(value) && Object.isFrozen(value.list) && Object.isFrozen(value.list[0])).toBe(
        true,
      );

      await cache.set(a, JSON.stringify({ n: 2 }), 60);
      await expect(getJson(cache, a)).resolves.toEqual({ n: 2 });
      await cache.delete([a]);
      await expect(getJson(cache, a)).resolves.toBeUndefined();
    });

    test('when keys are deleted, then they miss and other keys stay', async () => {
      const [a, b, kept] = [key('del-a'), key('del-b'), key('del-kept')];
      await cache.set(a, 'A', 60);
      await cache.set(b, 'B', 60);
      await cache.set(kept, 'K', 60);
      await cache.delete([a, b, key('del-absent')]);
      await expect(cache.getMany([a, b, kept])).resolves.toEqual([undefined, undefined, 'K']);
      await expect(cache.delete([])).resolves.toBeUndefined();
      // A second delete of the same keys is harmless.
      await cache.delete([a]);
      await expect(cache.get(kept)).resolves.toBe('K');
    });

    test('when a deleted key is set again, then it answers the new value', async () => {
      const k = key('reset');
      await cache.set(k, 'old', 60);
      await cache.delete([k]);
      await cache.set(k, 'new', 60);
      await expect(cache.get(k)).resolves.toBe('new');
    });

    test('when the TTL has passed, then the key misses while a longer-lived one stays', async () => {
      const [short, long] = [key('ttl-short'), key('ttl-long')];
      await cache.set(short, 'brief', 1);
      await cache.set(long, 'lasting', 60);
      await expect(cache.get(short)).resolves.toBe('brief');
      await sleep(1_300);
      await expect(cache.get(short)).resolves.toBeUndefined();
      await expect(cache.getMany([short, long])).resolves.toEqual([undefined, 'lasting']);
    });

    test('when values and keys hold Chinese, emoji and combining characters, then they come back unchanged', async () => {
      const value = JSON.stringify({
        holder: '重庆沙坪坝精密机械制造有限公司',
        scope: '精密机械零部件的设计和生产（含ＣＮＣ加工）',
        mark: '✓ 🚀 👩🏽‍🔬 e\u0301 \u200d',
        quote: '"\\\n\t',
      });
      const k = key('证书:ＣＱＣ-编号-🚀');
      await cache.set(k, value, 60);
      await expect(cache.get(k)).resolves.toBe(value);
      await expect(cache.getMany([k])).resolves.toEqual([value]);
    });

    test('when two caches are opened, then neither sees the other keys', async () => {
      const other = await harness.open();
      try {
        const k = key('isolated');
        await cache.set(k, 'mine', 60);
        await expect(other.get(k)).resolves.toBeUndefined();
      } finally {
        await harness.close(other);
      }
    });

    test('when the backend answers, then health is ok', () => {
      expect(cache.health()).toEqual({ backend: harness.options.backend, status: 'ok' });
    });
  });
}
