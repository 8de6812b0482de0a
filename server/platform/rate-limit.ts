import { rateLimit, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from 'ioredis';
import { AppError } from './errors';
import { PROBLEM_CONTENT_TYPE, problemOf } from './http';

/**
 * The limit on public routes: `perMinute` requests per client address (IPv6 by /56), 429 with
 * Retry-After past it. In cluster mode counters live in Redis so every instance counts together; a
 * Redis outage lets requests through (the cache and registry still answer) rather than failing them.
 */
export function publicRateLimit(options: { perMinute: number; store?: Store }) {
  return rateLimit({
    windowMs: 60_000,
    limit: options.perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    passOnStoreError: true,
    store: options.store,
    handler: (_req, res, _next, opts) => {
      const error = new AppError('RATE_LIMITED', 'Too many requests; wait a moment and try again.');
      if (!res.getHeader('Retry-After')) res.setHeader('Retry-After', Math.ceil(opts.windowMs / 1000));
      res
        .status(429)
        .type(PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify(problemOf(error)));
    },
  });
}

/** A rate-limit store on the shared Redis connection, its keys under the deployment's prefix. */
export function redisRateLimitStore(redis: Redis, prefix: string): Store {
  return new RedisStore({
    prefix: `${prefix}rl:`,
    sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
  });
}
