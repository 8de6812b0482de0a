import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import util from 'node:util';
import { createLogger } from '../../server/platform/logger';
import {
  generatePrivateKeyPem,
  keyDirOf,
  kidOf,
  listKeyDir,
  openKeyRing,
  removeKeyFromDir,
  removeKeyFromListFile,
  rotateKeyDir,
  rotateKeyListFile,
  type KeyRing,
} from '../../server/qr/signing-keys';
import type { KeyFileError } from '../../server/qr/signing-key-errors';
import { tempDir } from '../helpers/test-app';

const message = new TextEncoder().encode('certwatch:1:AAAAAAAAAAAAAAAAAAAAAA:data');

/** A logger writing into `lines`, at every level. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('trace', stream), lines };
}

/** Every private key PEM body and private JWK `d` found under `dir`, to look for in what must not hold them. */
function secretsIn(dir: string): string[] {
  const secrets: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const file = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { privateKeyPem: string };
    const key = crypto.createPrivateKey(file.privateKeyPem);
    secrets.push(file.privateKeyPem.split('\n')[1] as string, key.export({ format: 'jwk' }).d as string);
  }
  return secrets;
}

describe('QR signing key ring (key directory)', () => {
  let dataDir: string;
  const rings: KeyRing[] = [];
  const open = (options: Partial<Parameters<typeof openKeyRing>[0]> = {}) => {
    const ring = openKeyRing({ dataDir, watch: false, ...options });
    rings.push(ring);
    return ring;
  };

  beforeEach(() => {
    dataDir = tempDir();
  });
  afterEach(() => {
    rings.splice(0).forEach((r) => r.close());
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('when the ring opens on an empty data dir, then it creates one active key, private to its owner', () => {
    const ring = open();
    const keys = listKeyDir(keyDirOf(dataDir));
    expect(keys).toEqual([{ kid: ring.activeKid(), state: 'active', createdAt: expect.any(String) }]);
    expect(fs.statSync(keyDirOf(dataDir)).mode & 0o777).toBe(0o700);
    const file = path.join(keyDirOf(dataDir), `${ring.activeKid()}.json`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = open();
    expect(second.activeKid()).toBe(ring.activeKid());
    expect(fs.readdirSync(keyDirOf(dataDir))).toHaveLength(1);
  });

  test('when a key id is computed, then it is the first 8 bytes of SHA-256 of the raw public key, base64url', () => {
    const ring = open();
    const [jwk] = ring.jwks().keys;
    const expected = crypto
      .createHash('sha256')
      .update(Buffer.from(jwk!.x, 'base64url'))
      .digest()
      .subarray(0, 8)
      .toString('base64url');
    expect(jwk!.kid).toBe(expected);
    expect(ring.activeKid()).toBe(expected);
  });

  test('when a message is signed, then it verifies with the key named, and not once altered by a byte', () => {
    const ring = open();
    const { kid, signature } = ring.sign(message);
    expect(ring.verify(kid, message, signature)).toBe('valid');
    // Twice: the second answer comes from the memo of verified signatures, and says the same.
    expect(ring.verify(kid, message, signature)).toBe('valid');
    const altered = Uint8Array.from(message);
    altered[5] = (altered[5] as number) ^ 1;
    expect(ring.verify(kid, altered, signature)).toBe('invalid');
    const badSig = Uint8Array.from(signature);
    badSig[63] = (badSig[63] as number) ^ 0x80;
    expect(ring.verify(kid, message, badSig)).toBe('invalid');
    expect(ring.verify(kid, message, signature.subarray(0, 63))).toBe('invalid');
  });

  test('when a signature comes from a key the ring never had, then the answer is unknown-key, even under its kid', () => {
    const ring = open();
    const stranger = crypto.generateKeyPairSync('ed25519');
    const sig = crypto.sign(null, message, stranger.privateKey);
    expect(ring.verify(kidOf(stranger.publicKey), message, sig)).toBe('unknown-key');
    // A forger who names our kid gets "invalid": the kid only picks the key, the signature decides.
    expect(ring.verify(ring.activeKid(), message, sig)).toBe('invalid');
  });

  test('when the keys are rotated, then the new key signs and the retired one still verifies what it signed', () => {
    const ring = open();
    const old = ring.sign(message);
    const { created, retired } = rotateKeyDir(keyDirOf(dataDir));
    expect(retired).toEqual([old.kid]);
    ring.reload();
    expect(ring.activeKid()).toBe(created);
    expect(ring.sign(message).kid).toBe(created);
    expect(ring.verify(old.kid, message, old.signature)).toBe('valid');
    expect(ring.list()).toEqual([
      { kid: created, state: 'active', createdAt: expect.any(String) },
      { kid: old.kid, state: 'retired', createdAt: expect.any(String) },
    ]);
    expect(ring.jwks().keys.map((k) => k.kid)).toEqual([created, old.kid]);
  });

  test('when another process rotates, then a code signed with the new key verifies at once, without a restart', () => {
    const ring = open();
    const { created } = rotateKeyDir(keyDirOf(dataDir));
    const pem = (
      JSON.parse(fs.readFileSync(path.join(keyDirOf(dataDir), `${created}.json`), 'utf8')) as {
        privateKeyPem: string;
      }
    ).privateKeyPem;
    const sig = crypto.sign(null, message, crypto.createPrivateKey(pem));
    expect(ring.verify(created, message, sig)).toBe('valid');
    expect(ring.activeKid()).toBe(created);
  });

  test('when a retired key is removed, then what it signed answers removed-key and the JWKS lists it as removed; the active key cannot be removed', async () => {
    const ring = open({ watch: true, checkIntervalMs: 20 });
    const old = ring.sign(message);
    // Verified once: remembered as valid, which must not outlive the key.
    expect(ring.verify(old.kid, message, old.signature)).toBe('valid');
    const { created } = rotateKeyDir(keyDirOf(dataDir));
    expect(() => removeKeyFromDir(keyDirOf(dataDir), created)).toThrow(/active key/);
    removeKeyFromDir(keyDirOf(dataDir), old.kid);
    // The running ring notices the change by itself (its periodic look at the directory).
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(ring.verify(old.kid, message, old.signature)).toBe('removed-key');
    expect(ring.jwks().keys.map((k) => k.kid)).toEqual([created]);
    expect(ring.jwks().removed).toEqual([{ kid: old.kid, removedAt: expect.any(String) }]);
    // The tombstone keeps no key material, only the kid and the date.
    const tombstone = fs.readFileSync(path.join(keyDirOf(dataDir), 'removed', `${old.kid}.json`), 'utf8');
    expect(Object.keys(JSON.parse(tombstone))).toEqual(['kid', 'removedAt']);
    // A kid the ring never had is still just unknown.
    expect(ring.verify('AAAAAAAAAAA', message, old.signature)).toBe('unknown-key');
  });

  test('when a key file is corrupt, then it is skipped with a warning that quotes none of it', () => {
    open();
    const bad = path.join(keyDirOf(dataDir), 'AAAAAAAAAAA.json');
    fs.writeFileSync(
      bad,
      '{"kid":"AAAAAAAAAAA","privateKeyPem":"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI',
    );
    const { logger, lines } = capturingLogger();
    const ring = open({ logger });
    expect(ring.list()).toHaveLength(1);
    const log = lines.join('');
    expect(log).toMatch(/signing key file skipped/);
    expect(log).not.toContain('MC4CAQAwBQYDK2VwBCIEI');
  });

  test('when the ring is used and logged, then no private key appears in its logs, JWKS, listing or inspection', () => {
    const { logger, lines } = capturingLogger();
    const ring = open({ logger });
    rotateKeyDir(keyDirOf(dataDir));
    ring.reload();
    ring.sign(message);
    const secrets = secretsIn(keyDirOf(dataDir));
    expect(secrets).toHaveLength(4);
    const seen = [
      lines.join(''),
      JSON.stringify(ring.jwks()),
      JSON.stringify(ring.list()),
      util.inspect(ring, { depth: 10, showHidden: true }),
      JSON.stringify(ring),
    ].join('\n');
    for (const secret of secrets) expect(seen).not.toContain(secret);
    expect(seen).not.toMatch(/PRIVATE KEY|"d":/);
    for (const jwk of ring.jwks().keys) {
      expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    }
  });
});

describe('QR signing key ring (QR_SIGNING_KEYS)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = tempDir();
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('when the keys are given inline, then the first signs, the others verify, and nothing is written to DATA_DIR', () => {
    const [first, second] = [generatePrivateKeyPem(), generatePrivateKeyPem()];
    const ring = openKeyRing({ dataDir, configured: JSON.stringify([first, second]), watch: false });
    const kidOfPem = (pem: string) => kidOf(crypto.createPublicKey(crypto.createPrivateKey(pem)));
    expect(ring.activeKid()).toBe(kidOfPem(first as string));
    expect(ring.list().map((k) => k.state)).toEqual(['active', 'retired']);
    const sig = crypto.sign(null, message, crypto.createPrivateKey(second as string));
    expect(ring.verify(kidOfPem(second as string), message, sig)).toBe('valid');
    expect(fs.existsSync(keyDirOf(dataDir))).toBe(false);
    // Two instances given the same keys sign alike (Ed25519 is deterministic).
    const other = openKeyRing({ dataDir, configured: JSON.stringify([first, second]), watch: false });
    expect(Buffer.from(other.sign(message).signature)).toEqual(Buffer.from(ring.sign(message).signature));
  });

  test('when the inline keys are malformed, then opening fails with a message that quotes no key', () => {
    const pem = generatePrivateKeyPem();
    const broken = pem.replace(/\n[A-Za-z0-9+/=]{10}/, '\nBROKENBROK');
    expect(() => openKeyRing({ dataDir, configured: '[not json', watch: false })).toThrow(
      /QR_SIGNING_KEYS: the value is not a JSON array/,
    );
    expect(() => openKeyRing({ dataDir, configured: '[]', watch: false })).toThrow(/non-empty JSON array/);
    let error: Error | undefined;
    try {
      openKeyRing({ dataDir, configured: JSON.stringify([broken]), watch: false });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(/QR_SIGNING_KEYS: key 1 of QR_SIGNING_KEYS: not a PKCS8 PEM private key/);
    expect(error?.message).not.toContain(pem.split('\n')[1]!.slice(12));
    // The same refusal with a stable code, in Chinese for a Chinese locale.
    expect(error).toMatchObject({ code: 'KEY_UNUSABLE' });
    expect((error as KeyFileError).text('zh')).toBe(
      'QR_SIGNING_KEYS：QR_SIGNING_KEYS 中的第 1 把密钥：不是 PKCS8 PEM 私钥',
    );
    const rsa = crypto
      .generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => openKeyRing({ dataDir, configured: JSON.stringify([rsa]), watch: false })).toThrow(
      /not an Ed25519 key/,
    );
  });

  test('when the keys are in a file that is rotated, then a running ring follows it; removal drops the old key', () => {
    const file = path.join(dataDir, 'qr-keys.json');
    fs.writeFileSync(file, JSON.stringify([generatePrivateKeyPem()]), { mode: 0o600 });
    const ring = openKeyRing({ dataDir, configured: file, watch: false });
    const old = ring.sign(message);
    const { created, retired } = rotateKeyListFile(file);
    expect(retired).toEqual([old.kid]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const pems = JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
    const sig = crypto.sign(null, message, crypto.createPrivateKey(pems[0] as string));
    // Unknown kid: the ring re-reads the changed file at once.
    expect(ring.verify(created, message, sig)).toBe('valid');
    expect(ring.activeKid()).toBe(created);
    expect(ring.verify(old.kid, message, old.signature)).toBe('valid');
    expect(() => removeKeyFromListFile(file, created)).toThrow(/active key/);
    removeKeyFromListFile(file, old.kid);
    ring.reload();
    expect(ring.verify(old.kid, message, old.signature)).toBe('unknown-key');
  });
});
