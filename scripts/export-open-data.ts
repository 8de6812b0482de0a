/**
 * `npm run export`: exports the open data now (every dataset, checksums, the day's checkpoint) into
 * OPEN_DATA_DIR (or DATA_DIR/open-data) and switches the portal to it; a running portal serves the new
 * files at once (it reads current.json). Prints the manifest's summary, in Chinese or English (--lang,
 * else the system locale: scripts/cli-lang.ts). Exit 1 when an export runs already, 2 for a bad --lang.
 */
import { loadConfig } from '../server/config';
import { createServices } from '../server/composition/services';
import { openStores } from '../server/composition/stores';
import { createLogger } from '../server/platform/logger';
import { createMemoryCache } from '../server/platform/memory-cache';
import { isAppError } from '../server/platform/errors';
import type { Lang } from '../server/platform/i18n';
import { cliLanguage } from './cli-lang';

/** What the tool prints, in Chinese and English (checksums and file names stay as they are). */
const TEXTS: Record<
  Lang,
  {
    badLang: string;
    file: (rows: number, bytes: number) => string;
    exported: (generation: string, seconds: string) => string;
    running: string;
  }
> = {
  zh: {
    badLang: '--lang 只能是 zh 或 en。',
    file: (rows, bytes) => `（${rows} 行，${bytes} 字节）`,
    exported: (generation, seconds) => `开放数据 ${generation} 已导出，用时 ${seconds} 秒`,
    running: '已有一次开放数据导出正在进行（锁文件在开放数据目录中）。',
  },
  en: {
    badLang: '--lang is zh or en.',
    file: (rows, bytes) => `(${rows} rows, ${bytes} bytes)`,
    exported: (generation, seconds) => `open data ${generation} exported in ${seconds} s`,
    running: 'An open-data export is running already (lock file in the open-data directory).',
  },
};

const { lang, valid: langValid } = cliLanguage();
const T = TEXTS[lang];

async function main(): Promise<void> {
  if (!langValid) {
    console.error(T.badLang);
    process.exitCode = 2;
    return;
  }
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const stores = await openStores(config, logger);
  const services = createServices({ config, logger, stores, cache: createMemoryCache() });
  try {
    const started = performance.now();
    const manifest = await services.openData.exportNow();
    for (const d of manifest.datasets) {
      for (const f of d.files) console.log(`${f.sha256}  ${f.file}  ${T.file(d.rows, f.bytes)}`);
    }
    if (manifest.checkpoint) console.log(`${manifest.checkpoint.sha256}  ${manifest.checkpoint.file}`);
    console.log(T.exported(manifest.generation, ((performance.now() - started) / 1000).toFixed(1)));
  } catch (err) {
    if (isAppError(err) && err.code === 'OPEN_DATA_EXPORT_RUNNING') {
      console.error(T.running);
      process.exitCode = 1;
    } else throw err;
  } finally {
    await services.qr.close();
    services.receipts.close();
    await stores.close();
  }
}

void main();
