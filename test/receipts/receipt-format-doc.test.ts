/**
 * The test vector of docs/receipt-format.md, read from the document itself: checked by an independent
 * verifier written here with node:crypto only (JCS, kid rule, Ed25519), against the implementation, and
 * by running the document's OpenSSL steps where OpenSSL 3 is installed.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compactOf, parseCompact, receiptBytes } from '../../server/receipts/receipt-codec';
import { receiptSchema } from '../../server/receipts/receipt-schema';
import { createReceiptService } from '../../server/receipts/receipt-service';
import { openKeyRing } from '../../server/qr/signing-keys';

const DOC = path.join(__dirname, '..', '..', 'docs', 'receipt-format.md');

/** The fenced blocks of the document named `vector-*` in their info string. */
function vectorBlocks(): Record<string, string> {
  const text = fs.readFileSync(DOC, 'utf8');
  const blocks: Record<string, string> = {};
  for (const m of text.matchAll(/^```\w+ (vector-[a-z-]+)\n([\s\S]*?)\n```$/gm)) {
    blocks[m[1] as string] = m[2] as string;
  }
  return blocks;
}

const v = vectorBlocks();
const block = (name: string): string => {
  const value = v[`vector-${name}`];
  if (value === undefined) throw new Error(`docs/receipt-format.md has no vector-${name} block`);
  return value;
};

/** RFC 8785 for what receipts hold (strings, integers, arrays, objects), written apart from the code. */
function jcs(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Strict base64url: only the canonical text of its bytes. */
function strictBase64Url(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64url');
  if (!/^[A-Za-z0-9_-]*$/.test(text) || bytes.toString('base64url') !== text)
    throw new Error('not base64url');
  return bytes;
}

/** The independent verifier: the documented steps, node:crypto only. */
function verifyIndependently(compact: string, x: string, kid: string): unknown {
  const parts = compact.split('.');
  if (parts.length !== 4 || parts[0] !== 'r1' || parts[1] !== kid) return undefined;
  const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  let bytes: Buffer;
  let sig: Buffer;
  try {
    bytes = strictBase64Url(parts[2] as string);
    sig = strictBase64Url(parts[3] as string);
  } catch {
    return undefined;
  }
  if (!crypto.verify(null, bytes, key, sig)) return undefined;
  const receipt = JSON.parse(bytes.toString('utf8')) as unknown;
  return jcs(receipt) === bytes.toString('utf8') ? receipt : undefined;
}

test('when the document is read, then it holds every part of the test vector', () => {
  expect(Object.keys(v).sort()).toEqual(
    [
      'vector-canonical',
      'vector-compact',
      'vector-kid',
      'vector-openssl',
      'vector-private-key',
      'vector-receipt',
      'vector-signature',
      'vector-x',
    ].sort(),
  );
});

test('when the test key is read, then its x and its kid are the documented ones (kid rule)', () => {
  const publicKey = crypto.createPublicKey(crypto.createPrivateKey(block('private-key')));
  const x = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
  expect(x).toBe(block('x'));
  const kid = crypto.createHash('sha256').update(Buffer.from(x, 'base64url')).digest().subarray(0, 8);
  expect(kid.toString('base64url')).toBe(block('kid'));
});

test('when the receipt is canonicalised and signed independently, then the bytes, signature and compact form are the documented ones', () => {
  const receipt = JSON.parse(block('receipt')) as unknown;
  const canonical = jcs(receipt);
  expect(canonical).toBe(block('canonical'));
  const signature = crypto.sign(
    null,
    Buffer.from(canonical, 'utf8'),
    crypto.createPrivateKey(block('private-key')),
  );
  // Ed25519 is deterministic: the same key and bytes give the same signature.
  expect(signature.toString('base64url')).toBe(block('signature'));
  expect(`r1.${block('kid')}.${Buffer.from(canonical).toString('base64url')}.${block('signature')}`).toBe(
    block('compact'),
  );
  expect(verifyIndependently(block('compact'), block('x'), block('kid'))).toEqual(receipt);
});

test('when the implementation meets the vector, then it writes the same bytes and its verifier accepts it', () => {
  const receipt = receiptSchema.parse(JSON.parse(block('receipt')));
  const bytes = receiptBytes(receipt);
  expect(Buffer.from(bytes).toString('utf8')).toBe(block('canonical'));
  expect(compactOf(block('kid'), bytes, Buffer.from(block('signature'), 'base64url'))).toBe(block('compact'));
  const parsed = parseCompact(block('compact'));
  expect(parsed.ok).toBe(true);
  const keys = openKeyRing({
    dataDir: os.tmpdir(),
    configured: JSON.stringify([block('private-key')]),
    watch: false,
    purpose: { keyDir: os.tmpdir(), envName: 'RECEIPT_SIGNING_KEYS', name: 'receipt' },
  });
  const service = createReceiptService({
    keys,
    certificates: { getByPublicId: () => Promise.reject(new Error('not used')) } as never,
    registry: { findByPublicId: () => Promise.resolve(undefined) },
    publicBaseUrl: 'https://certwatch.example.gov.cn',
  });
  expect(service.jwks().keys).toEqual([
    { kty: 'OKP', crv: 'Ed25519', x: block('x'), kid: block('kid'), alg: 'EdDSA', use: 'sig' },
  ]);
  expect(service.verify({ compact: block('compact') })).toEqual({
    verdict: 'VALID',
    valid: true,
    kid: block('kid'),
    receipt,
  });
  expect(service.verify({ receipt, kid: block('kid'), signature: block('signature') })).toMatchObject({
    verdict: 'VALID',
  });
});

test('when any byte of the vector is changed, then neither verifier accepts it', () => {
  const [, kid, data, sig] = block('compact').split('.') as [string, string, string, string];
  const bytes = Buffer.from(data, 'base64url');
  for (let i = 0; i < bytes.length; i += 1) {
    const changed = Buffer.from(bytes);
    changed[i] = (changed[i] as number) ^ 0x20;
    const compact = `r1.${kid}.${changed.toString('base64url')}.${sig}`;
    expect({ i, accepted: verifyIndependently(compact, block('x'), block('kid')) !== undefined }).toEqual({
      i,
      accepted: false,
    });
  }
});

const hasOpenSsl3 = (() => {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return r.status === 0 && /^OpenSSL 3\./.test(r.stdout);
})();
if (!hasOpenSsl3) console.warn('receipt-format-doc: the OpenSSL steps are not run (no OpenSSL 3 on PATH)');

(hasOpenSsl3 ? test : test.skip)(
  'when the documented OpenSSL steps are run, then they verify the vector and refuse a changed one',
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-openssl-'));
    try {
      const run = (compact: string) =>
        spawnSync('sh', ['-c', block('openssl')], {
          cwd: dir,
          env: { PATH: process.env.PATH, R: compact, X: block('x') },
          encoding: 'utf8',
        });
      const ok = run(block('compact'));
      expect(ok.stdout).toContain('Signature Verified Successfully');
      expect(ok.status).toBe(0);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'receipt.json'), 'utf8'))).toEqual(
        JSON.parse(block('receipt')),
      );
      const changed = block('compact').replace('.eyJ', '.eyK');
      expect(run(changed).status).not.toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
