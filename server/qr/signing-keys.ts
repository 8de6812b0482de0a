/**
 * The Ed25519 keys that sign certificate QR codes: a key ring with exactly one active (signing) key and
 * any number of retired keys that still verify until they are removed. Node's own crypto does the
 * cryptography; nothing here is hand-rolled.
 *
 * Where the keys come from:
 *  - single node: one JSON file per key under DATA_DIR/keys (`{kid}.json`, mode 0600, in a 0700 directory):
 *    `{ kid, createdAt, state: 'active' | 'retired', privateKeyPem (PKCS8), publicJwk }`. The first start
 *    with no active key creates one. `scripts/rotate-key.ts` adds a new active key and retires the old.
 *  - cluster mode: QR_SIGNING_KEYS, the same on every instance: a JSON array of PKCS8 PEMs, or the path of a
 *    file holding one. The FIRST key signs; the others are retired (verify only).
 *
 * Rotation without downtime: files are replaced by atomic renames, the ring re-reads its source when the
 * source changes (checked every few seconds), and a kid it does not know makes it re-read at once, so a
 * code signed a moment ago by an instance that has already seen the new key verifies everywhere.
 *
 * Private keys never leave this module: only the active key's KeyObject is kept (in a closure), and no
 * log line, error or JWKS carries key material.
 */
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Logger } from '../platform/logger';
import { writeAtomic } from '../platform/files';
import { readRemoved, recordRemoval, type RemovedKey } from './removed-keys';
import { KeyFileError } from './signing-key-errors';

export const KEY_STATES = ['active', 'retired'] as const;
export type KeyState = (typeof KEY_STATES)[number];

/** A public key as the JWKS publishes it (RFC 8037 OKP key). */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface Jwks {
  keys: PublicJwk[];
  /**
   * Keys removed from the ring (an extension member of the JWKS): a verifier tells a code signed with a
   * withdrawn key from one signed with a key this portal never had.
   */
  removed: RemovedKey[];
}

/** What a listing shows of a key: never the private part. */
export interface KeyInfo {
  kid: string;
  state: KeyState;
  /** ISO timestamp; absent for keys given by QR_SIGNING_KEYS. */
  createdAt?: string;
}

/** The outcome of checking one signature. */
export type SignatureCheck = 'valid' | 'invalid' | 'unknown-key' | 'removed-key';

export interface KeyRing {
  /** Signs `message` with the active key. */
  sign(message: Uint8Array): { kid: string; signature: Uint8Array };
  /** The kid of the key that signs now. */
  activeKid(): string;
  /**
   * Checks `signature` over `message` with the key `kid` (active or retired). An unknown kid makes the ring
   * re-read its source first (at once when the source changed, else at most once a second); a kid that was
   * removed from the ring answers `removed-key`.
   */
  verify(kid: string, message: Uint8Array, signature: Uint8Array): SignatureCheck;
  /** The public keys, active first, then retired ones newest first. */
  jwks(): Jwks;
  /** Every key with its state, active first. */
  list(): KeyInfo[];
  /** Re-reads the source now (the periodic check does this when the source changed). */
  reload(): void;
  /** Stops the periodic check. */
  close(): void;
}

/** The key file format under DATA_DIR/keys. */
const keyFileSchema = z.object({
  kid: z.string().regex(/^[A-Za-z0-9_-]{11}$/),
  createdAt: z.iso.datetime(),
  state: z.enum(KEY_STATES),
  privateKeyPem: z.string().min(1),
  publicJwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string() }).loose(),
});
type KeyFile = z.infer<typeof keyFileSchema>;

/** A key as loaded: the private part only for the key that signs. */
interface LoadedKey {
  kid: string;
  state: KeyState;
  createdAt?: string;
  publicKey: KeyObject;
  privateKey?: KeyObject;
  jwk: PublicJwk;
}

