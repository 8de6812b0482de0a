import { randomUUID } from 'node:crypto';
import type { DistinctCounter, DistinctWindow } from '../../server/signals/distinct-counter';

export interface DistinctCounterHarness {
  name: string;
  /** A counter over `window` that sees no other counter's keys, counting at least 100 values per key. */
  open(window: DistinctWindow): Promise<DistinctCounter>;
  options: {
    /** Relative error allowed on a count (0: exact; HyperLogLog: about 1 %). */
    tolerance: number;
  };
}

/** One hour in six buckets of ten minutes: clone detection's default. */
const HOUR: DistinctWindow = { windowSeconds: 3600, buckets: 6 };
const BUCKET_MS = 600_000;

/** The start of a bucket a little before now (Redis expiries are relative to the times given). */
const bucketStart = () => Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS - BUCKET_MS;
const iso = (ms: number) => new Date(ms).toISOString();
const key = () => `cert-${randomUUID()}`;
const networks = (n: number, label = 'net') =>
  Array.from({ length: n }, (_, i) => `${label}-${i}-${randomUUID()}`);

/** The behaviour every `DistinctCounter` adapter must have; each adapter's test file calls this. */
export function distinctCounterContract(harness: DistinctCounterHarness): void {
  const { tolerance } = harness.options;
  const expectAbout = (count: number, expected: number) => {
    expect(Math.abs(count - expected)).toBeLessThanOrEqual(Math.floor(expected * tolerance));
  };

  describe(`DistinctCounter contract: ${harness.name}`, () => {
    let counter: DistinctCounter;
    beforeAll(async () => {
      counter = await harness.open(HOUR);
    });

    test('when it is opened, then it tells its window', () => {
      expect(counter.window).toEqual(HOUR);
    });

    test('when a key sees its first value, then the count is 1; the same value again keeps it at 1', async () => {
      const k = key();
      const t0 = bucketStart();
      await expect(counter.add(k, 'net-a', iso(t0))).resolves.toBe(1);
      await expect(counter.add(k, 'net-a', iso(t0 + 1000))).resolves.toBe(1);
      await expect(counter.add(k, 'net-a', iso(t0 + BUCKET_MS))).resolves.toBe(1);
    });

    test('when a key sees distinct values, then the count follows them one by one', async () => {
      const k = key();
      const t0 = bucketStart();
      const counts: number[] = [];
      for (const [i, value] of networks(5).entries()) counts.push(await counter.add(k, value, iso(t0 + i)));
      expect(counts).toEqual([1, 2, 3, 4, 5]);
    });

    test('when two keys see values, then each is counted apart', async () => {
      const [a, b] = [key(), key()];
      const t0 = bucketStart();
      for (const value of networks(3)) await counter.add(a, value, iso(t0));
      await expect(counter.add(b, 'net-x', iso(t0))).resolves.toBe(1);
      await expect(counter.add(a, 'net-x', iso(t0))).resolves.toBe(4);
    });

    test('when 60 distinct values are spread over the buckets of the window, then about 60 are counted, a value seen in two buckets once', async () => {
      const k = key();
      const t0 = bucketStart() - 5 * BUCKET_MS;
      const values = networks(60);
      let count = 0;
      for (const [i, value] of values.entries()) {
        count = await counter.add(k, value, iso(t0 + (i % 6) * BUCKET_MS + i));
      }
      expectAbout(count, 60);
      // Seen again in the last bucket: still one value each.
      for (const value of values.slice(0, 10))
        count = await counter.add(k, value, iso(t0 + 5 * BUCKET_MS + 1000));
      expectAbout(count, 60);
    });

    test('when the window slides past a bucket, then the values seen only in it are no longer counted', async () => {
      const k = key();
      const t0 = bucketStart() - 6 * BUCKET_MS;
      await counter.add(k, 'early-1', iso(t0));
      await counter.add(k, 'early-2', iso(t0 + 1000));
      // The last bucket of the window that still holds t0.
      await expect(counter.add(k, 'late-1', iso(t0 + 5 * BUCKET_MS))).resolves.toBe(3);
      // One bucket later the first has left the window.
      await expect(counter.add(k, 'late-2', iso(t0 + 6 * BUCKET_MS))).resolves.toBe(2);
    });

    test('when a value is seen again, then it is counted from its latest sighting', async () => {
      const k = key();
      const t0 = bucketStart() - 6 * BUCKET_MS;
      await counter.add(k, 'steady', iso(t0));
      await counter.add(k, 'gone', iso(t0));
      await counter.add(k, 'steady', iso(t0 + 4 * BUCKET_MS));
      await expect(counter.add(k, 'new', iso(t0 + 6 * BUCKET_MS))).resolves.toBe(2);
    });

    test('when nothing was seen for a whole window, then a key starts again from 1', async () => {
      const k = key();
      const t0 = bucketStart() - 12 * BUCKET_MS;
      for (const value of networks(4)) await counter.add(k, value, iso(t0));
      await expect(counter.add(k, 'after', iso(t0 + 6 * BUCKET_MS))).resolves.toBe(1);
    });

    test('when a window is short (one minute in three buckets), then it slides by twenty seconds', async () => {
      const short = await harness.open({ windowSeconds: 60, buckets: 3 });
      const k = key();
      const t0 = Math.floor(Date.now() / 20_000) * 20_000 - 60_000;
      await short.add(k, 'a', iso(t0));
      await expect(short.add(k, 'b', iso(t0 + 40_000))).resolves.toBe(2);
      await expect(short.add(k, 'c', iso(t0 + 60_000))).resolves.toBe(2);
    });
  });
}
