/**
 * Rotates the QR signing key, without downtime: a new key becomes the active (signing) key and the old
 * one is retired (it still verifies every code it signed). Running instances pick the change up by
 * themselves within seconds (and at once for a code signed by a key they have not seen yet).
 *
 *   tsx scripts/rotate-key.ts [--data-dir DIR]            rotate
 *   tsx scripts/rotate-key.ts --list [--data-dir DIR]     list the keys (kid, state, created)
 *   tsx scripts/rotate-key.ts --remove KID                delete a retired key: the codes it signed then
 *                                                         answer UNKNOWN_KEY, so reprint them first
 *
 * Keys live in DATA_DIR/keys, or in the file QR_SIGNING_KEYS names (cluster mode; the new key goes first).
 * With --receipts, the same for the receipt keys: DATA_DIR/receipt-keys, or RECEIPT_SIGNING_KEYS (receipts
 * a removed key signed then answer UNKNOWN_KEY).
 * When QR_SIGNING_KEYS holds the keys themselves, nothing can be rewritten: the script says how to rotate
 * by hand. It speaks Chinese or English (--lang, else the system locale: scripts/cli-lang.ts); the --list
 * lines (kid, state, created) are the same in both. Never prints a private key. Exit status 0 on success, 2 on a usage or configuration error.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../server/config';
import {
  isInlineKeyList,
  keyDirOf,
  listKeyDir,
  openKeyRing,
  removeKeyFromDir,
  removeKeyFromListFile,
  rotateKeyDir,
  rotateKeyListFile,
} from '../server/qr/signing-keys';
import { receiptKeyPurpose } from '../server/receipts/receipt-service';
import type { Lang } from '../server/platform/i18n';
import { StartupRefusal } from '../server/platform/locale';
import { cliLanguage } from './cli-lang';

class UsageError extends Error {}

/** What the tool prints, in Chinese and English. */
const TEXTS: Record<
  Lang,
  {
    badLang: string;
    badCommandLine: (what: string | undefined, english: string) => string;
    listAndRemove: string;
    inlineHelp: string;
    badKid: (kid: string) => string;
    removed: (kid: string, where: string) => string;
    created: (kid: string, where: string) => string;
    retired: (kids: string) => string;
    failed: (why: string) => string;
  }
> = {
  zh: {
    badLang: '--lang 只能是 zh 或 en。',
    badCommandLine: (what) => (what ? `命令行有误：无法识别或缺少取值的“${what}”。` : '命令行有误。'),
    listAndRemove: '--list 和 --remove 不能同时使用。',
    inlineHelp: `QR_SIGNING_KEYS 直接存放了密钥本身，本脚本无法改写。轮换步骤：
  1. 在每个实例上把一把新的 PKCS8 Ed25519 PEM（openssl genpkey -algorithm ed25519）加到数组末尾
     （逐个重启）：此后每个实例都能用它验证；
  2. 把它移到数组开头（逐个重启）：此后由它签名，旧密钥退役；
  3. 之后从数组中删去旧密钥（它签过的码随后返回 UNKNOWN_KEY）。
也可以让 QR_SIGNING_KEYS 指向存放该数组的文件（挂载的密钥文件）：本脚本即可轮换它，各实例无需重启即可生效。`,
    badKid: (kid) => `--remove 需要一个密钥编号（11 个 base64url 字符），而不是“${kid}”。`,
    removed: (kid, where) => `已从 ${where} 删除退役密钥 ${kid}；它签过的码现在返回 UNKNOWN_KEY。`,
    created: (kid, where) => `新的签名密钥 ${kid} 已在 ${where} 启用。`,
    retired: (kids) => `已退役（仍用于验证）：${kids}`,
    failed: (why) => `rotate-key 失败：${why}`,
  },
  en: {
    badLang: '--lang is zh or en.',
    badCommandLine: (_what, english) => english,
    listAndRemove: '--list and --remove do not go together',
    inlineHelp: `QR_SIGNING_KEYS holds the keys themselves, so this script cannot rewrite them. To rotate:
  1. add a new PKCS8 Ed25519 PEM (openssl genpkey -algorithm ed25519) at the END of the array on every
     instance (rolling restart): every instance now verifies it;
  2. move it to the FRONT of the array (rolling restart): it signs from now on, the old key is retired;
  3. later, drop the old key from the array (codes it signed then answer UNKNOWN_KEY).
Or point QR_SIGNING_KEYS at a file holding the array (a mounted secret): then this script rotates it and
instances pick the change up without a restart.`,
    badKid: (kid) => `--remove takes a kid (11 base64url characters), not "${kid}"`,
    removed: (kid, where) =>
      `removed retired key ${kid} from ${where}; codes it signed now answer UNKNOWN_KEY`,
    created: (kid, where) => `new active key ${kid} in ${where}`,
    retired: (kids) => `retired (still verifying): ${kids}`,
    failed: (why) => `rotate-key failed: ${why}`,
  },
};

