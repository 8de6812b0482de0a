/**
 * End to end in a real Chromium on a phone-sized screen (390×844): a consumer reports with a phone photo
 * far over the 1 MiB limit (a generated JPEG whose EXIF says "rotate 90°"); the page makes it fit before
 * sending, and it is stored upright; the reference is copied with the copy button, and its state is read
 * on /report/status. Also the search page with filters and the searchable dishonesty list. axe on every
 * new page; screenshots go to test-artifacts/e2e/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
import { creditCode, seedBody, seedCertificates } from '../helpers/factories';

const LIMIT = 1024 * 1024;

const { chromiumPath, maybe } = chromiumFor('test/e2e/report-phone.test.ts');

/**
 * An EXIF APP1 segment holding only Orientation = 6 ("rotate 90° clockwise to show"), big-endian TIFF:
 * what a phone writes when it was held upright and its sensor lay on its side.
 */
function exifRotate90(): Buffer {
  const tiff = Buffer.from([
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0x00,
    0x00,
    0x00,
    0x08, // "MM", 42, first IFD at 8
    0x00,
    0x01, // one entry
    0x01,
    0x12,
    0x00,
    0x03,
    0x00,
    0x00,
    0x00,
    0x01,
    0x00,
    0x06,
    0x00,
    0x00, // Orientation, SHORT, 1, 6
    0x00,
    0x00,
    0x00,
    0x00, // no next IFD
  ]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length + 2);
  return Buffer.concat([Buffer.from([0xff, 0xe1]), length, body]);
}

