/**
 * Verification receipts through the API against a real SQLite registry: issue, verify (server and an
 * independent node:crypto verifier), every changed field fails, keys of the QR ring and of the receipt
 * ring never stand for each other, stable codes for bad input.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { signedFieldsOf } from '../../server/qr/qr-service';
import {
  generatePrivateKeyPem,
  openKeyRing,
  removeKeyFromDir,
  rotateKeyDir,
} from '../../server/qr/signing-keys';
import { createReceiptService } from '../../server/receipts/receipt-service';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { creditCode, seedBody, seedCertificate, unique } from '../helpers/factories';
import { privateKeyOf, signedLink } from '../qr/qr-test-helpers';

const ORIGIN = 'https://certwatch.example.gov.cn';

let t: TestApp;
let bodyCode: string;

beforeAll(async () => {
  t = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN } });
  bodyCode = (await seedBody(t.services, { code: unique('RB').slice(0, 20), name: '重庆回执认证有限公司' }))
    .code;
});
afterAll(async () => {
  await t.close();
});

const certificate = (overrides: Parameters<typeof seedCertificate>[1] = {}) =>
  seedCertificate(t.services, { bodyCode, ...overrides });
const issue = (publicId: string) => request(t.app).post(`/api/v1/certificates/${publicId}/receipts`);
const verify = (body: unknown) =>
  request(t.app)
    .post('/api/v1/receipts/verify')
    .send(body as object);

interface Issued {
  receipt: Record<string, unknown> & { certificate: Record<string, unknown> };
  kid: string;
  signature: string;
  compact: string;
  verifyUrl: string;
}

async function issued(cert: Certificate): Promise<Issued> {
  const res = await issue(cert.publicId);
  expect(res.status).toBe(200);
  return res.body as Issued;
}

/** JCS as RFC 8785 says, written here apart from the implementation (strings, integers, objects, arrays). */
function jcs(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** An independent verifier: the published JWKS, node:crypto, the documented bytes. */
async function independentlyValid(compact: string): Promise<boolean> {
  const [tag, kid, data, sig] = compact.split('.');
  if (tag !== 'r1') return false;
  const jwks = (await request(t.app).get('/.well-known/receipt-jwks.json')).body as {
    keys: { kid: string; x: string }[];
  };
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) return false;
  const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  return crypto.verify(null, Buffer.from(data ?? '', 'base64url'), key, Buffer.from(sig ?? '', 'base64url'));
}

/** Every leaf of a JSON object, as a path. */
function leaves(value: unknown, at: string[] = []): string[][] {
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
  }
  return [at];
}

function changed(receipt: unknown, at: string[]): unknown {
  const copy = structuredClone(receipt) as Record<string, unknown>;
  let node = copy as Record<string, unknown>;
  for (const k of at.slice(0, -1)) node = node[k] as Record<string, unknown>;
  const key = at[at.length - 1] as string;
  const old = node[key];
  node[key] = typeof old === 'number' ? old + 1 : typeof old === 'boolean' ? !old : `${String(old)}X`;
  return copy;
}

const reencoded = (issuedReceipt: Issued, receipt: unknown) =>
  `r1.${issuedReceipt.kid}.${Buffer.from(jcs(receipt)).toString('base64url')}.${issuedReceipt.signature}`;

