/**
 * End to end in a real Chromium: a consumer reports a certificate through the report form of its result
 * page; an inspector signs in to the console with a token, finds the tip in the queue, opens a case from
 * it, assigns it, adds a note and decides it confirmed with a revocation and a dishonesty record of the
 * holder; the consumer's result page then shows the revoked status and the listing. Also: the report
 * form without JavaScript, a refused token, sign-out, and axe on the console and the form. Screenshots
 * go to test-artifacts/e2e/.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { SYSTEM_ACTOR } from '../../server/audit/audit-schema';
import { startE2eApp, type E2eApp } from '../helpers/e2e-app';
import {
  axeViolations,
  chromiumFor,
  launchChromium,
  PHONE,
  PHONE_390,
  screenshot,
  waitForExpression,
  watchPageProblems,
} from '../helpers/e2e-browser';
import { creditCode, seedBody, seedCertificate } from '../helpers/factories';

const DESK: BrowserContextOptions = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' };
const INSPECTOR = { id: 'CQ-SPB-0012', name: '张明检', unit: '沙坪坝区市场监督管理局' };
const TOKEN_KEY = 'certwatch.inspect.token';
/** A 1×1 PNG: the photo an inspector attaches as evidence. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const { chromiumPath, maybe } = chromiumFor('test/e2e/inspect.test.ts');

maybe('report form and inspector console in Chromium', () => {
  let app: E2eApp;
  let browser: Browser;
  let token: string;
  /** Problems the pages reported: CSP violations and uncaught exceptions. */
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

  async function signIn(page: Page, secret: string): Promise<void> {
    await page.goto(`${app.baseUrl}/inspect`);
    await page.getByLabel('访问令牌').fill(secret);
    await page.getByRole('button', { name: '登录', exact: true }).click();
  }

  beforeAll(async () => {
    app = await startE2eApp();
    await seedBody(app.t.services, {
      code: 'CQC',
      name: '中国质量认证中心',
      nameEn: 'China Quality Certification Centre',
    });
    await app.t.services.inspectors.create({ ...INSPECTOR, active: true, conflicts: [] }, SYSTEM_ACTOR);
    // The admin links an inspector's token to the inspector of the directory: events name the inspector.
    token = (
      await app.t.services.tokens.issue(
        { role: 'inspector', inspectorId: INSPECTOR.id, label: '办公室电脑', expiresInDays: 1 },
        undefined,
      )
    ).secret;
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
    // Every page must have run within the CSP and without uncaught errors.
    expect(pageProblems).toEqual([]);
  });

  test('when a consumer reports a certificate and an inspector confirms the case with a revocation and a listing, then the result page shows both', async () => {
    const holder = { name: '重庆沙坪坝举报测试有限公司', creditCode: creditCode() };
    const cert: Certificate = await seedCertificate(app.t.services, { holder });

    // The consumer: from the result page to the report form, and the reference.
    const consumer = await newPage(PHONE);
    const phone = consumer.page;
    await phone.goto(`${app.baseUrl}/v/${cert.publicId}`);
    await phone.getByRole('link', { name: '举报问题' }).click();
    await phone.waitForURL(/\/report\?publicId=/);
    await expect(phone.locator('main').innerText()).resolves.toContain(`举报的证书：${cert.number}`);
    await phone.getByLabel('伪造证书').check();
    await phone.getByLabel('您看到了什么').fill('商场展台上展示的证书与登记库的认证范围不一致，疑似伪造。');
    await phone.getByLabel(/在哪里看到的/).fill('沙坪坝区三峡广场某商场');
    await phone.getByLabel(/联系方式/).fill('13800000000');
    await audit(phone, 'report form');
    await screenshot(phone, 'inspect-01-report-form');
    await phone.getByRole('button', { name: '提交举报' }).click();
    const reference = (await phone.locator('#reference').innerText()).trim();
    expect(reference).toMatch(/^T-\d{8}-[0-9A-Z]{8}$/);
    await screenshot(phone, 'inspect-02-report-received');

    // The inspector: sign in; the token stays in this tab's session storage, nowhere else.
    const inspector = await newPage(DESK);
    const desk = inspector.page;
    await desk.goto(`${app.baseUrl}/inspect`);
    await audit(desk, 'console sign-in');
    await signIn(desk, token);
    const row = desk.locator('tr[data-kind="tip"]', { hasText: reference });
    await row.waitFor();
    expect(desk.url()).not.toContain(token);
    await expect(desk.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)).resolves.toBe(token);
    await expect(desk.evaluate('localStorage.length')).resolves.toBe(0);
    await expect(inspector.context.cookies()).resolves.toEqual([]);
    await audit(desk, 'console queue');
    await screenshot(desk, 'inspect-03-queue');

    // The tip, opened from the queue: the reporter's contact is for inspectors.
    await row.getByRole('link').click();
    await desk.getByRole('heading', { name: `举报 ${reference}` }).waitFor();
    const tipText = await desk.locator('main').innerText();
    expect(tipText).toContain('13800000000');
    expect(tipText).toContain('沙坪坝区三峡广场某商场');
    expect(tipText).toContain(cert.number);

    // A case from the queue's selection.
    await desk.getByRole('link', { name: '待办队列' }).click();
    await desk.locator('tr[data-kind="tip"]', { hasText: reference }).getByRole('checkbox').check();
    await desk.locator('#open-case').click();
    await desk.getByLabel('案件名称').fill('三峡广场伪造证书举报');
    await desk.getByRole('button', { name: '立案', exact: true }).click();
    const caseReference = desk.locator('#case-reference');
    await caseReference.waitFor();
    expect(await caseReference.innerText()).toMatch(/^C-\d{4}-[0-9A-Z]{8}$/);
    const caseId = desk.url().split('#case/')[1] as string;
    expect(caseId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    // Assign, then a note.
    await desk.getByLabel('承办人', { exact: true }).selectOption(INSPECTOR.id);
    await desk.getByRole('button', { name: '指派', exact: true }).click();
    await desk.locator('#case-assignee', { hasText: INSPECTOR.name }).waitFor();
    await desk.getByLabel('备注', { exact: true }).fill('已电话联系举报人，核实展台照片。');
    await desk.getByRole('button', { name: '添加备注' }).click();
    await desk.locator('.events li[data-action="note"]', { hasText: '已电话联系举报人' }).waitFor();
    // The polite status line says it was saved.
    await desk.locator('#console-status', { hasText: '已保存。' }).waitFor();

    // A required field left empty is named in the page's language, by the console, not the browser.
    await desk.getByRole('button', { name: '添加备注' }).click();
    await desk.locator('.console-error', { hasText: '请填写“备注”。' }).waitFor();

    // A note by a token linked to no inspector (issued before links): named by its label, said to be one.
    const unlinked = await app.t.services.tokens.issue(
      { role: 'inspector', label: '旧平板', expiresInDays: 1 },
      undefined,
    );
    await app.t.services.cases.act(
      caseId,
      { action: 'note', text: '旧令牌补充的备注。' },
      { type: 'token', id: unlinked.token.id, role: 'inspector' },
    );

    // A photo as evidence: listed with its name, type, size and who uploaded it, and shown on request.
    await desk
      .locator('#attachment-file')
      .setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: PNG });
    await desk.getByRole('button', { name: '上传附件' }).click();
    const attached = desk.locator('#attachments tr', { hasText: '现场照片.png' });
    await attached.waitFor();
    const attachedText = await attached.innerText();
    expect(attachedText).toContain('PNG 图片');
    expect(attachedText).toContain(INSPECTOR.name);
    expect(attachedText).toContain(`${PNG.length} 字节`);
    await attached.getByRole('button', { name: '显示照片：现场照片.png' }).click();
    await attached.locator('img[alt="证据照片：现场照片.png"]').waitFor();
    await desk.locator('.events li[data-action="attach"]', { hasText: '现场照片.png' }).waitFor();
    expect(
      await desk
        .locator('.events li[data-action="note"]', { hasText: '旧令牌补充' })
        .locator('.event-by')
        .innerText(),
    ).toBe('标签：旧平板');

    // Numbers, names and references, never raw ids: the tip by its reference, the certificate by its
    // number and holder, every step by the inspector's name.
    const tipId = (await app.t.services.tips.list({ state: 'in-case', page: 1, pageSize: 100 })).items.find(
      (item) => item.reference === reference,
    )?.id as string;
    const caseText = await desk.locator('main').innerText();
    expect(await desk.locator('#linked-items').innerText()).toContain(reference);
    expect(caseText).toContain(`${cert.number} · ${holder.name}`);
    expect(await desk.locator('.events li[data-action="create"] .event-by').innerText()).toBe(INSPECTOR.name);
    expect(await desk.locator('.events li[data-action="assign"]').innerText()).toContain(
      `承办人：${INSPECTOR.name}`,
    );
    for (const raw of [caseId, tipId, cert.publicId, INSPECTOR.id]) expect(caseText).not.toContain(raw);
    await audit(desk, 'case view');
    await screenshot(desk, 'inspect-04-case');

    // The decision: confirmed, revoked, the holder listed.
    await desk.getByLabel('认定违法').check();
    await desk.getByLabel('法律依据').fill('《认证证书和认证标志管理办法》第二十六条');
    await desk.getByLabel('认定事实').fill('持证组织在经营场所展示伪造的认证证书。');
    await desk.getByLabel('责令变更证书状态').check();
    await desk.getByLabel('新状态').selectOption('revoked');
    await desk.getByLabel('原因', { exact: true }).fill('伪造认证证书');
    await desk.getByLabel('将持证组织列入失信名单').check();
    await expect(desk.locator('#record-organisation-creditCode').inputValue()).resolves.toBe(
      holder.creditCode,
    );
    await expect(desk.locator('#record-organisation-name').inputValue()).resolves.toBe(holder.name);
    await desk.locator('#record-organisation-severity').selectOption('serious');
    await desk.getByLabel('我确认：处理决定作出后不能更改。').check();
    await screenshot(desk, 'inspect-05-decide');
    await desk.getByRole('button', { name: '作出决定' }).click();
    await desk.locator('#case-state[data-state="confirmed"]').waitFor();
    const decided = await desk.locator('main').innerText();
    expect(decided).toContain('认定违法');
    expect(decided).toContain('失信记录 1 条');
    expect(decided).toContain(`${cert.number} · ${holder.name}：撤销（自 `);
    expect(decided).not.toContain(cert.publicId);
    // A decided case offers no more actions.
    await expect(desk.getByRole('button', { name: '作出决定' }).count()).resolves.toBe(0);
    await screenshot(desk, 'inspect-06-decided');

    // What was stored, through the services.
    const stored = await app.t.services.cases.get(caseId);
    expect(stored).toMatchObject({
      state: 'confirmed',
      assignee: INSPECTOR.id,
      decision: { outcome: 'confirmed', statusChange: { publicId: cert.publicId, status: 'revoked' } },
    });

    // The consumer's result page now says revoked, and that the holder is listed.
    await phone.goto(`${app.baseUrl}/v/${cert.publicId}`);
    await expect(phone.locator('.banner-title').innerText()).resolves.toBe('证书已撤销，无效');
    const listing = await phone.locator('section.listing').innerText();
    expect(listing).toContain('失信名单提示');
    expect(listing).toContain(`持证组织“${holder.name}”`);
    expect(listing).toContain('严重失信');
    await screenshot(phone, 'inspect-07-result-revoked-listed');

    await consumer.context.close();
    await inspector.context.close();
  }, 90_000);

  test('when risk signals wait in the queue, then the filters narrow it and a signal is dismissed with a note', async () => {
    const scanned = await seedCertificate(app.t.services, {
      status: 'revoked',
      statusReason: '伪造',
      statusDate: '2026-01-05',
    });
    const early = await seedCertificate(app.t.services, {});
    const [high, medium] = await app.t.services.signals.raise([
      {
        ruleId: 'non-valid-scanned',
        severity: 'high',
        subject: { kind: 'certificate', key: scanned.publicId, label: scanned.number },
        dedupKey: `non-valid-scanned:${scanned.publicId}:e2e`,
        summary: `Revoked certificate ${scanned.number} was scanned.`,
        evidence: { status: 'revoked', day: '2026-01-05', scans: 3 },
        certificatePublicIds: [scanned.publicId],
        bodyCode: 'CQC',
      },
      {
        ruleId: 'issued-before-audit-end',
        severity: 'medium',
        subject: { kind: 'certificate', key: early.publicId, label: early.number },
        dedupKey: `issued-before-audit-end:${early.publicId}:e2e`,
        summary: `Certificate ${early.number} was issued on the day its audit ended.`,
        evidence: { certificateNumber: early.number },
        certificatePublicIds: [early.publicId],
        bodyCode: 'CQC',
      },
    ]);
    const { context, page } = await newPage(DESK);
    await signIn(page, token);
    const rowOf = (id: string) => page.locator(`tr[data-kind="signal"][data-id="${id}"]`);
    /** Applies the filters and waits for the queue they ask for (the list is busy while it loads). */
    const applyFilters = async () => {
      await page.getByRole('button', { name: '筛选' }).click();
      await page.locator('.queue-results[aria-busy="false"]').waitFor();
    };
    await rowOf(high!.id).waitFor();
    await expect(rowOf(high!.id).innerText()).resolves.toContain('无效证书被扫码');
    await expect(rowOf(high!.id).locator('.severity-high').innerText()).resolves.toBe('高');

    // Severity: signals only, of that severity.
    await page.getByLabel('风险等级').selectOption('high');
    await applyFilters();
    await expect(rowOf(medium!.id).count()).resolves.toBe(0);
    await expect(rowOf(high!.id).count()).resolves.toBe(1);
    await expect(page.locator('tr[data-kind="tip"]').count()).resolves.toBe(0);

    // Rule and body, server-side.
    // Rule and body, server-side: chosen from the known rules and bodies, by their names.
    await page.getByLabel('风险等级').selectOption('');
    await page.getByLabel('规则').selectOption({ label: '颁证日期早于、等于或紧接审核结束日期' });
    await page.getByLabel('认证机构').selectOption({ label: '中国质量认证中心（CQC）' });
    await applyFilters();
    await expect(rowOf(high!.id).count()).resolves.toBe(0);
    await expect(rowOf(medium!.id).count()).resolves.toBe(1);
    expect(await rowOf(medium!.id).innerText()).toContain('中国质量认证中心');
    await page.getByLabel('规则').selectOption('');
    await page.getByLabel('认证机构').selectOption('');
    await applyFilters();

    // The signal, opened: its rule, evidence and certificate; dismissed with a note.
    await rowOf(high!.id).getByRole('link').click();
    await page.getByRole('heading', { name: '风险信号：无效证书被扫码' }).waitFor();
    const text = await page.locator('main').innerText();
    // Its sentence in the page language, its certificate by number.
    expect(text).toContain(`撤销状态的证书 ${scanned.number} 的二维码于 2026-01-05 被扫描。`);
    expect(text).not.toContain('Revoked certificate');
    expect(text).not.toContain(scanned.publicId);
    await audit(page, 'signal view');
    await screenshot(page, 'inspect-09-signal');
    await page.getByLabel('备注').fill('已核实：扫码来自持证组织自查，不构成冒用。');
    await page.getByRole('button', { name: '驳回信号' }).click();
    await page.getByRole('button', { name: '重新打开信号' }).waitFor();
    await expect(app.t.services.signals.get(high!.id)).resolves.toMatchObject({ state: 'dismissed' });
    await page.getByRole('link', { name: '待办队列' }).click();
    await rowOf(medium!.id).waitFor();
    await expect(rowOf(high!.id).count()).resolves.toBe(0);
    await context.close();
  }, 30_000);

  test('when an inspector flags a certificate, then a case opens from the flag and links it with the certificate', async () => {
    const suspect = await seedCertificate(app.t.services, {});
    const { context, page } = await newPage(DESK);
    await signIn(page, token);
    await page.getByRole('link', { name: '标记证书' }).click();
    // A refusal of the API shows in the form, in the page language, with the server's detail.
    await page.getByLabel('证书公开标识').fill('CCCCCCCCCCCCCCCCCCCCCC');
    await page.getByLabel('标记理由').fill('不存在的证书。');
    await page.getByRole('button', { name: '标记', exact: true }).click();
    const refusal = page.locator('.console-error[role="alert"]');
    await expect(refusal.innerText()).resolves.toContain('登记库中没有这张证书。');
    await page.getByLabel('证书公开标识').fill(suspect.publicId);
    await page.getByLabel('标记理由').fill('审核人日明显少于同类证书。');
    await page.getByRole('button', { name: '标记', exact: true }).click();
    await page.locator('.flag-result', { hasText: '证书已标记。' }).waitFor();
    await page.locator('#open-case-from-flag').click();
    // The flag is named by the certificate's number and holder, not its id.
    const items = await page.locator('.case-items').innerText();
    expect(items).toContain(`${suspect.number} · ${suspect.holder.name}`);
    expect(items).not.toContain(suspect.publicId);
    await page.getByLabel('案件名称').fill('审核人日不足');
    await page.getByLabel('承办人').selectOption(INSPECTOR.id);
    await page.getByRole('button', { name: '立案', exact: true }).click();
    await page.locator('#case-reference').waitFor();
    const caseId = page.url().split('#case/')[1] as string;
    const opened = await app.t.services.cases.get(caseId);
    expect(opened).toMatchObject({ publicIds: [suspect.publicId], assignee: INSPECTOR.id, state: 'open' });
    expect(opened.flagIds).toHaveLength(1);
    await expect(page.locator('#case-assignee').innerText()).resolves.toContain(INSPECTOR.name);
    await context.close();
  }, 30_000);

  test('when the report form is sent with JavaScript off and a short description, then the errors show on the form, and the corrected form is received', async () => {
    const { context, page } = await newPage({ ...PHONE, javaScriptEnabled: false, locale: 'en-GB' });
    await page.goto(`${app.baseUrl}/report?number=FAKE-2024-001&body=CQC&category=not-in-registry&lang=en`);
    await expect(page.getByLabel('Not in the registry').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Certificate number').inputValue()).resolves.toBe('FAKE-2024-001');
    await page.getByLabel('What did you see').fill('too short');
    await page.getByRole('button', { name: 'Send the report' }).click();
    const summary = page.locator('.error-summary');
    await expect(summary.innerText()).resolves.toContain('Describe what you saw, in 10 to 2000 characters.');
    await expect(page.getByLabel('What did you see').getAttribute('aria-invalid')).resolves.toBe('true');
    // What was typed is kept.
    await expect(page.getByLabel('What did you see').inputValue()).resolves.toBe('too short');
    await screenshot(page, 'inspect-08-report-errors-no-javascript');
    await page
      .getByLabel('What did you see')
      .fill('A supplier showed this certificate number, which the registry does not know.');
    await page.getByRole('button', { name: 'Send the report' }).click();
    await expect(page.locator('#reference').innerText()).resolves.toMatch(/^T-\d{8}-[0-9A-Z]{8}$/);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await context.close();
  }, 30_000);

  test('when the console is shown on a 390 px phone and a 1280 px desk in Chinese and English, then tables fit, headers stay on one line, words are not split, and axe finds nothing serious', async () => {
    const cert = await seedCertificate(app.t.services, {
      bodyCode: 'CQC',
      holder: { name: '重庆屏幕测试股份有限公司', creditCode: creditCode() },
    });
    const submit = (description: string) =>
      app.t.services.tips.submit(
        { category: 'misused', publicId: cert.publicId, description, place: '沙坪坝区三峡广场' },
        { clientAddress: '192.0.2.7' },
      );
    const forCase = await submit('该证书已被撤销，但商场仍在展示，疑似冒用认证证书。');
    // One more that stays in the queue.
    await submit('商场另一家店铺展示同一张证书，编号与登记库不符，请一并核查。');
    const { items } = await app.t.services.tips.list({ state: 'new', page: 1, pageSize: 100 });
    const tip = items.find((item) => item.reference === forCase.reference)!;
    const [inspectorToken] = [token];
    const caseRes = await fetch(`${app.baseUrl}/api/v1/cases`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${inspectorToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: '屏幕适配检查案件', tipIds: [tip.id], assignee: INSPECTOR.id }),
    });
    const opened = (await caseRes.json()) as { id: string };
    await fetch(
      `${app.baseUrl}/api/v1/cases/${opened.id}/attachments?name=${encodeURIComponent('展台照片.png')}`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${inspectorToken}`, 'Content-Type': 'application/octet-stream' },
        body: PNG,
      },
    );

    for (const lang of ['zh', 'en'] as const) {
      for (const [size, options] of [
        ['390', { ...PHONE_390, locale: lang === 'zh' ? 'zh-CN' : 'en-GB' }],
        ['1280', { ...DESK, locale: lang === 'zh' ? 'zh-CN' : 'en-GB' }],
      ] as const) {
        const { context, page } = await newPage(options);
        await page.goto(`${app.baseUrl}/inspect?lang=${lang}`);
        await page.locator('#token').fill(token);
        await page.locator('#token').press('Enter');
        await page.locator('#queue tr[data-kind="tip"]').first().waitFor();
        const label = `${lang} ${size}`;
        // Nothing wider than the screen; on the phone each row is a card, on the desk headers keep one line.
        await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(
          Number(size),
        );
        // Lines of text a cell holds: the distinct tops of its text's line boxes (padding and row height aside).
        const shape = (await page.evaluate(`(() => {
          const lines = (node) => {
            const range = document.createRange();
            range.selectNodeContents(node);
            return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
          };
          const cell = document.querySelector('#queue tbody td.what');
          const th = [...document.querySelectorAll('#queue th')];
          const bodies = [...document.querySelectorAll('#queue tbody td:nth-child(5):not(.empty-cell)')];
          return {
            display: getComputedStyle(cell).display,
            headerLines: Math.max(...th.map(lines)),
            // The body's name (中国质量认证中心（CQC）) on one line: never split mid-word.
            bodyLines: Math.max(...bodies.map(lines)),
            whatWidth: cell.getBoundingClientRect().width,
          };
        })()`)) as { display: string; headerLines: number; bodyLines: number; whatWidth: number };
        if (size === '390') {
          expect(shape.display).toBe('block');
          // A card's text runs the card's width, not a sliver of a column.
          expect(shape.whatWidth).toBeGreaterThan(250);
        } else {
          expect(shape.display).toBe('table-cell');
          expect(shape.headerLines).toBe(1);
          expect(shape.bodyLines).toBe(1);
        }
        await audit(page, `queue ${label}`);
        await screenshot(page, `inspect-10-queue-${lang}-${size}`);

        await page.goto(`${app.baseUrl}/inspect?lang=${lang}#case/${opened.id}`);
        await page.locator('#attachments tr', { hasText: '展台照片.png' }).waitFor();
        const text = await page.locator('main').innerText();
        expect(text).toContain(tip.reference);
        expect(text).toContain(cert.number);
        expect(text).toContain(INSPECTOR.name);
        for (const raw of [opened.id, tip.id, cert.publicId]) expect(text).not.toContain(raw);
        await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(
          Number(size),
        );
        await audit(page, `case ${label}`);
        await screenshot(page, `inspect-11-case-${lang}-${size}`);

        await page.getByRole('link', { name: lang === 'zh' ? '检查人员名录' : 'Inspectors' }).click();
        await page.locator('#directory', { hasText: INSPECTOR.name }).waitFor();
        await audit(page, `directory ${label}`);
        await screenshot(page, `inspect-12-directory-${lang}-${size}`);
        await context.close();
      }
    }
  }, 120_000);

  test('when an inspector dismisses a tip with a reason, then it leaves the queue and its page says so', async () => {
    await app.t.services.tips.submit(
      { category: 'other', description: '重复举报：与此前提交的内容完全相同。' },
      { clientAddress: '192.0.2.8' },
    );
    const { items } = await app.t.services.tips.list({ state: 'new', page: 1, pageSize: 1 });
    const tip = items[0]!;
    const { context, page } = await newPage(DESK);
    await signIn(page, token);
    await page.locator(`tr[data-kind="tip"][data-id="${tip.id}"]`).getByRole('link').click();
    await page.getByRole('heading', { name: `举报 ${tip.reference}` }).waitFor();
    // Without a reason the console says what is missing, in Chinese.
    await page.getByRole('button', { name: '驳回举报' }).click();
    await page.locator('.console-error', { hasText: '请填写“驳回理由”。' }).waitFor();
    await page.getByLabel('驳回理由').fill('重复举报，已在前一条举报中立案处理。');
    await page.getByRole('button', { name: '驳回举报' }).click();
    await page.locator('#console-status', { hasText: '举报已驳回。' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('已驳回');
    await expect(app.t.services.tips.get(tip.id)).resolves.toMatchObject({ state: 'dismissed' });
    await page.getByRole('link', { name: '待办队列' }).click();
    await page.locator('.queue-results[aria-busy="false"]').waitFor();
    await expect(page.locator(`tr[data-id="${tip.id}"]`).count()).resolves.toBe(0);
    await context.close();
  }, 30_000);

  test('when a wrong token is pasted, then the console says so and keeps nothing; sign-out forgets a good one', async () => {
    const { context, page } = await newPage(DESK);
    await signIn(page, 'not-a-real-token-0123456789');
    const refusal = await page.locator('[role="alert"]').innerText();
    expect(refusal).toContain('需要有效的访问令牌');
    // One language: no English detail from the server in a Chinese page.
    expect(refusal).not.toMatch(/[A-Za-z]{3,}/);
    await expect(page.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)).resolves.toBeNull();
    await expect(page.locator('#sign-out').count()).resolves.toBe(0);

    await page.getByLabel('访问令牌').fill(token);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('#sign-out').click();
    await expect(page.locator('[role="status"]', { hasText: '已退出。' }).count()).resolves.toBe(1);
    await expect(page.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)).resolves.toBeNull();
    // A reload stays signed out.
    await page.reload();
    await page.getByLabel('访问令牌').waitFor();
    await context.close();
  }, 30_000);

  test('when the console is used with the keyboard alone, then sign-in and the views are reachable and focus follows the view', async () => {
    const { context, page } = await newPage(DESK);
    await page.goto(`${app.baseUrl}/inspect?lang=en`);
    // The token field has focus on arrival.
    await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe('token');
    await page.keyboard.type(token);
    await page.keyboard.press('Enter');
    await page.locator('#sign-out').waitFor();
    // Focus moves to the new view's heading, so a screen reader announces it.
    await waitForExpression(
      page,
      'document.activeElement && document.activeElement.classList.contains("view-heading")',
    );
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe(
      'Queue: tips and risk signals',
    );
    await page.getByRole('link', { name: 'Cases' }).focus();
    await page.keyboard.press('Enter');
    await waitForExpression(page, 'document.activeElement && document.activeElement.textContent === "Cases"');
    await context.close();
  }, 30_000);
});
