import request from 'supertest';
import QRCode from 'qrcode';
import type { Role } from '../../server/platform/auth';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { createMemoryCache } from '../../server/platform/memory-cache';
import crypto from 'node:crypto';
import { qrVersion, renderLabelSvg } from '../../server/qr/qr-render';
import { signedFieldsOf } from '../../server/qr/qr-service';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { seedBody, seedCertificate, unique } from '../helpers/factories';
import { verifyScan, type Jwk } from './independent-verifier';
import { decodePng, formatLimits, signedLink } from './qr-test-helpers';

const ORIGIN = 'https://certwatch.example.gov.cn';
const cache = createMemoryCache();
let t: TestApp;
let bodyCode: string;
let otherBodyCode: string;
let bodyToken: string;
let cert: Certificate;

beforeAll(async () => {
  t = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN }, cache });
  bodyCode = (await seedBody(t.services, { code: unique('QI').slice(0, 20) })).code;
  otherBodyCode = (await seedBody(t.services, { code: unique('QO').slice(0, 20) })).code;
  bodyToken = await t.tokenFor('body', bodyCode);
  cert = await seedCertificate(t.services, { bodyCode });
});
afterAll(async () => {
  await t.close();
});

const get = (path: string, token?: string) => {
  const req = request(t.app).get(path).buffer(true);
  // Images are binary: keep the raw bytes whatever the type.
  req.parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
  return token ? req.set('Authorization', `Bearer ${token}`) : req;
};
const qrPath = (publicId: string, file: string) => `/api/v1/certificates/${publicId}/${file}`;
const limits = formatLimits();

/** The holder's lines of a label (the bold lines after the number's caption): [match, font size, text]. */
const holderLines = (svg: string) => [
  ...svg
    .slice(svg.indexOf('证书编号'))
    .matchAll(/<text x="[\d.]+" y="[\d.]+" font-size="([\d.]+)" font-weight="bold">([^<]*)<\/text>/g),
];

/**
 * The QR symbol of a label: its width in mm (the label's viewBox is in mm) and version. The symbol must be
 * exactly the code of `url` (margin 0: its quiet zone is the label's white around it) and lie on the label.
 */
async function labelQr(svg: string, url: string) {
  const match =
    /<svg x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  if (!match) throw new Error('no QR symbol in the label');
  const [x, y, width, height, modules] = match.slice(1, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  expect(height).toBe(width);
  expect(x).toBeGreaterThanOrEqual(0.5);
  expect(y).toBeGreaterThanOrEqual(0.5);
  expect(y + height).toBeLessThanOrEqual(29.5);
  const expected = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'Q', margin: 0 });
  expect(svg).toContain(expected.slice(expected.indexOf(' viewBox=')).trim());
  return { width, version: (modules - 17) / 4 };
}

