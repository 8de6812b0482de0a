/**
 * The first-run command of an embedded install: creates DATA_DIR (mode 0700) with an empty, migrated
 * registry (0600), the first QR signing key and the scan-hash secret (0600 each), then exits.
 * `npm start` refuses a DATA_DIR that does not exist, so that a mistyped path never starts an empty
 * registry answering "not in the registry" for every certificate. Running it again on an existing
 * DATA_DIR changes nothing there.
 *
 *   npm run init [-- --data-dir DIR] [--lang zh|en]
 *
 * It speaks Chinese or English (--lang, else the system locale: scripts/cli-lang.ts).
 *
 * Exit status: 0 done, 1 DATA_DIR unusable (a file, not writable), 2 usage or configuration error.
 */
import { parseArgs } from 'node:util';
import { createServices } from '../server/composition/services';
import { openStores } from '../server/composition/stores';
import { ConfigError, loadConfig } from '../server/config';
import { DataDirError, prepareDataDir } from '../server/platform/data-dir';
import { createLogger } from '../server/platform/logger';
import type { Lang } from '../server/platform/i18n';
import { createMemoryCache } from '../server/platform/memory-cache';
import { cliLanguage } from './cli-lang';

/** What the tool prints, in Chinese and English. */
const TEXTS: Record<
  Lang,
  {
    badLang: string;
    badCommandLine: (what: string | undefined, english: string) => string;
    created: (dir: string) => string;
    exists: (dir: string, certificates: number) => string;
    next: string;
  }
> = {
  zh: {
    badLang: '--lang 只能是 zh 或 en。',
    badCommandLine: (what) =>
      what
        ? `命令行有误：无法识别或缺少取值的“${what}”。用法：npm run init [-- --data-dir 目录]`
        : '命令行有误。',
    created: (dir) => `已创建 DATA_DIR ${dir}：空的数据库、一把二维码签名密钥和扫码哈希密钥。`,
    exists: (dir, certificates) => `DATA_DIR ${dir} 已存在（${certificates} 张证书）；无需创建。`,
    next: '下一步：签发首个管理员令牌 `npm run -s token -- --role admin --label me`，然后 `npm start`。',
  },
  en: {
    badLang: '--lang is zh or en.',
    badCommandLine: (_what, english) => english,
    created: (dir) =>
      `Created DATA_DIR ${dir}: an empty registry, a QR signing key and the scan-hash secret.`,
    exists: (dir, certificates) =>
      `DATA_DIR ${dir} exists already (${certificates} certificates); nothing to create.`,
    next: 'Next: the first admin token, `npm run -s token -- --role admin --label me`, then `npm start`.',
  },
};

const { lang, valid: langValid } = cliLanguage();
const T = TEXTS[lang];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, lang: { type: 'string' } } });
  if (!langValid) throw new ConfigError(T.badLang);
  const dataDir = values['data-dir'];
  const config = loadConfig({ ...process.env, ...(dataDir ? { DATA_DIR: dataDir } : {}) });
  const { created } = prepareDataDir(config.DATA_DIR, { create: true });
  const stores = await openStores(config);
  try {
    const services = createServices({
      config,
      logger: createLogger('silent'),
      stores,
      cache: createMemoryCache({ maxEntries: 10 }),
    });
    await services.qr.close();
    const certificates = await stores.certificates.count();
    console.log(created ? T.created(config.DATA_DIR) : T.exists(config.DATA_DIR, certificates));
    console.log(T.next);
  } finally {
    await stores.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof DataDirError) {
    console.error(error.text(lang));
    process.exit(1);
  }
  const message = (error as Error).message;
  if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
    console.error(T.badCommandLine(/'([^']+)'/.exec(message)?.[1], message));
    process.exit(2);
  }
  if (error instanceof ConfigError) {
    console.error(error.text(lang));
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