/** How often the ring looks whether its source changed. */
const CHECK_INTERVAL_MS = 5_000;
/** However the source looks, the ring re-reads it at least this often (file systems with coarse mtimes). */
const FULL_RELOAD_MS = 60_000;
/** An unknown kid re-reads an unchanged source at most this often (random kids must not hammer the disk). */
const UNKNOWN_KID_RELOAD_MS = 1_000;
/** Signatures remembered as valid (see `verify`): a popular product's code is scanned again and again. */
const VERIFIED_MEMO_SIZE = 10_000;

/**
 * The key id: base64url of the first 8 bytes of SHA-256 of the raw 32-byte public key (as the EU Digital
 * COVID Certificate derives its kid from the signing certificate).
 */
export function kidOf(publicKey: KeyObject): string {
  const raw = Buffer.from(rawPublicKey(publicKey), 'base64url');
  return crypto.createHash('sha256').update(raw).digest().subarray(0, 8).toString('base64url');
}

function rawPublicKey(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new KeyFileError('KEY_NOT_ED25519');
  }
  return jwk.x;
}

function publicJwkOf(publicKey: KeyObject): PublicJwk {
  const x = rawPublicKey(publicKey);
  return { kty: 'OKP', crv: 'Ed25519', x, kid: kidOf(publicKey), alg: 'EdDSA', use: 'sig' };
}

/** Reads a PKCS8 PEM as an Ed25519 private key, or throws an error that carries no key material. */
function privateKeyFromPem(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = crypto.createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new KeyFileError('KEY_NOT_PKCS8');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyFileError('KEY_NOT_ED25519');
  return key;
}

function loadKey(pem: string, state: KeyState, createdAt: string | undefined): LoadedKey {
  const privateKey = privateKeyFromPem(pem);
  const publicKey = crypto.createPublicKey(privateKey);
  const jwk = publicJwkOf(publicKey);
  return { kid: jwk.kid, state, createdAt, publicKey, privateKey, jwk };
}

/** A new key pair as a key file (not yet written). */
export function generateKeyFile(state: KeyState = 'active', now = new Date()): KeyFile {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const { kid: _kid, alg: _alg, use: _use, ...publicJwk } = publicJwkOf(publicKey);
  return {
    kid: kidOf(publicKey),
    createdAt: now.toISOString(),
    state,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicJwk,
  };
}

/** A fresh Ed25519 private key as a PKCS8 PEM (for QR_SIGNING_KEYS). */
export function generatePrivateKeyPem(): string {
  return generateKeyFile().privateKeyPem;
}

// ---------------------------------------------------------------------------------------------------------
// The key directory (single node)

const keyFilePath = (dir: string, kid: string) => path.join(dir, `${kid}.json`);

function ensureKeyDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** The key files of `dir`, parsed; a file that cannot be read is reported to `onBadFile` and skipped. */
function readKeyDir(dir: string, onBadFile: (file: string, why: string) => void): KeyFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files: KeyFile[] = [];
  for (const name of names) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, name), 'utf8');
    } catch (err) {
      // Removed between the listing and the read (a rotation going on): simply not there.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Not the parser's message: it quotes the text around the error, which may be part of a key.
      onBadFile(name, 'not valid JSON');
      continue;
    }
    const parsed = keyFileSchema.safeParse(json);
    if (!parsed.success) {
      onBadFile(name, `not a key file (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`);
      continue;
    }
    if (`${parsed.data.kid}.json` !== name) {
      onBadFile(name, 'the file name is not its kid');
      continue;
    }
    files.push(parsed.data);
  }
  return files;
}

/** The keys of the directory, active first (newest active first), then retired newest first. */
export function listKeyDir(dir: string): KeyInfo[] {
  return sortKeys(readKeyDir(dir, () => undefined)).map(({ kid, state, createdAt }) => ({
    kid,
    state,
    createdAt,
  }));
}