describe('POST /api/v1/certificates/:publicId/receipts', () => {
  test('when a receipt of a valid certificate is asked for, then it records the check and verifies on the server and independently', async () => {
    const cert = await certificate({
      holder: { name: '重庆沙坪坝回执测试有限公司', creditCode: creditCode() },
    });
    const before = Date.now();
    const res = await issue(cert.publicId);
    expect(res).toMatchObject({
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: {
        receipt: {
          type: 'certwatch-receipt',
          v: 1,
          issuer: ORIGIN,
          certificate: {
            publicId: cert.publicId,
            number: cert.number,
            holderName: '重庆沙坪坝回执测试有限公司',
            holderCreditCode: cert.holder.creditCode,
            scheme: 'QMS',
            scope: cert.scope,
            bodyCode,
            bodyName: '重庆回执认证有限公司',
            issueDate: cert.issueDate,
            expiryDate: cert.expiryDate,
          },
          status: { code: 'valid' },
          registry: {
            recordUpdatedAt: cert.updatedAt,
            body: { approvalStatus: 'approved', lastReportedAt: '2026-11-01T08:00:00.000Z' },
            listings: [],
          },
        },
        kid: expect.stringMatching(/^[A-Za-z0-9_-]{11}$/),
        signature: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/),
      },
    });
    const body = res.body as Issued;
    const checkedAt = Date.parse(body.receipt.checkedAt as string);
    expect(checkedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(checkedAt).toBeLessThanOrEqual(Date.now());
    expect(body.receipt.status).toEqual({ code: 'valid' });
    expect(body.compact).toBe(
      `r1.${body.kid}.${Buffer.from(jcs(body.receipt)).toString('base64url')}.${body.signature}`,
    );
    expect(body.verifyUrl).toBe(`${ORIGIN}/receipts?r=${body.compact}`);
    expect(await independentlyValid(body.compact)).toBe(true);
    await expect(verify({ compact: body.compact })).resolves.toMatchObject({
      status: 200,
      body: { verdict: 'VALID', valid: true, kid: body.kid, receipt: body.receipt },
    });
    await expect(verify({ compact: body.verifyUrl })).resolves.toMatchObject({
      status: 200,
      body: { verdict: 'VALID' },
    });
    await expect(
      verify({ receipt: body.receipt, kid: body.kid, signature: body.signature }),
    ).resolves.toMatchObject({ status: 200, body: { verdict: 'VALID' } });
  });

  test('when the certificate is suspended, then the receipt carries the status with its reason and date', async () => {
    const cert = await certificate({
      status: 'suspended',
      statusReason: '监督审核发现严重不符合项',
      statusDate: '2026-03-02',
    });
    const body = await issued(cert);
    expect(body.receipt.status).toEqual({
      code: 'suspended',
      reason: '监督审核发现严重不符合项',
      date: '2026-03-02',
    });
  });

  test('when the certificate is past its expiry date, then the receipt says expired with the expiry date', async () => {
    const cert = await certificate({ issueDate: '2020-01-01', expiryDate: '2023-01-01' });
    expect((await issued(cert)).receipt.status).toEqual({ code: 'expired', date: '2023-01-01' });
  });

  test('when the scope is longer than 200 characters, then it is cut with … and listed in truncated, and still verifies', async () => {
    const cert = await certificate({ scope: '机械零部件加工'.repeat(40) });
    const body = await issued(cert);
    const scope = body.receipt.certificate.scope as string;
    expect([...scope]).toHaveLength(200);
    expect(scope.endsWith('…')).toBe(true);
    expect(body.receipt.truncated).toEqual(['scope']);
    await expect(verify({ compact: body.compact })).resolves.toMatchObject({ body: { verdict: 'VALID' } });
  });

  test('when the same certificate is asked twice, then each receipt has its own number and nothing is stored', async () => {
    const cert = await certificate();
    const [a, b] = [await issued(cert), await issued(cert)];
    expect(a.receipt.id).not.toBe(b.receipt.id);
    expect(fs.readdirSync(t.dataDir).filter((f) => /receipt/.test(f))).toEqual(['receipt-keys']);
  });

  test('when the public id is unknown, then 404 CERTIFICATE_NOT_FOUND, as the lookup answers', async () => {
    const res = await issue(crypto.randomBytes(16).toString('base64url'));
    expect(res).toMatchObject({ status: 404, body: { code: 'CERTIFICATE_NOT_FOUND' } });
  });

  test('when the input is bad, then a 4xx with a stable code', async () => {
    const cert = await certificate();
    await expect(issue('short')).resolves.toMatchObject({ status: 400, body: { code: 'INVALID_PUBLIC_ID' } });
    await expect(issue(cert.publicId).send({ lang: 'en' })).resolves.toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    await expect(issue(cert.publicId).set('Content-Type', 'text/plain').send('hello')).resolves.toMatchObject(
      { status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } },
    );
    await expect(
      request(t.app).post(`/api/v1/certificates/${cert.publicId}/receipts?x=1`),
    ).resolves.toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });
    await expect(
      issue(cert.publicId).set('Content-Type', 'application/json').send('{"a":'),
    ).resolves.toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
  });
});

