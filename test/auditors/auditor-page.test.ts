import request from 'supertest';
import { SYSTEM_ACTOR } from '../../server/audit/audit-schema';
import { createRecordSchema } from '../../server/dishonesty/dishonesty-schema';
import { creditCode, seedBody, seedCertificates } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

const REG = '2023-N1QMS-2000001';
const HOLDER_CODE = creditCode();

let t: TestApp;
beforeAll(async () => {
  t = createTestApp();
  await seedBody(t.services, { code: 'CQC', approvedSchemes: ['QMS', 'EMS'] });
  await seedBody(t.services, { code: 'BJCC', approvedSchemes: ['QMS', 'EMS'] });
  const admin = await t.tokenFor('admin');
  await request(t.app)
    .post('/api/v1/auditors/imports')
    .set('Authorization', `Bearer ${admin}`)
    .set('Content-Type', 'text/csv')
    .send(
      [
        '姓名,注册号,注册级别,注册领域,有效期起,有效期至',
        `王芳,${REG},高级审核员,QMS;EMS,2023-04-01,2099-03-31`,
        '赵强,2024-N1EMS-3000002,,EMS,2020-01-01,2023-12-31',
      ].join('\n'),
    )
    .expect(201);
  const audit = (start: string, end: string) => ({
    startDate: start,
    endDate: end,
    manDays: 2,
    auditors: [
      // As a body reported the team: the number in lower case, and the person's name as the body wrote it.
      { name: '王芳（组长）', registrationNumber: REG.toLowerCase(), role: 'leader' as const },
    ],
  });
  await seedCertificates(t.services, [
    {
      bodyCode: 'CQC',
      holder: { name: '重庆沙坪坝审核员档案甲有限公司', creditCode: HOLDER_CODE },
      audit: audit('2024-05-06', '2024-05-07'),
    },
    { bodyCode: 'CQC', audit: audit('2025-03-03', '2025-03-04') },
    { bodyCode: 'BJCC', audit: audit('2025-06-02', '2025-06-03') },
  ]);
  await t.services.dishonesty.create(
    createRecordSchema.parse({
      subject: { kind: 'auditor', registrationNumber: REG, name: '王芳', bodyCode: 'CQC' },
      severity: 'moderate',
      basis: '《认证及认证培训、咨询人员管理办法》第十八条',
      facts: '在未实施现场审核的情况下签署审核报告。',
      startDate: '2025-09-01',
    }),
    SYSTEM_ACTOR,
  );
});
afterAll(() => t.close());

const page = (path: string, lang?: 'zh' | 'en') =>
  request(t.app)
    .get(path)
    .query(lang ? { lang } : {});

describe('auditor integrity file page', () => {
  test('when the page of a registered auditor is asked for, then it shows the registration, audits by body and year and the record, server-rendered', async () => {
    const res = await page(`/auditors/${REG}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const html = res.text;
    expect(html).toContain('审核员诚信档案：王芳');
    expect(html).toContain(REG);
    expect(html).toContain('质量管理体系认证 (QMS)');
    expect(html).toContain('环境管理体系认证 (EMS)');
    expect(html).toContain('高级审核员');
    expect(html).toContain('2023-04-01 至 2099-03-31');
    expect(html).toContain('注册有效');
    // Audits per body and year, newest year first, and the total.
    const rows = [
      ...html.matchAll(/<tr><td>(\d{4})<\/td><td class="code">([A-Z]+)<\/td><td>(\d+)<\/td><\/tr>/g),
    ].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(rows).toEqual(['2025 BJCC 1', '2025 CQC 1', '2024 CQC 1']);
    expect(html).toContain('共 3 次审核。');
    expect(html).toContain('在未实施现场审核的情况下签署审核报告。');
    // No script is needed to read it.
    expect(html).not.toMatch(/<script/);
  });

  test('when it is asked for in English, then the same facts read in English', async () => {
    const res = await page(`/auditors/${REG}`, 'en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Auditor integrity file: 王芳');
    expect(res.text).toContain('Quality management system (QMS)');
    expect(res.text).toContain('2023-04-01 to 2099-03-31');
    expect(res.text).toContain('3 audit(s) in all.');
    expect(res.text).toContain('<html lang="en"');
  });

  test('when the page shows an auditor, then no personal data beyond the register appears (no names as bodies wrote them, no holders)', async () => {
    const res = await page(`/auditors/${REG}`);
    expect(res.text).not.toContain('王芳（组长）');
    expect(res.text).not.toContain(HOLDER_CODE);
    expect(res.text).not.toContain('重庆沙坪坝审核员档案甲有限公司');
  });

  test('when a registration has ended, then the page says so and lists no audits', async () => {
    const res = await page('/auditors/2024-N1EMS-3000002', 'en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Registration expired');
    expect(res.text).toContain('No certifying body has reported an audit with this auditor yet.');
    expect(res.text).toContain('No dishonesty record names this auditor.');
    expect(res.text).not.toContain('<dt>Level</dt>');
  });

  test('when the number is written in lower case or full-width, then it redirects to the register spelling', async () => {
    const res = await page(`/auditors/${REG.toLowerCase()}`, 'en');
    expect(res).toMatchObject({ status: 301, headers: { location: `/auditors/${REG}?lang=en` } });
    const wide = await page(`/auditors/${encodeURIComponent('２０２３－Ｎ１ＱＭＳ－２０００００１')}`);
    expect(wide).toMatchObject({ status: 301, headers: { location: `/auditors/${REG}` } });
  });

  test("when the number is not in the register, then a 404 page says so in the reader's language", async () => {
    const res = await page('/auditors/2025-N1QMS-9999999');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('未找到该审核员');
    const en = await page('/auditors/2025-N1QMS-9999999', 'en');
    expect(en.status).toBe(404);
    expect(en.text).toContain('Auditor not found');
  });

  test('when the number is malformed, then a 400 page names the problem, never a 500', async () => {
    const res = await page(`/auditors/${encodeURIComponent('<script>x')}`, 'en');
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-code="INVALID_REGISTRATION_NUMBER"');
    expect(res.text).not.toContain('<script>x');
  });
});
