import request from 'supertest';
import { loadConfig } from '../../server/config';
import type { Body } from '../../server/bodies/body-schema';
import type { CertificateInput } from '../../server/certificates/certificate-schema';
import { ERROR_CODES, type ErrorCode } from '../../server/platform/errors';
import { ERROR_TEXT } from '../../server/error-texts';
import { langFromAcceptLanguage, pickLang } from '../../server/platform/i18n';
import { makeBody, makeCertificate, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let body: Body;

beforeAll(async () => {
  t = createTestApp();
  body = await t.services.bodies.upsert(
    makeBody({ name: '中国质量认证中心测试', nameEn: 'Test Quality Certification Centre' }),
  );
});
afterAll(() => t.close());

/** Stores one certificate of `body` (unless overridden) and returns its public id. */
async function seed(overrides: Partial<CertificateInput> = {}): Promise<string> {
  const [result] = await t.services.certificates.upsertMany([
    makeCertificate({ bodyCode: body.code, ...overrides }),
  ]);
  return result!.certificate.publicId;
}

const ISO_DAY = 86_400_000;
const daysAgoIso = (days: number) => new Date(Date.now() - days * ISO_DAY).toISOString();

describe('language choice', () => {
  test.each([
    [undefined, undefined, 'zh'],
    ['en', 'zh-CN,zh;q=0.9', 'en'],
    ['ZH', 'en', 'zh'],
    ['fr', 'en-GB', 'en'],
    [undefined, 'en-US,en;q=0.9', 'en'],
    [undefined, 'zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    [undefined, 'fr, en;q=0.5, zh;q=0.4', 'en'],
    [undefined, 'en;q=0.2, zh-TW;q=0.8', 'zh'],
    [undefined, 'en;q=0', 'zh'],
    [undefined, 'en;q=abc', 'zh'],
    [undefined, '*', 'zh'],
    [['en', 'zh'], 'en', 'en'],
  ])('when lang=%p and Accept-Language=%p, then the page is %s', (query, header, expected) => {
    expect(pickLang(query, header)).toBe(expected);
  });

  test('when Accept-Language is absent or empty, then it names no language', () => {
    expect(langFromAcceptLanguage(undefined)).toBeUndefined();
    expect(langFromAcceptLanguage('')).toBeUndefined();
  });

  test('when any API error code is shown, then it has Chinese and English text', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect(ERROR_TEXT[code].zh.length).toBeGreaterThan(0);
      expect(ERROR_TEXT[code].en.length).toBeGreaterThan(0);
    }
  });
});