describe('QR images of a certificate', () => {
  test('when its body asks for the PNG, then the image decodes back to the signed URL, which scans GENUINE_VALID', async () => {
    const res = await get(qrPath(cert.publicId, 'qr.png'), bodyToken);
    expect(res).toMatchObject({
      status: 200,
      headers: {
        'content-type': 'image/png',
        'cache-control': 'private, max-age=300',
        'content-disposition': `inline; filename="${cert.number}-qr.png"`,
      },
    });
    const text = decodePng(res.body as Buffer);
    expect(text).toBe(t.services.qr.signedUrl(cert).url);
    const scan = await request(t.app).post('/api/v1/scan').send({ text });
    expect(scan).toMatchObject({ status: 200, body: { verdict: 'GENUINE_VALID', publicId: cert.publicId } });
  });

  test('when the SVG is asked for, then it is the same code as vectors', async () => {
    const res = await get(qrPath(cert.publicId, 'qr.svg'), bodyToken);
    expect(res).toMatchObject({ status: 200, headers: { 'content-type': 'image/svg+xml; charset=utf-8' } });
    const svg = (res.body as Buffer).toString('utf8');
    const expected = await QRCode.toString(t.services.qr.signedUrl(cert).url, {
      type: 'svg',
      errorCorrectionLevel: 'Q',
      margin: 4,
    });
    expect(svg).toBe(expected);
    expect(svg).not.toMatch(/<script|href=/i);
  });

  test('when the label is asked for, then it is a 50 × 30 mm SVG with the number, holder and scheme in Chinese', async () => {
    const res = await get(qrPath(cert.publicId, 'label.svg'), bodyToken);
    expect(res).toMatchObject({ status: 200, headers: { 'content-type': 'image/svg+xml; charset=utf-8' } });
    const svg = (res.body as Buffer).toString('utf8');
    expect(svg).toMatch(
      /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="50mm" height="30mm" viewBox="0 0 50 30"/,
    );
    expect(svg).toContain(cert.number);
    expect(svg).toContain(cert.holder.name);
    expect(svg).toContain('质量管理体系认证');
    expect(svg).toContain('扫码验证真伪');
    expect(svg).not.toMatch(/<script|href=|<image/i);
    expect((await labelQr(svg, t.services.qr.signedUrl(cert).url)).width).toBeGreaterThanOrEqual(
      limits.minLabelQrMm,
    );
  });

  test('when a holder name carries markup, then the label escapes it', async () => {
    const marked = await seedCertificate(t.services, {
      bodyCode,
      holder: { name: '重庆<script>alert(1)</script>&"公司"', creditCode: cert.holder.creditCode },
    });
    const res = await get(qrPath(marked.publicId, 'label.svg'), bodyToken);
    const svg = (res.body as Buffer).toString('utf8');
    expect(svg).toContain('重庆&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;公司&quot;');
    expect(svg).not.toContain('<script');
  });

  test('when the holder name is 40 Chinese characters, then the label shows it whole and the code stays within the version cap', async () => {
    const name = '重庆市沙坪坝区西部现代物流园区智能精密机械装备制造与进出口贸易总集团股份有限公司';
    expect([...name]).toHaveLength(40);
    const long = await seedCertificate(t.services, {
      bodyCode,
      holder: { name, creditCode: cert.holder.creditCode },
    });
    const res = await get(qrPath(long.publicId, 'label.svg'), bodyToken);
    const svg = (res.body as Buffer).toString('utf8');
    const lines = holderLines(svg);
    expect(lines.map((m) => m[2]).join('')).toBe(name);
    expect(Number(lines[0]?.[1])).toBeGreaterThanOrEqual(1.8);
    const url = t.services.qr.signedUrl(long).url;
    const qr = await labelQr(svg, url);
    expect(qr.version).toBe(qrVersion(url));
    // Whole, this name made a version-19 code; signed shortened it is within the documented cap.
    expect(qr.version).toBeLessThanOrEqual(limits.maxQrVersion);
    expect(qr.width).toBeGreaterThanOrEqual(limits.minLabelQrMm);
    const png = await get(qrPath(long.publicId, 'qr.png'), bodyToken);
    expect(decodePng(png.body as Buffer)).toBe(url);
  });

  test('when the holder name is 200 Chinese characters, then the code stays within the version cap, prints at least 25 mm wide, and still verifies', async () => {
    const name = '重庆市沙坪坝区西部现代物流园区智能精密机械装备制造与进出口贸易总集团股份有限公司'.repeat(5);
    expect([...name]).toHaveLength(200);
    const longest = await seedCertificate(t.services, {
      bodyCode,
      holder: { name, creditCode: cert.holder.creditCode },
    });
    const res = await get(qrPath(longest.publicId, 'label.svg'), bodyToken);
    expect(res.status).toBe(200);
    const svg = (res.body as Buffer).toString('utf8');
    const url = t.services.qr.signedUrl(longest).url;
    const qr = await labelQr(svg, url);
    expect(qr.version).toBeLessThanOrEqual(limits.maxQrVersion);
    expect(qr.width).toBeGreaterThanOrEqual(limits.minLabelQrMm);
    // Whole, the name would have needed a code of over 1,000 characters (version 32).
    expect(url.length).toBeLessThan(400);
    // The label prints as much of the whole name as fits, at the smallest size, ending with an ellipsis.
    const lines = holderLines(svg);
    const shown = lines.map((m) => m[2]).join('');
    expect(shown.endsWith('…')).toBe(true);
    expect(name.startsWith(shown.slice(0, -1))).toBe(true);
    // The code still verifies: the portal's scan and a verifier written from docs/qr-format.md.
    const png = await get(qrPath(longest.publicId, 'qr.png'), bodyToken);
    expect(decodePng(png.body as Buffer)).toBe(url);
    const scan = await request(t.app).post('/api/v1/scan').send({ text: url });
    expect(scan).toMatchObject({ status: 200, body: { verdict: 'GENUINE_VALID', differences: [] } });
    const signedName = (scan.body as { signedFields: { holderName: string } }).signedFields.holderName;
    expect(signedName).toMatch(/^重庆市沙坪坝区西部现代物流\u2026#[A-Za-z0-9_-]{16}$/u);
    const jwks = (await request(t.app).get('/.well-known/jwks.json')).body as { keys: Jwk[] };
    expect(
      verifyScan(url, {
        origin: ORIGIN,
        jwks: jwks.keys,
        registry: (id) =>
          id === longest.publicId
            ? {
                status: 'valid',
                number: longest.number,
                holderName: longest.holder.name,
                holderCreditCode: longest.holder.creditCode,
                scheme: longest.scheme,
                bodyCode: longest.bodyCode,
                issueDate: longest.issueDate,
                expiryDate: longest.expiryDate,
              }
            : undefined,
      }),
    ).toMatchObject({ verdict: 'GENUINE_VALID', differences: [] });
  });

  test('when the other fields are as long as the documented cap allows, then a 200-character name still stays within it', () => {
    // docs/qr-format.md §9: an origin of 40 characters and number + scheme + body code of 47.
    const origin = `https://${'c'.repeat(32)}`;
    expect(origin).toHaveLength(40);
    const fields = {
      number: 'N'.repeat(33),
      holderName: '重'.repeat(200),
      holderCreditCode: cert.holder.creditCode,
      scheme: 'LOWCARBON',
      bodyCode: 'B0107',
      issueDate: '2025-01-10',
      expiryDate: '2028-01-09',
    };
    const { holderName: _, ...rest } = fields;
    expect(fields.number.length + fields.scheme.length + fields.bodyCode.length).toBe(47);
    for (let i = 0; i < 20; i += 1) {
      const key = crypto.generateKeyPairSync('ed25519').privateKey;
      const publicId = crypto.randomBytes(16).toString('base64url');
      const url = signedLink(
        origin,
        publicId,
        signedFieldsOf({ ...rest, holder: { name: fields.holderName, creditCode: fields.holderCreditCode } }),
        key,
      );
      expect(qrVersion(url)).toBeLessThanOrEqual(limits.maxQrVersion);
    }
  });

  test('when a label is made for a short text, then its small code is still printed 25 mm wide', async () => {
    const text = 'CertWatch';
    const svg = await renderLabelSvg(text, {
      number: 'N1',
      holderName: '重庆某公司',
      schemeName: '服务认证',
    });
    const qr = await labelQr(svg, text);
    expect(qr.version).toBe(1);
    expect(qr.width).toBe(limits.minLabelQrMm);
  });

  test('when an image is asked for twice, then the second comes from the cache, byte for byte', async () => {
    const fresh = await seedCertificate(t.services, { bodyCode });
    const first = await get(qrPath(fresh.publicId, 'qr.svg'), bodyToken);
    const spy = jest.spyOn(cache, 'set');
    try {
      const second = await get(qrPath(fresh.publicId, 'qr.svg'), bodyToken);
      expect(second.body).toEqual(first.body);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  test('when the holder changes, then the image changes with it (the cache key follows the signed data)', async () => {
    const fresh = await seedCertificate(t.services, { bodyCode });
    const before = await get(qrPath(fresh.publicId, 'qr.svg'), bodyToken);
    const renamed = await seedCertificate(t.services, {
      bodyCode,
      number: fresh.number,
      holder: { name: '重庆更名后有限公司', creditCode: fresh.holder.creditCode },
    });
    const after = await get(qrPath(fresh.publicId, 'qr.svg'), bodyToken);
    expect(after.body).not.toEqual(before.body);
    expect((after.body as Buffer).toString('utf8')).toBe(
      await QRCode.toString(t.services.qr.signedUrl(renamed).url, {
        type: 'svg',
        errorCorrectionLevel: 'Q',
        margin: 4,
      }),
    );
  });
});

describe('who may print QR codes', () => {
  test.each(['qr.png', 'qr.svg', 'label.svg'])(
    'when %s is asked for anonymously, then it is 401',
    async (file) => {
      const res = await request(t.app).get(qrPath(cert.publicId, file));
      expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    },
  );

  test.each([['inspector'], ['partner']] as [Role][])(
    'when a %s token asks, then it is 403',
    async (role) => {
      const res = await request(t.app)
        .get(qrPath(cert.publicId, 'qr.png'))
        .set('Authorization', `Bearer ${await t.tokenFor(role)}`);
      expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    },
  );

  test("when another body's token asks, then it is 403", async () => {
    const res = await request(t.app)
      .get(qrPath(cert.publicId, 'label.svg'))
      .set('Authorization', `Bearer ${await t.tokenFor('body', otherBodyCode)}`);
    expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });

  test('when an admin asks, then any certificate prints', async () => {
    const res = await get(qrPath(cert.publicId, 'qr.png'), await t.tokenFor('admin'));
    expect(res.status).toBe(200);
    expect(decodePng(res.body as Buffer)).toBe(t.services.qr.signedUrl(cert).url);
  });

  test('when the certificate does not exist, then it is 404; a malformed id or a query is 400', async () => {
    const admin = await t.tokenFor('admin');
    const auth = { Authorization: `Bearer ${admin}` };
    expect(
      await request(t.app)
        .get(qrPath('A'.repeat(22), 'qr.png'))
        .set(auth),
    ).toMatchObject({
      status: 404,
      body: { code: 'CERTIFICATE_NOT_FOUND' },
    });
    expect(await request(t.app).get(qrPath('short', 'qr.png')).set(auth)).toMatchObject({
      status: 400,
      body: { code: 'INVALID_PUBLIC_ID' },
    });
    expect(
      await request(t.app)
        .get(`${qrPath(cert.publicId, 'qr.png')}?size=9`)
        .set(auth),
    ).toMatchObject({
      status: 400,
      body: { code: 'INVALID_QUERY' },
    });
    expect(await request(t.app).get(qrPath(cert.publicId, 'qr.gif')).set(auth)).toMatchObject({
      status: 404,
      body: { code: 'ROUTE_NOT_FOUND' },
    });
  });
});
