/**
 * Seeds the configured registry with demo data (see demo-data.ts) through the same services the
 * upload paths use, then prints URLs and search terms to try.
 *
 *   tsx scripts/seed-demo.ts [--count N] [--if-empty] [--data-dir DIR] [--seed N] [--batch-size N]
 *
 * `--if-empty` does nothing when the registry already holds certificates (`npm run demo` uses it).
 * A missing DATA_DIR is created. The printed links use PUBLIC_BASE_URL, else http://localhost:$PORT.
 * Re-running with the same seed on the same day updates nothing: certificates are keyed by body and number.
 */
import { parseArgs } from 'node:util';
import { createServices, type Services } from '../server/composition/services';
import type { PublicCertificate, Status } from '../server/certificates/certificate-schema';
import { effectiveStatus } from '../server/certificates/certificate-status';
import { todayInChina } from '../server/platform/china-time';
import { ConfigError, loadConfig, type Config } from '../server/config';
import { DataDirError, prepareDataDir } from '../server/platform/data-dir';
import { localeLang } from '../server/platform/locale';
import { createLogger, type Logger } from '../server/platform/logger';
import { createMemoryCache } from '../server/platform/memory-cache';
import { openStores, type Stores } from '../server/composition/stores';
import { seedAnomalies } from './demo-anomalies';
import { DEFAULT_SEED, DEMO_SEARCH_FRAGMENTS, demoBodies, generateCertificates } from './demo-data';

const STATUS_ORDER: readonly Status[] = ['valid', 'suspended', 'revoked', 'withdrawn', 'expired'];
const SAMPLES_PER_STATUS = 3;

interface Options {
  count: number;
  ifEmpty: boolean;
  dataDir?: string;
  seed: number;
  batchSize: number;
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ConfigError(`--${name} must be a whole number, not "${value}"`);
  return n;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string' },
      'if-empty': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      seed: { type: 'string' },
      'batch-size': { type: 'string' },
    },
  });
  return {
    count: positiveInt('count', values.count, 5000),
    ifEmpty: values['if-empty'] ?? false,
    dataDir: values['data-dir'],
    seed: positiveInt('seed', values.seed, DEFAULT_SEED),
    batchSize: Math.max(1, positiveInt('batch-size', values['batch-size'], 5000)),
  };
}

type Samples = Map<Status, { publicId: string; number: string; holder: string; reason?: string }[]>;

function addSample(
  samples: Samples,
  status: Status,
  sample: { publicId: string; number: string; holder: string; reason?: string },
) {
  const list = samples.get(status) ?? [];
  if (list.length < SAMPLES_PER_STATUS) list.push(sample);
  samples.set(status, list);
}

function fromPublic(samples: Samples, items: PublicCertificate[]) {
  for (const c of items) {
    addSample(samples, c.status, {
      publicId: c.publicId,
      number: c.number,
      holder: c.holder.name,
      reason: c.statusReason,
    });
  }
}

/** Samples of an existing registry: the first few hundred search hits cover every status in demo data. */
async function samplesFromRegistry(services: Services): Promise<Samples> {
  const samples: Samples = new Map();
  for (let page = 1; page <= 10; page += 1) {
    const result = await services.certificates.search('有限公司', page, 50);
    fromPublic(samples, result.items);
    if (
      result.items.length < 50 ||
      STATUS_ORDER.every((s) => (samples.get(s)?.length ?? 0) >= SAMPLES_PER_STATUS)
    )
      break;
  }
  return samples;
}

async function printTryIt(config: Config, services: Services, samples: Samples) {
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');
  console.log('\nTry the portal (verification pages):');
  for (const status of STATUS_ORDER) {
    const list = samples.get(status) ?? [];
    if (list.length === 0) {
      console.log(`  ${status.padEnd(9)} (none in this registry)`);
      continue;
    }
    for (const s of list) {
      const why = s.reason ? `  ${s.reason}` : '';
      console.log(`  ${status.padEnd(9)} ${base}/v/${s.publicId}  ${s.number}  ${s.holder}${why}`);
    }
  }
  console.log(`  not found ${base}/v/AAAAAAAAAAAAAAAAAAAAAA  (forged QR: no such certificate)`);
  const first = [...samples.values()].flat()[0];
  if (first) {
    console.log(`\nAPI: ${base}/api/v1/certificates/${first.publicId}`);
    console.log(`     ${base}/api/v1/certificates?number=${encodeURIComponent(first.number)}`);
  }

  const terms: string[] = [];
  for (const fragment of DEMO_SEARCH_FRAGMENTS) {
    const { total, totalCapped } = await services.certificates.search(fragment, 1, 1);
    if (total > 0) terms.push(`${fragment} (${total}${totalCapped ? '+' : ''})`);
    if (terms.length >= 8) break;
  }
  console.log(`\nSearch terms (hits): ${terms.join('  ')}`);
  if (first) console.log(`By number: ${first.number}`);
  console.log(`Search API: ${base}/api/v1/search?q=${encodeURIComponent('沙坪坝')}`);
}

