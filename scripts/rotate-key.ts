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
 * by hand. Never prints a private key. Exit status 0 on success, 2 on a usage or configuration error.
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

class UsageError extends Error {}

const INLINE_HELP = `QR_SIGNING_KEYS holds the keys themselves, so this script cannot rewrite them. To rotate:
  1. add a new PKCS8 Ed25519 PEM (openssl genpkey -algorithm ed25519) at the END of the array on every
     instance (rolling restart): every instance now verifies it;
  2. move it to the FRONT of the array (rolling restart): it signs from now on, the old key is retired;
  3. later, drop the old key from the array (codes it signed then answer UNKNOWN_KEY).
Or point QR_SIGNING_KEYS at a file holding the array (a mounted secret): then this script rotates it and
instances pick the change up without a restart.`;

function main(): number {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      list: { type: 'boolean', default: false },
      remove: { type: 'string' },
      'data-dir': { type: 'string' },
      receipts: { type: 'boolean', default: false },
    },
  });
  const config = loadConfig({
    ...process.env,
    ...(values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {}),
  });
  const purpose = values.receipts ? receiptKeyPurpose(config.DATA_DIR) : undefined;
  const configured = values.receipts ? config.RECEIPT_SIGNING_KEYS : config.QR_SIGNING_KEYS;
  const keyDir = purpose?.keyDir ?? keyDirOf(config.DATA_DIR);
  if (values.list && values.remove !== undefined)
    throw new UsageError('--list and --remove do not go together');
  if (configured !== undefined && isInlineKeyList(configured) && !values.list)
    throw new UsageError(
      values.receipts ? INLINE_HELP.replace(/QR_SIGNING_KEYS/g, 'RECEIPT_SIGNING_KEYS') : INLINE_HELP,
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
    if (!/^[A-Za-z0-9_-]{11}$/.test(kid))
      throw new UsageError(`--remove takes a kid (11 base64url characters), not "${kid}"`);
    try {
      if (configured === undefined) removeKeyFromDir(where, kid);
      else removeKeyFromListFile(where, kid);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    console.log(`removed retired key ${kid} from ${where}; codes it signed now answer UNKNOWN_KEY`);
    return 0;
  }

  const { created, retired } = configured === undefined ? rotateKeyDir(where) : rotateKeyListFile(where);
  console.log(`new active key ${created} in ${where}`);
  if (retired.length > 0) console.log(`retired (still verifying): ${retired.join(', ')}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  if (error instanceof UsageError || error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    console.error('rotate-key failed:', (error as Error).message);
    process.exitCode = 1;
  }
}
