import fs from 'node:fs';
import path from 'node:path';
import type { Lang } from './i18n';
import { StartupRefusal } from './locale';

/** The registry file's name under DATA_DIR. */
export const REGISTRY_FILE = 'registry.sqlite';

export type DataDirErrorCode =
  | 'DATA_DIR_UNREADABLE'
  | 'DATA_DIR_MISSING'
  | 'DATA_DIR_UNCREATABLE'
  | 'DATA_DIR_NOT_A_DIRECTORY'
  | 'DATA_DIR_NOT_WRITABLE';

/** The one line for each refusal, in Chinese and English (`detail`: an errno code or the uid). */
const DATA_DIR_TEXTS: Record<Lang, Record<DataDirErrorCode, (dir: string, detail: string) => string>> = {
  zh: {
    DATA_DIR_UNREADABLE: (dir, code) => `DATA_DIR ${dir} 无法读取（${code}）。`,
    DATA_DIR_MISSING: (dir) =>
      `DATA_DIR ${dir} 不存在。请检查路径；要在那里新建一个空的登记库，请运行 \`npm run init\`（或设置 INIT_DATA_DIR=1）。`,
    DATA_DIR_UNCREATABLE: (dir, code) => `DATA_DIR ${dir} 无法创建（${code}）。`,
    DATA_DIR_NOT_A_DIRECTORY: (dir) => `DATA_DIR ${dir} 不是目录。`,
    DATA_DIR_NOT_WRITABLE: (dir, uid) => `DATA_DIR ${dir} 不可由本进程读写（用户 ${uid}）。`,
  },
  en: {
    DATA_DIR_UNREADABLE: (dir, code) => `DATA_DIR ${dir} cannot be read (${code}).`,
    DATA_DIR_MISSING: (dir) =>
      `DATA_DIR ${dir} does not exist. Check the path; to start a new, empty registry there run \`npm run init\` (or set INIT_DATA_DIR=1).`,
    DATA_DIR_UNCREATABLE: (dir, code) => `DATA_DIR ${dir} cannot be created (${code}).`,
    DATA_DIR_NOT_A_DIRECTORY: (dir) => `DATA_DIR ${dir} is not a directory.`,
    DATA_DIR_NOT_WRITABLE: (dir, uid) => `DATA_DIR ${dir} is not writable by this process (user ${uid}).`,
  },
};

/** A DATA_DIR the process cannot use: one line naming the variable, for the operator (`message`: English). */
export class DataDirError extends StartupRefusal {
  constructor(
    readonly code: DataDirErrorCode,
    readonly dir: string,
    readonly detail = '',
  ) {
    super(DATA_DIR_TEXTS.en[code](dir, detail));
  }

  text(lang: Lang): string {
    return DATA_DIR_TEXTS[lang][this.code](this.dir, this.detail);
  }
}

/**
 * Makes sure DATA_DIR can hold the registry before anything opens it:
 * - missing: created (mode 0700) only when `create` is set (a first start, the demo); otherwise refused,
 *   since a typo would otherwise start an empty registry that calls every certificate "not in the registry";
 * - a file, or not readable and writable by this process: refused.
 * Returns whether it was created.
 */
export function prepareDataDir(dir: string, options: { create: boolean }): { created: boolean } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new DataDirError('DATA_DIR_UNREADABLE', dir, String(code));
    if (!options.create) {
      throw new DataDirError('DATA_DIR_MISSING', dir);
    }
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (mkdirError) {
      throw new DataDirError('DATA_DIR_UNCREATABLE', dir, String((mkdirError as NodeJS.ErrnoException).code));
    }
    return { created: true };
  }
  if (!stat.isDirectory()) throw new DataDirError('DATA_DIR_NOT_A_DIRECTORY', dir);
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    const registry = path.join(dir, REGISTRY_FILE);
    if (fs.existsSync(registry)) fs.accessSync(registry, fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    throw new DataDirError('DATA_DIR_NOT_WRITABLE', dir, String(process.getuid?.() ?? '?'));
  }
  return { created: false };
}