/** Width and height from a JPEG's frame header (SOF0..SOF15 but DHT, JPG and DAC). */
function jpegSize(data: Buffer): { width: number; height: number } {
  let i = 2;
  while (i + 9 < data.length) {
    if (data[i] !== 0xff) throw new Error(`not a JPEG marker at ${i}`);
    const marker = data[i + 1] as number;
    const length = data.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: data.readUInt16BE(i + 5), width: data.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  throw new Error('no frame header');
}

maybe('a phone report with a large photo, its reference and its state, in Chromium', () => {
  let app: E2eApp;
  let browser: Browser;
  let dir: string;
  let pageProblems: string[] = [];

  async function phonePage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(PHONE_390);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });
    const page = await context.newPage();
    watchPageProblems(page, pageProblems);
    return { context, page };
  }

  async function audit(page: Page, label: string): Promise<void> {
    expect(await axeViolations(page, label)).toEqual({ label, serious: [] });
  }

  beforeAll(async () => {
    app = await startE2eApp();
    browser = await launchChromium(chromiumPath);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-e2e-photo-'));
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

  test('when a phone photo over 1 MiB is chosen, then it is made to fit, sent upright, and the reference can be copied and checked', async () => {
    const { context, page } = await phonePage();
    await page.goto(`${app.baseUrl}/report`);

    // A camera-sized JPEG, drawn in the page (noise compresses badly, like a real photo's detail), stored
    // landscape with EXIF orientation 6: shown upright it is portrait.
    const base64 = (await page.evaluate(`(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 3000; canvas.height = 2000;
      const ctx = canvas.getContext('2d');
      const image = ctx.createImageData(canvas.width, canvas.height);
      for (let i = 0; i < image.data.length; i += 4) {
        const v = Math.random() * 255;
        image.data[i] = v; image.data[i + 1] = (i / 4) % 3000 / 12; image.data[i + 2] = 255 - v; image.data[i + 3] = 255;
      }
      ctx.putImageData(image, 0, 0);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return btoa(s);
    })()`)) as string;
    const plain = Buffer.from(base64, 'base64');
    const photo = Buffer.concat([plain.subarray(0, 2), exifRotate90(), plain.subarray(2)]);
    expect(photo.length).toBeGreaterThan(LIMIT);
    expect(jpegSize(photo)).toEqual({ width: 3000, height: 2000 });
    const file = path.join(dir, 'IMG_0001.jpg');
    fs.writeFileSync(file, photo);

    await page.locator('#category-forged').check();
    await page.locator('#description').fill('商场展台上的证书二维码扫出来是另一家公司，疑似伪造。');
    await page.setInputFiles('#photo', file);
    await waitForExpression(
      page,
      `/照片已压缩为 \\d+ KB/.test(document.querySelector('#photo-note').textContent)`,
      30_000,
    );
    const chosen = (await page.evaluate(
      `(() => { const f = document.querySelector('#photo').files[0]; return { size: f.size, type: f.type, name: f.name }; })()`,
    )) as { size: number; type: string; name: string };
    expect(chosen.size).toBeLessThanOrEqual(LIMIT);
    expect(chosen).toMatchObject({ type: 'image/jpeg', name: 'IMG_0001.jpg' });
    await expect(page.locator('button[type="submit"]').isEnabled()).resolves.toBe(true);
    await audit(page, 'report form with a fitted photo');
    await screenshot(page, 'report-phone-01-photo-fitted');

    await page.locator('button[type="submit"]').click();
    await page.locator('#reference').waitFor();
    const reference = (await page.locator('#reference').innerText()).trim();
    expect(reference).toMatch(/^T-\d{8}-[0-9A-HJKMNP-TV-Z]{8}$/);

    // Stored as sent: a JPEG under the limit, portrait (the EXIF rotation applied before drawing).
    const inspector = await app.t.tokenFor('inspector');
    const tips = (await fetch(`${app.baseUrl}/api/v1/tips`, {
      headers: { Authorization: `Bearer ${inspector}` },
    }).then((r) => r.json())) as { items: { id: string; reference: string; hasPhoto: boolean }[] };
    const tip = tips.items.find((x) => x.reference === reference);
    expect(tip).toMatchObject({ hasPhoto: true });
    const photoAnswer = await fetch(`${app.baseUrl}/api/v1/tips/${tip!.id}/photo`, {
      headers: { Authorization: `Bearer ${inspector}` },
    });
    expect(photoAnswer.headers.get('content-type')).toBe('image/jpeg');
    const stored = Buffer.from(new Uint8Array(await photoAnswer.arrayBuffer()));
    expect(stored.length).toBe(chosen.size);
    expect(stored.length).toBeLessThanOrEqual(LIMIT);
    const size = jpegSize(stored);
    expect(size.height).toBeGreaterThan(size.width);

    // The copy button puts the reference on the clipboard.
    await page.getByRole('button', { name: '复制编号' }).click();
    await page.locator('.copy-note', { hasText: '已复制' }).waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(reference);
    await audit(page, 'report received');
    await screenshot(page, 'report-phone-02-received-copied');

    // Its state, by the link on the confirmation and by the form (typed in lower case).
    await page.getByRole('link', { name: '以后可凭受理编号查询处理进度' }).click();
    await page.locator('#tip-state', { hasText: '已受理' }).waitFor();
    await page.goto(`${app.baseUrl}/report/status?lang=en`);
    await page.getByLabel('Reference').fill(reference.toLowerCase());
    await page.getByRole('button', { name: 'Check' }).click();
    await page.locator('#tip-state', { hasText: 'Received' }).waitFor();
    const shown = await page.locator('main').innerText();
    expect(shown).toContain(reference);
    expect(shown).not.toContain('商场展台');
    await audit(page, 'tip status');
    await screenshot(page, 'report-phone-03-status');

    await page.getByLabel('Reference').fill('T-20200101-0000000O');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.locator('[data-code="TIP_REFERENCE_NOT_FOUND"]').waitFor();
    await audit(page, 'tip status, unknown reference');
    await screenshot(page, 'report-phone-04-status-unknown');
    await context.close();
  }, 120_000);

  test('when the search page and the dishonesty list are used on a phone, then filters, expiry dates, hints and search work', async () => {
    const body = await seedBody(app.t.services, { code: 'E2EF', name: '重庆筛选认证有限公司' });
    await seedCertificates(app.t.services, [
      { bodyCode: body.code, holder: { name: '重庆嘉陵江筛选测试有限公司', creditCode: creditCode() } },
      {
        bodyCode: body.code,
        scheme: 'EMS',
        holder: { name: '重庆嘉陵江筛选测试二厂有限公司', creditCode: creditCode() },
        status: 'suspended',
        statusDate: '2026-01-05',
        statusReason: '监督审核逾期',
      },
    ]);
    const { context, page } = await phonePage();
    await page.goto(`${app.baseUrl}/search?q=${encodeURIComponent('嘉陵江筛选')}`);
    await expect(page.locator('li.result').count()).resolves.toBe(2);
    await page.locator('summary', { hasText: '筛选条件' }).click();
    await page.getByLabel('证书状态').selectOption('suspended');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await page.waitForURL(/status=suspended/);
    await expect(page.locator('li.result').count()).resolves.toBe(1);
    await expect(page.locator('li.result').innerText()).resolves.toContain('证书到期日 2028-01-09');
    await audit(page, 'search with a filter');
    await screenshot(page, 'report-phone-05-search-filtered');

    await page.getByLabel('组织名称 / 统一社会信用代码').fill('嘉');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await page.locator('.search-hint').waitFor();
    await audit(page, 'search hint');
    await screenshot(page, 'report-phone-06-search-hint');

    const inspector = await app.t.tokenFor('inspector');
    const listed = await fetch(`${app.baseUrl}/api/v1/dishonesty`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${inspector}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        subject: { kind: 'organisation', creditCode: creditCode(), name: '重庆嘉陵江失信测试有限公司' },
        severity: 'serious',
        basis: '《中华人民共和国认证认可条例》第七十一条',
        facts: '伪造认证证书，用于政府采购投标。',
        startDate: '2025-01-10',
      }),
    });
    expect(listed.status).toBe(201);
    await page.goto(`${app.baseUrl}/dishonesty`);
    await page.getByLabel('名称或统一社会信用代码').fill('嘉陵江失信');
    await page.getByRole('button', { name: '查询名单' }).click();
    await page.locator('#list-total', { hasText: '找到 1 条' }).waitFor();
    await audit(page, 'dishonesty search');
    await screenshot(page, 'report-phone-07-dishonesty-search');
    await context.close();
  }, 60_000);
});
