import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { signedFieldsOf } from '../../server/qr/qr-service';
import { keyDirOf, removeKeyFromDir, rotateKeyDir } from '../../server/qr/signing-keys';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { metricValue, seedBody, seedCertificate, unique } from '../helpers/factories';
import { flipByte, fragmentParts, privateKeyOf, signedLink, withPart } from './qr-test-helpers';

const ORIGIN = 'https://certwatch.example.gov.cn';

let t: TestApp;
let bodyCode: string;

beforeAll(async () => {
  t = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN } });
  bodyCode = (await seedBody(t.services, { code: unique('QB').slice(0, 20) })).code;
});
afterAll(async () => {
  await t.close();
});

const scan = (text: unknown) => request(t.app).post('/api/v1/scan').send({ text });
const certificate = (overrides: Parameters<typeof seedCertificate>[1] = {}) =>
  seedCertificate(t.services, { bodyCode, ...overrides });
const link = (cert: Certificate) => t.services.qr.signedUrl(cert).url;
const randomPublicId = () => crypto.randomBytes(16).toString('base64url');

describe('POST /api/v1/scan: verdicts on signed codes', () => {
  test('when a freshly printed code is scanned, then it is GENUINE_VALID with the registry view and the signed fields', async () => {
    const cert = await certificate();
    const url = link(cert);
    expect(url.startsWith(`${ORIGIN}/v/${cert.publicId}#1.`)).toBe(true);
    const res = await scan(url);
    expect(res).toMatchObject({
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: {
        verdict: 'GENUINE_VALID',
        signature: 'valid',
        keyId: fragmentParts(url).kid,
        publicId: cert.publicId,
        certificate: {
          publicId: cert.publicId,
          number: cert.number,
          status: 'valid',
          body: { code: bodyCode },
        },
        signedFields: signedFieldsOf(cert),
        differences: [],
        checkedAt: expect.any(String),
      },
    });
  });

  test('when the scanner adds whitespace around the text, then the code still reads GENUINE_VALID', async () => {
    const res = await scan(`  ${link(await certificate())}\r\n`);
    expect(res).toMatchObject({ status: 200, body: { verdict: 'GENUINE_VALID' } });
  });

  test.each([
    ['suspended', 'GENUINE_SUSPENDED', '监督审核逾期未实施'],
    ['revoked', 'GENUINE_REVOKED', '暂停期满未整改'],
    ['withdrawn', 'GENUINE_WITHDRAWN', '企业申请注销'],
  ] as const)(
    'when the certificate is %s, then the verdict is %s with its reason and date',
    async (status, verdict, reason) => {
      const cert = await certificate();
      const url = link(cert);
      await t.services.certificates.changeStatus(cert.publicId, { status, reason, date: '2026-03-01' });
      const res = await scan(url);
      expect(res).toMatchObject({
        status: 200,
        body: {
          verdict,
          signature: 'valid',
          certificate: { status, statusReason: reason, statusDate: '2026-03-01' },
          differences: [],
        },
      });
    },
  );

  test('when the certificate is past its expiry date, then the verdict is GENUINE_EXPIRED with that date', async () => {
    const cert = await certificate({ issueDate: '2020-01-10', expiryDate: '2023-01-09' });
    const res = await scan(link(cert));
    expect(res).toMatchObject({
      status: 200,
      body: { verdict: 'GENUINE_EXPIRED', certificate: { status: 'expired', statusDate: '2023-01-09' } },
    });
  });

  test("when the registry's holder changed after printing, then REGISTRY_MISMATCH names the fields that differ", async () => {
    const cert = await certificate();
    const url = link(cert);
    const renamed = await certificate({
      number: cert.number,
      holder: { name: '重庆另一家贸易有限公司', creditCode: cert.holder.creditCode },
    });
    expect(renamed.publicId).toBe(cert.publicId);
    const res = await scan(url);
    expect(res).toMatchObject({
      status: 200,
      body: {
        verdict: 'REGISTRY_MISMATCH',
        signature: 'valid',
        signedFields: { holderName: cert.holder.name },
        certificate: { holder: { name: '重庆另一家贸易有限公司' } },
        differences: ['holderName'],
      },
    });
  });

  test('when the scheme changed too, then both fields are named', async () => {
    const cert = await certificate({ scheme: 'QMS' });
    const url = link(cert);
    await certificate({
      number: cert.number,
      scheme: 'EMS',
      holder: { name: '另一公司', creditCode: cert.holder.creditCode },
    });
    const res = await scan(url);
    expect(res).toMatchObject({
      status: 200,
      body: { verdict: 'REGISTRY_MISMATCH', differences: ['holderName', 'scheme'] },
    });
  });

  test('when only the expiry date moved (a renewal), then the code is still GENUINE_VALID and the date is listed', async () => {
    const cert = await certificate();
    const url = link(cert);
    await certificate({ number: cert.number, holder: cert.holder, expiryDate: '2029-01-09' });
    const res = await scan(url);
    expect(res).toMatchObject({
      status: 200,
      body: { verdict: 'GENUINE_VALID', differences: ['expiryDate'] },
    });
  });

  test('when a revoked certificate also changed holder, then the status wins and the difference is still listed', async () => {
    const cert = await certificate();
    const url = link(cert);
    await certificate({
      number: cert.number,
      holder: { name: '改名公司', creditCode: cert.holder.creditCode },
    });
    await t.services.certificates.changeStatus(cert.publicId, {
      status: 'revoked',
      reason: '伪造',
      date: '2026-02-02',
    });
    const res = await scan(url);
    expect(res).toMatchObject({
      status: 200,
      body: { verdict: 'GENUINE_REVOKED', differences: ['holderName'] },
    });
  });

  test('when the code is signed by us but its certificate is not in the registry, then the verdict is NOT_FOUND', async () => {
    const cert = await certificate();
    const url = link({ ...cert, publicId: randomPublicId() });
    const res = await scan(url);
    expect(res).toMatchObject({
      status: 200,
      body: { verdict: 'NOT_FOUND', signature: 'valid', signedFields: { number: cert.number } },
    });
    expect(res.body.certificate).toBeUndefined();
  });
});

