/**
 * Issues an API token on the configured store (STORE, DATA_DIR, MONGODB_URI): on a fresh install, the
 * first admin token, with which every other token is then issued through the API.
 *
 *   tsx scripts/create-token.ts [--role admin|body|inspector|partner] [--body CODE] [--inspector ID]
 *                               [--label TEXT] [--days N] [--data-dir DIR] [--if-none] [--lang zh|en] [--help]
 *
 * `--inspector ID` links an inspector token to the inspector of the directory with that id: cases name
 * who acted by that inspector (an unknown one is INSPECTOR_NOT_FOUND, exit status 1).
 *
 * The bearer value (`cw.<id>.<secret>`) is printed once, alone on stdout, so it can be captured
 * (`TOKEN=$(npm run -s token)`); what was issued goes to stderr. Only its hash is stored: it cannot be
 * shown again. `--if-none` issues nothing when any token exists already (for start-up scripts).
 * The issue is recorded in the audit log with the system as actor. What it says is in Chinese or English
 * (`--lang`, else the system locale: scripts/cli-lang.ts); the token value is the same in both.
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
import { problemDetail } from '../server/error-texts';
import { fieldIssue } from '../server/platform/http';
import { fieldIssueZh, type Lang } from '../server/platform/i18n';
import { cliLanguage } from './cli-lang';

class UsageError extends Error {}

interface TokenCliTexts {
  help: string;
  badLang: string;
  inspectorOnly: string;
  badDays: (days: string) => string;
  cannotIssue: (lines: string) => string;
  /** The `--body` rule (the schema's own message is English). */
  bodyRule: string;
  /** A command line the parser refused; `what` is the option or argument it names, when it does. */
  badCommandLine: (what: string | undefined, english: string) => string;
  existing: (count: number) => string;
  forBody: (code: string) => string;
  forInspector: (id: string) => string;
  issued: (id: string, role: string, bound: string, label: string, expires: string) => string;
  refused: (code: string, detail: string) => string;
  never: string;
}

/** What the tool prints, in Chinese and in English. */
const TEXTS: Record<Lang, TokenCliTexts> = {
  zh: {
    help: `用法：npm run -s token -- [选项]
签发一个 API 令牌；令牌只在标准输出显示这一次。
  --role admin|body|inspector|partner  角色（默认 admin）
  --body CODE                          body 令牌所属的认证机构代码
  --inspector ID                       inspector 令牌所属检查人员的名录编号（案件日志据此显示经办人姓名）
  --label TEXT                         令牌说明
  --days N                             有效天数（默认 365，最长 730）
  --data-dir DIR                       数据目录（默认为 DATA_DIR）
  --if-none                            已有任何令牌时不签发
  --lang zh|en                         输出语言（默认按系统区域设置）
  --help                               显示本说明
`,
    badLang: '--lang 只能是 zh 或 en。',
    inspectorOnly: '--inspector 仅用于 inspector 角色的令牌。',
    badDays: (days) => `--days 必须是整数，而不是“${days}”。`,
    cannotIssue: (lines) => `无法签发此令牌：\n${lines}`,
    bodyRule: 'body 令牌必须给出 --body，其他角色的令牌不能给出。',
    badCommandLine: (what) =>
      what ? `命令行有误：无法识别或缺少取值的“${what}”。用法见 --help。` : '命令行有误。用法见 --help。',
    existing: (count) => `已有 ${count} 个令牌；--if-none 不签发新令牌。`,
    forBody: (code) => `，所属认证机构 ${code}`,
    forInspector: (id) => `，所属检查人员 ${id}`,
    issued: (id, role, bound, label, expires) =>
      `已签发令牌 ${id}：角色 ${role}${bound}，说明“${label}”，到期时间 ${expires}。\n` +
      '下面的令牌只显示这一次，系统只保存其哈希值。请以“Authorization: Bearer <令牌>”发送。',
    refused: (code, detail) => `${code}：${detail}`,
    never: '永不过期',
  },
  en: {
    help: `Usage: npm run -s token -- [options]
Issues an API token; the token is shown on stdout this once.
  --role admin|body|inspector|partner  the role (default admin)
  --body CODE                          the certifying body of a body token
  --inspector ID                       the directory id of the inspector an inspector token belongs to
                                       (cases name who acted by that inspector)
  --label TEXT                         what the token is for
  --days N                             days until it expires (default 365, at most 730)
  --data-dir DIR                       the data directory (default DATA_DIR)
  --if-none                            issue nothing when any token exists
  --lang zh|en                         the language it speaks (default: the system locale)
  --help                               show this text
`,
    badLang: '--lang is zh or en.',
    inspectorOnly: '--inspector goes with --role inspector only.',
    badDays: (days) => `--days must be a whole number, not "${days}"`,
    cannotIssue: (lines) => `Cannot issue this token:\n${lines}`,
    bodyRule: 'bodyCode is required for a body token and not allowed for other roles',
    badCommandLine: (_what, english) => english,
    existing: (count) => `${count} token(s) exist already; --if-none issues nothing.`,
    forBody: (code) => ` for body ${code}`,
    forInspector: (id) => ` for inspector ${id}`,
    issued: (id, role, bound, label, expires) =>
      `Issued token ${id}: role ${role}${bound}, label "${label}", expires ${expires}.\n` +
      'The secret below is shown this once; only its hash is stored. Send it as "Authorization: Bearer <secret>".',
    refused: (code, detail) => `${code}: ${detail}`,
    never: 'never',
  },
};

