/**
 * End to end in a real Chromium: an auditor's integrity file at a phone's 390 px and a desktop's
 * 1280 px, in Chinese and English, with JavaScript off (the page needs none), and the 404 page of an
 * unknown number. axe finds no serious violation. Screenshots in test-artifacts/e2e/.
 */
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../server/audit/audit-schema';
import { createRecordSchema } from '../../server/dishonesty/dishonesty-schema';
import { startE2eApp, type E2eApp } from '../helpers/e2e-app';
import {
  axeViolations,
  chromiumFor,
  launchChromium,
  PHONE_390,
  screenshot,
  watchPageProblems,
} from '../helpers/e2e-browser';
import { seedBody, seedCertificates } from '../helpers/factories';

const { chromiumPath, maybe } = chromiumFor('test/e2e/auditor-page.test.ts');

const REG = '2023-N1QMS-2000001';
const DESKTOP = { viewport: { width: 1280, height: 900 } };

maybe('auditor integrity file in Chromium', () => {
  let app: E2eApp;
  let browser: Browser;
  let problems: string[] = [];

  beforeAll(async () => {
    app = await startE2eApp();
    await seedBody(app.t.services, {
      code: 'CQC',
      name: '中国质量认证中心',
      approvedSchemes: ['QMS', 'EMS'],
    });
    await seedBody(app.t.services, { code: 'BJCC', name: '北京某认证中心', approvedSchemes: ['QMS', 'EMS'] });
    await request(app.t.app)
      .post('/api/v1/auditors/imports')
      .set('Authorization', `Bearer ${await app.t.tokenFor('admin')}`)
      .set('Content-Type', 'text/csv')
      .send(
        [
          '姓名,注册号,注册级别,注册领域,有效期起,有效期至',
          `王芳,${REG},高级审核员,质量管理体系;环境管理体系,2023-04-01,2099-03-31`,
        ].join('\n'),
      )
      .expect(201);
    const audit = (start: string, end: string) => ({
      startDate: start,
      endDate: end,
      manDays: 2,
      auditors: [{ name: '王芳', registrationNumber: REG, role: 'leader' as const }],
    });
    await seedCertificates(app.t.services, [
      { bodyCode: 'CQC', audit: audit('2024-05-06', '2024-05-07') },
      { bodyCode: 'CQC', audit: audit('2025-03-03', '2025-03-04') },
      { bodyCode: 'BJCC', audit: audit('2025-06-02', '2025-06-03') },
    ]);
    await app.t.services.dishonesty.create(
      createRecordSchema.parse({
        subject: { kind: 'auditor', registrationNumber: REG, name: '王芳', bodyCode: 'CQC' },
        severity: 'moderate',
        basis: '《认证及认证培训、咨询人员管理办法》第十八条',
        facts: '在未实施现场审核的情况下签署审核报告。',
        startDate: '2025-09-01',
      }),
      SYSTEM_ACTOR,
    );
    browser = await launchChromium(chromiumPath);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  beforeEach(() => {
    problems = [];
  });
  afterEach(() => {
    expect(problems).toEqual([]);
  });

  async function open(
    path: string,
    size: 'phone' | 'desktop',
    javaScriptEnabled = true,
  ): Promise<{ page: Page; close(): Promise<void> }> {
    const context = await browser.newContext({
      ...(size === 'phone' ? PHONE_390 : DESKTOP),
      javaScriptEnabled,
    });
    const page = await context.newPage();
    watchPageProblems(page, problems);
    await page.goto(`${app.baseUrl}${path}`);
    return { page, close: () => context.close() };
  }

  test.each([
    ['zh', 'phone', '审核员诚信档案：王芳', '共 3 次审核。'],
    ['zh', 'desktop', '审核员诚信档案：王芳', '共 3 次审核。'],
    ['en', 'phone', 'Auditor integrity file: 王芳', '3 audit(s) in all.'],
    ['en', 'desktop', 'Auditor integrity file: 王芳', '3 audit(s) in all.'],
  ] as const)(
    'when the page is opened in %s on a %s, then it reads whole and axe finds no serious violation',
    async (lang, size, title, total) => {
      const { page, close } = await open(`/auditors/${REG}?lang=${lang}`, size);
      try {
        await expect(page.locator('h1').innerText()).resolves.toBe(title);
        await expect(page.locator('#audit-counts tbody tr').count()).resolves.toBe(3);
        await expect(page.locator('main').innerText()).resolves.toContain(total);
        await expect(page.locator('#schemes li').count()).resolves.toBe(2);
        // Nothing overflows the phone's width.
        const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow).toBeLessThanOrEqual(0);
        expect(await axeViolations(page, `auditor page ${lang} ${size}`)).toEqual({
          label: `auditor page ${lang} ${size}`,
          serious: [],
        });
        await screenshot(page, `auditor-page-${lang}-${size === 'phone' ? 390 : 1280}`);
      } finally {
        await close();
      }
    },
    60_000,
  );

  test('when JavaScript is off, then the page still shows the registration, the audits and the record', async () => {
    const { page, close } = await open(`/auditors/${REG}`, 'phone', false);
    try {
      // The rendered document as the browser holds it (no script of the test can run in the page).
      const html = await page.content();
      expect(html).toContain('审核员诚信档案：王芳');
      expect(html).toContain('共 3 次审核。');
      expect(html).toContain('在未实施现场审核的情况下签署审核报告。');
      await screenshot(page, 'auditor-page-zh-390-no-js');
    } finally {
      await close();
    }
  }, 60_000);

  test('when the number is unknown, then the 404 page says so and passes axe', async () => {
    const { page, close } = await open('/auditors/2025-N1QMS-0000000?lang=en', 'phone');
    try {
      await expect(page.locator('h1').innerText()).resolves.toBe('Auditor not found');
      expect(await axeViolations(page, 'auditor 404')).toEqual({ label: 'auditor 404', serious: [] });
      await screenshot(page, 'auditor-page-not-found-en-390');
    } finally {
      await close();
    }
  }, 60_000);
});