async function seed(options: Options, config: Config, stores: Stores, services: Services, logger: Logger) {
  const existing = await stores.certificates.count();
  if (options.ifEmpty && existing > 0) {
    console.log(`The registry in ${config.DATA_DIR} already holds ${existing} certificates; not seeding.`);
    await printTryIt(config, services, await samplesFromRegistry(services));
    return;
  }

  const today = todayInChina();
  const at = new Date().toISOString();
  for (const body of demoBodies(today)) await services.bodies.upsert(body);
  console.log(
    `Seeding ${options.count} certificates into ${config.DATA_DIR} (store ${stores.kind}, seed ${options.seed})`,
  );

  const samples: Samples = new Map();
  const outcomes = { created: 0, updated: 0, unchanged: 0 };
  const started = performance.now();
  let done = 0;
  let lastReport = started;
  for (const batch of generateCertificates({
    count: options.count,
    seed: options.seed,
    batchSize: options.batchSize,
    today,
  })) {
    const results = await services.certificates.upsertMany(batch, at);
    for (const { outcome, certificate } of results) {
      outcomes[outcome] += 1;
      addSample(samples, effectiveStatus(certificate, today).status, {
        publicId: certificate.publicId,
        number: certificate.number,
        holder: certificate.holder.name,
        reason: certificate.statusReason,
      });
    }
    done += batch.length;
    const now = performance.now();
    if (now - lastReport > 2000 || done === options.count) {
      lastReport = now;
      const rate = Math.round(done / ((now - started) / 1000));
      const pct = ((done / options.count) * 100).toFixed(1);
      console.log(
        `  ${done.toLocaleString('en')} / ${options.count.toLocaleString('en')} (${pct} %), ${rate} rows/s`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  for (const body of demoBodies(today)) {
    // The suspended body's last report stays old: its "not found" answers should read as stale.
    if (body.approvalStatus === 'approved') await services.bodies.recordReport(body.code, at);
  }
  console.log(
    `Done in ${seconds.toFixed(1)} s (${Math.round(done / Math.max(seconds, 0.001))} rows/s): ` +
      `${outcomes.created} created, ${outcomes.updated} updated, ${outcomes.unchanged} unchanged; ` +
      `${await stores.certificates.count()} certificates in the registry.`,
  );
  const raised = await seedAnomalies(services, stores, logger, at);
  console.log(`Risk samples: ${raised} signals raised by 4 anomalous certificates, and 1 public tip.`);
  await printTryIt(config, services, samples);
  console.log(
    `\nInspector console: ${config.PUBLIC_BASE_URL}/inspect  (token: npm run -s token -- --role inspector --label demo)`,
  );
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const env = { ...process.env, ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}) };
  const config = loadConfig(env);
  // Seeding is an initialisation: a missing DATA_DIR is created (0700), a file or read-only one refused.
  if (config.STORE === 'sqlite') prepareDataDir(config.DATA_DIR, { create: true });
  const stores = await openStores(config);
  try {
    const logger = createLogger('silent');
    const services = createServices({
      config,
      logger,
      stores,
      cache: createMemoryCache({ maxEntries: 1000 }),
    });
    await seed(options, config, stores, services, logger);
  } finally {
    await stores.close();
  }
}

// `npm run seed | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main().catch((error: unknown) => {
  const usage =
    error instanceof ConfigError ||
    error instanceof DataDirError ||
    String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  // A refusal at start in the locale's language (this demo tool has no --lang).
  if (error instanceof ConfigError || error instanceof DataDirError) console.error(error.text(localeLang()));
  else console.error(usage ? (error as Error).message : error);
  process.exit(1);
});
