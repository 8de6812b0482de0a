/**
 * End to end in a real Chromium: from a certificate's result page to its printable receipt at a phone's
 * 390×844; the page checks the receipt's signature in the browser, again with the network gone, and a
 * changed receipt (in the address, or pasted while offline) says "not valid". The page's QR code reads
 * back as the page's own address. axe finds no serious violation. Screenshots in test-artifacts/e2e/.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { startE2eApp, type E2eApp } from '../helpers/e2e-app';
import {
  axeViolations,
  chromiumFor,
  launchChromium,
  PHONE_390,
  screenshot,
  watchPageProblems,
} from '../helpers/e2e-browser';
import { creditCode, seedBody, seedCertificate } from '../helpers/factories';
import { decodePng } from '../qr/qr-test-helpers';

const { chromiumPath, maybe } = chromiumFor('test/e2e/receipt.test.ts');

/** `compact` with one word of its signed JSON changed and the signature kept. */
function tamper(compact: string, from: string, to: string): string {
  const [tag, kid, data, sig] = compact.split('.') as [string, string, string, string];
  const json = Buffer.from(data, 'base64url').toString('utf8');
  if (!json.includes(from)) throw new Error(`${from} is not in the receipt`);
  return `${tag}.${kid}.${Buffer.from(json.replace(from, to)).toString('base64url')}.${sig}`;
}

