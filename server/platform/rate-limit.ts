import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { rateLimit, type LoggerFn, type Options, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from 'ioredis';
import { principalOf, verifyAuthorization, type Principal, type Role, type TokenVerifier } from './auth';
import { AppError } from './errors';
import type { Logger } from './logger';
import { errorFields, throttledLog } from './redis';

const WINDOW_MS = 60_000;

/** What both budgets share: one-minute windows, draft-7 headers, 429 RATE_LIMITED with Retry-After. */
function limiterOptions(store: Store | undefined, logger: Logger | undefined): Partial<Options> {
  return {
    windowMs: WINDOW_MS,
    // draft-7 headers: draft-8 hashes the partition key with SHA-256 on every request, a measurable cost
    // on the lookup hot path for no benefit to clients.
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    passOnStoreError: true,
    store,
    logger: logger ? rateLimitLogger(logger) : undefined,
    // Passed on as an error: the route's own error handler answers in its kind (problem+json for the API,
    // an HTML page in the reader's language for pages).
    handler: (_req, res, next, opts) => {
      if (!res.getHeader('Retry-After')) res.setHeader('Retry-After', Math.ceil(opts.windowMs / 1000));
      next(new AppError('RATE_LIMITED', 'Too many requests; wait a moment and try again.'));
    },
  };
}

/**
 * The limit on anonymous requests: `perMinute` per client address (IPv6 by its `ipv6Subnet` prefix, 56
 * unless given: one home or one phone, however many addresses it takes), 429 with Retry-After past it.
 * In cluster mode counters live in Redis so every instance counts together; a Redis outage lets requests
 * through (the cache and registry still answer) rather than failing them.
 */
export function publicRateLimit(options: {
  perMinute: number;
  ipv6Subnet?: number;
  store?: Store;
  logger?: Logger;
}): RequestHandler {
  return rateLimit({
    ...limiterOptions(options.store, options.logger),
    limit: options.perMinute,
    ipv6Subnet: options.ipv6Subnet ?? 56,
  });
}

/**
 * The limit on authenticated requests: each token has its own budget, `perRole[role]` a minute, counted
 * by token id (never the secret). Runs after the principal is known (see requestQuota).
 */
export function tokenRateLimit(options: {
  perRole: Record<Role, number>;
  store?: Store;
  logger?: Logger;
}): RequestHandler {
  const { perRole } = options;
  const caller = (res: Response): Principal => {
    const principal = principalOf(res);
    if (!principal) throw new Error('tokenRateLimit runs on authenticated requests only (see requestQuota)');
    return principal;
  };
  return rateLimit({
    ...limiterOptions(options.store, options.logger),
    limit: (_req, res) => perRole[caller(res).role],
    keyGenerator: (_req, res) => `token:${caller(res).tokenId}`,
  });
}

/**
 * Authentication and the request budget in one step, ahead of every API route:
 * - no Authorization header: the anonymous budget of the address, and nothing else (no token work on
 *   the public lookup's hot path);
 * - a valid bearer token: its principal is put in `res.locals.principal` and the token's own budget
 *   applies, so anonymous traffic from the same network can never use it up;
 * - a bad token: 401, charged to the address's anonymous budget (so guessing tokens is limited like any
 *   anonymous traffic; past that budget the answer is 429).
 */
export function requestQuota(options: {
  verify: TokenVerifier;
  anonymous: RequestHandler;
  perToken: RequestHandler;
}): RequestHandler {
  const { verify, anonymous, perToken } = options;
  return (req, res, next) => {
    const header = req.headers.authorization;
    // Not async: the anonymous path adds no promise of its own.
    if (header === undefined) return anonymous(req, res, next);
    return verifyAuthorization(header, verify).then(
      (principal) => {
        res.locals.principal = principal;
        return perToken(req, res, next);
      },
      (refused: unknown) => anonymous(req, res, (limited?: unknown) => next(limited ?? refused)),
    );
  };
}

/**
 * express-rate-limit's error reports, on pino. During a Redis outage every request reports the same
 * store error (by default a stack trace on the console each time): each distinct message is written at
 * most once per 10 s, with a count of those left out.
 */
function rateLimitLogger(logger: Logger): { error: LoggerFn; warn: LoggerFn } {
  const throttles = new Map<string, ReturnType<typeof throttledLog>>();
  const at = (level: 'error' | 'warn'): LoggerFn => {
    return (error, message = 'express-rate-limit') => {
      const fields = { error: errorFields(error) };
      const key = `${level}\0${message}\0${fields.error.message}`;
      let log = throttles.get(key);
      if (!log) {
        // Messages are the library's own and few; the bound only guards against the unforeseen.
        if (throttles.size >= 100) throttles.clear();
        log = throttledLog(logger, level);
        throttles.set(key, log);
      }
      log(fields, message);
    };
  };
  return { error: at('error'), warn: at('warn') };
}

/** A rate-limit store on the shared Redis connection, its keys under the deployment's prefix. */
export function redisRateLimitStore(redis: Redis, prefix: string): Store {
  return new RedisStore({
    prefix: `${prefix}rl:`,
    sendCommand: (command: string, ...args: string[]) => {
      // rate-limit-redis keeps the promise of its start-up SCRIPT LOAD forever: had Redis not been ready
      // then (down at start-up; commands are not queued), every later call would fail and limits would
      // silently be off. The reply is only the script's SHA1, so answer it here and load the script best effort;
      // a NOSCRIPT (e.g. after a Redis restart) makes the store load it again, ahead of its EVALSHA.
      const script = args[1];
      if (command.toUpperCase() === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD' && script !== undefined) {
        redis.call(command, ...args).catch(() => undefined);
        return Promise.resolve(createHash('sha1').update(script).digest('hex'));
      }
      return redis.call(command, ...args) as Promise<RedisReply>;
    },
  });
}