describe('POST /api/v1/receipts/verify: a changed receipt fails', () => {
  let base: Issued;
  beforeAll(async () => {
    base = await issued(
      await certificate({ status: 'suspended', statusReason: '整改中', statusDate: '2026-05-01' }),
    );
  });

  test('when any one field of the receipt is changed, then it is SIGNATURE_INVALID in both forms', async () => {
    const paths = leaves(base.receipt);
    expect(paths.length).toBeGreaterThan(15);
    for (const at of paths) {
      const receipt = changed(base.receipt, at);
      const json = await verify({ receipt, kid: base.kid, signature: base.signature });
      expect({ at, status: json.status, verdict: json.body.verdict }).toEqual({
        at,
        status: 200,
        verdict: 'SIGNATURE_INVALID',
      });
      const compact = await verify({ compact: reencoded(base, receipt) });
      expect({ at, verdict: compact.body.verdict }).toEqual({ at, verdict: 'SIGNATURE_INVALID' });
      expect(await independentlyValid(reencoded(base, receipt))).toBe(false);
    }
  });

  test('when a field is added or removed, then it is SIGNATURE_INVALID', async () => {
    const added = { ...base.receipt, note: 'x' };
    const { registry: _r, ...removed } = base.receipt;
    for (const receipt of [added, removed]) {
      const res = await verify({ receipt, kid: base.kid, signature: base.signature });
      expect(res.body.verdict).toBe('SIGNATURE_INVALID');
    }
  });

  test('when any byte of the signed data or the signature is changed, then the receipt never verifies', async () => {
    const [, kid, data, sig] = base.compact.split('.') as [string, string, string, string];
    const dataBytes = Buffer.from(data, 'base64url');
    const sigBytes = Buffer.from(sig, 'base64url');
    const flipped = (bytes: Buffer, i: number) => {
      const copy = Buffer.from(bytes);
      copy[i] = (copy[i] as number) ^ 0x01;
      return copy.toString('base64url');
    };
    const step = Math.max(1, Math.floor(dataBytes.length / 40));
    const candidates = [
      ...Array.from(
        { length: Math.ceil(dataBytes.length / step) },
        (_, i) => `r1.${kid}.${flipped(dataBytes, i * step)}.${sig}`,
      ),
      ...[0, 13, 31, 32, 63].map((i) => `r1.${kid}.${data}.${flipped(sigBytes, i)}`),
    ];
    for (const compact of candidates) {
      const res = await verify({ compact });
      expect([400, 200]).toContain(res.status);
      expect(res.body.verdict).not.toBe('VALID');
      if (res.status === 400) expect(res.body.code).toBe('RECEIPT_MALFORMED');
    }
  });

  test('when the last character of the signature is swapped for one that decodes the same leniently, then it fails', async () => {
    const sig = base.signature;
    const last = sig[sig.length - 1] as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 86 characters carry 516 bits for 512: the last character's low 4 bits are padding.
    const twin = alphabet[alphabet.indexOf(last) ^ 1] as string;
    const res = await verify({ receipt: base.receipt, kid: base.kid, signature: sig.slice(0, -1) + twin });
    expect(res).toMatchObject({ status: 400, body: { code: 'RECEIPT_MALFORMED' } });
    const [, kid, data] = base.compact.split('.');
    const compact = await verify({ compact: `r1.${kid}.${data}.${sig.slice(0, -1)}${twin}` });
    expect(compact).toMatchObject({ status: 400, body: { code: 'RECEIPT_MALFORMED' } });
  });

  test('when the receipt is well formed but its kid is no receipt key, then UNKNOWN_KEY', async () => {
    const res = await verify({ receipt: base.receipt, kid: 'AAAAAAAAAAA', signature: base.signature });
    expect(res).toMatchObject({ status: 200, body: { verdict: 'UNKNOWN_KEY', valid: false } });
  });

  test('when a receipt is signed with the QR key, then it is not accepted, and a QR payload is no receipt', async () => {
    const qrKid = t.services.qr.jwks().keys[0]?.kid as string;
    const qrKey = privateKeyOf(t.dataDir, qrKid);
    const bytes = Buffer.from(jcs(base.receipt));
    const qrSignature = crypto.sign(null, bytes, qrKey).toString('base64url');
    // The QR key's signature over the receipt's very bytes: the receipt ring does not know the key.
    await expect(
      verify({ receipt: base.receipt, kid: qrKid, signature: qrSignature }),
    ).resolves.toMatchObject({ status: 200, body: { verdict: 'UNKNOWN_KEY', valid: false } });
    await expect(
      verify({ compact: `r1.${qrKid}.${bytes.toString('base64url')}.${qrSignature}` }),
    ).resolves.toMatchObject({ status: 200, body: { verdict: 'UNKNOWN_KEY' } });
    // Even naming the receipt key's kid, the QR key's signature does not verify.
    await expect(
      verify({ receipt: base.receipt, kid: base.kid, signature: qrSignature }),
    ).resolves.toMatchObject({ status: 200, body: { verdict: 'SIGNATURE_INVALID' } });
    // A printed QR code's signed fragment, offered as a receipt.
    const cert = await certificate();
    const link = t.services.qr.signedUrl(cert).url;
    const fragment = new URL(link).hash.slice(1);
    await expect(verify({ compact: fragment })).resolves.toMatchObject({
      status: 400,
      body: { code: 'RECEIPT_MALFORMED' },
    });
    await expect(verify({ compact: `r1.${fragment.slice(2)}` })).resolves.toMatchObject({
      status: 400,
      body: { code: 'RECEIPT_MALFORMED' },
    });
  });

  test('when a QR code is signed with the receipt key, then the scan check does not accept it', async () => {
    const cert = await certificate();
    const receiptKeyFile = fs
      .readdirSync(path.join(t.dataDir, 'receipt-keys'))
      .find((f) => f.endsWith('.json')) as string;
    const { privateKeyPem, kid } = JSON.parse(
      fs.readFileSync(path.join(t.dataDir, 'receipt-keys', receiptKeyFile), 'utf8'),
    ) as { privateKeyPem: string; kid: string };
    expect(kid).toBe(base.kid);
    const link = signedLink(
      ORIGIN,
      cert.publicId,
      signedFieldsOf(cert),
      crypto.createPrivateKey(privateKeyPem),
    );
    const res = await request(t.app).post('/api/v1/scan').send({ text: link });
    expect(res).toMatchObject({ status: 200, body: { verdict: 'UNKNOWN_KEY' } });
  });

  test('when the two JWKS are read, then they publish different keys', async () => {
    const qr = (await request(t.app).get('/.well-known/jwks.json')).body as {
      keys: { kid: string; x: string }[];
    };
    const receipts = await request(t.app).get('/.well-known/receipt-jwks.json');
    expect(receipts).toMatchObject({
      status: 200,
      headers: { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=300' },
      body: { keys: [{ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: base.kid }] },
    });
    const receiptKeys = (receipts.body as { keys: { kid: string; x: string }[] }).keys;
    expect(receiptKeys.map((k) => k.x)).not.toContain(qr.keys[0]?.x);
    expect(qr.keys.map((k) => k.kid)).not.toContain(base.kid);
  });

  test('when the verify input is bad, then a 4xx with a stable code', async () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, 'RECEIPT_MALFORMED'],
      [{ compact: 'hello' }, 400, 'RECEIPT_MALFORMED'],
      [{ compact: 'r1.a.b' }, 400, 'RECEIPT_MALFORMED'],
      [{ compact: 'r1.a.b.c' }, 400, 'RECEIPT_MALFORMED'],
      [{ compact: 'https://example.com/receipts' }, 400, 'RECEIPT_MALFORMED'],
      [{ compact: 'r'.repeat(9000) }, 400, 'RECEIPT_MALFORMED'],
      [{ compact: base.compact, receipt: base.receipt }, 400, 'RECEIPT_MALFORMED'],
      [{ receipt: base.receipt }, 400, 'RECEIPT_MALFORMED'],
      [{ receipt: base.receipt, kid: base.kid, signature: 'abc' }, 400, 'RECEIPT_MALFORMED'],
      [{ compact: 5 }, 400, 'RECEIPT_MALFORMED'],
      [{ compact: base.compact, extra: 1 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const res = await verify(body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code });
    }
    await expect(
      request(t.app).post('/api/v1/receipts/verify').set('Content-Type', 'text/plain').send(base.compact),
    ).resolves.toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  test('when the receipt key is rotated, then receipts signed before still verify and the new key verifies at once', async () => {
    const dir = path.join(t.dataDir, 'receipt-keys');
    const { created, retired } = rotateKeyDir(dir);
    expect(retired).toEqual([base.kid]);
    await expect(verify({ compact: base.compact })).resolves.toMatchObject({ body: { verdict: 'VALID' } });
    // Another instance that already signs with the new key: an unknown kid makes this one re-read its keys.
    const { privateKeyPem } = JSON.parse(fs.readFileSync(path.join(dir, `${created}.json`), 'utf8')) as {
      privateKeyPem: string;
    };
    const bytes = Buffer.from(jcs(base.receipt));
    const signature = crypto.sign(null, bytes, crypto.createPrivateKey(privateKeyPem)).toString('base64url');
    await expect(
      verify({ compact: `r1.${created}.${bytes.toString('base64url')}.${signature}` }),
    ).resolves.toMatchObject({ body: { verdict: 'VALID', kid: created } });
  });

  test('when an instance starts after a retired receipt key was removed, then receipts it signed answer REMOVED_KEY and the JWKS says so', async () => {
    const shared = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN } });
    try {
      const { publicId } = await seedCertificate(shared.services, {});
      const old = await shared.services.receipts.issue(publicId);
      const dir = path.join(shared.dataDir, 'receipt-keys');
      rotateKeyDir(dir);
      removeKeyFromDir(dir, old.kid);
      const restarted = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN, DATA_DIR: shared.dataDir } });
      try {
        const res = await request(restarted.app)
          .post('/api/v1/receipts/verify')
          .send({ compact: old.compact });
        expect(res).toMatchObject({
          status: 200,
          body: { verdict: 'REMOVED_KEY', valid: false, kid: old.kid },
        });
        const jwks = await request(restarted.app).get('/.well-known/receipt-jwks.json');
        expect(jwks.body.removed).toEqual([{ kid: old.kid, removedAt: expect.any(String) }]);
        expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).not.toContain(old.kid);
        // The page says so too.
        const page = await request(restarted.app).get(`/receipts?r=${old.compact}`);
        expect(page.text).toContain('data-receipt-verdict="REMOVED_KEY"');
      } finally {
        await restarted.close();
      }
    } finally {
      await shared.close();
    }
  });
});

describe('receipt keys at start', () => {
  const purpose = { keyDir: '/nonexistent', envName: 'RECEIPT_SIGNING_KEYS', name: 'receipt' };

  test('when the receipt keys are the QR keys, then the receipt service refuses to start', () => {
    const keys = JSON.stringify([generatePrivateKeyPem()]);
    const qrRing = openKeyRing({ dataDir: t.dataDir, configured: keys, watch: false });
    const receiptRing = openKeyRing({ dataDir: t.dataDir, configured: keys, watch: false, purpose });
    expect(() =>
      createReceiptService({
        keys: receiptRing,
        certificates: t.services.certificates,
        registry: t.stores.certificates,
        publicBaseUrl: ORIGIN,
        qrKids: qrRing.list().map((k) => k.kid),
      }),
    ).toThrow(/also a QR signing key/);
  });

  test('when RECEIPT_SIGNING_KEYS is not a key list, then the error names that variable', () => {
    expect(() => openKeyRing({ dataDir: t.dataDir, configured: '[1]', watch: false, purpose })).toThrow(
      /^RECEIPT_SIGNING_KEYS: /,
    );
  });
});
