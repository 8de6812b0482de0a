import { z } from 'zod';
import type { Role } from './platform/auth';
import type { Lang } from './platform/i18n';
import { StartupRefusal } from './platform/locale';

/** The texts of the checks across variables, in both languages. */
const REFINE_TEXTS: Record<'mongoUri' | 'loopback', Record<Lang, string>> = {
  mongoUri: {
    en: 'MONGODB_URI is required when STORE=mongo',
    zh: 'STORE=mongo 时必须设置 MONGODB_URI',
  },
  loopback: {
    en: 'cluster mode (STORE=mongo) needs the public origin phones reach (https://verify.example.gov.cn), not localhost: it is printed in every QR code',
    zh: '集群模式（STORE=mongo）需要手机能访问到的公开地址（如 https://verify.example.gov.cn），而不是 localhost：它印在每个二维码里',
  },
};

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
    /** The origin printed in QR codes and links; absent: http://localhost:{PORT}. */
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Express "trust proxy": false, true, a hop count, or a list of addresses/subnets. */
    TRUST_PROXY: z.string().default('false'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * Anonymous requests (API and pages) per minute per client address: sized for a busy carrier NAT, a
     * lecture hall of phones scanning one code behind one IPv4 address (README, "Configuration").
     */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
    /** Anonymous IPv6 clients are counted by this prefix (one home or one phone), not by full address. */
    RATE_LIMIT_IPV6_SUBNET: z.coerce.number().int().min(32).max(64).default(56),
    /** Requests per minute per token, by the token's role (authenticated requests never use the address budget). */
    RATE_LIMIT_ADMIN_PER_MINUTE: z.coerce.number().int().positive().default(600),
    RATE_LIMIT_BODY_PER_MINUTE: z.coerce.number().int().positive().default(1200),
    RATE_LIMIT_INSPECTOR_PER_MINUTE: z.coerce.number().int().positive().default(600),
    RATE_LIMIT_PARTNER_PER_MINUTE: z.coerce.number().int().positive().default(1200),
    /** Public tips (POST /api/v1/tips) per minute per client address, on top of the general limit. */
    TIP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(10),
    /** Who runs the portal, on every page: the bureau's name in both languages, its hotline, its filing. */
    OPERATOR_NAME: z.string().trim().min(1).max(100).default('重庆市沙坪坝区市场监督管理局'),
    OPERATOR_NAME_EN: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .default('Shapingba District Administration for Market Regulation, Chongqing'),
    OPERATOR_HOTLINE: z
      .string()
      .trim()
      .regex(/^[0-9+ -]{3,20}$/, 'a phone number: digits, spaces, + and -')
      .default('12315'),
    OPERATOR_FILING: z.string().trim().max(200).optional(),
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
     * Where the daily open-data files are written and served from. Absent: DATA_DIR/open-data. In cluster
     * mode a directory every replica shares (a volume): one replica at a time exports into it.
     */
    OPEN_DATA_DIR: z.string().min(1).optional(),
    /** Export the open data once a day from this instance's timer (off: only `npm run export` or the API). */
    OPEN_DATA_DAILY: booleanish.default(true),
    /**
     * Receipt signing keys (cluster mode), as QR_SIGNING_KEYS but never the same keys. Absent: keys live
     * under DATA_DIR/receipt-keys.
     */
    RECEIPT_SIGNING_KEYS: z.string().min(1).optional(),
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
    /**
     * How far below the main thread's priority an upload's storing process and its threads run (a nice value
     * added on Linux, at most 19): on a busy machine the thread answering lookups gets the cores first. 0
     * runs them at the main thread's priority (a machine that only takes uploads, or a test that must not
     * depend on how busy its machine is).
     */
    UPLOAD_THREAD_NICE: z.coerce.number().int().min(0).max(19).default(10),
    /**
     * Large uploads (1 MiB or more, or of unknown size) this instance stores at once; one more is refused
     * with 503 UPLOADS_BUSY and Retry-After. Each holds a parse thread and, on the embedded registry, a
     * storing process of about 500 MB; the registry takes one writer at a time, so more at once are not
     * stored sooner, they only share the cores and the memory.
     */
    UPLOAD_MAX_RUNNING: z.coerce.number().int().min(1).max(64).default(4),
    /**
     * Large uploads one certifying body runs at once; one more is refused with 429 UPLOAD_BODY_BUSY and
     * Retry-After, so that no body takes every place of UPLOAD_MAX_RUNNING.
     */
    UPLOAD_MAX_RUNNING_PER_BODY: z.coerce.number().int().min(1).max(64).default(2),
    /** The Retry-After of UPLOAD_BODY_BUSY and UPLOADS_BUSY, seconds. */
    UPLOAD_BUSY_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /** Cloned-QR signal: distinct networks scanning one certificate within the window; 0 turns it off. */
    CLONED_QR_MIN_NETWORKS: z.coerce.number().int().min(0).max(10_000).default(20),
    /** Cloned-QR window, minutes (it slides in sixths). */
    CLONED_QR_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
    /**
     * Create DATA_DIR when it does not exist (a first start). Without it a missing DATA_DIR stops the
     * process: a typo must not start an empty registry that answers "not in the registry" for everything.
     */
    INIT_DATA_DIR: booleanish.default(false),
  })
  .transform((c) => ({ ...c, PUBLIC_BASE_URL: c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}` }))
  .refine((c) => c.STORE !== 'mongo' || c.MONGODB_URI, {
    message: REFINE_TEXTS.mongoUri.en,
    path: ['MONGODB_URI'],
  })
  .refine((c) => c.STORE !== 'mongo' || !isLoopbackOrigin(c.PUBLIC_BASE_URL), {
    message: REFINE_TEXTS.loopback.en,
    path: ['PUBLIC_BASE_URL'],
  });

/** Whether a URL points at this machine only (localhost, 127.0.0.0/8, ::1, 0.0.0.0). */
function isLoopbackOrigin(url: string): boolean {
  const host = new URL(url).hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '[::1]' ||
    host === '0.0.0.0' ||
    host === '[::]'
  );
}

export type Config = z.infer<typeof configSchema>;

/**
 * A configuration the process refuses (code CONFIG_INVALID): `message` is the English text; `text(lang)`
 * the one to print in the operator's language (the same when no Chinese one was given).
 */
export class ConfigError extends StartupRefusal {
  readonly code = 'CONFIG_INVALID';

  constructor(
    message: string,
    private readonly texts?: Record<Lang, string>,
  ) {
    super(message);
  }

  text(lang: Lang): string {
    return this.texts?.[lang] ?? this.message;
  }
}

/** Parses the environment, or throws a ConfigError listing every bad variable (in both languages). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    const en = `Invalid configuration:\n${lines.join('\n')}`;
    // The same check again with the schema's Chinese messages (zod's zh-CN locale; ours from REFINE_TEXTS).
    const zhIssues = configSchema.safeParse(env, { error: z.locales.zhCN().localeError }).error?.issues ?? [];
    const zhLines = zhIssues.map((i) => `  ${i.path.join('.') || '（环境）'}：${zhRefineText(i.message)}`);
    throw new ConfigError(en, { en, zh: `配置无效：\n${zhLines.join('\n')}` });
  }
  return result.data;
}

function zhRefineText(message: string): string {
  return Object.values(REFINE_TEXTS).find((t) => t.en === message)?.zh ?? message;
}

/** The per-token request budget of each role, per minute. */
export function tokenQuotas(config: Config): Record<Role, number> {
  return {
    admin: config.RATE_LIMIT_ADMIN_PER_MINUTE,
    body: config.RATE_LIMIT_BODY_PER_MINUTE,
    inspector: config.RATE_LIMIT_INSPECTOR_PER_MINUTE,
    partner: config.RATE_LIMIT_PARTNER_PER_MINUTE,
  };
}

/** Express's "trust proxy" setting from TRUST_PROXY. */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