function sortKeys<T extends { state: KeyState; createdAt?: string; kid: string }>(keys: T[]): T[] {
  const rank = (k: T) => (k.state === 'active' ? 0 : 1);
  return [...keys].sort(
    (a, b) =>
      rank(a) - rank(b) || (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.kid.localeCompare(b.kid),
  );
}

/**
 * Creates a new active key in `dir` and retires every other active key. The new key is written first, so
 * that at every moment the directory holds an active key and every key that signed anything.
 */
export function rotateKeyDir(dir: string, now = new Date()): { created: string; retired: string[] } {
  ensureKeyDir(dir);
  const before = readKeyDir(dir, () => undefined);
  const next = generateKeyFile('active', now);
  writeAtomic(keyFilePath(dir, next.kid), `${JSON.stringify(next, null, 2)}\n`);
  const retired: string[] = [];
  for (const key of before) {
    if (key.state !== 'active') continue;
    writeAtomic(keyFilePath(dir, key.kid), `${JSON.stringify({ ...key, state: 'retired' }, null, 2)}\n`);
    retired.push(key.kid);
  }
  return { created: next.kid, retired };
}

/**
 * Deletes the retired key `kid` from `dir`: codes it signed no longer verify. Refuses the active key. Its kid
 * and the date stay behind (published in the JWKS's `removed`), so verifiers can say the key was withdrawn.
 */
export function removeKeyFromDir(dir: string, kid: string, now = new Date()): void {
  const key = readKeyDir(dir, () => undefined).find((k) => k.kid === kid);
  if (!key) throw new Error(`no key ${kid} in ${dir}`);
  if (key.state === 'active') throw new Error(`key ${kid} is the active key: rotate first, then remove it`);
  recordRemoval(dir, kid, now);
  fs.rmSync(keyFilePath(dir, kid));
}

// ---------------------------------------------------------------------------------------------------------
// QR_SIGNING_KEYS (cluster mode)

const pemListSchema = z.array(z.string().min(1)).min(1);

/** `where`: the file holding the list, undefined for the variable's value itself. */
function parsePemList(text: string, where: string | undefined, envName = 'QR_SIGNING_KEYS'): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyFileError('KEY_LIST_NOT_JSON', { envName, where });
  }
  const parsed = pemListSchema.safeParse(json);
  if (!parsed.success) {
    throw new KeyFileError('KEY_LIST_EMPTY', { envName, where });
  }
  return parsed.data;
}

/** The text of a key list file, or a KeyFileError naming the variable (a missing file stops the start). */
function readKeyListFile(file: string, envName: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const detail = String((err as NodeJS.ErrnoException).code);
    throw new KeyFileError('KEY_FILE_UNREADABLE', { envName, where: file, detail });
  }
}

/** True when QR_SIGNING_KEYS holds the keys themselves rather than the path of a file holding them. */
export function isInlineKeyList(value: string): boolean {
  return value.trimStart().startsWith('[');
}

/** Puts a new key first in the key list file (it signs from now on); the others become retired. */
export function rotateKeyListFile(file: string): { created: string; retired: string[] } {
  const pems = parsePemList(fs.readFileSync(file, 'utf8'), file);
  const next = generateKeyFile('active');
  writeAtomic(file, `${JSON.stringify([next.privateKeyPem, ...pems], null, 2)}\n`);
  return {
    created: next.kid,
    retired: [kidOf(crypto.createPublicKey(privateKeyFromPem(pems[0] as string)))],
  };
}