describe('POST /api/v1/scan: altered and forged codes', () => {
  test.each([
    ['the first byte of the data', 'data', 0],
    ['a byte in the middle of the data (the holder name)', 'data', 60],
    ['the last byte of the data', 'data', -1],
    ['the first byte of the signature', 'sig', 0],
    ['the last byte of the signature', 'sig', 63],
  ] as const)('when %s is altered, then the verdict is SIGNATURE_INVALID', async (_what, part, index) => {
    const cert = await certificate();
    const url = link(cert);
    const value = fragmentParts(url)[part];
    const length = Buffer.from(value, 'base64url').length;
    const res = await scan(withPart(url, part, flipByte(value, index < 0 ? length + index : index)));
    expect(res).toMatchObject({
      status: 200,
      body: {
        verdict: 'SIGNATURE_INVALID',
        signature: 'invalid',
        publicId: cert.publicId,
        certificate: { publicId: cert.publicId },
      },
    });
    expect(res.body.signedFields).toBeUndefined();
  });

  test('when the last character of the signature is changed but decodes to the same bytes, then it is still SIGNATURE_INVALID', async () => {
    const url = link(await certificate());
    const { sig } = fragmentParts(url);
    // 64 bytes take 86 characters; the last carries 4 unused bits that lenient decoders ignore.
    const last = sig.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1] as string;
    expect(Buffer.from(`${sig.slice(0, -1)}${twin}`, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    const res = await scan(withPart(url, 'sig', `${sig.slice(0, -1)}${twin}`));
    expect(res).toMatchObject({ status: 200, body: { verdict: 'SIGNATURE_INVALID' } });
  });

  test("when the signed part is moved to another certificate's public id, then it is SIGNATURE_INVALID", async () => {
    const [a, b] = [await certificate(), await certificate()];
    const res = await scan(link(a).replace(a.publicId, b.publicId));
    expect(res).toMatchObject({ status: 200, body: { verdict: 'SIGNATURE_INVALID', publicId: b.publicId } });
  });

  test('when the holder name is rewritten and re-encoded with the old signature, then it is SIGNATURE_INVALID', async () => {
    const cert = await certificate();
    const url = link(cert);
    const forged = signedLink(
      ORIGIN,
      cert.publicId,
      { ...signedFieldsOf(cert), holderName: '冒用公司' },
      crypto.generateKeyPairSync('ed25519').privateKey,
    );
    const res = await scan(withPart(url, 'data', fragmentParts(forged).data));
    expect(res).toMatchObject({ status: 200, body: { verdict: 'SIGNATURE_INVALID' } });
  });

  test('when the fragment is damaged or of another version, then it is SIGNATURE_INVALID', async () => {
    const url = link(await certificate());
    for (const text of [
      url.slice(0, -10),
      url.replace('#1.', '#2.'),
      url.replace(/\.[^.]+$/, ''),
      `${url}.x`,
      url.replace('#1.', '#1..'),
    ]) {
      const res = await scan(text);
      expect(res).toMatchObject({
        status: 200,
        body: { verdict: 'SIGNATURE_INVALID', signature: 'invalid' },
      });
    }
  });

  test('when a code is signed by a key the portal does not know, then the verdict is UNKNOWN_KEY', async () => {
    const cert = await certificate();
    const stranger = crypto.generateKeyPairSync('ed25519').privateKey;
    const res = await scan(signedLink(ORIGIN, cert.publicId, signedFieldsOf(cert), stranger));
    expect(res).toMatchObject({
      status: 200,
      body: {
        verdict: 'UNKNOWN_KEY',
        signature: 'unknown-key',
        keyId: expect.stringMatching(/^[\w-]{11}$/),
        certificate: { publicId: cert.publicId },
      },
    });
  });

  test("when a stranger's key claims our kid, then the verdict is SIGNATURE_INVALID", async () => {
    const cert = await certificate();
    const kid = fragmentParts(link(cert)).kid;
    const stranger = crypto.generateKeyPairSync('ed25519').privateKey;
    const res = await scan(signedLink(ORIGIN, cert.publicId, signedFieldsOf(cert), stranger, kid));
    expect(res).toMatchObject({ status: 200, body: { verdict: 'SIGNATURE_INVALID', keyId: kid } });
  });

  test('when a genuine code is copied onto another host, then FOREIGN_HOST says so and that its signature would verify', async () => {
    const cert = await certificate();
    const copy = link(cert).replace(ORIGIN, 'https://certwatch-verify.example.com');
    const res = await scan(copy);
    expect(res).toMatchObject({
      status: 200,
      body: {
        verdict: 'FOREIGN_HOST',
        signature: 'valid',
        foreignOrigin: 'https://certwatch-verify.example.com',
        signedFields: { number: cert.number },
        certificate: { publicId: cert.publicId },
      },
    });
  });

  test.each([
    ['http instead of https', (u: string) => u.replace('https://', 'http://')],
    [
      'a look-alike host',
      (u: string) => u.replace('certwatch.example.gov.cn', 'certwatch.example.gov.cn.evil.example'),
    ],
    [
      'credentials that make the host another one',
      (u: string) => u.replace(ORIGIN, `${ORIGIN}@evil.example`),
    ],
    ['another port', (u: string) => u.replace('gov.cn/', 'gov.cn:8443/')],
  ])('when the code points elsewhere by %s, then it is FOREIGN_HOST', async (_what, move) => {
    const res = await scan(move(link(await certificate())));
    expect(res).toMatchObject({ status: 200, body: { verdict: 'FOREIGN_HOST', signature: 'valid' } });
    expect(res.body.foreignOrigin).not.toBe(ORIGIN);
  });

  test('when a forged code on another host is scanned, then FOREIGN_HOST says its signature would not verify', async () => {
    const cert = await certificate();
    const stranger = crypto.generateKeyPairSync('ed25519').privateKey;
    const res = await scan(
      signedLink('https://phish.example', cert.publicId, signedFieldsOf(cert), stranger),
    );
    expect(res).toMatchObject({ status: 200, body: { verdict: 'FOREIGN_HOST', signature: 'unknown-key' } });
    expect(res.body.signedFields).toBeUndefined();
  });
});

describe('POST /api/v1/scan: other inputs', () => {
  test('when a plain result-page link without signature is scanned, then UNSIGNED_LINK gives the registry view', async () => {
    const cert = await certificate();
    await t.services.certificates.changeStatus(cert.publicId, {
      status: 'suspended',
      reason: '监督审核逾期',
      date: '2026-04-01',
    });
    const res = await scan(`${ORIGIN}/v/${cert.publicId}`);
    expect(res).toMatchObject({
      status: 200,
      body: {
        verdict: 'UNSIGNED_LINK',
        signature: 'absent',
        certificate: { publicId: cert.publicId, status: 'suspended' },
      },
    });
    expect(res.body.signedFields).toBeUndefined();
  });

  test('when a plain link names no certificate, then the verdict is NOT_FOUND', async () => {
    const res = await scan(`${ORIGIN}/v/${randomPublicId()}`);
    expect(res).toMatchObject({ status: 200, body: { verdict: 'NOT_FOUND', signature: 'absent' } });
  });

  test('when a plain link on another host is scanned, then it is FOREIGN_HOST with no signature', async () => {
    const res = await scan(`https://elsewhere.example/v/${randomPublicId()}`);
    expect(res).toMatchObject({ status: 200, body: { verdict: 'FOREIGN_HOST', signature: 'absent' } });
  });

  test('when a certificate number is typed (any width or case), then NUMBER_LOOKUP lists the certificates carrying it', async () => {
    const cert = await certificate();
    const typed = ` ${cert.number.toLowerCase().replace(/[A-Z0-9]/gi, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))} `;
    const res = await scan(typed);
    expect(res).toMatchObject({
      status: 200,
      body: {
        verdict: 'NUMBER_LOOKUP',
        signature: 'absent',
        number: cert.number,
        matches: [{ publicId: cert.publicId }],
        certificate: { publicId: cert.publicId },
        publicId: cert.publicId,
      },
    });
  });

  test('when a number no certificate carries is typed, then NUMBER_LOOKUP has no matches', async () => {
    const res = await scan('NO-SUCH-CERT-1');
    expect(res).toMatchObject({ status: 200, body: { verdict: 'NUMBER_LOOKUP', matches: [] } });
    expect(res.body.certificate).toBeUndefined();
  });

  test.each([
    ['plain text', '这是一张普通的二维码'],
    ['another site', 'https://www.example.com/products/123'],
    ['our site, another page', `${ORIGIN}/search?q=abc`],
    ['a javascript: URL', 'javascript:alert(document.cookie)'],
    ['a URL with a script', 'https://evil.example/?q=<script>alert(1)</script>'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['a Wi-Fi code', 'WIFI:T:WPA;S:shop;P:secret;;'],
    ['binary content', '\u0000\u0001\u0002\u00ff\ufffdPNG\r\n'],
    ['invisible characters in a number', 'CERT\u200b123'],
    ['a ftp link shaped like ours', `ftp://certwatch.example.gov.cn/v/${'A'.repeat(22)}`],
  ])(
    'when %s is scanned, then the verdict is NOT_CERTWATCH and nothing of it is echoed',
    async (_what, text) => {
      const res = await scan(text);
      expect(res).toMatchObject({ status: 200, body: { verdict: 'NOT_CERTWATCH', signature: 'absent' } });
      expect(Object.keys(res.body).sort()).toEqual(['checkedAt', 'signature', 'verdict']);
    },
  );

  test('when a CertWatch-shaped link carries a script in its fragment, then it is judged, not echoed', async () => {
    const res = await scan(`${ORIGIN}/v/${randomPublicId()}#1.<script>alert(1)</script>`);
    expect(res).toMatchObject({ status: 200, body: { verdict: 'SIGNATURE_INVALID' } });
    expect(JSON.stringify(res.body)).not.toMatch(/script/);
  });
});

describe('POST /api/v1/scan: malformed requests', () => {
  test.each([
    ['an empty text', 400, 'SCAN_TEXT_EMPTY', { text: '' }],
    ['a text of blanks', 400, 'SCAN_TEXT_EMPTY', { text: ' \n\t ' }],
    ['100 kB of text', 400, 'SCAN_TEXT_TOO_LONG', { text: 'A'.repeat(100_000) }],
    ['a text one character too long', 400, 'SCAN_TEXT_TOO_LONG', { text: 'A'.repeat(4097) }],
    ['no text', 400, 'VALIDATION_FAILED', {}],
    ['a number for text', 400, 'VALIDATION_FAILED', { text: 12345 }],
    ['an array for text', 400, 'VALIDATION_FAILED', { text: ['a'] }],
    ['an unknown member', 400, 'VALIDATION_FAILED', { text: 'abc', lang: 'zh' }],
    ['200 kB of JSON', 413, 'PAYLOAD_TOO_LARGE', { text: 'A'.repeat(200_000) }],
  ])('when the request has %s, then it is %i %s', async (_what, status, code, body) => {
    const res = await request(t.app).post('/api/v1/scan').send(body);
    expect(res).toMatchObject({ status, body: { code } });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('when the body is binary, then it is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await request(t.app)
      .post('/api/v1/scan')
      .set('Content-Type', 'application/octet-stream')
      .send(crypto.randomBytes(512));
    expect(res).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  test('when the text comes as a form, then it is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await request(t.app).post('/api/v1/scan').type('form').send({ text: 'abc' });
    expect(res).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  test('when the JSON is malformed, then it is 400 MALFORMED_JSON', async () => {
    const res = await request(t.app)
      .post('/api/v1/scan')
      .set('Content-Type', 'application/json')
      .send('{"text": "abc"');
    expect(res).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
  });

  test('when the scan route is asked with GET, then it is a JSON 404', async () => {
    const res = await request(t.app).get('/api/v1/scan');
    expect(res).toMatchObject({ status: 404, body: { code: 'ROUTE_NOT_FOUND' } });
  });
});

describe('POST /api/v1/scan: what is recorded', () => {
  test('when codes are scanned, then each scan is stored with its time, certificate and verdict, and no address', async () => {
    const cert = await certificate();
    const url = link(cert);
    await scan(url);
    await scan(withPart(url, 'sig', flipByte(fragmentParts(url).sig, 3)));
    await scan('not a code at all');
    await t.services.qr.flushScans();
    const events = await t.stores.scans.listForCertificate(cert.publicId, '2000-01-01T00:00:00.000Z', 10);
    expect(events).toEqual([
      {
        at: expect.any(String),
        publicId: cert.publicId,
        verdict: 'SIGNATURE_INVALID',
        networkHash: expect.stringMatching(/^[\w-]{22}$/),
      },
      {
        at: expect.any(String),
        publicId: cert.publicId,
        verdict: 'GENUINE_VALID',
        networkHash: events[1]?.networkHash,
      },
    ]);
    expect(events[0]?.networkHash).toBe(events[1]?.networkHash);

    const db = new Database(path.join(t.dataDir, 'registry.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM scans').all();
      expect(rows.length).toBeGreaterThanOrEqual(3);
      expect(JSON.stringify(rows)).not.toMatch(/127\.0\.0|::1|ffff/);
    } finally {
      db.close();
    }
  });

  test('when another connection holds the write lock, then a scan answers at once and is stored once the lock is released', async () => {
    const cert = await certificate();
    const url = link(cert);
    const count = () => t.stores.scans.listForCertificate(cert.publicId, '2000-01-01T00:00:00.000Z', 10);
    // A writer that holds the lock, as an upload's storing process does (scan-recorder.test.ts shows that
    // the write does not wait for it at all).
    const writer = new Database(path.join(t.dataDir, 'registry.sqlite'));
    try {
      writer.exec('BEGIN IMMEDIATE');
      const res = await scan(url);
      expect(res).toMatchObject({ status: 200, body: { verdict: 'GENUINE_VALID' } });
      await t.services.qr.flushScans();
      await t.services.qr.flushScans();
      expect(await count()).toEqual([]);
      writer.exec('COMMIT');
      await t.services.qr.flushScans();
      expect(await count()).toEqual([expect.objectContaining({ verdict: 'GENUINE_VALID' })]);
      await t.services.qr.flushScans();
      expect(await count()).toHaveLength(1);
    } finally {
      if (writer.inTransaction) writer.exec('ROLLBACK');
      writer.close();
    }
  });

  test('when scans are counted, then the metrics show them by verdict', async () => {
    const before = await request(t.app).get('/metrics');
    await scan(link(await certificate()));
    const after = await request(t.app).get('/metrics');
    const count = (text: string) => metricValue(text, 'qr_scans_total', { verdict: 'GENUINE_VALID' });
    expect(count(after.text)).toBe(count(before.text) + 1);
    expect(metricValue(after.text, 'qr_scans_total', { verdict: 'UNKNOWN_KEY' })).toBeGreaterThanOrEqual(0);
    expect(after.text).toMatch(/qr_scans_total\{verdict="NOT_CERTWATCH"\}/);
  });
});

describe('scans behind a proxy: network prefixes', () => {
  let proxied: TestApp;
  beforeAll(() => {
    proxied = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN, TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await proxied.close();
  });

  test('when clients of one /24 or one /48 scan, then they share a hash; other networks get other hashes', async () => {
    const cert = await seedCertificate(proxied.services, {});
    const url = proxied.services.qr.signedUrl(cert).url;
    const from = (ip: string) =>
      request(proxied.app).post('/api/v1/scan').set('X-Forwarded-For', ip).send({ text: url });
    for (const ip of [
      '203.0.113.5',
      '203.0.113.200',
      '198.51.100.7',
      '2001:db8:abcd:1::1',
      '2001:db8:abcd:ffff::2',
      '2001:db8:abce::1',
      '::ffff:203.0.113.9',
    ]) {
      expect(await from(ip)).toMatchObject({ status: 200, body: { verdict: 'GENUINE_VALID' } });
    }
    await proxied.services.qr.flushScans();
    const events = await proxied.stores.scans.listForCertificate(
      cert.publicId,
      '2000-01-01T00:00:00.000Z',
      10,
    );
    const [mapped, v6c, v6b, v6a, v4c, v4b, v4a] = events.map((e) => e.networkHash);
    expect(v4a).toBe(v4b);
    expect(mapped).toBe(v4a);
    expect(v4c).not.toBe(v4a);
    expect(v6a).toBe(v6b);
    expect(v6c).not.toBe(v6a);
    expect(new Set([v4a, v4c, v6a, v6c]).size).toBe(4);
    const spread = await proxied.stores.scans.spreadSince('2000-01-01T00:00:00.000Z', 2, 10);
    expect(spread).toContainEqual(
      expect.objectContaining({ publicId: cert.publicId, networks: 4, scans: 7 }),
    );
  });
});

describe('GET /.well-known/jwks.json', () => {
  test('when the key set is fetched, then it lists the public keys, cacheable briefly, with no private part', async () => {
    const res = await request(t.app).get('/.well-known/jwks.json');
    expect(res).toMatchObject({
      status: 200,
      headers: {
        'content-type': expect.stringMatching(/^application\/jwk-set\+json/),
        'cache-control': 'public, max-age=300',
        'access-control-allow-origin': '*',
      },
    });
    const body = JSON.parse(res.text) as { keys: Record<string, string>[] };
    expect(body.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of body.keys) {
      expect(key).toEqual({
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.stringMatching(/^[\w-]{43}$/),
        kid: expect.stringMatching(/^[\w-]{11}$/),
        alg: 'EdDSA',
        use: 'sig',
      });
    }
    expect(res.text).not.toMatch(/"d"|PRIVATE/);
  });

  test('when another process rotates the keys, then new codes verify at once and the set lists the new and the retired key', async () => {
    const cert = await certificate();
    const oldUrl = link(cert);
    const oldKid = fragmentParts(oldUrl).kid;
    const { created } = rotateKeyDir(keyDirOf(t.dataDir));
    const newUrl = signedLink(ORIGIN, cert.publicId, signedFieldsOf(cert), privateKeyOf(t.dataDir, created));
    expect(await scan(newUrl)).toMatchObject({
      status: 200,
      body: { verdict: 'GENUINE_VALID', keyId: created },
    });
    expect(await scan(oldUrl)).toMatchObject({
      status: 200,
      body: { verdict: 'GENUINE_VALID', keyId: oldKid },
    });
    const res = await request(t.app).get('/.well-known/jwks.json');
    expect((JSON.parse(res.text) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual(
      expect.arrayContaining([created, oldKid]),
    );
    // The running app signs with the new key from now on.
    expect(fragmentParts(link(cert)).kid).toBe(created);
  });

  test('when an instance starts after a retired key was removed, then codes that key signed answer REMOVED_KEY and the JWKS says so', async () => {
    const shared = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN } });
    try {
      const cert = await seedCertificate(shared.services, {});
      const oldUrl = shared.services.qr.signedUrl(cert).url;
      const oldKid = fragmentParts(oldUrl).kid;
      rotateKeyDir(keyDirOf(shared.dataDir));
      removeKeyFromDir(keyDirOf(shared.dataDir), oldKid);
      const restarted = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN, DATA_DIR: shared.dataDir } });
      try {
        const res = await request(restarted.app).post('/api/v1/scan').send({ text: oldUrl });
        expect(res).toMatchObject({ status: 200, body: { verdict: 'REMOVED_KEY', keyId: oldKid } });
        const jwks = await request(restarted.app).get('/.well-known/jwks.json');
        expect(jwks.body.removed).toEqual([{ kid: oldKid, removedAt: expect.any(String) }]);
        expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).not.toContain(oldKid);
      } finally {
        await restarted.close();
      }
    } finally {
      await shared.close();
    }
  });
});
