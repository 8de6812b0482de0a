/**
 * Issues an API token on the configured store (STORE, DATA_DIR, MONGODB_URI): on a fresh install, the
 * first admin token, with which every other token is then issued through the API.
 *
 *   tsx scripts/create-token.ts [--role admin|body|inspector|partner] [--body CODE] [--label TEXT]
 *                               [--days N] [--data-dir DIR] [--if-none]
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

/** The option that sets each field of the request, for error messages. */
const FLAGS: Record<string, string> = {
  role: '--role',
  bodyCode: '--body',
  label: '--label',
  expiresInDays: '--days',
};

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string', default: 'admin' },
      body: { type: 'string' },
      label: { type: 'string' },
      days: { type: 'string', default: '365' },
      'data-dir': { type: 'string' },
      'if-none': { type: 'boolean', default: false },
    },
  });
  if (!/^\d{1,4}$/.test(values.days))
    throw new UsageError(`--days must be a whole number, not "${values.days}"`);
  const bodyCode = values.body === undefined ? undefined : normalizeIdentifier(values.body);
  const parsed = issueTokenSchema.safeParse({
    role: values.role,
    bodyCode,
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
    const bound = token.bodyCode ? ` for body ${token.bodyCode}` : '';
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
