import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

/** Longest wait between reconnection attempts: an outage is noticed and left within about this long. */
const MAX_RECONNECT_DELAY_MS = 2_000;
/** At most one log line per this interval for a repeating condition (a down Redis errors on every attempt). */
const LOG_INTERVAL_MS = 10_000;

/** The URL with its password (and user name) masked, fit for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.username) parsed.username = '***';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

/**
 * A log function that writes the first call and then at most one line per `intervalMs`, each line
 * saying how many were left out since the previous one, so an outage cannot flood the logs.
 */
export function throttledLog(
  logger: Logger,
  level: 'warn' | 'error' | 'info',
  intervalMs = LOG_INTERVAL_MS,
): (fields: Record<string, unknown>, message: string) => void {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (fields, message) => {
    const now = Date.now();
    if (now - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    lastAt = now;
    logger[level](suppressed > 0 ? { ...fields, suppressed } : fields, message);
    suppressed = 0;
  };
}

/** The parts of an error worth logging: no stack (the same one on every attempt), no connection string. */
export function errorFields(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? { message: error.message, code } : { message: error.message };
  }
  return { message: String(error) };
}

/**
 * The reconnection delay for attempt `times` (1, 2, ...): exponential from 100 ms, capped, with jitter so
 * that a fleet of instances does not reconnect in lockstep. Always a number: ioredis never gives up.
 */
export function reconnectDelay(times: number): number {
  const base = Math.min(100 * 2 ** Math.min(times, 10), MAX_RECONNECT_DELAY_MS);
  return Math.round(base * (0.8 + Math.random() * 0.2));
}

/**
 * A Redis client for a cache in front of the registry. It fails fast rather than waits: commands are
 * rejected at once while the connection is down (no offline queue) and after 250 ms on a slow server, so
 * a lookup falls through to the registry instead of stalling. It reconnects forever with a capped
 * backoff, and its 'error' events are logged (throttled, password masked) instead of crashing the process.
 * `overrides` is for tests.
 */
export function createRedisClient(
  url: string,
  options: { logger: Logger; connectionName?: string; overrides?: RedisOptions },
): Redis {
  const { logger } = options;
  const where = redactRedisUrl(url);
  const redis = new Redis(url, {
    connectionName: options.connectionName ?? 'certwatch',
    enableOfflineQueue: false,
    commandTimeout: 250,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
    // A command that timed out has already been answered as a miss; replaying it after a reconnect could
    // write a value read before an invalidation that has since been replayed.
    autoResendUnfulfilledCommands: false,
    retryStrategy: reconnectDelay,
    // After a managed failover the old primary turns replica; reconnecting reaches the new primary.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
    ...options.overrides,
  });

  const logError = throttledLog(logger, 'warn');
  redis.on('error', (error: unknown) => {
    logError({ redis: where, error: errorFields(error) }, 'redis connection error; cache reads fall through');
  });
  let lost = false;
  redis.on('close', () => {
    lost = true;
  });
  redis.on('ready', () => {
    if (lost) logger.info({ redis: where }, 'redis connection ready again');
    else logger.info({ redis: where }, 'redis connection ready');
    lost = false;
  });
  return redis;
}

/** Resolves true once the client is ready, or false after `timeoutMs` (the client keeps trying). */
export function waitForRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    redis.once('ready', onReady);
  });
}