const { lang, valid: langValid } = cliLanguage();
const T = TEXTS[lang];

function main(): number {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      list: { type: 'boolean', default: false },
      remove: { type: 'string' },
      'data-dir': { type: 'string' },
      receipts: { type: 'boolean', default: false },
      lang: { type: 'string' },
    },
  });
  if (!langValid) throw new UsageError(T.badLang);
  const config = loadConfig({
    ...process.env,
    ...(values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {}),
  });
  const purpose = values.receipts ? receiptKeyPurpose(config.DATA_DIR) : undefined;
  const configured = values.receipts ? config.RECEIPT_SIGNING_KEYS : config.QR_SIGNING_KEYS;
  const keyDir = purpose?.keyDir ?? keyDirOf(config.DATA_DIR);
  if (values.list && values.remove !== undefined) throw new UsageError(T.listAndRemove);
  if (configured !== undefined && isInlineKeyList(configured) && !values.list)
    throw new UsageError(
      values.receipts ? T.inlineHelp.replace(/QR_SIGNING_KEYS/g, 'RECEIPT_SIGNING_KEYS') : T.inlineHelp,
    );

  if (values.list) {
    const keys =
      configured === undefined
        ? listKeyDir(keyDir)
        : openKeyRing({ dataDir: config.DATA_DIR, configured, watch: false, purpose }).list();
    for (const key of keys)
      console.log(`${key.kid}  ${key.state.padEnd(7)}  ${key.createdAt ?? ''}`.trimEnd());
    return 0;
  }

  const where = configured ?? keyDir;
  if (values.remove !== undefined) {
    const kid = values.remove.trim();
    if (!/^[A-Za-z0-9_-]{11}$/.test(kid)) throw new UsageError(T.badKid(kid));
    try {
      if (configured === undefined) removeKeyFromDir(where, kid);
      else removeKeyFromListFile(where, kid);
    } catch (err) {
      throw new UsageError(err instanceof StartupRefusal ? err.text(lang) : (err as Error).message);
    }
    console.log(T.removed(kid, where));
    return 0;
  }

  const { created, retired } = configured === undefined ? rotateKeyDir(where) : rotateKeyListFile(where);
  console.log(T.created(created, where));
  if (retired.length > 0) console.log(T.retired(retired.join(lang === 'zh' ? '、' : ', ')));
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  const message = (error as Error).message;
  if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
    // As before: a command line the parser refused ends with status 1.
    console.error(T.failed(T.badCommandLine(/'([^']+)'/.exec(message)?.[1], message)));
    process.exitCode = 1;
  } else if (error instanceof UsageError || error instanceof ConfigError) {
    console.error(error instanceof ConfigError ? error.text(lang) : message);
    process.exitCode = 2;
  } else {
    console.error(T.failed(error instanceof StartupRefusal ? error.text(lang) : message));
    process.exitCode = 1;
  }
}
