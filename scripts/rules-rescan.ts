/**
 * Re-runs the upload risk rules over the registry (`npm run rules:rescan`), e.g. after a rule or a
 * threshold changed, raising only what is new (signals already stored, in any state, are left alone):
 *
 *   npm run rules:rescan [-- --body CODE] [--lang zh|en]
 *
 * Reads DATA_DIR / STORE / MONGODB_URI like the server. Progress goes to stderr, the summary to stdout,
 * in Chinese or English (--lang, else the system locale: scripts/cli-lang.ts).
 */
import { parseArgs } from 'node:util';
import { createServices } from '../server/composition/services';
import { openStores } from '../server/composition/stores';
import { ConfigError, loadConfig } from '../server/config';
import { createLogger } from '../server/platform/logger';
import { createMemoryCache } from '../server/platform/memory-cache';
import type { Lang } from '../server/platform/i18n';
import { rescanRegistry } from '../server/signals/rules/rule-rescan';
import { cliLanguage } from './cli-lang';

/** What the tool prints, in Chinese and English. */
const TEXTS: Record<
  Lang,
  {
    badLang: string;
    badCommandLine: (what: string | undefined, english: string) => string;
    noBody: (code: string) => string;
    progress: (certificates: string, raised: number, rate: string, body: string) => string;
    summary: (
      r: { certificates: string; bodies: number; drafts: number; raised: number; failures: number },
      seconds: string,
    ) => string;
  }
> = {
  zh: {
    badLang: '--lang 只能是 zh 或 en。',
    badCommandLine: (what) =>
      what
        ? `命令行有误：无法识别或缺少取值的“${what}”。用法：npm run rules:rescan [-- --body 代码]`
        : '命令行有误。',
    noBody: (code) => `没有代码为 ${code} 的认证机构。`,
    progress: (certificates, raised, rate, body) =>
      `已扫描 ${certificates} 张证书，新增 ${raised} 条线索，每秒 ${rate} 张（${body}）`,
    summary: (r, seconds) =>
      `已在 ${seconds} 秒内重新扫描 ${r.bodies} 家机构的 ${r.certificates} 张证书：` +
      `发现 ${r.drafts} 项，新增 ${r.raised} 条线索，规则出错 ${r.failures} 次。`,
  },
  en: {
    badLang: '--lang is zh or en.',
    badCommandLine: (_what, english) => english,
    noBody: (code) => `No certifying body has the code ${code}.`,
    progress: (certificates, raised, rate, body) =>
      `${certificates} certificates, ${raised} new signals, ${rate}/s (${body})`,
    summary: (r, seconds) =>
      `Rescanned ${r.certificates} certificates of ${r.bodies} bodies in ${seconds} s: ` +
      `${r.drafts} findings, ${r.raised} new signals, ${r.failures} rule failures.`,
  },
};

const { lang, valid: langValid } = cliLanguage();
const T = TEXTS[lang];
const n = (value: number) => value.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');

/** A one-line progress bar over the registry's count. */
function bar(done: number, total: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const width = 30;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(1)}%`;
}

async function main() {
  const { values } = parseArgs({
    options: { body: { type: 'string' }, lang: { type: 'string' } },
    strict: true,
  });
  if (!langValid) throw new ConfigError(T.badLang);
  const config = loadConfig(process.env);
  const stores = await openStores(config);
  try {
    const logger = createLogger('warn');
    const services = createServices({
      config,
      logger,
      stores,
      cache: createMemoryCache({ maxEntries: 100 }),
    });
    const bodyCode = values.body?.trim().toUpperCase();
    if (bodyCode && !(await stores.bodies.findByCode(bodyCode))) {
      throw new ConfigError(T.noBody(bodyCode));
    }
    // With one body the bar runs over the whole registry's count: an upper bound, never past 100 %.
    const total = await stores.certificates.count();
    const started = Date.now();
    const report = await rescanRegistry({
      registry: stores.certificates,
      bodies: stores.bodies,
      signals: stores.signals,
      raise: services.signals.raise,
      logger,
      bodyCode,
      onProgress: (p) => {
        const rate = p.certificates / Math.max(0.001, (Date.now() - started) / 1000);
        process.stderr.write(
          `\r${bar(p.certificates, total)} ${T.progress(n(p.certificates), p.raised, n(Math.round(rate)), p.bodyCode)}   `,
        );
      },
    });
    process.stderr.write('\n');
    const seconds = (Date.now() - started) / 1000;
    console.log(T.summary({ ...report, certificates: n(report.certificates) }, seconds.toFixed(1)));
    if (report.failures > 0) process.exitCode = 1;
  } finally {
    await stores.close();
  }
}

main().catch((error: unknown) => {
  const message = (error as Error).message;
  if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'))
    console.error(T.badCommandLine(/'([^']+)'/.exec(message)?.[1], message));
  else console.error(error instanceof ConfigError ? error.text(lang) : error);
  process.exit(1);
});
