/**
 * End to end in a real Chromium: a certifying body's clerk signs in to /body with the body's token, sees
 * the late notice, uploads an XLSX with a bad row (chosen with the file input), sees the progress and the
 * error report, drops the fixed file on the drop zone and uploads it again, sees both jobs in the list,
 * and confirms "nothing changed"; then the body's public page at 390 px and 1280 px in both languages,
 * and without JavaScript; last, it pages through its certificates (filtered by number and status) and opens
 * one's status change from the list. axe finds no serious violation. Screenshots go to test-artifacts/e2e/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { Body } from '../../server/bodies/body-schema';
import { ERROR_TEXT } from '../../server/error-texts';
import { startE2eApp, type E2eApp } from '../helpers/e2e-app';
import {
  axeViolations,
  chromiumFor,
  launchChromium,
  PHONE_390,
  screenshot,
  waitForExpression,
  watchPageProblems,
} from '../helpers/e2e-browser';
import { seedBody, seedCertificates } from '../helpers/factories';
import { tempDir } from '../helpers/test-app';
import { toXlsx, uploadRow } from '../helpers/upload-files';

const FIXED_NAME = '2026年11月证书（已改正）.xlsx';
const DESK: BrowserContextOptions = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' };
const { chromiumPath, maybe } = chromiumFor('test/e2e/body-portal.test.ts');

maybe('body portal and public body page in Chromium', () => {
  let app: E2eApp;
  let browser: Browser;
  let body: Body;
  let token: string;
  let dir: string;
  let pageProblems: string[] = [];

  async function newPage(options: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    watchPageProblems(page, pageProblems);
    return { context, page };
  }

  async function audit(page: Page, label: string): Promise<void> {
    expect(await axeViolations(page, label)).toEqual({ label, serious: [] });
  }

  beforeAll(async () => {
    app = await startE2eApp();
    body = await seedBody(app.t.services, {
      code: 'CQPORTAL',
      name: '重庆报送演示认证有限公司',
      nameEn: 'Chongqing Reporting Demo Certification Co., Ltd.',
      phone: '023-6510 0000',
      website: 'https://cqportal.example.cn',
      approvalNumber: 'CNCA-R-2012-045',
      approvedSchemes: ['QMS', 'EMS'],
      approvedIndustryCodes: ['17', '18', '19.05'],
      lastReportedAt: undefined,
    });
    await seedCertificates(app.t.services, [
      { bodyCode: body.code, expiryDate: '2099-01-01' },
      { bodyCode: body.code, expiryDate: '2020-06-30', issueDate: '2017-07-01' },
    ]);
    token = await app.t.tokenFor('body', body.code);
    dir = tempDir('certwatch-portal-');
    browser = await launchChromium(chromiumPath);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    pageProblems = [];
  });

  afterEach(() => {
    expect(pageProblems).toEqual([]);
  });

  test('when a clerk uploads a file with a bad row, fixes it and uploads again, then confirms nothing changed, then the portal shows each step', async () => {
    const good = uploadRow({ name: '重庆沙坪坝门户演示机械有限公司' });
    const bad = uploadRow({ name: '重庆沙坪坝门户演示电子有限公司', creditCode: '91500106ABCDEFGH12' });
    const badFile = path.join(dir, '2026年11月证书.xlsx');
    fs.writeFileSync(badFile, await toXlsx([good, bad]));
    const fixed = await toXlsx([good, { ...bad, creditCode: uploadRow().creditCode }]);

    const { context, page } = await newPage(DESK);
    await page.goto(`${app.baseUrl}/body`);
    await page.getByLabel('访问令牌').fill(token);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('#late-notice').waitFor({ timeout: 15_000 });
    expect(await page.locator('#portal-body').textContent()).toContain('重庆报送演示认证有限公司');
    await audit(page, 'portal signed in');
    await screenshot(page, 'body-portal-signed-in-1280-zh');

    // The file input, atomic mode: the bad row rejects the whole file, with the error report shown.
    await page.setInputFiles('#upload-file', badFile);
    await page.getByRole('button', { name: '上传', exact: true }).click();
    await page.locator('#job-result[data-state="rejected"] #error-report').waitFor({ timeout: 30_000 });
    expect(await page.evaluate("document.querySelector('#upload-progress').value")).toBe(100);
    expect(await page.locator('#upload-progress-text').textContent()).toContain('已处理 2 行');
    const report = await page.locator('#error-report tbody').textContent();
    expect(report).toContain('ROW_INVALID_CREDIT_CODE');
    expect(await page.locator('#job-result a[download]').count()).toBe(1);
    await audit(page, 'portal error report');
    await screenshot(page, 'body-portal-error-report-1280-zh');

    // The fixed file, dropped on the drop zone.
    // A DataTransfer made in the page carries the file, as a drag from the desktop would.
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(${JSON.stringify([...fixed])})], ${JSON.stringify(FIXED_NAME)}));
      const zone = document.querySelector('#drop-zone');
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    expect(await page.locator('#chosen-file').textContent()).toBe(FIXED_NAME);
    await page.getByRole('button', { name: '上传', exact: true }).click();
    await page.locator('#job-result[data-state="succeeded"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#job-result').textContent()).toContain('新增 2');
    // The list of jobs: both uploads, the rejected one with its report.
    await waitForExpression(page, "document.querySelectorAll('#jobs-table tbody tr').length === 2", 15_000);
    await page.locator('#jobs-table').getByRole('button', { name: '查看错误报告' }).click();
    await page.locator('#job-report-result #error-report').waitFor();
    await screenshot(page, 'body-portal-reuploaded-1280-zh');

    // After a stored upload the body is no longer late; then it confirms "nothing changed".
    await page.locator('#due-notice').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: '确认本期无变化' }).click();
    await waitForExpression(
      page,
      "document.querySelector('#portal-status').textContent.includes('已确认无变化')",
      15_000,
    );
    const audited = await app.t.stores.audit.forTarget('body', body.code, 20);
    expect(audited.map((e) => e.action)).toContain('body.confirm');
    await audit(page, 'portal confirmed');

    // Its public commitment, submitted from the portal, is published on its public page.
    await page
      .getByLabel('承诺书正文')
      .fill('本机构郑重承诺：\n一、依法独立、公正地开展认证活动；\n二、每月 10 日前如实报送证书信息。');
    await page.getByRole('button', { name: '提交承诺书' }).click();
    await waitForExpression(
      page,
      "document.querySelector('#commitment-current').textContent.includes('第 1 版')",
      15_000,
    );
    await context.close();
  }, 120_000);

  test('when the public body page is read on a phone and a desktop in both languages, then it shows the body and axe finds no serious violation', async () => {
    for (const [label, options] of [
      ['390', PHONE_390],
      ['1280', DESK],
    ] as const) {
      // One tab per screen size: the language is in the address, and each is a whole server-rendered load.
      const { context, page } = await newPage(options);
      for (const lang of ['zh', 'en'] as const) {
        const res = await page.goto(`${app.baseUrl}/bodies/${body.code}?lang=${lang}`);
        expect(res?.status()).toBe(200);
        const text = (await page.locator('main').textContent()) ?? '';
        expect(text).toContain(
          lang === 'zh' ? '重庆报送演示认证有限公司' : 'Chongqing Reporting Demo Certification',
        );
        expect(text).toContain('CNCA-R-2012-045');
        expect(text).toContain('二、每月 10 日前如实报送证书信息。');
        // No horizontal scrolling on the phone.
        expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(
          true,
        );
        await audit(page, `body page ${label} ${lang}`);
        await screenshot(page, `body-page-${label}-${lang}`);
      }
      await context.close();
    }
  }, 120_000);

  test('when the portal is used on a phone in English, then it reads in English, fits 390 px and axe finds no serious violation', async () => {
    const { context, page } = await newPage({ ...PHONE_390, locale: 'en-GB' });
    await page.goto(`${app.baseUrl}/body?lang=en`);
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('#jobs > :is(div, p)').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('#reporting-heading').textContent()).toBe('Reporting');
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await audit(page, 'portal 390 en');
    await screenshot(page, 'body-portal-390-en');
    // A refused token is said in the page language, and signs nothing in.
    await page.locator('#sign-out').click();
    await page.getByLabel('Access token').fill('not-a-real-token-0123456789');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('.console-error').waitFor();
    expect(await page.locator('.console-error').textContent()).not.toMatch(/[\u4e00-\u9fff]/);
    // The same refusal on the Chinese page of an English browser: the portal asks for the page's
    // language, so the server's words are Chinese too, with no English sentence beside them.
    await page.goto(`${app.baseUrl}/body?lang=zh`);
    await page.getByLabel('访问令牌').fill('not-a-real-token-0123456789');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('.console-error').waitFor();
    const refusal = (await page.locator('.console-error').textContent()) ?? '';
    expect(refusal).toContain(ERROR_TEXT.UNAUTHENTICATED.zh);
    expect(refusal).not.toMatch(/[A-Za-z]{3}/);
    await context.close();
  }, 60_000);

  test('when JavaScript is off, then the public body page reads the same', async () => {
    const { context, page } = await newPage({ ...PHONE_390, javaScriptEnabled: false });
    await page.goto(`${app.baseUrl}/bodies/${body.code}`);
    expect(await page.locator('#certificates-heading').textContent()).toBe('证书状态统计');
    expect(await page.locator('main').textContent()).toContain('合计 4 张');
    await context.close();
  }, 60_000);

  // Last: the certificates it adds would change the counts the tests above read.
  test('when a clerk pages through the body’s certificates, filters them and opens one, then each comes once in number order and its status change opens; on a phone it fits 390 px', async () => {
    const numbers = Array.from({ length: 41 }, (_, i) => `CQP-LIST-${String(i).padStart(3, '0')}`);
    await seedCertificates(
      app.t.services,
      [...numbers].reverse().map((number, i) => ({
        bodyCode: body.code,
        number,
        issueDate: '2019-01-01',
        expiryDate: i < 2 ? '2020-12-31' : '2099-01-01',
      })),
    );
    const expired = numbers.slice(-2);
    const shownNumbers = (page: Page) =>
      page.evaluate(
        "[...document.querySelectorAll('#certificate-table tbody button[data-number]')].map((b) => b.dataset.number)",
      ) as Promise<string[]>;

    const { context, page } = await newPage(DESK);
    await page.goto(`${app.baseUrl}/body`);
    await page.getByLabel('访问令牌').fill(token);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('#certificate-table').waitFor({ timeout: 15_000 });
    expect(await page.locator('#my-certificates-heading').textContent()).toBe('我的证书');

    // The number prefix, then every page through "next": each certificate once, in number order.
    await page.getByLabel('证书编号开头').fill('cqp-list');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await waitForExpression(
      page,
      "document.querySelector('#certificate-table caption')?.textContent.includes('共 41 张')",
      15_000,
    );
    const seen: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      if (i > 0) {
        const before = seen[seen.length - 1] as string;
        await page.locator('#list-next').click();
        await waitForExpression(
          page,
          `!document.querySelector('#certificate-table tbody button[data-number="${before}"]')`,
          15_000,
        );
      }
      seen.push(...(await shownNumbers(page)));
      // The pager keeps the focus (next while there is one), and the status line says which rows show.
      if (i > 0) {
        expect(await page.evaluate('document.activeElement?.id')).toBe(i < 2 ? 'list-next' : 'list-previous');
        await waitForExpression(
          page,
          `document.querySelector('#portal-status').textContent.includes('第 ${i * 20 + 1} 至')`,
          15_000,
        );
      }
    }
    expect(seen).toEqual(numbers);
    expect(await page.locator('#list-next').count()).toBe(0);
    expect(await page.locator('#certificate-table caption').textContent()).toContain('第 41 至 41 张');
    await audit(page, 'portal certificate list last page');
    await screenshot(page, 'body-portal-certificates-1280-zh');
    // Back one page.
    await page.locator('#list-previous').click();
    await waitForExpression(
      page,
      "document.querySelectorAll('#certificate-table tbody tr').length === 20",
      15_000,
    );
    expect(await shownNumbers(page)).toEqual(numbers.slice(20, 40));

    // The effective status: expired is derived from the expiry date.
    await page.getByLabel('状态', { exact: true }).selectOption('expired');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await waitForExpression(
      page,
      "document.querySelectorAll('#certificate-table tbody tr').length === 2",
      15_000,
    );
    expect(await shownNumbers(page)).toEqual(expired);
    expect(await page.locator('#certificate-table tbody').textContent()).toContain('过期');

    // A row opens the status change of its certificate; the change saved shows in the list.
    await page.getByLabel('状态', { exact: true }).selectOption('');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await waitForExpression(
      page,
      "document.querySelectorAll('#certificate-table tbody tr').length === 20",
      15_000,
    );
    await page.getByRole('button', { name: `变更证书 ${numbers[1]} 的状态` }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('change-heading');
    expect(await page.locator('#change-heading').textContent()).toContain(numbers[1]);
    expect(await page.locator('#certificate-found').textContent()).toContain('有效');
    await page.locator('#new-status').selectOption('suspended');
    await page.locator('#status-reason').fill('监督审核逾期未进行');
    await page.getByRole('button', { name: '保存变更' }).click();
    await waitForExpression(
      page,
      `document.querySelector('#certificate-table tbody button[data-number="${numbers[1]}"]')?.closest('tr').textContent.includes('暂停')`,
      15_000,
    );
    await context.close();

    // On a phone, in English: the rows read as cards, nothing scrolls sideways.
    const phone = await newPage({ ...PHONE_390, locale: 'en-GB' });
    await phone.page.goto(`${app.baseUrl}/body?lang=en`);
    await phone.page.getByLabel('Access token').fill(token);
    await phone.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await phone.page.locator('#certificate-table').waitFor({ timeout: 15_000 });
    expect(await phone.page.locator('#my-certificates-heading').textContent()).toBe('My certificates');
    await phone.page.locator('#list-next').click();
    await waitForExpression(
      phone.page,
      "document.querySelector('#certificate-table caption')?.textContent.startsWith('21 to')",
      15_000,
    );
    expect(await phone.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(
      true,
    );
    await audit(phone.page, 'portal certificate list 390 en');
    await screenshot(phone.page, 'body-portal-certificates-390-en');
    await phone.context.close();
  }, 120_000);
});
