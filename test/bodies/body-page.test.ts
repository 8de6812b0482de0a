import request from 'supertest';
import type { Body } from '../../server/bodies/body-schema';
import { todayInChina } from '../../server/platform/china-time';
import { seedBody, seedCertificates } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let body: Body;
beforeAll(async () => {
  t = createTestApp();
  body = await seedBody(t.services, {
    name: '重庆公示认证有限公司',
    nameEn: 'Chongqing Disclosure Certification Co., Ltd.',
    phone: '023-6512 3456',
    website: 'https://cert.example.cn',
    approvalNumber: 'CNCA-R-2010-123',
    approvalStatus: 'approved',
    approvalHistory: [
      { status: 'approved', from: '2010-03-01' },
      { status: 'suspended', from: '2019-05-06' },
      { status: 'approved', from: '2019-11-01' },
    ],
    approvedSchemes: ['QMS', 'EMS'],
    approvedIndustryCodes: ['18', '19.05'],
    lastReportedAt: undefined,
  });
  await seedCertificates(t.services, [
    { bodyCode: body.code, expiryDate: '2099-01-01' },
    { bodyCode: body.code, expiryDate: '2099-01-01' },
    { bodyCode: body.code, expiryDate: '2020-01-01', issueDate: '2017-01-05' },
  ]);
  const token = await t.tokenFor('body', body.code);
  await request(t.app)
    .post(`/api/v1/bodies/${body.code}/commitments`)
    .set({ Authorization: `Bearer ${token}` })
    .send({ text: '本机构承诺：依法认证，\n不买证卖证。', dated: todayInChina() });
  await request(t.app)
    .post(`/api/v1/bodies/${body.code}/confirmations`)
    .set({ Authorization: `Bearer ${token}` })
    .send({});
  // An unconfirmed signal about the body: never on its public page.
  await t.services.signals.raise([
    {
      ruleId: 'body-volume-outlier',
      severity: 'high',
      subject: { kind: 'body', key: body.code },
      dedupKey: `test:${body.code}`,
      summary: 'SECRET-SIGNAL-SUMMARY',
      evidence: { note: 'SECRET-SIGNAL-EVIDENCE' },
      bodyCode: body.code,
    },
  ]);
});
afterAll(() => t.close());

describe('the public body page', () => {
  test('when the page is read in Chinese, then it shows approval and history, scope, contact, commitment, reporting and certificates by status', async () => {
    const res = await request(t.app).get(`/bodies/${body.code}`).set('Accept-Language', 'zh-CN');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const html = res.text;
    for (const text of [
      '重庆公示认证有限公司',
      'CNCA-R-2010-123',
      '批准已暂停',
      '2019-05-06',
      '质量管理体系',
      '19.05',
      '023-6512 3456',
      'https://cert.example.cn',
      '本机构承诺：依法认证，<br>不买证卖证。',
      '第 1 版',
      '最近一次报送',
      '合计 3 张',
    ]) {
      expect(html).toContain(text);
    }
    // Valid 2, expired 1: the counts table.
    expect(html).toMatch(/有效<\/th><td class="num">2</);
    expect(html).toMatch(/过期<\/th><td class="num">1</);
    expect(html).not.toContain('<script');
  });

  test('when the page is read in English, then its texts are English and the Chinese name is kept beside', async () => {
    const res = await request(t.app).get(`/bodies/${body.code}?lang=en`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="en"');
    expect(res.text).toContain('Chongqing Disclosure Certification Co., Ltd.');
    expect(res.text).toContain('Public commitment');
    expect(res.text).toContain('Certificates by status');
    expect(res.text).not.toMatch(/认证领域|按时报送/);
  });

  test('when the body is listed as dishonest after a case, then the record and the concluded case are on its page', async () => {
    const inspector = await t.tokenFor('inspector');
    const created = await request(t.app)
      .post('/api/v1/dishonesty')
      .set({ Authorization: `Bearer ${inspector}` })
      .send({
        subject: { kind: 'body', bodyCode: body.code, name: body.name },
        severity: 'serious',
        basis: '《认证机构管理办法》第四十条',
        caseRef: '沙市监认〔2026〕7号',
        facts: '未进行现场审核即出具认证证书，共 12 张。',
        startDate: '2026-03-02',
      });
    expect(created.status).toBe(201);
    const res = await request(t.app).get(`/bodies/${body.code}`).set('Accept-Language', 'zh-CN');
    // (The dishonesty feature folds the facts' punctuation to half-width today: issue #12 fixes that.)
    expect(res.text).toContain('未进行现场审核即出具认证证书');
    expect(res.text).toMatch(/案件 沙市监认.2026.7号：2026-03-02 列入失信名单/);
  });

  test('when the body has an open signal, then the page shows nothing of it', async () => {
    const res = await request(t.app).get(`/bodies/${body.code}`);
    expect(res.text).not.toMatch(/SECRET-SIGNAL/);
  });

  test('when the code is unknown or malformed, then the same 404 page answers in the page language', async () => {
    const unknown = await request(t.app).get('/bodies/NOSUCHBODY').set('Accept-Language', 'en');
    const malformed = await request(t.app).get('/bodies/%3Cscript%3E').set('Accept-Language', 'en');
    for (const res of [unknown, malformed]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('data-code="BODY_NOT_FOUND"');
      expect(res.text).not.toContain('<script>');
    }
  });
});
