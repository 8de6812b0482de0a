/**
 * Re-runs the upload risk rules over the registry (`npm run rules:rescan`), e.g. after a rule or a
 * threshold changed, raising only what is new (signals already stored, in any state, are left alone):
 *
 *   npm run rules:rescan [-- --body CODE]
 *
 * Reads DATA_DIR / STORE / MONGODB_URI like the server. Progress goes to stderr, the summary to stdout.
 */
import { parseArgs } from 'node:util';
import { createServices } from '../server/composition/services';
import { openStores } from '../server/composition/stores';
import { ConfigError, loadConfig } from '../server/config';
import { createLogger } from '../server/platform/logger';
import { createMemoryCache } from '../server/platform/memory-cache';
import { rescanRegistry } from '../server/signals/rules/rule-rescan';

/** A one-line progress bar over the registry's count. */
function bar(done: number, total: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const width = 30;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(1)}%`;
}

async function main() {
  const { values } = parseArgs({ options: { body: { type: 'string' } }, strict: true });
  const config = loadConfig(process.env);
  const stores = await openStores(config);
  try {
    const logger = createLogger('warn');
    const services = createServices({
      config,
      logger,
      stores,
      cache: createMemoryCache({ maxEntries: 100 }),
    });
    const bodyCode = values.body?.trim().toUpperCase();
    if (bodyCode && !(await stores.bodies.findByCode(bodyCode))) {
      throw new ConfigError(`No certifying body has the code ${bodyCode}.`);
    }
    // With one body the bar runs over the whole registry's count: an upper bound, never past 100 %.
    const total = await stores.certificates.count();
    const started = Date.now();
    const report = await rescanRegistry({
      registry: stores.certificates,
      bodies: stores.bodies,
      signals: stores.signals,
      raise: services.signals.raise,
      logger,
      bodyCode,
      onProgress: (p) => {
        const rate = p.certificates / Math.max(0.001, (Date.now() - started) / 1000);
        process.stderr.write(
          `\r${bar(p.certificates, total)} ${p.certificates.toLocaleString('en')} certificates, ${p.raised} new signals, ${Math.round(rate).toLocaleString('en')}/s (${p.bodyCode})   `,
        );
      },
    });
    process.stderr.write('\n');
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `Rescanned ${report.certificates.toLocaleString('en')} certificates of ${report.bodies} bodies in ${seconds.toFixed(1)} s: ` +
        `${report.drafts} findings, ${report.raised} new signals, ${report.failures} rule failures.`,
    );
    if (report.failures > 0) process.exitCode = 1;
  } finally {
    await stores.close();
  }
}

main().catch((error: unknown) => {
  const usage =
    error instanceof ConfigError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  console.error(usage ? (error as Error).message : error);
  process.exit(1);
});
