import type { Redis } from 'ioredis';
import { parseFrozen, type Cache, type CacheHealth } from './cache';
import type { Logger } from './logger';
import { errorFields, throttledLog } from './redis';

/** Keys per UNLINK while replaying invalidations, and the SCAN page size of a prefix flush. */
const BATCH = 1_000;
/** How long a failed command keeps `health()` degraded when no command has succeeded since. */
const FAILURE_MEMORY_MS = 10_000;
const DEFAULT_MAX_PENDING_KEYS = 100_000;

export interface RedisCacheOptions {
  /** Prepended to every key. Keep it to the cache alone: a prefix flush (below) deletes all under it. */
  prefix: string;
  logger: Logger;
  /** Invalidations remembered one by one during an outage before falling back to a prefix flush. */
  maxPendingKeys?: number;
}

/** The first `n` entries of a map, without copying the rest. */
function firstEntries<K, V>(map: Map<K, V>, n: number): [K, V][] {
  const out: [K, V][] = [];
  for (const entry of map) {
    if (out.length >= n) break;
    out.push(entry);
  }
  return out;
}

/** A SCAN MATCH pattern matching exactly the keys that start with `prefix`. */
function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\*?[\]]/g, '\\$&')}*`;
}

/**
 * The cluster cache: keys under `prefix` on a shared Redis, so every instance sees the others' writes and
 * invalidations. Every backend failure is a miss or a no-op, never an exception (see the `Cache` port).
 *
 * Invalidations are never lost to an outage: a delete that cannot reach Redis is remembered and replayed
 * as soon as the client is ready again, and until then reads of those keys are misses, so a stale value
 * that survived in Redis (a network partition rather than a restart) is never served. The memory for that
 * is bounded: past `maxPendingKeys` remembered keys, the list is dropped and the whole prefix is flushed
 * (SCAN + UNLINK) on reconnect instead, all reads being misses until it is done. Both a flush and the
 * loss of a few fresh values cost only extra registry reads; a lost invalidation would serve a revoked
 * certificate as valid.
 */
export function createRedisCache(redis: Redis, options: RedisCacheOptions): Cache {
  const { prefix, logger } = options;
  const maxPendingKeys = options.maxPendingKeys ?? DEFAULT_MAX_PENDING_KEYS;
  const warn = throttledLog(logger, 'warn');
  const full = (key: string) => prefix + key;

  /**
   * Keys (without prefix) whose delete has not reached Redis yet, each with the sequence number of its
   * latest failed delete: an UNLINK clears a key only if no newer delete failed while it was on its way.
   */
  const pending = new Map<string, number>();
  let sequence = 0;
  /** Prefix flushes asked for (the pending list overflowed) and done: a flush is owed while they differ. */
  let flushesRequested = 0;
  let flushesDone = 0;
  let replaying = false;
  let lastFailure: { at: number; message: string } | undefined;
  let closed = false;

  const flushOwed = () => flushesRequested > flushesDone;
  /** Forgets a remembered delete that an UNLINK sent when the sequence stood at `seq` has covered. */
  const clearOwed = (key: string, seq: number) => {
    const owed = pending.get(key);
    if (owed !== undefined && owed <= seq) pending.delete(key);
  };
  const ready = () => !closed && redis.status === 'ready';
  const invalidated = (key: string) => flushOwed() || pending.has(key);

  function failed(operation: string, error: unknown) {
    const fields = errorFields(error);
    lastFailure = { at: Date.now(), message: fields.message };
    warn(
      { operation, error: fields, pendingInvalidations: pending.size },
      'redis cache command failed; treated as a miss',
    );
  }

  function succeeded() {
    lastFailure = undefined;
    // A command can fail while the client stays 'ready' (a timeout), so no 'ready' event would replay.
    if (pending.size > 0 || flushOwed()) replay();
  }

  function remember(keys: readonly string[]) {
    sequence += 1;
    for (const key of keys) pending.set(key, sequence);
    if (pending.size > maxPendingKeys) {
      logger.warn(
        { pendingInvalidations: pending.size, maxPendingKeys },
        'too many invalidations pending during a redis outage; the whole cache prefix will be flushed on reconnect',
      );
      pending.clear();
      flushesRequested += 1;
    }
  }

  async function flushPrefix() {
    const pattern = prefixPattern(prefix);
    let cursor = '0';
    let removed = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', BATCH);
      if (keys.length > 0) removed += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    logger.info({ removed }, 'redis cache prefix flushed after an outage');
  }

  /** Replays owed invalidations; one run at a time; what fails stays owed for the next 'ready' or success. */
  function replay() {
    if (replaying || !ready()) return;
    replaying = true;
    void (async () => {
      try {
        if (flushOwed()) {
          const target = flushesRequested;
          await flushPrefix();
          flushesDone = target;
        }
        while (pending.size > 0 && ready()) {
          const batch = firstEntries(pending, BATCH);
          await redis.unlink(...batch.map(([key]) => full(key)));
          for (const [key, seq] of batch) clearOwed(key, seq);
        }
      } catch (error) {
        failed('replay invalidations', error);
      } finally {
        replaying = false;
      }
    })();
  }

  redis.on('ready', replay);

  return {
    async get(key) {
      if (!ready() || invalidated(key)) return undefined;
      try {
        const value = await redis.get(full(key));
        succeeded();
        return value ?? undefined;
      } catch (error) {
        failed('get', error);
        return undefined;
      }
    },

    async getManyJson(keys) {
      return (await this.getMany(keys)).map((text) => (text === undefined ? undefined : parseFrozen(text)));
    },

    async getMany(keys) {
      const misses = keys.map((): string | undefined => undefined);
      if (keys.length === 0 || !ready()) return misses;
      const wanted = keys.filter((key) => !invalidated(key));
      if (wanted.length === 0) return misses;
      try {
        const values = await redis.mget(...wanted.map(full));
        succeeded();
        const found = new Map<string, string>();
        wanted.forEach((key, i) => {
          const value = values[i];
          if (value !== null && value !== undefined) found.set(key, value);
        });
        return keys.map((key) => (invalidated(key) ? undefined : found.get(key)));
      } catch (error) {
        failed('getMany', error);
        return misses;
      }
    },

    async set(key, value, ttlSeconds) {
      if (!ready()) return;
      try {
        await redis.set(full(key), value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
        succeeded();
      } catch (error) {
        failed('set', error);
      }
    },

    async delete(keys) {
      if (keys.length === 0) return;
      if (!ready()) {
        remember(keys);
        return;
      }
      const before = sequence;
      try {
        await redis.unlink(...keys.map(full));
        // Deleted now: an older remembered delete of the same keys is no longer owed.
        for (const key of keys) clearOwed(key, before);
        succeeded();
      } catch (error) {
        // Whether it reached Redis is unknown: deleting again later is harmless, not deleting is not.
        remember(keys);
        failed('delete', error);
      }
    },

    health(): CacheHealth {
      const owed = flushOwed()
        ? 'a flush of the cache prefix is owed'
        : `${pending.size} invalidation(s) pending`;
      if (closed) return { backend: 'redis', status: 'degraded', detail: 'cache closed' };
      if (redis.status !== 'ready') {
        return {
          backend: 'redis',
          status: 'degraded',
          detail: `redis connection ${redis.status}: lookups go to the registry; ${owed}`,
        };
      }
      if (lastFailure && Date.now() - lastFailure.at < FAILURE_MEMORY_MS) {
        return {
          backend: 'redis',
          status: 'degraded',
          detail: `redis commands failing (${lastFailure.message}); ${owed}`,
        };
      }
      return { backend: 'redis', status: 'ok' };
    },

    async close() {
      if (closed) return;
      closed = true;
      redis.off('ready', replay);
      if (pending.size > 0 || flushOwed()) {
        logger.warn(
          { pendingInvalidations: pending.size, flushOwed: flushOwed() },
          'redis cache closed with invalidations not yet replayed',
        );
      }
      if (redis.status === 'end') return;
      if (redis.status !== 'ready') {
        redis.disconnect();
        return;
      }
      try {
        await redis.quit();
      } catch {
        // Not connected (or too slow to say goodbye): drop the socket and stop reconnecting.
        redis.disconnect();
      }
    },
  };
}