// A --lang naming neither language is refused as a usage error, in the locale's language.
const { lang, valid: langValid } = cliLanguage();
const T = TEXTS[lang];

/** The option that sets each field of the request, for error messages. */
const FLAGS: Record<string, string> = {
  role: '--role',
  bodyCode: '--body',
  inspectorId: '--inspector',
  label: '--label',
  expiresInDays: '--days',
};

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
      lang: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (!langValid) throw new UsageError(T.badLang);
  if (values.help) return { help: true as const };
  if (values.inspector !== undefined && values.role !== 'inspector') throw new UsageError(T.inspectorOnly);
  if (!/^\d{1,4}$/.test(values.days)) throw new UsageError(T.badDays(values.days));
  const bodyCode = values.body === undefined ? undefined : normalizeIdentifier(values.body);
  const parsed = issueTokenSchema.safeParse({
    role: values.role,
    bodyCode,
    inspectorId: values.inspector,
    label: values.label ?? `${values.role} token from scripts/create-token.ts`,
    expiresInDays: Number(values.days),
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const flag = FLAGS[String(i.path[0])] ?? (lang === 'zh' ? '令牌' : 'token');
      if (lang === 'en') return `  ${flag}: ${i.message}`;
      const why = i.code === 'custom' && i.path[0] === 'bodyCode' ? T.bodyRule : fieldIssueZh(fieldIssue(i));
      return `  ${flag}：${why}`;
    });
    throw new UsageError(T.cannotIssue(lines.join('\n')));
  }
  return { request: parsed.data, dataDir: values['data-dir'], ifNone: values['if-none'] };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if ('help' in options) {
    process.stdout.write(T.help);
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
        console.error(T.existing(existing));
        return 0;
      }
    }
    const { token, secret } = await services.tokens.issue(options.request, undefined);
    const bound = token.bodyCode
      ? T.forBody(token.bodyCode)
      : token.inspectorId
        ? T.forInspector(token.inspectorId)
        : '';
    console.error(T.issued(token.id, token.role, bound, token.label, token.expiresAt ?? T.never));
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
    if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      // Node's parser words its refusal in English: the Chinese names only what it refused.
      const message = (error as Error).message;
      console.error(T.badCommandLine(/'([^']+)'/.exec(message)?.[1], message));
      process.exit(2);
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(error instanceof ConfigError ? error.text(lang) : error.message);
      process.exit(2);
    }
    console.error(isAppError(error) ? T.refused(error.code, problemDetail(error, lang)) : error);
    process.exit(1);
  },
);
