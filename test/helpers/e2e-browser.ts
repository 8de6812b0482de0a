/**
 * Finding and launching the system's Chromium for the end-to-end tests (playwright-core cannot download
 * browsers here; Debian's `chromium` package is used, see /work/shared/TESTING.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { findChromium, NO_CHROMIUM } from './skip-reasons';

/** Flags for a headless Chromium in a container with two cores and a small /dev/shm. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--no-first-run',
  '--mute-audio',
];

/** Launches Chromium; with `fakeVideo`, its camera plays that Y4M file (an absolute path). */
export function launchChromium(
  executablePath: string,
  options: { fakeVideo?: string } = {},
): Promise<Browser> {
  const args = [...CHROMIUM_ARGS];
  if (options.fakeVideo) {
    args.push('--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${options.fakeVideo}`);
  }
  return chromium.launch({ executablePath, headless: true, args, timeout: 30_000 });
}

/**
 * Waits until a JavaScript expression is true in the page. Not `page.waitForFunction`: when its first
 * check fails it polls by evaluating the string inside the page, which the pages' CSP (no unsafe-eval)
 * refuses, so such a test failed whenever it had to wait. `page.evaluate` goes through DevTools instead.
 */
export async function waitForExpression(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A phone as consumers hold it: 360×740, touch, Chinese. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};

/** The phone of the consumer-facing issues: 390×844 (a current phone), touch, Chinese. */
export const PHONE_390: BrowserContextOptions = { ...PHONE, viewport: { width: 390, height: 844 } };

/** Where e2e tests put their screenshots, and the axe-core script they inject. */
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'e2e');
const AXE_SOURCE = path.join(__dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js');

/**
 * The Chromium a test file runs in, and its `describe`: `describe.skip` with a warning saying why (and how
 * to install it) when there is none, so that the file reports itself skipped rather than failing.
 */
export function chromiumFor(file: string): { chromiumPath: string; maybe: jest.Describe } {
  const chromiumPath = findChromium();
  if (!chromiumPath) console.warn(`${file} skipped: ${NO_CHROMIUM}`);
  return { chromiumPath: chromiumPath ?? '', maybe: chromiumPath ? describe : describe.skip };
}

/** Records what a page reports that a test must fail on: uncaught exceptions and CSP violations. */
export function watchPageProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      problems.push(`csp: ${message.text()}`);
    }
  });
}

/**
 * A full-page screenshot in ARTIFACTS, one image pixel per CSS pixel: at a phone's device pixel ratio of 2
 * the image would have four times the pixels to encode (one of the slowest steps of these tests) and show
 * the same layout.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, scale: 'css' });
}

let axeSource: string | undefined;

/**
 * The serious and critical axe-core violations of the page as it is now, with `label` (so that a failure
 * says which state). Evaluated through the DevTools protocol: the page's CSP (script-src 'self') rightly
 * refuses an injected <script> tag, as it would any inline script.
 */
export async function axeViolations(
  page: Page,
  label: string,
): Promise<{ label: string; serious: { id: string; impact: string | null; nodes: string[] }[] }> {
  axeSource ??= fs.readFileSync(AXE_SOURCE, 'utf8');
  await page.evaluate(axeSource);
  const result = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" ")) })))',
  )) as { id: string; impact: string | null; nodes: string[] }[];
  return { label, serious: result.filter((v) => v.impact === 'serious' || v.impact === 'critical') };
}
