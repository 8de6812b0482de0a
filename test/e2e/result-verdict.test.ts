/**
 * The headline a consumer reads on `/v/:publicId`, in a real Chromium at 390×844: for every way a printed
 * code can be wrong (data or signature altered, a stranger's key, a withdrawn key, a page on another
 * address, a registry that changed since printing) the headline is never green and names the problem; a
 * genuine code of a valid certificate is green; with JavaScript off the page never claims the code was
 * checked. Screenshots of each state, zh and en, go to test-artifacts/e2e/.
 */
import crypto from 'node:crypto';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { decodeFields, encodeFields, fragmentOf, parseQrUrl, signingInput } from '../../server/qr/qr-payload';
import { keyDirOf, kidOf, removeKeyFromDir, rotateKeyDir } from '../../server/qr/signing-keys';
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

const { chromiumPath, maybe } = chromiumFor('test/e2e/result-verdict.test.ts');

maybe('the verdict on the result page, in Chromium', () => {
  let app: E2eApp;
  let browser: Browser;
  let pageProblems: string[] = [];
  /** The code of each case, by name; `expected` is the headline's verdict and words in zh and en. */
  const cases: Record<string, { url: string; verdict: string; zh: string; en: string }> = {};

  function withFragment(url: string, mutate: (parts: { kid: string; data: string; sig: string }) => string) {
    const parsed = parseQrUrl(url);
    if (!parsed) throw new Error(`not a signed code: ${url}`);
    return `${parsed.origin}/v/${parsed.publicId}#${mutate(parsed)}`;
  }

  /** A code for `cert` signed with a key this portal never had. */
  function signedByStranger(url: string): string {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const parsed = parseQrUrl(url);
    if (!parsed) throw new Error(`not a signed code: ${url}`);
    const sig = crypto
      .sign(null, signingInput(parsed.publicId, parsed.data), privateKey)
      .toString('base64url');
    return `${parsed.origin}/v/${parsed.publicId}#${fragmentOf(kidOf(publicKey), parsed.data, sig)}`;
  }

  /** `url` with `lang=en` before its fragment. */
  const english = (url: string) => url.replace('#', '?lang=en#');

  async function open(url: string, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ ...PHONE_390, ...options });
    const page = await context.newPage();
    watchPageProblems(page, pageProblems);
    await page.goto(url);
    return page;
  }

  /** The headline once the page's script has decided it. */
  async function headline(page: Page): Promise<{ verdict: string | null; cls: string; title: string }> {
    const banner = page.locator('.banner[data-verdict]:not([data-verdict="PENDING"])');
    await banner.waitFor({ timeout: 15_000 });
    return {
      verdict: await banner.getAttribute('data-verdict'),
      cls: (await banner.getAttribute('class')) ?? '',
      title: await banner.locator('.banner-title').innerText(),
    };
  }

  beforeAll(async () => {
    app = await startE2eApp();
    const services = app.t.services;
    await seedBody(services, {
      code: 'CQC',
      name: '中国质量认证中心',
      nameEn: 'China Quality Certification Centre',
    });
    const seed = (name: string) => seedCertificate(services, { holder: { name, creditCode: creditCode() } });
    const genuine = await seed('重庆沙坪坝核验真实有限公司');
    const withdrawnKeyCert = await seed('重庆沙坪坝旧密钥有限公司');
    const renamed: Certificate = await seed('重庆沙坪坝改名前有限公司');

    // A code signed with the first key, which is then rotated out and removed.
    const oldKeyUrl = services.qr.signedUrl(withdrawnKeyCert).url;
    const oldKid = parseQrUrl(oldKeyUrl)?.kid as string;
    rotateKeyDir(keyDirOf(app.t.dataDir));
    removeKeyFromDir(keyDirOf(app.t.dataDir), oldKid);
    // The running ring notices by itself (it looks at its directory every few seconds); a code signed
    // with a kid it does not know makes it look at once, as a scan of one would. Then wait for it.
    await services.qr.verify(signedByStranger(oldKeyUrl));
    for (let i = 0; i < 300 && !services.qr.jwks().removed.some((r) => r.kid === oldKid); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(services.qr.jwks().removed.map((r) => r.kid)).toContain(oldKid);

    const genuineUrl = services.qr.signedUrl(genuine).url;
    const renamedUrl = services.qr.signedUrl(renamed).url;
    // The holder was renamed in the registry after the code was printed.
    await seedCertificate(services, {
      number: renamed.number,
      holder: { name: '重庆沙坪坝改名后有限公司', creditCode: renamed.holder.creditCode },
    });

    Object.assign(cases, {
      genuine: { url: genuineUrl, verdict: 'GENUINE_VALID', zh: '证书有效', en: 'Certificate valid' },
      'altered-data': {
        url: withFragment(genuineUrl, ({ kid, data, sig }) => {
          const fields = decodeFields(data);
          if (!fields) throw new Error('no fields');
          return fragmentOf(kid, encodeFields({ ...fields, holderName: '假冒精密机械有限公司' }), sig);
        }),
        verdict: 'SIGNATURE_INVALID',
        zh: '二维码已被篡改',
        en: 'ALTERED',
      },
      'altered-signature': {
        url: withFragment(genuineUrl, ({ kid, data, sig }) =>
          fragmentOf(kid, data, `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`),
        ),
        verdict: 'SIGNATURE_INVALID',
        zh: '二维码已被篡改',
        en: 'ALTERED',
      },
      'unknown-key': {
        url: signedByStranger(genuineUrl),
        verdict: 'UNKNOWN_KEY',
        zh: '二维码签名无法识别',
        en: 'Signature not recognised',
      },
      'removed-key': {
        url: oldKeyUrl,
        verdict: 'REMOVED_KEY',
        zh: '签发此二维码的密钥已作废',
        en: 'Signed with a withdrawn key',
      },
      // The same page, reached through an address that is not PUBLIC_BASE_URL's.
      'foreign-host': {
        url: genuineUrl.replace('127.0.0.1', 'localhost'),
        verdict: 'FOREIGN_HOST',
        zh: '这不是官方查验网址',
        en: 'not the official verification address',
      },
      'registry-mismatch': {
        url: renamedUrl,
        verdict: 'REGISTRY_MISMATCH',
        zh: '二维码内容与登记库不一致',
        en: 'The code differs from the registry',
      },
    });
    browser = await launchChromium(chromiumPath);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.t.services.qr.close();
    await app?.close();
  });

  beforeEach(() => {
    pageProblems = [];
  });

  afterEach(() => {
    expect(pageProblems).toEqual([]);
  });

  test.each([
    'altered-data',
    'altered-signature',
    'unknown-key',
    'removed-key',
    'foreign-host',
    'registry-mismatch',
  ])(
    'when the code is %s, then the headline is never green and names the problem, in zh and en',
    async (name) => {
      const c = cases[name] as (typeof cases)[string];
      for (const lang of ['zh', 'en'] as const) {
        const page = await open(lang === 'en' ? english(c.url) : c.url);
        const shown = await headline(page);
        expect(shown.verdict).toBe(c.verdict);
        expect(shown.cls).not.toContain('banner-valid');
        expect(shown.title).toContain(lang === 'zh' ? c.zh : c.en);
        if (name === 'registry-mismatch') {
          // What the code says beside what the registry says.
          const table = page.locator('[data-slot="mismatch"]');
          await expect(table.locator('.code-says').innerText()).resolves.toBe('重庆沙坪坝改名前有限公司');
          await expect(table.locator('.registry-says').innerText()).resolves.toBe('重庆沙坪坝改名后有限公司');
        }
        await screenshot(page, `verdict-${name}-${lang}`);
        if (lang === 'zh' && name === 'registry-mismatch') {
          const axe = await axeViolations(page, name);
          expect(axe.serious).toEqual([]);
        }
        await page.context().close();
      }
    },
    60_000,
  );

  test('when the code is genuine and the certificate valid, then (and only then) the headline turns green', async () => {
    const c = cases.genuine as (typeof cases)[string];
    for (const lang of ['zh', 'en'] as const) {
      const page = await open(lang === 'en' ? english(c.url) : c.url);
      const shown = await headline(page);
      expect(shown).toMatchObject({ verdict: 'GENUINE_VALID', title: lang === 'zh' ? c.zh : c.en });
      expect(shown.cls).toContain('banner-valid');
      await screenshot(page, `verdict-genuine-${lang}`);
      const axe = await axeViolations(page, 'genuine');
      expect(axe.serious).toEqual([]);
      await page.context().close();
    }
  }, 180_000);

  test('when JavaScript is off, then no page claims the printed code was checked, and each says what to compare by eye', async () => {
    // One tab for them all: without JavaScript nothing a page could keep (storage, keys) is written, and
    // a blank page between two codes makes each a whole new load (most differ only in the fragment).
    const page = await open('about:blank', { javaScriptEnabled: false });
    for (const [name, c] of Object.entries(cases)) {
      await page.goto('about:blank');
      await page.goto(c.url);
      const banner = page.locator('.banner');
      await expect(banner.getAttribute('class')).resolves.toBe('banner banner-pending');
      const text = await banner.innerText();
      expect(text).toContain('登记库记录');
      expect(text).toContain('尚未核对二维码上的防伪签名');
      expect(text).toMatch(/证书编号.*持证组织名称.*认证范围/);
      if (name === 'genuine') await screenshot(page, 'verdict-no-javascript-zh');
    }
    await page.goto('about:blank');
    await page.goto(english(cases.genuine?.url as string));
    await expect(page.locator('.banner').innerText()).resolves.toContain('has not been checked');
    await screenshot(page, 'verdict-no-javascript-en');
    await page.context().close();
  }, 180_000);
});