describe('GET /v/:publicId', () => {
  test('when a valid certificate is opened from its QR link, then the page gives the registry record in Chinese without claiming the printed code was checked, with every fact and headers', async () => {
    const creditCode = '91440300708461136T';
    const id = await seed({
      holder: { name: '重庆沙坪坝页面测试有限公司', creditCode, address: '重庆市沙坪坝区页面路1号' },
    });
    const res = await request(t.app).get(`/v/${id}`);
    expect(res).toMatchObject({ status: 200, type: 'text/html' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.vary).toMatch(/Accept-Language/i);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/style-src 'self'/);
    expect(res.text).toContain('<html lang="zh-CN">');
    // Never the green verdict before the page's script has checked the code's signature.
    expect(res.text).not.toContain('banner-valid');
    expect(res.text).toContain('class="banner banner-pending" data-registry-status="valid"');
    expect(res.text).toContain('登记库记录：此证书有效');
    expect(res.text).toContain('本页尚未核对二维码上的防伪签名');
    expect(res.text).toContain('data-from-qr');
    expect(res.text).toContain('重庆沙坪坝页面测试有限公司');
    expect(res.text).toContain(creditCode);
    expect(res.text).toContain('质量管理体系认证');
    expect(res.text).toContain('Quality management system');
    expect(res.text).toContain('精密机械零部件的设计和生产');
    expect(res.text).toContain('2025-01-10');
    expect(res.text).toContain('2028-01-09');
    expect(res.text).toContain('中国质量认证中心测试');
    expect(res.text).toContain('CNCA-R-2002-001');
    expect(res.text).toContain('批准有效');
    expect(res.text).toContain('2026-11-01 16:00');
    expect(res.text).toContain('如何理解此结果');
    // The one script is the bundled page script from 'self' (signature check); nothing inline.
    expect(res.text).toContain('<script src="/assets/app.js" defer></script>');
    expect(res.text).not.toMatch(/<script(?! src="\/assets\/app\.js" defer><\/script>)|<style|style=/i);
  });

  test('when the certificate has product models and sites, then they are listed', async () => {
    const id = await seed({
      scheme: 'CCC',
      productModels: ['XJ-2000型电动工具'],
      sites: [{ name: '二号厂区', address: '重庆市沙坪坝区工业园2号' }],
    });
    const res = await request(t.app).get(`/v/${id}`).query({ lang: 'en' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('China Compulsory Certification (CCC)');
    expect(res.text).toContain('XJ-2000型电动工具');
    expect(res.text).toContain('二号厂区: 重庆市沙坪坝区工业园2号');
  });

  test('when the page is asked for in English by query, then it is English and links back to Chinese', async () => {
    const id = await seed();
    const res = await request(t.app).get(`/v/${id}?lang=en`).set('Accept-Language', 'zh-CN');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Registry record: this certificate is valid');
    expect(res.text).toContain('Test Quality Certification Centre');
    expect(res.text).toContain(`href="/v/${id}?lang=zh" hreflang="zh"`);
    // The explicit choice sticks: the permanent link carries it.
    expect(res.text).toContain(`href="/v/${id}?lang=en"`);
  });

  test('when the browser prefers English, then the page is English and offers Chinese', async () => {
    const id = await seed();
    const res = await request(t.app).get(`/v/${id}`).set('Accept-Language', 'en-US,en;q=0.9,zh;q=0.5');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Registry record: this certificate is valid');
    expect(res.text).toContain(`href="/v/${id}?lang=zh"`);
  });

  test('when the page is Chinese, then the switch link keeps the path and asks for English', async () => {
    const id = await seed();
    const res = await request(t.app).get(`/v/${id}`);
    expect(res.text).toContain(`href="/v/${id}?lang=en" hreflang="en" lang="en">English</a>`);
  });

  test.each([
    [
      'suspended',
      '2026-03-02',
      '监督审核逾期未进行',
      '证书已暂停',
      '暂停日期',
      'Certificate suspended',
      'Suspended on',
    ],
    [
      'revoked',
      '2026-04-15',
      '暂停期满未整改',
      '证书已撤销',
      '撤销日期',
      'Certificate revoked',
      'Revoked on',
    ],
    [
      'withdrawn',
      '2026-05-20',
      '持证组织申请注销',
      '证书已注销',
      '注销日期',
      'Certificate withdrawn',
      'Withdrawn on',
    ],
  ] as const)(
    'when the certificate is %s, then the page says so with its date and reason in both languages',
    async (status, date, reason, zhTitle, zhDate, enTitle, enDate) => {
      const id = await seed({ status, statusDate: date, statusReason: reason });
      const zh = await request(t.app).get(`/v/${id}`);
      expect(zh.status).toBe(200);
      expect(zh.text).toContain(`banner-${status}`);
      expect(zh.text).toContain(zhTitle);
      expect(zh.text).toContain(`<dt>${zhDate}</dt><dd>${date}</dd>`);
      expect(zh.text).toContain(`<dt>原因</dt><dd>${reason}</dd>`);
      expect(zh.text).not.toContain('证书有效');
      const en = await request(t.app).get(`/v/${id}?lang=en`);
      expect(en.text).toContain(enTitle);
      expect(en.text).toContain(`<dt>${enDate}</dt><dd>${date}</dd>`);
      expect(en.text).toContain(`<dt>Reason</dt><dd>${reason}</dd>`);
    },
  );

  test('when a revoked certificate has no reason, then the page says the body gave none', async () => {
    const id = await seed({ status: 'revoked', statusDate: '2026-04-15' });
    const res = await request(t.app).get(`/v/${id}`);
    expect(res.text).toContain('<dt>原因</dt><dd>认证机构未说明原因</dd>');
  });

  test('when a certificate stored as valid is past its expiry date, then the page says expired on that date', async () => {
    const id = await seed({ status: 'valid', issueDate: '2020-01-10', expiryDate: '2023-01-09' });
    const res = await request(t.app).get(`/v/${id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('banner-expired');
    expect(res.text).toContain('证书已过期');
    expect(res.text).toContain('<dt>到期日期</dt><dd>2023-01-09</dd>');
    expect(res.text).not.toContain('banner-valid');
  });

  test('when no certificate has the id, then a 404 page says not in the registry and how fresh it is', async () => {
    const res = await request(t.app).get('/v/AAAAAAAAAAAAAAAAAAAAAA');
    expect(res).toMatchObject({ status: 404, type: 'text/html' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('banner-notfound');
    expect(res.text).toContain('登记库中查无此证书');
    expect(res.text).toContain('伪造的证书不会出现在登记库中');
    expect(res.text).toMatch(/认证机构最近一次报送数据：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    const en = await request(t.app).get('/v/AAAAAAAAAAAAAAAAAAAAAA?lang=en');
    expect(en.status).toBe(404);
    expect(en.text).toContain('Not in the registry');
    expect(en.text).toContain('Forged certificates are not in the registry');
  });

  test.each(['short', 'AAAAAAAAAAAAAAAAAAAAAA!', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'A'.repeat(500)])(
    'when the id %s is malformed, then a 400 page says so in the page language',
    async (id) => {
      const res = await request(t.app).get(`/v/${id}`);
      expect(res).toMatchObject({ status: 400, type: 'text/html' });
      expect(res.text).toContain('data-code="INVALID_PUBLIC_ID"');
      expect(res.text).toContain(ERROR_TEXT.INVALID_PUBLIC_ID.zh);
      expect(res.text).not.toMatch(/<script/i);
      const en = await request(t.app).get(`/v/${id}`).set('Accept-Language', 'en');
      expect(en.status).toBe(400);
      expect(en.text).toContain(ERROR_TEXT.INVALID_PUBLIC_ID.en);
    },
  );

  test('when the path has a broken percent-encoding, then a 400 page says the link is malformed', async () => {
    const res = await request(t.app).get('/v/%E0%A4%A');
    expect(res).toMatchObject({ status: 400, type: 'text/html' });
    expect(res.text).toContain('data-code="MALFORMED_URL"');
    expect(res.text).toContain(ERROR_TEXT.MALFORMED_URL.zh);
  });

  test('when the certificate has auditors, then no auditor data appears on the page', async () => {
    const id = await seed({
      audit: {
        startDate: '2025-01-06',
        endDate: '2025-01-08',
        manDays: 6,
        auditors: [{ name: '李审核员', registrationNumber: '2025-N1QMS-7654321', role: 'leader' }],
      },
    });
    const res = await request(t.app).get(`/v/${id}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('李审核员');
    expect(res.text).not.toContain('2025-N1QMS-7654321');
    expect(res.text).not.toContain('2025-01-06');
  });

  test('when the holder name carries markup, then it is escaped everywhere', async () => {
    const name = `<script>alert("x")</script>${unique('公司')}`;
    const id = await seed({
      holder: { name, creditCode: '91330100799655058B' },
      scope: '"><img src=x onerror=alert(1)>',
    });
    const res = await request(t.app).get(`/v/${id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(res.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(res.text).not.toMatch(/<script(?! src="\/assets\/app\.js" defer><\/script>)|<img/i);
    const search = await request(t.app)
      .get('/search')
      .query({ q: name.slice(-8) });
    expect(search.status).toBe(200);
    expect(search.text).toContain('&lt;script&gt;');
    expect(search.text).not.toMatch(/<script/i);
  });

  test("when the body's approval is withdrawn, then a loud warning says so and flags a later issue date", async () => {
    const withdrawn = await t.services.bodies.upsert(
      makeBody({ approvalStatus: 'withdrawn', approvalStatusDate: '2025-01-01' }),
    );
    const id = await seed({ bodyCode: withdrawn.code });
    const res = await request(t.app).get(`/v/${id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('class="warning"');
    expect(res.text).toContain('该认证机构的批准已被撤销（2025-01-01）');
    expect(res.text).toContain('此证书的颁证日期在该机构批准被暂停或撤销之后');
    expect(res.text).toContain('批准已撤销（2025-01-01）');
    const en = await request(t.app).get(`/v/${id}?lang=en`);
    expect(en.text).toContain('This certifying body&#39;s approval was withdrawn on 2025-01-01');
  });

  test("when the body's approval is suspended, then the warning says suspended", async () => {
    const suspended = await t.services.bodies.upsert(makeBody({ approvalStatus: 'suspended' }));
    const id = await seed({ bodyCode: suspended.code });
    const res = await request(t.app).get(`/v/${id}`);
    expect(res.text).toContain('该认证机构的批准已被暂停');
  });

  test('when the issuing body is not registered, then a warning says it may be a fake body', async () => {
    const id = await seed({ bodyCode: unique('NOBODY').slice(0, 32) });
    const res = await request(t.app).get(`/v/${id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('颁发此证书的认证机构不在认证机构名录中');
  });

  test('when the body has not reported for weeks, then the page says recent changes may be missing', async () => {
    const quiet = await t.services.bodies.upsert(makeBody({ lastReportedAt: daysAgoIso(90) }));
    const id = await seed({ bodyCode: quiet.code });
    const res = await request(t.app).get(`/v/${id}`);
    expect(res.text).toContain('该机构已 90 天未报送数据');
  });
});

describe('GET / and /lookup', () => {
  test('when the home page is opened, then it has both forms and the place for the scanner', async () => {
    const res = await request(t.app).get('/');
    expect(res).toMatchObject({ status: 200, type: 'text/html' });
    expect(res.headers.vary).toMatch(/Accept-Language/i);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('action="/lookup"');
    expect(res.text).toContain('action="/search"');
    expect(res.text).toContain('data-slot="qr-scanner"');
    expect(res.text).toContain('href="/?lang=en"');
    const en = await request(t.app).get('/?lang=en');
    expect(en.text).toContain('Look up by certificate number');
    expect(en.text).toContain('<input type="hidden" name="lang" value="en">');
  });

  test('when the stylesheet is fetched, then it is served as CSS', async () => {
    const res = await request(t.app).get('/assets/site.css');
    expect(res).toMatchObject({ status: 200, type: 'text/css' });
  });

  test('when one certificate has the number, then the lookup shows its card', async () => {
    const number = unique('LOOKUP');
    const id = await seed({
      number,
      status: 'suspended',
      statusDate: '2026-06-01',
      statusReason: '监督审核逾期',
    });
    // Typed the way people type it: lower case, full width, blank optional body field.
    const typed = number
      .toLowerCase()
      .replace(/[A-Z0-9]/gi, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const res = await request(t.app)
      .get('/lookup')
      .query({ number: ` ${typed} `, body: '' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('banner-suspended');
    expect(res.text).toContain('监督审核逾期');
    expect(res.text).toContain(`href="/v/${id}"`);
  });

  test('when two bodies use the number, then the lookup lists both, and the body code narrows it', async () => {
    const number = unique('SHARED');
    const other = await t.services.bodies.upsert(makeBody());
    const first = await seed({ number });
    const second = await seed({ number, bodyCode: other.code, status: 'revoked', statusDate: '2026-02-01' });
    const res = await request(t.app).get('/lookup').query({ number, lang: 'en' });
    expect(res.status).toBe(200);
    expect(res.text).toContain(`2 certificates have the number ${number}`);
    expect(res.text).toContain(`href="/v/${first}?lang=en"`);
    expect(res.text).toContain(`href="/v/${second}?lang=en"`);
    expect(res.text).toContain('badge-revoked');
    const narrowed = await request(t.app).get('/lookup').query({ number, body: other.code });
    expect(narrowed.status).toBe(200);
    expect(narrowed.text).toContain('banner-revoked');
  });

  test('when no certificate has the number, then the 404 page names it and the registry freshness', async () => {
    const res = await request(t.app).get('/lookup').query({ number: 'FORGED-0001' });
    expect(res).toMatchObject({ status: 404, type: 'text/html' });
    expect(res.text).toContain('登记库中查无此证书');
    expect(res.text).toContain('查询的证书编号：FORGED-0001');
    expect(res.text).toMatch(/认证机构最近一次报送数据：\d{4}-/);
  });

  test('when the named body is unknown or known, then the not-found page says which', async () => {
    const unknown = await request(t.app).get('/lookup').query({ number: 'FORGED-0002', body: 'NOSUCHBODY' });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('认证机构代码 NOSUCHBODY 不在认证机构名录中');
    const known = await request(t.app).get('/lookup').query({ number: 'FORGED-0003', body: body.code });
    expect(known.status).toBe(404);
    expect(known.text).toContain('认证机构 中国质量认证中心测试 最近一次报送数据：2026-11-01 16:00');
  });

  test.each([
    ['missing number', '', 'INVALID_CERTIFICATE_NUMBER'],
    ['empty number', 'number=', 'INVALID_CERTIFICATE_NUMBER'],
    ['NUL in the number', 'number=AB%00C', 'INVALID_CHARACTERS'],
    ['an operator object', 'number[$gt]=', 'INVALID_QUERY'],
    ['a 10 kB number', `number=${'9'.repeat(10_000)}`, 'INVALID_CERTIFICATE_NUMBER'],
    ['a repeated number', 'number=A1&number=B2', 'INVALID_QUERY'],
    ['a bad body code', `number=A1&body=${'B'.repeat(40)}`, 'INVALID_BODY_CODE'],
  ])('when the lookup has %s, then a 400 page explains it', async (_label, qs, code) => {
    const res = await request(t.app).get(`/lookup?${qs}`);
    expect(res).toMatchObject({ status: 400, type: 'text/html' });
    expect(res.text).toContain(`data-code="${code}"`);
    expect(res.text).toContain(ERROR_TEXT[code as ErrorCode].zh);
    expect(res.text).toContain('action="/lookup"');
    const en = await request(t.app).get(`/lookup?${qs}${qs ? '&' : ''}lang=en`);
    expect(en.status).toBe(400);
    expect(en.text).toContain(ERROR_TEXT[code as ErrorCode].en);
  });

  test('when the registry fails, then the page is a 500 in HTML without internals', async () => {
    const broken = createTestApp();
    try {
      await broken.stores.close();
      const res = await request(broken.app).get('/v/AAAAAAAAAAAAAAAAAAAAAA');
      expect(res).toMatchObject({ status: 500, type: 'text/html' });
      expect(res.text).toContain('data-code="INTERNAL_ERROR"');
      expect(res.text).toContain(ERROR_TEXT.INTERNAL_ERROR.zh);
      expect(res.text).not.toMatch(/sqlite|database|at \//i);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });

  test('when the API gets bad input after the pages are wired, then it still answers problem+json', async () => {
    const res = await request(t.app).get('/api/v1/certificates/bad');
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_PUBLIC_ID' } });
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

describe('GET /search', () => {
  const marker = `分页${Date.now() % 100000}`;

  beforeAll(async () => {
    const reports = Array.from({ length: 25 }, (_, i) =>
      makeCertificate({
        bodyCode: body.code,
        holder: { name: `重庆${marker}测试第${i + 1}有限公司`, creditCode: '91110000802100433B' },
      }),
    );
    await t.services.certificates.upsertMany(reports);
  });

  test('when a Chinese substring matches 25 certificates, then the pages hold 20 and 5 with links', async () => {
    const first = await request(t.app)
      .get('/search')
      .query({ q: `${marker}测试` });
    expect(first).toMatchObject({ status: 200, type: 'text/html' });
    expect(first.text).toContain('共 25 条结果');
    expect(first.text.match(/class="result"/g)).toHaveLength(20);
    expect(first.text).toContain('第 1 页，共 2 页');
    expect(first.text).toContain(
      `href="/search?q=${encodeURIComponent(`${marker}测试`)}&amp;page=2" rel="next"`,
    );
    expect(first.text).not.toContain('rel="prev"');
    const second = await request(t.app)
      .get('/search')
      .query({ q: `${marker}测试`, page: 2 });
    expect(second.status).toBe(200);
    expect(second.text.match(/class="result"/g)).toHaveLength(5);
    expect(second.text).toContain('rel="prev"');
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toMatch(/href="\/v\/[A-Za-z0-9_-]{22}"/);
  });

  test('when the search is in English, then the switch link keeps the query and paging links keep the language', async () => {
    const res = await request(t.app)
      .get('/search')
      .query({ q: `${marker}测试`, page: 1, lang: 'en' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('25 results');
    const q = encodeURIComponent(`${marker}测试`);
    expect(res.text).toContain(`href="/search?q=${q}&amp;page=1&amp;lang=zh" hreflang="zh"`);
    expect(res.text).toContain(`href="/search?q=${q}&amp;page=2&amp;lang=en" rel="next"`);
  });

  test('when a page past the end is asked for, then it says so and links back', async () => {
    const res = await request(t.app)
      .get('/search')
      .query({ q: `${marker}测试`, page: 5 });
    expect(res.status).toBe(200);
    expect(res.text).toContain('这一页没有更多结果');
    expect(res.text).toContain('rel="first"');
  });

  test('when nothing matches, then the page says so', async () => {
    const res = await request(t.app).get('/search').query({ q: '不存在的组织名称甲乙丙' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('没有找到匹配的证书');
  });

  test.each([
    ['a 1,000-character query', `q=${'名'.repeat(1_000)}`, 'QUERY_TOO_LONG'],
    ['a page too deep', 'q=%E9%87%8D%E5%BA%86&page=999', 'INVALID_PAGE'],
    ['a page of zero', 'q=%E9%87%8D%E5%BA%86&page=0', 'INVALID_PAGE'],
    ['an operator object', 'q[$gt]=', 'INVALID_QUERY'],
    ['a control character', 'q=ab%07c', 'INVALID_CHARACTERS'],
  ])('when the search has %s, then a 400 page explains it', async (_label, qs, code) => {
    const res = await request(t.app).get(`/search?${qs}`);
    expect(res).toMatchObject({ status: 400, type: 'text/html' });
    expect(res.text).toContain(`data-code="${code}"`);
    expect(res.text).toContain(ERROR_TEXT[code as ErrorCode].zh);
    expect(res.text).toContain('action="/search"');
  });
});

describe('trust markers on every page', () => {
  test('when any page is shown, then its footer names the operator and the hotline in the page language, with the favicon', async () => {
    const id = await seed();
    for (const path of ['/', `/v/${id}`, '/dishonesty', '/report', '/inspect']) {
      const zh = await request(t.app).get(path);
      expect([path, zh.status]).toEqual([path, 200]);
      expect(zh.text).toContain('主办单位：重庆市沙坪坝区市场监督管理局');
      expect(zh.text).toContain('投诉举报电话：<a href="tel:12315">12315</a>');
      expect(zh.text).toContain('<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">');
      const en = await request(t.app).get(path).query({ lang: 'en' });
      expect(en.text).toContain('Run by Shapingba District Administration for Market Regulation, Chongqing');
      expect(en.text).toContain('Complaints hotline: <a href="tel:12315">12315</a>');
    }
    const icon = await request(t.app).get('/favicon.ico');
    expect(icon).toMatchObject({ status: 301, headers: { location: '/assets/favicon.svg' } });
    const svg = await request(t.app).get('/assets/favicon.svg');
    expect(svg).toMatchObject({ status: 200, type: 'image/svg+xml' });
  });

  test('when the operator is configured, then its name, hotline and filing line are what the footer says', async () => {
    const other = createTestApp({
      env: {
        OPERATOR_NAME: '某区市场监督管理局',
        OPERATOR_NAME_EN: 'Some District AMR',
        OPERATOR_HOTLINE: '023-12345678',
        OPERATOR_FILING: '渝ICP备00000000号',
      },
    });
    try {
      const res = await request(other.app).get('/');
      expect(res.text).toContain('主办单位：某区市场监督管理局');
      expect(res.text).toContain('<a href="tel:023-12345678">023-12345678</a>');
      expect(res.text).toContain('<p class="filing">渝ICP备00000000号</p>');
    } finally {
      await other.close();
    }
  });

  test('when the operator settings are malformed, then the process refuses to start, naming the variable', () => {
    expect(() => loadConfig({ OPERATOR_HOTLINE: 'call us' })).toThrow(/OPERATOR_HOTLINE/);
    expect(() => loadConfig({ OPERATOR_NAME: ' ' })).toThrow(/OPERATOR_NAME/);
  });

  test('when an address is no page, then a 404 page in the page language says so in the portal frame, not "Cannot GET"', async () => {
    const zh = await request(t.app).get('/no/such/page');
    expect(zh).toMatchObject({ status: 404, type: 'text/html' });
    expect(zh.text).toContain('页面不存在');
    expect(zh.text).toContain('data-code="ROUTE_NOT_FOUND"');
    expect(zh.text).toContain('class="banner banner-notice"');
    expect(zh.text).not.toContain('Cannot GET');
    const en = await request(t.app).get('//evil.example/x').query({ lang: 'en' });
    expect(en.status).toBe(404);
    expect(en.text).toContain('Page not found');
    // The unknown path is never echoed into a link: the language switch leads home.
    expect(en.text).not.toContain('evil.example');
    const post = await request(t.app).post('/no/such/page');
    expect(post.status).toBe(404);
    // The API keeps its problem+json answers.
    const api = await request(t.app).get('/api/v1/no-such-route');
    expect(api).toMatchObject({ status: 404, body: { code: 'ROUTE_NOT_FOUND' } });
  });

  test('when a certificate is not valid, then its expiry date is labelled as the date it was to run to', async () => {
    const id = await seed({ status: 'revoked', statusReason: '冒用认证标志', statusDate: '2026-05-01' });
    const zh = await request(t.app).get(`/v/${id}`);
    expect(zh.text).toContain('原定有效期至');
    expect(zh.text).not.toContain('<dt>有效期至</dt>');
    const en = await request(t.app).get(`/v/${id}`).query({ lang: 'en' });
    expect(en.text).toContain('Was to be valid until');
  });

  test('when a certificate is not in the registry, then the page points to the national lookup of CNCA', async () => {
    const res = await request(t.app).get('/lookup').query({ number: 'NO-SUCH-NUMBER-1' });
    expect(res.status).toBe(404);
    expect(res.text).toContain('href="https://cx.cnca.cn/CertECloud/index/index/page"');
    expect(res.text).toContain('全国认证认可信息公共服务平台');
  });
});
