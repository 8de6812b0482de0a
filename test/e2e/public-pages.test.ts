/**
 * End to end in a real Chromium: a draw result page and /stats at a phone's 390 px and a desktop's
 * 1280 px, in Chinese and English; axe finds no serious violation, nothing scrolls sideways, and with
 * JavaScript off the draw's outcomes and the charts' tables are there. Screenshots in test-artifacts/e2e/.
 */
import type { Browser, BrowserContextOptions } from 'playwright-core';
import request from 'supertest';
import { startE2eApp, type E2eApp } from '../helpers/e2e-app';
import {
  axeViolations,
  chromiumFor,
  launchChromium,
  PHONE_390,
  screenshot,
  watchPageProblems,
} from '../helpers/e2e-browser';
import { addDays, creditCode, seedBody, seedCertificates } from '../helpers/factories';
import { todayInChina } from '../../server/platform/china-time';

const { chromiumPath, maybe } = chromiumFor('test/e2e/public-pages.test.ts');

const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' };
const SIZES: [string, BrowserContextOptions][] = [
  ['390', PHONE_390],
  ['1280', DESKTOP],
];

maybe('public draw and statistics pages in Chromium', () => {
  let app: E2eApp;
  let browser: Browser;
  let drawId = '';
  let problems: string[] = [];

  beforeAll(async () => {
    app = await startE2eApp();
    const { t } = app;
    const admin = `Bearer ${await t.tokenFor('admin')}`;
    const body = await seedBody(t.services, { code: 'CQC', name: '中国质量认证中心' });
    const today = todayInChina();
    const holders = [
      '重庆沙坪坝精密机械制造有限公司',
      '重庆嘉陵江船舶配件有限公司',
      '重庆大学城食品有限公司',
      '重庆磁器口文化旅游发展有限公司',
    ];
    const schemes = ['QMS', 'EMS', 'OHSMS', 'CCC', 'FSMS', 'ISMS'];
    await seedCertificates(
      t.services,
      Array.from({ length: 40 }, (_, i) => ({
        bodyCode: body.code,
        scheme: schemes[i % schemes.length],
        holder: {
          name: holders[i % holders.length] as string,
          creditCode: creditCode(),
          address: '重庆市沙坪坝区',
        },
        issueDate: i % 7 === 0 ? addDays(today, -(400 + i)) : addDays(today, -((i * 9) % 360)),
        expiryDate: i % 7 === 0 ? addDays(today, -1) : addDays(today, 900),
        ...(i % 11 === 0
          ? { status: 'suspended' as const, statusReason: '监督审核逾期', statusDate: today }
          : {}),
      })),
    );
    for (const [id, name] of [
      ['SPB-01', '王明'],
      ['SPB-02', '李娟'],
      ['SPB-03', '赵强'],
    ]) {
      const res = await request(t.app)
        .post('/api/v1/inspectors')
        .set('Authorization', admin)
        .send({ id, name, unit: '重庆市沙坪坝区市场监督管理局', conflicts: [] });
      expect(res.status).toBe(201);
    }
    const plan = await request(t.app)
      .post('/api/v1/draws')
      .set('Authorization', admin)
      .send({
        title: '2026 年沙坪坝区认证活动“双随机、一公开”抽查（第一批）',
        description: '对辖区内获证组织按信用等级随机抽查，核查认证证书与实际情况是否一致。',
        population: { kind: 'holders' },
        rates: { A: 10 },
      });
    expect(plan.status).toBe(201);
    drawId = plan.body.id as string;
    const run = await request(t.app).post(`/api/v1/draws/${drawId}/execution`).set('Authorization', admin);
    expect(run.status).toBe(200);
    const first = run.body.execution.targets[0] as { id: string };
    const result = await request(t.app)
      .post(`/api/v1/draws/${drawId}/results`)
      .set('Authorization', admin)
      .send({
        targetId: first.id,
        outcome: 'no_problem',
        summary: '现场核查认证证书、审核记录和管理体系运行情况，未发现问题。',
        inspectedOn: today,
      });
    expect(result.status).toBe(201);
    for (let i = 0; i < 5; i += 1) {
      await t.services.tips.submit(
        { category: 'forged', description: `在招标文件中看到的证书查不到，疑似伪造 ${i}。` },
        { clientAddress: '127.0.0.1' },
      );
      await request(t.app).post('/api/v1/scan').send({ text: 'https://example.com/not-ours' });
    }
    await t.services.qr.flushScans();
    browser = await launchChromium(chromiumPath);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  beforeEach(() => {
    problems = [];
  });

  const pages = () => [
    ['draw', `/draws/${drawId}`],
    ['stats', '/stats'],
  ];

  test('when the draw page and /stats are opened at 390 and 1280 px in both languages, then axe finds no serious violation and nothing overflows', async () => {
    // One tab per screen size, going from page to page: each is a whole server-rendered load with its
    // language in the address, and these pages keep nothing in the browser that could carry over.
    for (const [size, options] of SIZES) {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      watchPageProblems(page, problems);
      for (const [name, path] of pages()) {
        for (const lang of ['zh', 'en']) {
          const res = await page.goto(`${app.baseUrl}${path}?lang=${lang}`);
          expect(res?.status()).toBe(200);
          const label = `${name} ${lang} ${size}`;
          expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
            Number(size),
          );
          await screenshot(page, `public-${name}-${lang}-${size}`);
          expect(await axeViolations(page, label)).toEqual({ label, serious: [] });
        }
      }
      await context.close();
    }
    expect(problems).toEqual([]);
  }, 240_000);

  test('when JavaScript is off, then the draw outcome and the charts with their tables are all there', async () => {
    const context = await browser.newContext({ ...PHONE_390, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/draws/${drawId}?lang=zh`);
    await expect(page.locator('.outcome-no_problem').innerText()).resolves.toBe('未发现问题');
    await expect(page.locator('pre.command').innerText()).resolves.toContain(
      `npm run verify-draw -- ${drawId}`,
    );

    await page.goto(`${app.baseUrl}/stats?lang=zh`);
    await expect(page.locator('svg.chart-svg').count()).resolves.toBe(9);
    const details = page.locator('#chart-status-h ~ details');
    await details.locator('summary').click();
    await expect(details.locator('table').isVisible()).resolves.toBe(true);
    await expect(details.locator('tr', { hasText: '合计' }).innerText()).resolves.toContain('40');
    await screenshot(page, 'public-stats-nojs-table-390');
    await context.close();
  }, 60_000);
});
