import { assertWindow, bucketOf, type DistinctCounter, type DistinctWindow } from './distinct-counter';

/** A key's values, each with the last bucket it was seen in, least recently seen first. */
interface Entry {
  values: Map<string, number>;
  lastBucket: number;
}

/**
 * The embedded mode's distinct counter: exact, in this process, with bounded memory.
 * - `maxValuesPerKey`: a key keeps at most this many values (the most recently seen), so its count stops
 *   there. Set it to the threshold the caller compares with: past it the exact number changes nothing.
 * - `maxKeys`: past it the least recently used key is forgotten. A cloned certificate is scanned often, so
 *   it stays; what goes is a certificate scanned once in a while, whose count was far below any threshold.
 * - Expired values and keys go as the window slides, at constant cost per call: values and keys are kept
 *   in order of their last sighting, so the expired ones are always at the front.
 * Worst case, about maxKeys x maxValuesPerKey x 100 bytes (defaults: 50,000 x 20, some 100 MB); a real
 * key holds one to a few values.
 */
export function createMemoryDistinctCounter(options: {
  window: DistinctWindow;
  maxValuesPerKey: number;
  maxKeys?: number;
}): DistinctCounter & { keyCount(): number } {
  const { window, maxValuesPerKey } = options;
  assertWindow(window);
  const maxKeys = options.maxKeys ?? 50_000;
  if (!(maxValuesPerKey >= 1) || !(maxKeys >= 1)) throw new Error('maxValuesPerKey and maxKeys must be >= 1');
  const keys = new Map<string, Entry>();

  /** Drops keys whose every value has left the window (they sit at the front: least recently touched). */
  function sweepKeys(oldest: number) {
    for (const [key, entry] of keys) {
      if (entry.lastBucket >= oldest) return;
      keys.delete(key);
    }
  }

  function pruneValues(values: Map<string, number>, oldest: number) {
    for (const [value, bucket] of values) {
      if (bucket >= oldest) return;
      values.delete(value);
    }
  }

  return {
    window,
    /** Keys held now: what the memory bound is about. */
    keyCount: () => keys.size,
    async add(key, value, at) {
      const bucket = bucketOf(window, Date.parse(at)).index;
      const oldest = bucket - window.buckets + 1;
      sweepKeys(oldest);
      const entry = keys.get(key) ?? { values: new Map<string, number>(), lastBucket: bucket };
      // Re-inserted: the map's order is the order of last use.
      keys.delete(key);
      keys.set(key, entry);
      entry.lastBucket = Math.max(entry.lastBucket, bucket);
      pruneValues(entry.values, oldest);
      const seen = entry.values.get(value);
      if (seen === undefined || seen <= bucket) {
        entry.values.delete(value);
        entry.values.set(value, bucket);
      }
      for (const [first] of entry.values) {
        if (entry.values.size <= maxValuesPerKey) break;
        entry.values.delete(first);
      }
      for (const [first] of keys) {
        if (keys.size <= maxKeys) break;
        keys.delete(first);
      }
      return entry.values.size;
    },
  };
}
