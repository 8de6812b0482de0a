/**
 * End to end in a real Chromium (Debian's `chromium`, driven by playwright-core): the scanning page reads
 * a real certificate's signed QR from a fake camera and from a photo, checks the signature in the
 * browser (also offline), warns about altered codes and codes for another host; the result page works
 * with JavaScript off; axe finds no serious accessibility violation. Screenshots of each state go to
 * test-artifacts/e2e/ (a 360×740 phone viewport).
 *
 * One browser for the file: its fake camera plays a Y4M video of the valid certificate's QR.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { decodeFields, encodeFields, fragmentOf, parseQrUrl } from '../../server/qr/qr-payload';
import { startE2eApp, type E2eApp } from '../helpers/e2e-app';
import {
  axeViolations,
  chromiumFor,
  launchChromium,
  PHONE,
  screenshot,
  waitForExpression,
  watchPageProblems,
} from '../helpers/e2e-browser';
import { writeQrPng, writeQrY4m } from '../helpers/e2e-media';
import { creditCode, seedBody, seedCertificate } from '../helpers/factories';

const FOREIGN_ORIGIN = 'https://certwatch-verify.example';

const { chromiumPath, maybe } = chromiumFor('test/e2e/scanner.test.ts');

maybe('scanning page in Chromium', () => {
  let app: E2eApp;
  let browser: Browser;
  let work: string;
  let valid: Certificate;
  let suspended: Certificate;
  let validUrl: string;
  const validCreditCode = creditCode();
  /** Photos of codes, by name: the test writes each once. */
  const photos: Record<string, string> = {};
  /** Problems the page reported: CSP violations and uncaught exceptions. */
  let pageProblems: string[] = [];

  /** The valid certificate's code with the holder name changed and the signature kept. */
  function tamper(url: string, holderName: string): string {
    const parsed = parseQrUrl(url);
    const fields = parsed && decodeFields(parsed.data);
    if (!parsed || !fields) throw new Error(`not a signed code: ${url}`);
    const data = encodeFields({ ...fields, holderName });
    return `${parsed.origin}/v/${parsed.publicId}#${fragmentOf(parsed.kid, data, parsed.sig)}`;
  }

  async function newPage(
    options: BrowserContextOptions = {},
    camera = true,
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ ...PHONE, ...options });
    if (camera) await context.grantPermissions(['camera'], { origin: app.baseUrl });
    const page = await context.newPage();
    watchPageProblems(page, pageProblems);
    return { context, page };
  }

  /** The result card once it shows; its verdict code. */
  async function verdictOf(page: Page): Promise<string | null> {
    const card = page.locator('#scan-result [data-verdict]');
    await card.waitFor({ timeout: 15_000 });
    return card.getAttribute('data-verdict');
  }

  async function scanWithCamera(page: Page): Promise<void> {
    await page.locator('#camera-start').click();
  }

  async function scanPhoto(page: Page, name: string): Promise<void> {
    await page.locator('#qr-file').setInputFiles(photos[name] as string);
  }

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-e2e-'));
    app = await startE2eApp();
    await seedBody(app.t.services, {
      code: 'CQC',
      name: '中国质量认证中心',
      nameEn: 'China Quality Certification Centre',
    });
    valid = await seedCertificate(app.t.services, {
      holder: { name: '重庆沙坪坝扫码测试有限公司', creditCode: validCreditCode },
    });
    suspended = await seedCertificate(app.t.services, {
      holder: { name: '重庆渝北暂停测试有限公司', creditCode: creditCode() },
      status: 'suspended',
      statusReason: '监督审核发现严重不符合项',
      statusDate: '2026-03-02',
    });
    validUrl = app.t.services.qr.signedUrl(valid).url;
    const suspendedUrl = app.t.services.qr.signedUrl(suspended).url;
    const foreignUrl = validUrl.replace(app.baseUrl, FOREIGN_ORIGIN);
    const video = path.join(work, 'valid-qr.y4m');
    writeQrY4m(video, validUrl);
    for (const [name, text] of Object.entries({
      suspended: suspendedUrl,
      tampered: tamper(validUrl, '假冒精密机械有限公司'),
      foreign: foreignUrl,
      plain: 'https://example.com/not-a-certificate',
      number: valid.number,
    })) {
      photos[name] = path.join(work, `${name}.png`);
      writeQrPng(photos[name] as string, text);
    }
    browser = await launchChromium(chromiumPath, { fakeVideo: video });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.t.services.qr.close();
    await app?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    pageProblems = [];
  });

  afterEach(() => {
    // Every test's page must have run within the CSP and without uncaught errors.
    expect(pageProblems).toEqual([]);
  });

  test('when the camera sees a valid certificate QR, then the page shows genuine and valid with the checked signature', async () => {
    const { context, page } = await newPage();
    await page.goto(`${app.baseUrl}/`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await scanWithCamera(page);
    expect(await verdictOf(page)).toBe('GENUINE_VALID');
    const card = page.locator('.scan-card');
    await expect(card.locator('.banner-title').textContent()).resolves.toBe('证书真实有效');
    await expect(card.locator('[data-signature]').getAttribute('data-signature')).resolves.toBe('verified');
    const text = await card.innerText();
    expect(text).toContain('签名已在本机验证');
    expect(text).toContain('重庆沙坪坝扫码测试有限公司');
    expect(text).toContain(validCreditCode);
    expect(text).toContain('中国质量认证中心');
    expect(text).toContain(valid.number);
    expect(text).toContain(valid.expiryDate);
    // The camera is off again once a code was read.
    await expect(page.locator('#camera-start').isVisible()).resolves.toBe(true);
    await expect(page.evaluate('document.querySelector("#scanner-video").srcObject')).resolves.toBeNull();
    await screenshot(page, '01-camera-genuine-valid');
    await context.close();
  }, 30_000);

  test('when camera access is refused, then the page says so and points to the photo and the number', async () => {
    const { context, page } = await newPage({}, false);
    await page.goto(`${app.baseUrl}/`);
    await scanWithCamera(page);
    await expect(page.locator('#scanner-status').getAttribute('role')).resolves.toBe('status');
    await waitForExpression(
      page,
      'document.querySelector("#scanner-status").textContent.includes("相机权限被拒绝")',
    );
    await expect(page.locator('#camera-start').isVisible()).resolves.toBe(true);
    await expect(page.locator('.viewfinder').isVisible()).resolves.toBe(false);
    await context.close();
  }, 30_000);

  test('when a photo of a suspended certificate QR is chosen, then the page shows genuine but suspended with the reason', async () => {
    const { context, page } = await newPage();
    await page.goto(`${app.baseUrl}/`);
    await scanPhoto(page, 'suspended');
    expect(await verdictOf(page)).toBe('GENUINE_SUSPENDED');
    const text = await page.locator('.scan-card').innerText();
    expect(text).toContain('证书真实，但已暂停');
    expect(text).toContain('监督审核发现严重不符合项');
    expect(text).toContain('2026-03-02');
    expect(text).toContain('重庆渝北暂停测试有限公司');
    await screenshot(page, '02-photo-genuine-suspended');
    await context.close();
  }, 30_000);

  test('when a tampered QR is scanned (English page), then the page says ALTERED and shows none of its data', async () => {
    const { context, page } = await newPage({ locale: 'en-GB' });
    await page.goto(`${app.baseUrl}/?lang=en`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await scanPhoto(page, 'tampered');
    expect(await verdictOf(page)).toBe('SIGNATURE_INVALID');
    const card = page.locator('.scan-card');
    await expect(card.locator('[data-signature]').getAttribute('data-signature')).resolves.toBe('altered');
    const text = await card.innerText();
    expect(text).toContain('ALTERED');
    expect(text).not.toContain('假冒精密机械有限公司');
    await screenshot(page, '03-photo-tampered-altered-en');
    await context.close();
  }, 30_000);

  test('when a code points to another host, then a warning names that host and nothing navigates there', async () => {
    const { context, page } = await newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${app.baseUrl}/`);
    await scanPhoto(page, 'foreign');
    expect(await verdictOf(page)).toBe('FOREIGN_HOST');
    const text = await page.locator('.scan-card').innerText();
    expect(text).toContain('此二维码指向其他网站');
    expect(text).toContain('certwatch-verify.example');
    expect(page.url()).toBe(`${app.baseUrl}/`);
    await expect(page.locator(`a[href^="${FOREIGN_ORIGIN}"]`).count()).resolves.toBe(0);
    expect(requests.filter((u) => u.startsWith(FOREIGN_ORIGIN))).toEqual([]);
    await screenshot(page, '04-photo-foreign-host-warning');
    await context.close();
  }, 30_000);

  test('when a QR of some other site is scanned, then the page says it is not a certificate code', async () => {
    const { context, page } = await newPage();
    await page.goto(`${app.baseUrl}/`);
    await scanPhoto(page, 'plain');
    expect(await verdictOf(page)).toBe('NOT_CERTWATCH');
    await expect(page.locator('.scan-card .scanned-text').textContent()).resolves.toBe(
      'https://example.com/not-a-certificate',
    );
    await context.close();
  }, 30_000);

  test('when a code carries a bare certificate number, then the page lists the registry certificates with it', async () => {
    const { context, page } = await newPage();
    await page.goto(`${app.baseUrl}/`);
    await scanPhoto(page, 'number');
    expect(await verdictOf(page)).toBe('NUMBER_LOOKUP');
    const link = page.locator('.scan-card .results a');
    await expect(link.count()).resolves.toBe(1);
    await expect(link.getAttribute('href')).resolves.toBe(`/v/${valid.publicId}`);
    await expect(link.innerText()).resolves.toContain('重庆沙坪坝扫码测试有限公司');
    await context.close();
  }, 30_000);

  test('when the page was loaded online and the phone goes offline, then a camera scan is verified offline with the saved keys', async () => {
    const { context, page } = await newPage();
    await page.goto(`${app.baseUrl}/`);
    // The page saves the published keys (and starts the decoder worker) as soon as it loads.
    await waitForExpression(page, 'localStorage.getItem("certwatch.jwks.v1") !== null');
    await context.setOffline(true);
    await scanWithCamera(page);
    expect(await verdictOf(page)).toBe('OFFLINE_GENUINE');
    const card = page.locator('.scan-card');
    await expect(card.locator('[data-signature]').getAttribute('data-signature')).resolves.toBe('verified');
    const text = await card.innerText();
    expect(text).toMatch(/签名已离线验证，使用 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 获取的公钥/);
    expect(text).toContain('当前离线，无法查询证书的最新状态');
    // What the signature binds is shown from the code itself.
    expect(text).toContain('重庆沙坪坝扫码测试有限公司');
    expect(text).toContain(valid.number);
    await screenshot(page, '05-camera-offline-verified');
    await context.close();
  }, 30_000);

  test('when the result page is opened with JavaScript off, then the server-rendered answer is complete', async () => {
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await page.goto(validUrl);
    const text = await page.locator('main').innerText();
    expect(text).toContain('证书有效');
    expect(text).toContain('重庆沙坪坝扫码测试有限公司');
    expect(text).toContain(validCreditCode);
    expect(text).toContain('中国质量认证中心');
    expect(text).toContain(valid.issueDate);
    expect(text).toContain(valid.expiryDate);
    await expect(page.locator('[data-slot="signature-check"]').count()).resolves.toBe(0);
    await screenshot(page, '06-result-page-no-javascript');
    await context.close();
  }, 30_000);

  test('when the result page is opened from a signed link, then the browser adds "verified" (or "altered" for a tampered one)', async () => {
    const { context, page } = await newPage();
    await page.goto(validUrl);
    const badge = page.locator('[data-slot="signature-check"] [data-signature]');
    await badge.waitFor();
    await expect(badge.getAttribute('data-signature')).resolves.toBe('verified');
    await expect(badge.innerText()).resolves.toContain('签名已在本机验证（可离线验证）');
    await screenshot(page, '07-result-page-signature-verified');
    // Switching the language keeps the signed fragment, so the English page checks it too.
    await page.locator('a.lang-switch').click();
    await page.waitForURL(/lang=en#1\./);
    await page.locator('[data-slot="signature-check"] [data-signature="verified"]').waitFor();
    await expect(badge.innerText()).resolves.toContain('Signature verified in this browser');
    await page.goto(validUrl);
    await badge.waitFor();

    // Only the fragment changes: the page stays and checks the new fragment on `hashchange`.
    await page.goto(tamper(validUrl, '假冒精密机械有限公司'));
    const altered = page.locator('[data-slot="signature-check"] [data-signature="altered"]');
    await altered.waitFor();
    await expect(page.locator('[data-slot="signature-check"]').count()).resolves.toBe(1);
    await expect(altered.innerText()).resolves.toContain('已被篡改');
    // The server-rendered card still shows the registry's data, not the tampered name.
    await expect(page.locator('.holder-name').innerText()).resolves.toBe('重庆沙坪坝扫码测试有限公司');
    await screenshot(page, '08-result-page-signature-altered');
    await context.close();
  }, 30_000);

  test('when only the keyboard is used, then the scanner controls are reachable and a camera scan works', async () => {
    const { context, page } = await newPage({ isMobile: false, hasTouch: false });
    await page.goto(`${app.baseUrl}/`);
    const focusedId = () => page.evaluate('document.activeElement && document.activeElement.id');
    let reached = false;
    for (let i = 0; i < 8 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = (await focusedId()) === 'camera-start';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Tab');
    await expect(focusedId()).resolves.toBe('qr-file');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    // The fake camera shows a code at once: the scan ends with the verdict and focus back on the button.
    expect(await verdictOf(page)).toBe('GENUINE_VALID');
    await expect(focusedId()).resolves.toBe('camera-start');
    await context.close();
  }, 30_000);

  test('when axe-core checks the home page, a scan result and the result page, then there is no serious or critical violation', async () => {
    const { context, page } = await newPage();
    const audit = async (label: string) => {
      expect(await axeViolations(page, label)).toEqual({ label, serious: [] });
    };
    await page.goto(`${app.baseUrl}/`);
    await screenshot(page, '00-home');
    await audit('home');
    await scanPhoto(page, 'suspended');
    await verdictOf(page);
    await audit('home with a scan result');
    await page.goto(`${app.baseUrl}/?lang=en`);
    await scanPhoto(page, 'foreign');
    await verdictOf(page);
    await audit('English home with a foreign-host warning');
    await page.goto(validUrl);
    await page.locator('[data-slot="signature-check"]').waitFor();
    await audit('result page');
    await page.goto(`${app.baseUrl}/v/${suspended.publicId}`);
    await audit('result page of a suspended certificate');
    await context.close();
    // Five axe runs: beside a load average of 27 they took over 30 s.
  }, 120_000);
});
