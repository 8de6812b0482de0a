/**
 * Rotates the audit log's checkpoint signing key, the way scripts/rotate-key.ts rotates the QR key (same
 * key ring machinery): a new key signs from now on, the old one is retired and still listed at
 * GET /api/v1/audit/log-key. Tell the witnesses the new verifier key (printed here) through another channel
 * first: a witness trusts a new log key only when its operator passes it with --log-key.
 *
 *   tsx scripts/rotate-log-key.ts [--data-dir DIR]     rotate (DATA_DIR/audit-log/keys, or the file
 *                                                      AUDIT_LOG_SIGNING_KEYS names)
 * Never prints a private key. Exit status 0 on success, 2 on a usage or configuration error.
 */
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { ALG_ED25519, formatVkey } from '../server/audit/checkpoint';
import { logOrigin } from '../server/audit/transparency-service';
import { auditLogKeyHome } from '../server/composition/services';
import { ConfigError, loadConfig } from '../server/config';
import {
  isInlineKeyList,
  keyDirOf,
  openKeyRing,
  rotateKeyDir,
  rotateKeyListFile,
} from '../server/qr/signing-keys';

function main(): number {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { 'data-dir': { type: 'string' } } });
  const config = loadConfig({
    ...process.env,
    ...(values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {}),
  });
  const configured = config.AUDIT_LOG_SIGNING_KEYS;
  if (configured !== undefined && isInlineKeyList(configured)) {
    console.error(
      'AUDIT_LOG_SIGNING_KEYS holds the keys themselves: put a new PKCS8 Ed25519 PEM first in the array on every instance.',
    );
    return 2;
  }
  const home = auditLogKeyHome(config.DATA_DIR);
  const { created, retired } = configured ? rotateKeyListFile(configured) : rotateKeyDir(keyDirOf(home));
  const ring = openKeyRing({ dataDir: home, configured, watch: false });
  try {
    const jwk = ring.jwks().keys.find((k) => k.kid === created);
    if (!jwk) throw new Error('the new key is not in the ring');
    const vkey = formatVkey(logOrigin(config.PUBLIC_BASE_URL), ALG_ED25519, Buffer.from(jwk.x, 'base64url'));
    console.log(`new audit log key ${created} signs from now on; retired: ${retired.join(', ') || 'none'}`);
    console.log(`its verifier key (give it to every witness): ${vkey}`);
    console.log(`fingerprint: ${crypto.createHash('sha256').update(vkey).digest('hex').slice(0, 16)}`);
  } finally {
    ring.close();
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  process.exitCode = 2;
}
