/**
 * The printable receipt pages as a browser without JavaScript gets them: the result page links to a
 * receipt, the link issues one and redirects to the page that verifies and shows it, whose QR code
 * carries that whole page address; changed and malformed receipts say "not valid".
 */
import crypto from 'node:crypto';
import QRCode from 'qrcode';
import request from 'supertest';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { creditCode, seedBody, seedCertificate, unique } from '../helpers/factories';

const ORIGIN = 'https://certwatch.example.gov.cn';

let t: TestApp;
let bodyCode: string;
let cert: Certificate;

beforeAll(async () => {
  t = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN } });
  bodyCode = (await seedBody(t.services, { code: unique('RP').slice(0, 20), name: '重庆页面认证有限公司' }))
    .code;
  cert = await seedCertificate(t.services, {
    bodyCode,
    holder: { name: '重庆回执页面测试有限公司', creditCode: creditCode() },
    status: 'suspended',
    statusReason: '未按期接受监督审核',
    statusDate: '2026-06-01',
  });
});
afterAll(async () => {
  await t.close();
});

/** The receipt page's address the receipt link redirects to. */
async function receiptLocation(publicId: string, query = ''): Promise<string> {
  const res = await request(t.app).get(`/v/${publicId}/receipt${query}`);
  expect(res).toMatchObject({ status: 303, headers: { 'cache-control': 'no-store' } });
  return res.headers.location as string;
}

function compactOf(location: string): string {
  return new URL(location, ORIGIN).searchParams.get('r') as string;
}

test('when the result page is read, then it links to a receipt of the check', async () => {
  const res = await request(t.app).get(`/v/${cert.publicId}`);
  expect(res.status).toBe(200);
  expect(res.text).toContain(`<a class="receipt-link" href="/v/${cert.publicId}/receipt">保存核验回执`);
  const en = await request(t.app).get(`/v/${cert.publicId}?lang=en`);
  expect(en.text).toContain(`href="/v/${cert.publicId}/receipt?lang=en">Keep a signed receipt`);
});

test('when the receipt link is followed, then the receipt page shows the signed record, verified, with a QR code of its own address', async () => {
  const location = await receiptLocation(cert.publicId);
  expect(location).toMatch(/^\/receipts\?r=r1\.[A-Za-z0-9_-]{11}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
  const res = await request(t.app).get(location);
  expect(res).toMatchObject({ status: 200, headers: { 'cache-control': 'no-store' } });
  const html = res.text;
  expect(html).toContain('data-receipt-verdict="VALID"');
  expect(html).toContain('✓ 回执真实：签名有效');
  expect(html).toContain('重庆回执页面测试有限公司');
  expect(html).toContain(cert.number);
  expect(html).toContain(cert.holder.creditCode);
  expect(html).toContain('证书已暂停，暂停期间无效');
  expect(html).toContain('未按期接受监督审核');
  expect(html).toContain('2026-06-01');
  expect(html).toContain('重庆页面认证有限公司');
  expect(html).toContain('<script src="/assets/receipt.js" defer></script>');
  expect(html).not.toContain('/assets/app.js');
  expect(html).toContain(`href="/v/${cert.publicId}"`);
  // The QR code is exactly the code of the full page address: the whole signed receipt.
  const svg = await QRCode.toString(`${ORIGIN}${location}`, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
  });
  expect(html).toContain(`src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"`);
  // A reload shows the same receipt (its number), not a new one.
  const again = await request(t.app).get(location);
  const id = /data-receipt-id="([^"]+)"/.exec(html)?.[1];
  expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(again.text).toContain(`data-receipt-id="${id}"`);
});

test('when the receipt is asked for in English, then the page is in English and the language sticks', async () => {
  const location = await receiptLocation(cert.publicId, '?lang=en');
  expect(location).toMatch(/&lang=en$/);
  const res = await request(t.app).get(location);
  expect(res.text).toContain('<html lang="en">');
  expect(res.text).toContain('✓ Genuine receipt: signature valid');
  expect(res.text).toContain('Certificate status at the time of the check');
});

test('when one character of the receipt in the address is changed, then the page says not valid and shows none of its claims', async () => {
  const compact = compactOf(await receiptLocation(cert.publicId));
  const [tag, kid, data, sig] = compact.split('.') as [string, string, string, string];
  const json = Buffer.from(data, 'base64url')
    .toString('utf8')
    .replace('重庆回执页面测试', '重庆冒名顶替测试');
  const tampered = `${tag}.${kid}.${Buffer.from(json).toString('base64url')}.${sig}`;
  const res = await request(t.app).get(`/receipts?r=${tampered}`);
  expect(res.status).toBe(200);
  expect(res.text).toContain('data-receipt-verdict="SIGNATURE_INVALID"');
  expect(res.text).toContain('✗ 回执无效：签名不符');
  expect(res.text).not.toContain('重庆冒名顶替测试有限公司</dd>');
  expect(res.text).not.toContain('data-receipt-verdict="VALID"');
});

test('when the address holds no receipt or a broken one, then the form, or 400 with not valid', async () => {
  const form = await request(t.app).get('/receipts');
  expect(form.status).toBe(200);
  expect(form.text).toContain('<form method="get" action="/receipts"');
  expect(form.text).not.toContain('data-receipt-verdict');
  for (const r of [
    'hello',
    'r1.a.b.c',
    `r1.${'A'.repeat(11)}.${Buffer.from('not json').toString('base64url')}.${'A'.repeat(86)}`,
  ]) {
    const res = await request(t.app).get(`/receipts?r=${encodeURIComponent(r)}`);
    expect({ r, status: res.status }).toEqual({ r, status: 400 });
    expect(res.text).toContain('data-receipt-verdict="MALFORMED"');
  }
  const twice = await request(t.app).get('/receipts?r=a&r=b');
  expect(twice.status).toBe(400);
  expect(twice.text).toContain('data-receipt-verdict="MALFORMED"');
});

test('when the receipt link names an unknown or malformed id, then the error page with its code', async () => {
  const unknown = await request(t.app).get(`/v/${crypto.randomBytes(16).toString('base64url')}/receipt`);
  expect(unknown.status).toBe(404);
  expect(unknown.text).toContain('data-code="CERTIFICATE_NOT_FOUND"');
  const bad = await request(t.app).get('/v/short/receipt?lang=en');
  expect(bad.status).toBe(400);
  expect(bad.text).toContain('data-code="INVALID_PUBLIC_ID"');
  expect(bad.text).toContain('<html lang="en">');
});
