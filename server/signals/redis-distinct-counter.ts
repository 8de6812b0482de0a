import type { Redis } from 'ioredis';
import { assertWindow, bucketOf, type DistinctCounter, type DistinctWindow } from './distinct-counter';

/**
 * One add, in one round trip. KEYS[1]: the HyperLogLog of the bucket now; KEYS[2]: the window's count
 * as last computed in this bucket; KEYS[3..]: the window's earlier buckets. ARGV: the value, the
 * bucket's time to live (until it leaves the window), the count's (until the bucket ends).
 *
 * The union of the window's buckets (a multi-key PFCOUNT merges them: the costly part) is computed only
 * when this bucket's registers changed. When PFADD changes nothing, neither does the union, whose
 * estimate depends on the registers alone, so the count kept for this bucket is still right: the
 * common case, a code scanned again from a network it was scanned from, costs a PFADD and a GET. (An add
 * that lands in an earlier bucket, from an instance whose clock lags, shows once this bucket changes.)
 */
const ADD_SCRIPT = `
local changed = redis.call('PFADD', KEYS[1], ARGV[1])
if changed == 0 then
  local kept = redis.call('GET', KEYS[2])
  if kept then return tonumber(kept) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local count = redis.call('PFCOUNT', KEYS[1], unpack(KEYS, 3))
redis.call('SET', KEYS[2], count, 'PX', ARGV[3])
return count
`;

const COMMAND = 'certwatchDistinctAdd';
type AddCommand = (keyCount: number, ...keysThenArgs: Array<string | number>) => Promise<number>;

/**
 * The cluster mode's distinct counter: one HyperLogLog per key and bucket on the shared Redis, so that
 * every instance counts into the same sets; one script call per add (ADD_SCRIPT). A bucket expires when
 * it leaves the window. Keys carry the counted key as a hash tag (`{key}`), so that a window's keys share
 * a slot on a Redis Cluster. `prefix` is this counter's own (keep braces out of it and of the keys).
 */
export function createRedisDistinctCounter(
  redis: Redis,
  options: { prefix: string; window: DistinctWindow },
): DistinctCounter {
  const { prefix, window } = options;
  assertWindow(window);
  // ioredis makes it a method: EVALSHA, and EVAL the first time a server does not know the script.
  redis.defineCommand(COMMAND, { lua: ADD_SCRIPT });
  const add = (redis as unknown as Record<typeof COMMAND, AddCommand>)[COMMAND].bind(redis);
  return {
    window,
    async add(key, value, at) {
      const atMs = Date.parse(at);
      const { index, bucketMs } = bucketOf(window, atMs);
      const bucket = (i: number) => `${prefix}{${key}}:${i}`;
      const earlier = Array.from({ length: window.buckets - 1 }, (_, i) => bucket(index - 1 - i));
      // Relative to the add's time, so a clock difference between instances only shifts the expiry.
      const untilEnd = (end: number) => Math.max(1, Math.ceil(end * bucketMs - atMs));
      const count = await add(
        2 + earlier.length,
        bucket(index),
        `${prefix}{${key}}:count:${index}`,
        ...earlier,
        value,
        untilEnd(index + window.buckets),
        untilEnd(index + 1),
      );
      return Number(count);
    },
  };
}
