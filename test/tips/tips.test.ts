import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import request from 'supertest';
import { createApp } from '../../server/app';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { createLogger } from '../../server/platform/logger';
import { networkHash, scanHashSecret } from '../../server/qr/scan-recorder';
import { MAX_PHOTO_BYTES, type Tip } from '../../server/tips/tip-schema';
import { seedBody, seedCertificate, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

const PROBLEM = /^application\/problem\+json/;
const REFERENCE = /^T-\d{8}-[0-9A-HJKMNP-TV-Z]{8}$/;

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** The start of a JFIF JPEG, then bytes: what the check reads is the signature. */
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF\0', 'latin1'),
]);
const WEBP = Buffer.concat([
  Buffer.from('RIFF', 'latin1'),
  Buffer.from([0x1a, 0, 0, 0]),
  Buffer.from('WEBPVP8L', 'latin1'),
  Buffer.alloc(14),
]);
const HTML = Buffer.from('<html><script>alert(1)</script></html>');

const photo = (bytes: Buffer, contentType = 'image/png') => ({
  contentType,
  base64: bytes.toString('base64'),
});

let t: TestApp;
let cert: Certificate;
let tokens: { inspector: string; admin: string; partner: string; body: string };

beforeAll(async () => {
  t = createTestApp();
  const body = await seedBody(t.services);
  cert = await seedCertificate(t.services, { bodyCode: body.code });
  tokens = {
    inspector: await t.tokenFor('inspector'),
    admin: await t.tokenFor('admin'),
    partner: await t.tokenFor('partner'),
    body: await t.tokenFor('body', body.code),
  };
});
afterAll(() => t.close());

const submit = (tip: unknown) =>
  request(t.app)
    .post('/api/v1/tips')
    .send(tip as object);
const get = (url: string, token?: string) => {
  const req = request(t.app).get(url);
  return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
};

const minimal = () => ({ category: 'forged', description: '证书编号查询不到，怀疑伪造。' });

/** The stored tip with this reference, as inspectors see it. */
async function tipByReference(reference: string): Promise<Tip> {
  const res = await get('/api/v1/tips?pageSize=100', tokens.inspector);
  expect(res.status).toBe(200);
  const tip = (res.body.items as Tip[]).find((item) => item.reference === reference);
  if (!tip) throw new Error(`no tip ${reference}`);
  return tip;
}

/** Every row of the tips tables, read over a second connection. */
function storedTips(): string {
  const db = new Database(path.join(t.dataDir, 'registry.sqlite'), { readonly: true });
  try {
    return JSON.stringify([
      db.prepare('SELECT * FROM tips ORDER BY id').all(),
      db.prepare('SELECT tip_id, content_type, length(data) AS n FROM tip_photos ORDER BY tip_id').all(),
    ]);
  } finally {
    db.close();
  }
}

