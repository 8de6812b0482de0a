/**
 * A string key-value cache with expiry, shared by every instance in cluster mode (Redis) or private to
 * the process in single-node mode (LRU). A cache is an optimisation: adapters never throw on a backend
 * failure, they answer "miss" and report the degradation through `health()`.
 */
export interface Cache {
  /** The value stored under `key`, or undefined when absent, expired, or the backend is unreachable. */
  get(key: string): Promise<string | undefined>;

  /** Values for several keys in one round trip, in the same order (undefined for each miss). */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;

  /**
   * `getMany` for values stored as JSON text, parsed. The values are deeply frozen and may be shared
   * with other callers (the in-process adapter parses a stored value once, not on every read): read
   * them, never change them. A value that is not JSON reads as a miss.
   */
  getManyJson(keys: readonly string[]): Promise<unknown[]>;

  /** Stores `value` under `key` for `ttlSeconds` (a positive whole number). Best effort. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;

  /**
   * Removes the keys. When the backend is unreachable the adapter remembers them and deletes them as
   * soon as it is back, so that an invalidation is never lost to an outage.
   */
  delete(keys: readonly string[]): Promise<void>;

  /** `ok` when the backend answers; `degraded` (with why) when reads currently fall through to the registry. */
  health(): CacheHealth;

  /** Releases connections. */
  close(): Promise<void>;
}

export interface CacheHealth {
  backend: 'memory' | 'redis';
  status: 'ok' | 'degraded';
  detail?: string;
}

/** `getManyJson` of one key. */
export async function getJson<T>(cache: Cache, key: string): Promise<T | undefined> {
  return (await cache.getManyJson([key]))[0] as T | undefined;
}

/** JSON text parsed and deeply frozen; undefined when it is not JSON. */
export function parseFrozen(text: string): unknown {
  try {
    return deepFreeze(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
