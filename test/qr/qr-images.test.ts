import request from 'supertest';
import QRCode from 'qrcode';
import type { Role } from '../../server/platform/auth';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { createMemoryCache } from '../../server/platform/memory-cache';
import { qrVersion } from '../../server/qr/qr-render';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { seedBody, seedCertificate, unique } from '../helpers/factories';
import { decodePng } from './qr-test-helpers';

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

  test('when the label is asked for, then it is a 40 × 30 mm SVG with the number, holder and scheme in Chinese', async () => {
    const res = await get(qrPath(cert.publicId, 'label.svg'), bodyToken);
    expect(res).toMatchObject({ status: 200, headers: { 'content-type': 'image/svg+xml; charset=utf-8' } });
    const svg = (res.body as Buffer).toString('utf8');
    expect(svg).toMatch(
      /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="40mm" height="30mm" viewBox="0 0 40 30"/,
    );
    expect(svg).toContain(cert.number);
    expect(svg).toContain(cert.holder.name);
    expect(svg).toContain('质量管理体系认证');
    expect(svg).toContain('扫码验证真伪');
    expect(svg).not.toMatch(/<script|href=|<image/i);
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

  test('when the holder name is 40 Chinese characters, then the label still shows it whole and the code stays printable', async () => {
    const name = '重庆市沙坪坝区西部现代物流园区智能精密机械装备制造与进出口贸易总集团股份有限公司';
    expect([...name]).toHaveLength(40);
    const long = await seedCertificate(t.services, {
      bodyCode,
      holder: { name, creditCode: cert.holder.creditCode },
    });
    const res = await get(qrPath(long.publicId, 'label.svg'), bodyToken);
    const svg = (res.body as Buffer).toString('utf8');
    const lines = [
      ...svg.matchAll(/<text x="0.6" y="[\d.]+" font-size="([\d.]+)" font-weight="bold">([^<]*)<\/text>/g),
    ];
    expect(lines.map((m) => m[2]).join('')).toBe(name);
    expect(Number(lines[0]?.[1])).toBeGreaterThanOrEqual(1.6);
    const url = t.services.qr.signedUrl(long).url;
    // Measured: version 19 (93 modules) at Q with this name on a 31-character origin; see the bench report.
    expect(qrVersion(url)).toBeLessThanOrEqual(22);
    const png = await get(qrPath(long.publicId, 'qr.png'), bodyToken);
    expect(decodePng(png.body as Buffer)).toBe(url);
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
