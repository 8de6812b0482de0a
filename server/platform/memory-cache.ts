import { LRUCache } from 'lru-cache';
import { parseFrozen, type Cache } from './cache';

/** A stored value, and its parsed form once asked for (getManyJson parses each value once). */
interface Entry {
  text: string;
  json?: { value: unknown };
}

/**
 * The single-node cache: an in-process LRU bounded by entry count and by size (UTF-16 bytes of keys and
 * values), so that large values (QR images of a bulk export) push out other entries instead of
 * growing the process without bound.
 */
export function createMemoryCache(options: { maxEntries?: number; maxBytes?: number } = {}): Cache {
  const lru = new LRUCache<string, Entry>({
    max: options.maxEntries ?? 100_000,
    maxSize: options.maxBytes ?? 256 * 1024 * 1024,
    sizeCalculation: (entry, key) => (key.length + entry.text.length) * 2,
  });
  return {
    async get(key) {
      return lru.get(key)?.text;
    },
    async getMany(keys) {
      return keys.map((k) => lru.get(k)?.text);
    },
    async getManyJson(keys) {
      return keys.map((k) => {
        const entry = lru.get(k);
        if (entry === undefined) return undefined;
        entry.json ??= { value: parseFrozen(entry.text) };
        return entry.json.value;
      });
    },
    async set(key, value, ttlSeconds) {
      lru.set(key, { text: value }, { ttl: ttlSeconds * 1000 });
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
