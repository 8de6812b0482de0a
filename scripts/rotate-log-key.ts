/**
 * Rotates the audit log's checkpoint signing key, the way scripts/rotate-key.ts rotates the QR key (same
 * key ring machinery): a new key signs from now on, the old one is retired and still listed at
 * GET /api/v1/audit/log-key. Tell the witnesses the new verifier key (printed here) through another channel
 * first: a witness trusts a new log key only when its operator passes it with --log-key.
 *
 *   tsx scripts/rotate-log-key.ts [--data-dir DIR]     rotate (DATA_DIR/audit-log/keys, or the file
 *                                                      AUDIT_LOG_SIGNING_KEYS names)
 * It speaks Chinese or English (--lang, else the system locale: scripts/cli-lang.ts); the verifier key and
 * fingerprint are the same in both. Never prints a private key. Exit status 0 on success, 2 on a usage or
 * configuration error.
 */
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { ALG_ED25519, formatVkey } from '../server/audit/checkpoint';
import { logOrigin } from '../server/audit/transparency-service';
import { auditLogKeyHome } from '../server/composition/services';
import { loadConfig } from '../server/config';
import type { Lang } from '../server/platform/i18n';
import { StartupRefusal } from '../server/platform/locale';
import {
  isInlineKeyList,
  keyDirOf,
  openKeyRing,
  rotateKeyDir,
  rotateKeyListFile,
} from '../server/qr/signing-keys';
import { cliLanguage } from './cli-lang';

class UsageError extends Error {}

/** What the tool prints, in Chinese and English. */
const TEXTS: Record<
  Lang,
  {
    badLang: string;
    badCommandLine: (what: string | undefined, english: string) => string;
    inline: string;
    notInRing: string;
    created: (kid: string, retired: string) => string;
    none: string;
    vkey: (vkey: string) => string;
    fingerprint: (hex: string) => string;
    failed: (why: string) => string;
  }
> = {
  zh: {
    badLang: '--lang 只能是 zh 或 en。',
    badCommandLine: (what) => (what ? `命令行有误：无法识别或缺少取值的“${what}”。` : '命令行有误。'),
    inline:
      'AUDIT_LOG_SIGNING_KEYS 直接存放了密钥本身：请在每个实例上把一把新的 PKCS8 Ed25519 PEM 放在数组开头。',
    notInRing: '新密钥不在密钥环中',
    created: (kid, retired) => `新的审计日志密钥 ${kid} 从现在起签名；已退役：${retired}`,
    none: '无',
    vkey: (vkey) => `它的验证密钥（交给每个见证方）：${vkey}`,
    fingerprint: (hex) => `指纹：${hex}`,
    failed: (why) => `rotate-log-key 失败：${why}`,
  },
  en: {
    badLang: '--lang is zh or en.',
    badCommandLine: (_what, english) => english,
    inline:
      'AUDIT_LOG_SIGNING_KEYS holds the keys themselves: put a new PKCS8 Ed25519 PEM first in the array on every instance.',
    notInRing: 'the new key is not in the ring',
    created: (kid, retired) => `new audit log key ${kid} signs from now on; retired: ${retired}`,
    none: 'none',
    vkey: (vkey) => `its verifier key (give it to every witness): ${vkey}`,
    fingerprint: (hex) => `fingerprint: ${hex}`,
    failed: (why) => `rotate-log-key failed: ${why}`,
  },
};

const { lang, valid: langValid } = cliLanguage();
const T = TEXTS[lang];

function main(): number {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { 'data-dir': { type: 'string' }, lang: { type: 'string' } },
  });
  if (!langValid) throw new UsageError(T.badLang);
  const config = loadConfig({
    ...process.env,
    ...(values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {}),
  });
  const configured = config.AUDIT_LOG_SIGNING_KEYS;
  if (configured !== undefined && isInlineKeyList(configured)) {
    console.error(T.inline);
    return 2;
  }
  const home = auditLogKeyHome(config.DATA_DIR);
  const { created, retired } = configured ? rotateKeyListFile(configured) : rotateKeyDir(keyDirOf(home));
  const ring = openKeyRing({ dataDir: home, configured, watch: false });
  try {
    const jwk = ring.jwks().keys.find((k) => k.kid === created);
    if (!jwk) throw new Error(T.notInRing);
    const vkey = formatVkey(logOrigin(config.PUBLIC_BASE_URL), ALG_ED25519, Buffer.from(jwk.x, 'base64url'));
    console.log(T.created(created, retired.join(lang === 'zh' ? '、' : ', ') || T.none));
    console.log(T.vkey(vkey));
    console.log(T.fingerprint(crypto.createHash('sha256').update(vkey).digest('hex').slice(0, 16)));
  } finally {
    ring.close();
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  const message = (error as Error).message;
  if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
    console.error(T.failed(T.badCommandLine(/'([^']+)'/.exec(message)?.[1], message)));
  } else {
    if (error instanceof StartupRefusal) console.error(error.text(lang));
    else console.error(error instanceof UsageError ? message : T.failed(message));
  }
  process.exitCode = 2;
}
