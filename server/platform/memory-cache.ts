import { LRUCache } from 'lru-cache';
import type { Cache } from './cache';

/** The single-node cache: an in-process LRU bounded by entry count. */
export function createMemoryCache(options: { maxEntries?: number } = {}): Cache {
  const lru = new LRUCache<string, string>({ max: options.maxEntries ?? 100_000 });
  return {
    async get(key) {
      return lru.get(key);
    },
    async getMany(keys) {
      return keys.map((k) => lru.get(k));
    },
    async set(key, value, ttlSeconds) {
      lru.set(key, value, { ttl: ttlSeconds * 1000 });
    },
    async delete(keys) {
      for (const key of keys) lru.delete(key);
    },
    health() {
      return { backend: 'memory', status: 'ok' };
    },
    async close() {
      lru.clear();
    },
  };
}