/** Removes the retired key `kid` from the key list file; refuses the first (active) key. */
export function removeKeyFromListFile(file: string, kid: string): void {
  const pems = parsePemList(fs.readFileSync(file, 'utf8'), file);
  const index = pems.findIndex((pem) => kidOf(crypto.createPublicKey(privateKeyFromPem(pem))) === kid);
  if (index < 0) throw new Error(`no key ${kid} in ${file}`);
  if (index === 0) throw new Error(`key ${kid} is the active key: rotate first, then remove it`);
  writeAtomic(
    file,
    `${JSON.stringify(
      pems.filter((_, i) => i !== index),
      null,
      2,
    )}\n`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// The ring

/** Where a ring reads its keys: `version` changes whenever `load` may give something new. */
interface KeySource {
  describe: string;
  version(): string;
  load(): LoadedKey[];
  /** Keys taken out of the source, as far as it remembers them. */
  removed(): RemovedKey[];
}

function dirSource(dir: string, logger: Logger | undefined): KeySource {
  return {
    describe: dir,
    version() {
      // Every write is a rename into the directory, which changes the directory's mtime.
      try {
        const stat = fs.statSync(dir);
        return `${stat.mtimeMs}`;
      } catch {
        return 'missing';
      }
    },
    load() {
      const files = readKeyDir(dir, (file, why) => logger?.warn({ file, why }, 'signing key file skipped'));
      const keys: LoadedKey[] = [];
      for (const file of files) {
        try {
          const key = loadKey(file.privateKeyPem, file.state, file.createdAt);
          if (key.kid !== file.kid) throw new Error('its kid does not match its key');
          keys.push(key);
        } catch (err) {
          logger?.warn({ file: `${file.kid}.json`, why: (err as Error).message }, 'signing key file skipped');
        }
      }
      return keys;
    },
    removed: () => readRemoved(dir),
  };
}

function pemListSource(
  pems: () => string[],
  describe: string,
  version: () => string,
  envName = 'QR_SIGNING_KEYS',
): KeySource {
  return {
    describe,
    version,
    load() {
      return pems().map((pem, i) => {
        try {
          return loadKey(pem, i === 0 ? 'active' : 'retired', undefined);
        } catch (err) {
          throw new KeyFileError('KEY_UNUSABLE', {
            envName,
            where: describe,
            index: i + 1,
            inner: err as Error,
          });
        }
      });
    },
    // A key list keeps no record of the keys taken out of it: such codes answer unknown-key.
    removed: () => [],
  };
}

export interface KeyRingOptions {
  /** DATA_DIR: keys live in its `keys` folder unless `configured` is given. */
  dataDir: string;
  /** QR_SIGNING_KEYS: a JSON array of PKCS8 PEMs, or the path of a file holding one. */
  configured?: string;
  /**
   * A ring for another purpose (receipts): its own key directory (instead of DATA_DIR/keys), the name of
   * its variable in error messages, and its name in log lines. QR keys by default.
   */
  purpose?: { keyDir: string; envName: string; name: string };
  logger?: Logger;
  /** Set false in scripts: no timer. */
  watch?: boolean;
  /** How often the source is looked at (CHECK_INTERVAL_MS by default). */
  checkIntervalMs?: number;
  now?: () => number;
}

/** The key directory for a DATA_DIR. */
export function keyDirOf(dataDir: string): string {
  return path.join(dataDir, 'keys');
}

/**
 * Opens the key ring. With no QR_SIGNING_KEYS and no active key in DATA_DIR/keys, creates one (the first
 * start). Throws at once, with a message naming the problem but no key material, when the configured keys
 * cannot be read.
 */
export function openKeyRing(options: KeyRingOptions): KeyRing {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const envName = options.purpose?.envName ?? 'QR_SIGNING_KEYS';
  const purpose = options.purpose?.name ?? 'QR';
  let source: KeySource;
  if (options.configured !== undefined && isInlineKeyList(options.configured)) {
    const pems = parsePemList(options.configured, undefined, envName);
    source = pemListSource(
      () => pems,
      envName,
      () => 'inline',
      envName,
    );
  } else if (options.configured !== undefined) {
    const file = options.configured;
    source = pemListSource(
      () => parsePemList(readKeyListFile(file, envName), file, envName),
      file,
      () => {
        try {
          const stat = fs.statSync(file);
          return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
        } catch {
          return 'missing';
        }
      },
      envName,
    );
  } else {
    const dir = options.purpose?.keyDir ?? keyDirOf(options.dataDir);
    ensureKeyDir(dir);
    if (!readKeyDir(dir, () => undefined).some((k) => k.state === 'active')) {
      const { created } = rotateKeyDir(dir);
      logger?.info({ kid: created, dir }, `no active ${purpose} signing key: created one`);
    }
    source = dirSource(dir, logger);
  }

  interface State {
    version: string;
    loadedAt: number;
    active: LoadedKey & { privateKey: KeyObject };
    byKid: Map<string, LoadedKey>;
    removed: Map<string, RemovedKey>;
    jwks: Jwks;
    list: KeyInfo[];
  }

  function read(): State {
    const version = source.version();
    const keys = sortKeys(source.load());
    const active = keys.find((k) => k.state === 'active');
    if (!active?.privateKey) throw new KeyFileError('NO_ACTIVE_KEY', { purpose, where: source.describe });
    const byKid = new Map<string, LoadedKey>();
    for (const key of keys) {
      // Only the signing key keeps its private part.
      if (key !== active) delete key.privateKey;
      if (!byKid.has(key.kid)) byKid.set(key.kid, key);
    }
    const unique = [...byKid.values()];
    // A kid back in the ring (restored from a backup) is no longer removed.
    const removed = new Map(
      source
        .removed()
        .filter((r) => !byKid.has(r.kid))
        .map((r) => [r.kid, r]),
    );
    return {
      version,
      loadedAt: now(),
      active: active as State['active'],
      byKid,
      removed,
      jwks: { keys: unique.map((k) => ({ ...k.jwk })), removed: [...removed.values()] },
      list: unique.map(({ kid, state, createdAt }) => ({ kid, state, createdAt })),
    };
  }

  let state = read();
  /**
   * Exact (kid, message, signature) triples that verified: Ed25519 verification costs a few hundred µs, the
   * lookup about one. Only valid outcomes are kept (a forger cannot fill it), and only consulted while the kid
   * is still in the ring, so a removed key never answers from it.
   */
  const verified = new LRUCache<string, true>({ max: VERIFIED_MEMO_SIZE });
  logger?.info({ active: state.active.kid, keys: state.list.length }, `${purpose} signing keys loaded`);

  function reload(): void {
    const previous = state;
    try {
      state = read();
    } catch (err) {
      // Keep signing and verifying with what worked: a bad edit must not take the service down.
      logger?.error(
        { why: (err as Error).message },
        `${purpose} signing keys could not be re-read; keeping the previous ones`,
      );
      state = { ...previous, version: source.version(), loadedAt: now() };
      return;
    }
    if (state.active.kid !== previous.active.kid) {
      logger?.info(
        { active: state.active.kid, previous: previous.active.kid },
        `${purpose} signing key rotated`,
      );
    }
  }

  function reloadIfChanged(): void {
    if (source.version() !== state.version || now() - state.loadedAt >= FULL_RELOAD_MS) reload();
  }

  let timer: NodeJS.Timeout | undefined;
  if (options.watch !== false) {
    timer = setInterval(reloadIfChanged, options.checkIntervalMs ?? CHECK_INTERVAL_MS);
    timer.unref();
  }

  return {
    sign(message) {
      const { active } = state;
      return { kid: active.kid, signature: crypto.sign(null, message, active.privateKey) };
    },
    activeKid: () => state.active.kid,
    verify(kid, message, signature) {
      let key = state.byKid.get(kid);
      if (!key) {
        if (source.version() !== state.version || now() - state.loadedAt >= UNKNOWN_KID_RELOAD_MS) reload();
        key = state.byKid.get(kid);
        if (!key) return state.removed.has(kid) ? 'removed-key' : 'unknown-key';
      }
      if (signature.length !== 64) return 'invalid';
      const memoKey = `${kid}.${Buffer.from(signature).toString('base64')}.${Buffer.from(message).toString('latin1')}`;
      if (verified.get(memoKey)) return 'valid';
      let valid: boolean;
      try {
        valid = crypto.verify(null, message, key.publicKey, signature);
      } catch {
        return 'invalid';
      }
      if (!valid) return 'invalid';
      verified.set(memoKey, true);
      return 'valid';
    },
    jwks: () => ({
      keys: state.jwks.keys.map((k) => ({ ...k })),
      removed: state.jwks.removed.map((r) => ({ ...r })),
    }),
    list: () => state.list.map((k) => ({ ...k })),
    reload,
    close() {
      if (timer) clearInterval(timer);
    },
  };
}
