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