describe('POST /api/v1/tips: a public report', () => {
  test('when a tip with a scanned code, a photo and a contact is sent without a token, then 201 with only a reference, and inspectors see the scan context', async () => {
    const scanText = t.services.qr.signedUrl(cert).url;
    const res = await submit({
      category: 'misused',
      scanText,
      description: '该公司在投标时出示此证书，\r\n但现场生产的产品不在认证范围内。',
      place: '重庆市沙坪坝区公共资源交易中心',
      contact: '王先生 138 0000 0000',
      photo: photo(PNG),
    });
    expect(res).toMatchObject({ status: 201, headers: { 'cache-control': 'no-store' } });
    expect(Object.keys(res.body).sort()).toEqual(['receivedAt', 'reference']);
    expect(res.body.reference).toMatch(REFERENCE);
    // The phone number whole: '138' alone turns up in random references and hashes now and then.
    expect(JSON.stringify(res.body)).not.toContain('138 0000 0000');
    expect(JSON.stringify(res.body)).not.toContain('王先生');

    const tip = await tipByReference(res.body.reference as string);
    expect(tip).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      reference: res.body.reference,
      category: 'misused',
      publicId: cert.publicId,
      certificateNumber: cert.number,
      bodyCode: cert.bodyCode,
      scan: { verdict: 'GENUINE_VALID', text: scanText },
      certificate: {
        publicId: cert.publicId,
        number: cert.number,
        bodyCode: cert.bodyCode,
        holderName: cert.holder.name,
        holderCreditCode: cert.holder.creditCode,
        status: 'valid',
      },
      // Line breaks kept (CRLF as LF), the prose's full-width punctuation too.
      description: '该公司在投标时出示此证书，\n但现场生产的产品不在认证范围内。',
      place: '重庆市沙坪坝区公共资源交易中心',
      contact: '王先生 138 0000 0000',
      hasPhoto: true,
      state: 'new',
      receivedAt: res.body.receivedAt,
      // The keyed hash of the client's /24, never the address.
      networkHash: networkHash(scanHashSecret(t.dataDir, undefined), '::ffff:127.0.0.1'),
    });
    const raw = storedTips();
    expect(raw).not.toContain('127.0.0.1');
    expect(raw).toContain(tip.networkHash);

    const audit = await t.services.audit.forTarget('tip', tip.id, 10);
    expect(audit).toMatchObject([
      { action: 'tip.submit', change: { reference: tip.reference, category: 'misused', hasPhoto: true } },
    ]);
    // What the reporter wrote may name people: it stays out of the audit log.
    const logged = JSON.stringify(audit);
    expect(logged).not.toContain('138 0000 0000');
    expect(logged).not.toContain('王先生');
    expect(logged).not.toContain('投标');
  });

  test('when two tips arrive the same day, then their references share the date and nothing else', async () => {
    const a = await submit(minimal());
    const b = await submit(minimal());
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.reference.slice(0, 11)).toBe(b.body.reference.slice(0, 11));
    expect(a.body.reference).not.toBe(b.body.reference);
  });

  test('when a tip names a certificate the registry does not have, then it is kept as the reporter gave it', async () => {
    const res = await submit({
      category: 'not-in-registry',
      publicId: 'AAAAAAAAAAAAAAAAAAAAAA',
      certificateNumber: ' cqc-2099-00001 ',
      bodyCode: 'cqc',
      description: '扫描证书上的二维码后显示查无此证。',
    });
    expect(res.status).toBe(201);
    const tip = await tipByReference(res.body.reference as string);
    expect(tip).toMatchObject({
      publicId: 'AAAAAAAAAAAAAAAAAAAAAA',
      certificateNumber: 'CQC-2099-00001',
      bodyCode: 'CQC',
      hasPhoto: false,
    });
    expect(tip).not.toHaveProperty('certificate');
    expect(tip).not.toHaveProperty('scan');
    expect(tip).not.toHaveProperty('contact');
  });

  test('when a tip names only a certificate number, then the one certificate with it is resolved', async () => {
    const res = await submit({ ...minimal(), certificateNumber: cert.number.toLowerCase() });
    expect(res.status).toBe(201);
    const tip = await tipByReference(res.body.reference as string);
    expect(tip).toMatchObject({
      publicId: cert.publicId,
      certificateNumber: cert.number,
      certificate: { publicId: cert.publicId, status: 'valid' },
    });
  });

  test.each([
    ['a JPEG', JPEG, 'image/jpeg'],
    ['a WebP', WEBP, 'image/webp'],
  ])(
    'when the photo is %s, then it is accepted and served back with its type',
    async (_what, bytes, type) => {
      const res = await submit({ ...minimal(), photo: photo(bytes, type) });
      expect(res.status).toBe(201);
      const tip = await tipByReference(res.body.reference as string);
      const served = await get(`/api/v1/tips/${tip.id}/photo`, tokens.admin).buffer(true);
      expect(served).toMatchObject({ status: 200, headers: { 'content-type': type } });
      expect(Buffer.compare(served.body as Buffer, bytes)).toBe(0);
    },
  );

  test('when a photo of exactly 1 MiB is sent (a body far over the API’s usual 100 kB), then it is accepted', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_PHOTO_BYTES - PNG.length, 7)]);
    const res = await submit({ ...minimal(), photo: photo(big) });
    expect(res.status).toBe(201);
    const tip = await tipByReference(res.body.reference as string);
    const served = await get(`/api/v1/tips/${tip.id}/photo`, tokens.inspector).buffer(true);
    expect((served.body as Buffer).length).toBe(MAX_PHOTO_BYTES);
  });

  const tooLong = (n: number) => '很'.repeat(n);
  /** What is wrong, the tip, and the answer it must get. */
  const BAD_TIPS = [
    ['an empty body', {}, 400, 'VALIDATION_FAILED'],
    ['an unknown category', { ...minimal(), category: 'fake' }, 400, 'VALIDATION_FAILED'],
    [
      'a description of 9 characters',
      { ...minimal(), description: '一二三四五六七八九' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a description of 2001 characters',
      { ...minimal(), description: tooLong(2001) },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a NUL in the description',
      { ...minimal(), description: '证书编号查询不到\u0000怀疑伪造' },
      400,
      'INVALID_CHARACTERS',
    ],
    ['a zero-width space in the place', { ...minimal(), place: '沙坪坝\u200b区' }, 400, 'INVALID_CHARACTERS'],
    ['a contact of 201 characters', { ...minimal(), contact: tooLong(201) }, 400, 'VALIDATION_FAILED'],
    ['a malformed public id', { ...minimal(), publicId: '../../etc/passwd' }, 400, 'INVALID_PUBLIC_ID'],
    [
      'a malformed certificate number',
      { ...minimal(), certificateNumber: '证书一号' },
      400,
      'INVALID_CERTIFICATE_NUMBER',
    ],
    ['a malformed body code', { ...minimal(), bodyCode: 'C' }, 400, 'INVALID_BODY_CODE'],
    ['an empty scanned text', { ...minimal(), scanText: '  ' }, 400, 'SCAN_TEXT_EMPTY'],
    [
      'a scanned text of 2049 characters',
      { ...minimal(), scanText: 'x'.repeat(2049) },
      400,
      'SCAN_TEXT_TOO_LONG',
    ],
    ['an unknown member', { ...minimal(), ip: '10.0.0.1' }, 400, 'VALIDATION_FAILED'],
    ['a category given as an operator', { ...minimal(), category: { $ne: null } }, 400, 'VALIDATION_FAILED'],
    ['a GIF', { ...minimal(), photo: photo(PNG, 'image/gif') }, 400, 'INVALID_PHOTO'],
    ['an SVG', { ...minimal(), photo: photo(Buffer.from('<svg/>'), 'image/svg+xml') }, 400, 'INVALID_PHOTO'],
    [
      'a data: URL',
      {
        ...minimal(),
        photo: { contentType: 'image/png', base64: `data:image/png;base64,${PNG.toString('base64')}` },
      },
      400,
      'INVALID_PHOTO',
    ],
    [
      'base64 that is not',
      { ...minimal(), photo: { contentType: 'image/png', base64: 'not base64!' } },
      400,
      'INVALID_PHOTO',
    ],
    [
      'an empty photo',
      { ...minimal(), photo: { contentType: 'image/png', base64: '' } },
      400,
      'INVALID_PHOTO',
    ],
    [
      'a photo without its type',
      { ...minimal(), photo: { base64: PNG.toString('base64') } },
      400,
      'INVALID_PHOTO',
    ],
    ['a PNG declared as JPEG', { ...minimal(), photo: photo(PNG, 'image/jpeg') }, 400, 'INVALID_PHOTO'],
    ['HTML declared as PNG', { ...minimal(), photo: photo(HTML) }, 400, 'INVALID_PHOTO'],
    [
      'a RIFF that is not WebP',
      { ...minimal(), photo: photo(Buffer.from('RIFF\0\0\0\0WAVEfmt '), 'image/webp') },
      400,
      'INVALID_PHOTO',
    ],
    [
      'a photo one byte over 1 MiB',
      { ...minimal(), photo: photo(Buffer.concat([PNG, Buffer.alloc(MAX_PHOTO_BYTES - PNG.length + 1)])) },
      413,
      'PHOTO_TOO_LARGE',
    ],
    [
      'a photo far over 1 MiB',
      { ...minimal(), photo: photo(Buffer.concat([PNG, Buffer.alloc(MAX_PHOTO_BYTES + 4096)])) },
      413,
      'PHOTO_TOO_LARGE',
    ],
    ['a body over 1.5 MB', { ...minimal(), place: 'x'.repeat(1_600_000) }, 413, 'PAYLOAD_TOO_LARGE'],
  ] as const;
  test.each(BAD_TIPS.map(([what, tip, status, code]) => [what, status, code, tip] as const))(
    'when a tip has %s, then %i %s and nothing is stored',
    async (_what, status, code, tip) => {
      const before = storedTips();
      const res = await submit(tip);
      expect(res).toMatchObject({
        status,
        headers: { 'content-type': expect.stringMatching(PROBLEM) },
        body: { code },
      });
      expect(storedTips()).toBe(before);
    },
  );

  test('when a tip is not JSON, then 415 UNSUPPORTED_MEDIA_TYPE; when it is malformed JSON, then 400 MALFORMED_JSON', async () => {
    const before = storedTips();
    const form = await request(t.app).post('/api/v1/tips').type('form').send({ category: 'forged' });
    expect(form).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    const broken = await request(t.app)
      .post('/api/v1/tips')
      .set('Content-Type', 'application/json')
      .send('{"category": "forged",');
    expect(broken).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
    expect(storedTips()).toBe(before);
  });

  test('when another write route gets a body over 100 kB, then it is still refused: the tips limit is for tips alone', async () => {
    const res = await request(t.app)
      .post('/api/v1/flags')
      .set('Authorization', `Bearer ${tokens.inspector}`)
      .send({ publicId: cert.publicId, reason: 'x'.repeat(200 * 1024) });
    expect(res).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('reading tips: inspectors and admins only', () => {
  let withPhoto: Tip;
  let withoutPhoto: Tip;
  beforeAll(async () => {
    const a = await submit({ ...minimal(), contact: 'reader@example.cn', photo: photo(PNG) });
    const b = await submit({ ...minimal(), category: 'other' });
    withPhoto = await tipByReference(a.body.reference as string);
    withoutPhoto = await tipByReference(b.body.reference as string);
  });

  test('when the photo is fetched, then it is the stored bytes with its type, nosniff, inline and a policy that runs nothing', async () => {
    const res = await get(`/api/v1/tips/${withPhoto.id}/photo`, tokens.inspector).buffer(true);
    expect(res).toMatchObject({
      status: 200,
      headers: {
        'content-type': 'image/png',
        'x-content-type-options': 'nosniff',
        'content-disposition': 'inline',
        'cache-control': 'private, no-store',
      },
    });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('sandbox');
    expect(csp).not.toMatch(/unsafe|\*/);
    expect(Buffer.compare(res.body as Buffer, PNG)).toBe(0);
  });

  test('when a tip is read by id, then inspectors and admins see it whole, contact included', async () => {
    for (const token of [tokens.inspector, tokens.admin]) {
      const res = await get(`/api/v1/tips/${withPhoto.id}`, token);
      expect(res).toMatchObject({ status: 200, body: { ...withPhoto, contact: 'reader@example.cn' } });
    }
  });

  test('when tips are listed by state, then only that state, newest first, paged', async () => {
    const res = await get('/api/v1/tips?state=new&page=1&pageSize=2', tokens.admin);
    expect(res).toMatchObject({ status: 200, body: { page: 1, pageSize: 2 } });
    expect(res.body.items).toHaveLength(2);
    expect(res.body.total).toBeGreaterThanOrEqual(2);
    expect(res.body.items[0]).toEqual(withoutPhoto);
    const dismissed = await get('/api/v1/tips?state=dismissed', tokens.admin);
    expect(dismissed).toMatchObject({ status: 200, body: { items: [], total: 0 } });
  });

  test.each([
    ['no token', 401, 'UNAUTHENTICATED', undefined],
    ['a partner token', 403, 'FORBIDDEN', 'partner'],
    ['a body token', 403, 'FORBIDDEN', 'body'],
  ] as const)(
    'when the tips are read with %s, then %i %s and nothing of them shows',
    async (_who, status, code, role) => {
      const token = role === undefined ? undefined : tokens[role];
      for (const url of [
        '/api/v1/tips',
        `/api/v1/tips/${withPhoto.id}`,
        `/api/v1/tips/${withPhoto.id}/photo`,
      ]) {
        const res = await get(url, token);
        expect(res).toMatchObject({ status, body: { code } });
        expect(JSON.stringify(res.body)).not.toContain('reader@example.cn');
      }
    },
  );

  test.each([
    ['a malformed id', 400, 'INVALID_TIP_ID', '/api/v1/tips/not-an-id'],
    ['a malformed id for a photo', 400, 'INVALID_TIP_ID', `/api/v1/tips/${'x'.repeat(23)}/photo`],
    ['an unknown id', 404, 'TIP_NOT_FOUND', '/api/v1/tips/AAAAAAAAAAAAAAAAAAAAAA'],
    ['the photo of an unknown tip', 404, 'TIP_NOT_FOUND', '/api/v1/tips/AAAAAAAAAAAAAAAAAAAAAA/photo'],
    ['an unknown state', 400, 'INVALID_QUERY', '/api/v1/tips?state=closed'],
    ['a page size of 0', 400, 'INVALID_PAGE', '/api/v1/tips?pageSize=0'],
    ['a page size of 101', 400, 'INVALID_PAGE', '/api/v1/tips?pageSize=101'],
    ['an unknown parameter', 400, 'INVALID_QUERY', '/api/v1/tips?contact=x'],
  ])('when tips are asked for with %s, then %i %s', async (_what, status, code, url) => {
    const res = await get(url, tokens.inspector);
    expect(res).toMatchObject({
      status,
      headers: { 'content-type': expect.stringMatching(PROBLEM) },
      body: { code },
    });
  });

  test('when the photo of a tip without one is asked for, then 404 TIP_PHOTO_NOT_FOUND', async () => {
    const res = await get(`/api/v1/tips/${withoutPhoto.id}/photo`, tokens.inspector);
    expect(res).toMatchObject({ status: 404, body: { code: 'TIP_PHOTO_NOT_FOUND' } });
  });
});

describe('contact data never in logs', () => {
  test('when tips with contacts are sent, refused and read, then no log line carries the contact or the description', async () => {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('trace', capture);
    const app = createApp({ ...t.deps, logger }, t.services);
    const contact = `联系人${unique()}`;
    const description = `描述${unique()}：证书照片模糊，编号查不到。`;
    const ok = await request(app)
      .post('/api/v1/tips')
      .send({ ...minimal(), description, contact });
    expect(ok.status).toBe(201);
    const refused = await request(app)
      .post('/api/v1/tips')
      .send({ ...minimal(), description, contact, photo: photo(HTML) });
    expect(refused.status).toBe(400);
    await request(app)
      .get('/api/v1/tips?pageSize=100')
      .set('Authorization', `Bearer ${tokens.inspector}`)
      .expect(200);
    logger.flush();
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const log = lines.join('');
    expect(log).not.toContain(contact);
    expect(log).not.toContain(description.slice(0, 10));
  });
});

describe('the tips rate limit: stricter than the API’s, per client', () => {
  let limited: TestApp;
  beforeAll(() => {
    limited = createTestApp({ env: { TIP_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' } });
  });
  afterAll(() => limited.close());

  const from = (address: string) =>
    request(limited.app).post('/api/v1/tips').set('X-Forwarded-For', address).send(minimal());

  test('when a client sends more tips than the limit, then 429 RATE_LIMITED with Retry-After, and nothing more is stored', async () => {
    expect((await from('203.0.113.7')).status).toBe(201);
    expect((await from('203.0.113.7')).status).toBe(201);
    const res = await from('203.0.113.7');
    expect(res).toMatchObject({
      status: 429,
      headers: {
        'content-type': expect.stringMatching(PROBLEM),
        'retry-after': expect.stringMatching(/^\d+$/),
      },
      body: { code: 'RATE_LIMITED' },
    });
    const inspector = await limited.tokenFor('inspector');
    const stored = await request(limited.app).get('/api/v1/tips').set('Authorization', `Bearer ${inspector}`);
    expect(stored.body.total).toBe(2);
  });

  test('when a client is over the tips limit, then the rest of the API still answers it, and other clients may still report', async () => {
    for (let i = 0; i < 3; i += 1) await from('203.0.113.8');
    const other = await request(limited.app).get('/api/v1/dishonesty').set('X-Forwarded-For', '203.0.113.8');
    expect(other.status).toBe(200);
    expect((await from('198.51.100.9')).status).toBe(201);
  });
});