maybe('receipt pages in Chromium', () => {
  let app: E2eApp;
  let browser: Browser;
  let cert: Certificate;
  let pageProblems: string[] = [];

  async function newPage(
    options: BrowserContextOptions = {},
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ ...PHONE_390, ...options });
    const page = await context.newPage();
    watchPageProblems(page, pageProblems);
    return { context, page };
  }

  const check = (page: Page) => page.locator('[data-slot="receipt-check"] [data-receipt-check]');

  async function browserVerdict(page: Page, expected: string): Promise<string> {
    await page
      .locator(`[data-slot="receipt-check"] [data-receipt-check="${expected}"]`)
      .waitFor({ timeout: 15_000 });
    return check(page).first().innerText();
  }

  async function noSeriousViolations(page: Page, label: string): Promise<void> {
    expect(await axeViolations(page, label)).toEqual({ label, serious: [] });
  }

  beforeAll(async () => {
    app = await startE2eApp();
    await seedBody(app.t.services, {
      code: 'CQC',
      name: '中国质量认证中心',
      nameEn: 'China Quality Certification Centre',
    });
    cert = await seedCertificate(app.t.services, {
      holder: { name: '重庆沙坪坝回执核验有限公司', creditCode: creditCode() },
    });
    browser = await launchChromium(chromiumPath);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  beforeEach(() => {
    pageProblems = [];
  });

  afterEach(() => {
    expect(pageProblems).toEqual([]);
  });

  test('when a receipt is taken from the result page, then it verifies in the page, and again offline', async () => {
    const { context, page } = await newPage();
    await page.goto(`${app.baseUrl}/v/${cert.publicId}`);
    await page.locator('a.receipt-link').click();
    await page.waitForURL(/\/receipts\?r=r1\./);
    await expect(page.locator('[data-receipt-verdict]').getAttribute('data-receipt-verdict')).resolves.toBe(
      'VALID',
    );
    expect(await browserVerdict(page, 'verified')).toContain('本机已核对签名：有效');
    await expect(page.locator('main').innerText()).resolves.toContain('重庆沙坪坝回执核验有限公司');
    await screenshot(page, 'receipt-01-printable-verified');
    await noSeriousViolations(page, 'receipt page');

    // The QR code on the page reads back as the page's own address: the whole signed receipt.
    const qr = await page.locator('.receipt-qr img').screenshot();
    expect(decodePng(qr)).toBe(page.url());

    // No network: the saved receipt keys check it again.
    await context.setOffline(true);
    await page.locator('[data-action="check-again"]').click();
    const offline = await browserVerdict(page, 'verified');
    expect(offline).toContain('离线核对');
    await screenshot(page, 'receipt-02-verified-offline');

    // Still offline, a changed receipt pasted into the form is checked here and fails.
    const compact = new URL(page.url()).searchParams.get('r') as string;
    await page.locator('#receipt-text').fill(tamper(compact, '重庆沙坪坝回执核验', '重庆沙坪坝冒名顶替'));
    await page.locator('[data-slot="receipt-form"] button[type="submit"]').click();
    expect(await browserVerdict(page, 'altered')).toContain('不符');
    await screenshot(page, 'receipt-03-pasted-altered-offline');
    await context.close();
  }, 60_000);

  test('when the receipt in the address is changed, then the page says not valid, on the server and in the browser', async () => {
    const { context, page } = await newPage();
    const issued = await app.t.services.receipts.issue(cert.publicId);
    await page.goto(
      `${app.baseUrl}/receipts?r=${tamper(issued.compact, '重庆沙坪坝回执核验', '重庆沙坪坝冒名顶替')}`,
    );
    await expect(page.locator('[data-receipt-verdict]').getAttribute('data-receipt-verdict')).resolves.toBe(
      'SIGNATURE_INVALID',
    );
    await expect(page.locator('#receipt-verdict-title').innerText()).resolves.toContain('回执无效');
    expect(await browserVerdict(page, 'altered')).toContain('回执被改动过');
    await screenshot(page, 'receipt-04-tampered-not-valid');
    await noSeriousViolations(page, 'tampered receipt');

    await page.goto(`${app.baseUrl}/receipts?lang=en&r=${issued.compact.slice(0, -3)}`);
    await expect(page.locator('#receipt-verdict-title').innerText()).resolves.toContain('Not valid');
    expect(await browserVerdict(page, 'malformed')).toContain('not a whole receipt');
    await screenshot(page, 'receipt-05-truncated-not-valid-en');
    await context.close();
  }, 60_000);

  test('when the receipt is opened in English with JavaScript off and printed, then the server-rendered receipt is complete', async () => {
    const { context, page } = await newPage({ javaScriptEnabled: false, locale: 'en-GB' });
    await page.goto(`${app.baseUrl}/v/${cert.publicId}/receipt?lang=en`);
    await expect(page.locator('#receipt-verdict-title').innerText()).resolves.toContain('Genuine receipt');
    const text = await page.locator('main').innerText();
    expect(text).toContain('Certificate status at the time of the check');
    expect(text).toContain(cert.number);
    expect(text).toContain('中国质量认证中心');
    await expect(check(page).count()).resolves.toBe(0);
    await screenshot(page, 'receipt-06-no-javascript-en');
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.receipt-form').isVisible()).resolves.toBe(false);
    await expect(page.locator('.receipt-qr img').isVisible()).resolves.toBe(true);
    await screenshot(page, 'receipt-07-print-en');
    // Printed to A4 (print CSS): one page.
    const pdf = (await page.pdf({ format: 'A4', preferCSSPageSize: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    await context.close();
  }, 60_000);

  test('when the receipt of a suspended certificate is opened, then its audit-log proof holds in the browser too, and a changed one fails', async () => {
    const suspended = await seedCertificate(app.t.services, {
      holder: { name: '重庆沙坪坝日志证明有限公司', creditCode: creditCode() },
    });
    const admin = await app.t.tokenFor('admin');
    const res = await fetch(`${app.baseUrl}/api/v1/certificates/${suspended.publicId}/status`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'suspended', reason: '监督审核逾期', effectiveDate: '2026-11-01' }),
    });
    expect(res.status).toBe(200);
    const { context, page } = await newPage();
    await page.goto(`${app.baseUrl}/v/${suspended.publicId}/receipt`);
    await page.waitForURL(/\/receipts\?r=r1\..*&p=p1\./);
    await expect(page.locator('[data-log-verdict]').getAttribute('data-log-verdict')).resolves.toBe('PROVEN');
    await page.locator('[data-slot="log-check"] [data-log-check="proven"]').waitFor({ timeout: 15_000 });
    await screenshot(page, 'receipt-05-log-proof');
    await noSeriousViolations(page, 'receipt page with log proof');
    // Printed with its proof, it still fits one A4 page.
    await page.emulateMedia({ media: 'print' });
    const pdf = (await page.pdf({ format: 'A4', preferCSSPageSize: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    await page.emulateMedia({ media: 'screen' });

    // One hash of the proof changed in the address: the server and the browser both refuse it.
    const url = new URL(page.url());
    const proof = JSON.parse(
      Buffer.from((url.searchParams.get('p') as string).slice(3), 'base64url').toString('utf8'),
    ) as { hashes: string[] };
    const first = Buffer.from(proof.hashes[0] as string, 'base64');
    first[0] = (first[0] as number) ^ 1;
    proof.hashes[0] = first.toString('base64');
    const keys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(keys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, keys((v as Record<string, unknown>)[k])]),
            )
          : v;
    url.searchParams.set('p', `p1.${Buffer.from(JSON.stringify(keys(proof))).toString('base64url')}`);
    await page.goto(url.toString());
    await expect(page.locator('[data-log-verdict]').getAttribute('data-log-verdict')).resolves.toBe(
      'PROOF_INVALID',
    );
    await page.locator('[data-slot="log-check"] [data-log-check="bad-proof"]').waitFor({ timeout: 15_000 });
    await context.close();
  }, 60_000);

  test('when the English receipt and the empty verify page are checked by axe, then there is no serious violation', async () => {
    const { context, page } = await newPage({ locale: 'en-GB' });
    await page.goto(`${app.baseUrl}/v/${cert.publicId}/receipt?lang=en`);
    expect(await browserVerdict(page, 'verified')).toContain('Signature checked in this browser: valid');
    await noSeriousViolations(page, 'receipt page, English');
    await page.goto(`${app.baseUrl}/receipts`);
    await expect(page.locator('h1').innerText()).resolves.toBe('Verify a receipt');
    await noSeriousViolations(page, 'verify form');
    await context.close();
  }, 30_000);
});
