import { z } from 'zod';

const booleanish = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * The environment, parsed once at start. A bad value stops the process with a message naming the
 * variable, before anything listens.
 */
export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    STORE: z.enum(['sqlite', 'mongo']).default('sqlite'),
    MONGODB_URI: z.url({ protocol: /^mongodb(\+srv)?$/ }).optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    /** Prefix of every Redis key, so that several deployments (or test runs) can share one server. */
    REDIS_KEY_PREFIX: z.string().max(64).default('certwatch:'),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
    /** Express "trust proxy": false, true, a hop count, or a list of addresses/subnets. */
    TRUST_PROXY: z.string().default('false'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Public API requests per minute per client address. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(300),
    /** Public tips (POST /api/v1/tips) per minute per client address, on top of the general limit. */
    TIP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(10),
    /** Seconds a found certificate stays cached; a write invalidates it sooner. */
    CACHE_TTL_SECONDS: z.coerce.number().int().positive().default(300),
    /** Seconds a "not found" stays cached, so that floods of made-up numbers do not reach the registry. */
    NEGATIVE_CACHE_TTL_SECONDS: z.coerce.number().int().positive().default(30),
    METRICS_ENABLED: booleanish.default(true),
    /**
     * QR signing keys, the same on every instance (cluster mode): a JSON array of PKCS8 PEMs (the first signs,
     * the others only verify), or the path of a file holding one. Absent: keys live under DATA_DIR/keys.
     */
    QR_SIGNING_KEYS: z.string().min(1).optional(),
    /** The audit log's checkpoint signing keys, in QR_SIGNING_KEYS's form. Absent: DATA_DIR/audit-log/keys. */
    AUDIT_LOG_SIGNING_KEYS: z.string().min(1).optional(),
    /**
     * Secret of the keyed hash of scanners' network prefixes (32 characters at least), the same on every
     * instance. Absent: a random one is kept in DATA_DIR/scan-hash.secret.
     */
    SCAN_HASH_SECRET: z.string().min(32).optional(),
    /** Largest upload accepted (CSV, NDJSON), bytes; past it, reading stops with 413. */
    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(200 * 1024 * 1024),
    /** Largest XLSX upload, bytes (IAF CertSearch's limit): its reader keeps the shared strings in memory. */
    UPLOAD_MAX_XLSX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(20 * 1024 * 1024),
    /** Cloned-QR signal: distinct networks scanning one certificate within the window; 0 turns it off. */
    CLONED_QR_MIN_NETWORKS: z.coerce.number().int().min(0).max(10_000).default(20),
    /** Cloned-QR window, minutes (it slides in sixths). */
    CLONED_QR_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  })
  .refine((c) => c.STORE !== 'mongo' || c.MONGODB_URI, {
    message: 'MONGODB_URI is required when STORE=mongo',
    path: ['MONGODB_URI'],
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment, or throws a ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Express's "trust proxy" setting from TRUST_PROXY. */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
