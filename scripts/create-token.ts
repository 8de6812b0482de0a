/**
 * Issues an API token on the configured store (STORE, DATA_DIR, MONGODB_URI): on a fresh install, the
 * first admin token, with which every other token is then issued through the API.
 *
 *   tsx scripts/create-token.ts [--role admin|body|inspector|partner] [--body CODE] [--inspector ID]
 *                               [--label TEXT] [--days N] [--data-dir DIR] [--if-none] [--help]
 *
 * `--inspector ID` links an inspector token to the inspector of the directory with that id: cases name
 * who acted by that inspector (an unknown one is INSPECTOR_NOT_FOUND, exit status 1).
 *
 * The bearer value (`cw.<id>.<secret>`) is printed once, alone on stdout, so it can be captured
 * (`TOKEN=$(npm run -s token)`); what was issued goes to stderr. Only its hash is stored: it cannot be
 * shown again. `--if-none` issues nothing when any token exists already (for start-up scripts).
 * The issue is recorded in the audit log with the system as actor.
 * Exit status: 0 issued (or nothing to do with --if-none), 1 refused (e.g. an unknown body), 2 usage error.
 */
import { parseArgs } from 'node:util';
import { createServices } from '../server/composition/services';
import { issueTokenSchema } from '../server/bodies/token-schema';
import { ConfigError, loadConfig } from '../server/config';
import { isAppError } from '../server/platform/errors';
import { createLogger } from '../server/platform/logger';
import { createMemoryCache } from '../server/platform/memory-cache';
import { normalizeIdentifier } from '../server/platform/normalize';
import { openStores } from '../server/composition/stores';

class UsageError extends Error {}

/** `--help`, in Chinese and in English. */
const HELP = `用法：npm run -s token -- [选项]
签发一个 API 令牌；令牌只在标准输出显示这一次。
  --role admin|body|inspector|partner  角色（默认 admin）
  --body CODE                          body 令牌所属的认证机构代码
  --inspector ID                       inspector 令牌所属检查人员的名录编号（案件日志据此显示经办人姓名）
  --label TEXT                         令牌说明
  --days N                             有效天数（默认 365，最长 730）
  --data-dir DIR                       数据目录（默认为 DATA_DIR）
  --if-none                            已有任何令牌时不签发
  --help                               显示本说明

Usage: npm run -s token -- [options]
Issues an API token; the token is shown on stdout this once.
  --role admin|body|inspector|partner  the role (default admin)
  --body CODE                          the certifying body of a body token
  --inspector ID                       the directory id of the inspector an inspector token belongs to
                                       (cases name who acted by that inspector)
  --label TEXT                         what the token is for
  --days N                             days until it expires (default 365, at most 730)
  --data-dir DIR                       the data directory (default DATA_DIR)
  --if-none                            issue nothing when any token exists
  --help                               show this text
`;

/** The option that sets each field of the request, for error messages. */
const FLAGS: Record<string, string> = {
  role: '--role',
  bodyCode: '--body',
  inspectorId: '--inspector',
  label: '--label',
  expiresInDays: '--days',
};

/** Refusals of `--inspector`, in Chinese and in English (the other messages come from the schema). */
const INSPECTOR_ONLY =
  '--inspector 仅用于 inspector 角色的令牌。\n--inspector goes with --role inspector only.';

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string', default: 'admin' },
      body: { type: 'string' },
      inspector: { type: 'string' },
      label: { type: 'string' },
      days: { type: 'string', default: '365' },
      'data-dir': { type: 'string' },
      'if-none': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return { help: true as const };
  if (values.inspector !== undefined && values.role !== 'inspector') throw new UsageError(INSPECTOR_ONLY);
  if (!/^\d{1,4}$/.test(values.days))
    throw new UsageError(`--days must be a whole number, not "${values.days}"`);
  const bodyCode = values.body === undefined ? undefined : normalizeIdentifier(values.body);
  const parsed = issueTokenSchema.safeParse({
    role: values.role,
    bodyCode,
    inspectorId: values.inspector,
    label: values.label ?? `${values.role} token from scripts/create-token.ts`,
    expiresInDays: Number(values.days),
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${FLAGS[String(i.path[0])] ?? 'token'}: ${i.message}`);
    throw new UsageError(`Cannot issue this token:\n${lines.join('\n')}`);
  }
  return { request: parsed.data, dataDir: values['data-dir'], ifNone: values['if-none'] };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if ('help' in options) {
    process.stdout.write(HELP);
    return 0;
  }
  const env = { ...process.env, ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}) };
  const config = loadConfig(env);
  const stores = await openStores(config);
  try {
    const services = createServices({
      config,
      logger: createLogger('silent'),
      stores,
      cache: createMemoryCache({ maxEntries: 100 }),
    });
    if (options.ifNone) {
      const existing = await services.tokens.count();
      if (existing > 0) {
        console.error(`${existing} token(s) exist already; --if-none issues nothing.`);
        return 0;
      }
    }
    const { token, secret } = await services.tokens.issue(options.request, undefined);
    const bound = token.bodyCode
      ? ` for body ${token.bodyCode}`
      : token.inspectorId
        ? ` for inspector ${token.inspectorId}`
        : '';
    console.error(
      `Issued token ${token.id}: role ${token.role}${bound}, label "${token.label}", expires ${token.expiresAt}.\n` +
        'The secret below is shown this once; only its hash is stored. Send it as "Authorization: Bearer <secret>".',
    );
    console.log(secret);
    return 0;
  } finally {
    await stores.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    if (usage) {
      console.error((error as Error).message);
      process.exit(2);
    }
    console.error(isAppError(error) ? `${error.code}: ${error.message}` : error);
    process.exit(1);
  },
);
