/**
 * Rules benchmark (`npm run bench:rules`): what the risk rules cost, as ratios (issue 5).
 *
 *   tsx scripts/bench/rules.ts [--rows 1000000] [--upload-batches 10] [--full-max-seconds 900]
 *                              [--certificates 300] [--duration 10] [--warmup 2] [--runs 3]
 *                              [--connections 50] [--quiet-wait 120] [--rebuild] [--skip-rules] [--skip-scan]
 *
 * A. Upload rules (rule-engine.ts, every rule of UPLOAD_RULES) on a registry of --rows demo certificates
 *    with audit data (scripts/demo-data.ts: auditors from fixed pools per body and scheme, man-days,
 *    audit dates; the registry lookup.ts builds and caches under $TMPDIR/certwatch-bench/), on a copy of
 *    it (signals are stored into the copy; the copy is removed at the end):
 *    1. Everything: every certificate of the registry through the rules, in batches of 10,000 of one
 *       body (as uploads store them), their signals stored; reading the registry is not counted. Stops
 *       after --full-max-seconds of rule time and extrapolates.
 *    2. Per uploaded batch: the next certificates of the same demo world (the rows the generator yields
 *       after the registry's), uploaded in process through the real upload service (NDJSON, partial
 *       mode, parsed on its worker thread as a large file is) in uploads of 10,000 rows of one body, with
 *       10,000-row batches, after each stored batch the job's certificate list and then the upload rules,
 *       as app.ts wires them. Upload time = the upload's wall time less the rules' time; share = rules /
 *       upload (target < 0.25).
 * B. The cloned-QR check's cost per scan: POST /api/v1/scan on portals (server/main.ts, child processes,
 *    every production middleware on) identical but for CLONED_QR_MIN_NETWORKS (20, or 0 = no check),
 *    in the embedded mode (in-process counter) and, when Redis answers on 127.0.0.1:6379, in cluster
 *    mode (REDIS_URL: HyperLogLogs on Redis, under a key prefix of this run, removed at the end).
 *    Genuine valid codes of --certificates certificates; each request names one of 11 client networks
 *    in X-Forwarded-For (TRUST_PROXY=true), so every certificate is counted from up to 11 networks:
 *    below the threshold, so what is measured is the counting, not signals. Medians of --runs runs, the
 *    four paths interleaved in each run; requests/s with the check / without it, per mode.
 *
 * Everything runs on 127.0.0.1, is bounded in time, and stops by itself (Ctrl-C stops the servers).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import type { Services } from '../../server/composition/services';
import type { Certificate, CertificateData } from '../../server/certificates/certificate-schema';
import { todayInChina } from '../../server/platform/china-time';
import { createLogger } from '../../server/platform/logger';
import { createRedisClient, waitForRedis } from '../../server/platform/redis';
import { openSqlite } from '../../server/platform/sqlite';
import { type Stores } from '../../server/composition/stores';
import { createMemoryDistinctCounter } from '../../server/signals/memory-distinct-counter';
import { createRedisDistinctCounter } from '../../server/signals/redis-distinct-counter';
import { UPLOAD_RULES } from '../../server/signals/rules';
import { createUploadRuleRunner, type UploadRuleReport } from '../../server/signals/rules/rule-engine';
import { recordJobCertificates } from '../../server/uploads/upload-job-certificates';
import { parseUpload } from '../../server/uploads/upload-parsers';
import { createUploadService, type StoredEvent } from '../../server/uploads/upload-service';
import { demoBodies, demoRegistrations, generateCertificates } from '../demo-data';
import {
  CACHE_ROOT,
  ensureRegistry,
  BENCH_ORIGIN,
  fmt,
  intOption,
  loadTest,
  median,
  openBenchServices,
  otherLoad,
  removeAbandonedBuilds,
  scanRequest,
  startServer,
  stopAll,
  type BenchServer,
  type LoadResult,
  type Registry,
} from './support';

const BATCH = 10_000;
const TARGET_SHARE = 0.25;
const REDIS_URL = 'redis://127.0.0.1:6379';
/** Coprime with any count of certificates not divisible by 11: each certificate meets every network. */
const NETWORKS = Array.from({ length: 11 }, (_, i) => `203.0.${10 + i}.7`);
const silent = createLogger('silent');
/** Directories this run made, removed at the end or on Ctrl-C (one is a copy of the whole registry). */
const tempDirs = new Set<string>();

function tempDir(root: string, prefix: string): string {
  const dir = fs.mkdtempSync(path.join(root, prefix));
  tempDirs.add(dir);
  return dir;
}

function removeTempDir(dir: string) {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

interface Options {
  rows: number;
  uploadBatches: number;
  fullMaxSeconds: number;
  certificates: number;
  duration: number;
  warmup: number;
  runs: number;
  connections: number;
  quietWait: number;
  rebuild: boolean;
  skipRules: boolean;
  skipScan: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      'upload-batches': { type: 'string', default: '10' },
      'full-max-seconds': { type: 'string', default: '900' },
      certificates: { type: 'string', default: '300' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      runs: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      'quiet-wait': { type: 'string', default: '120' },
      rebuild: { type: 'boolean', default: false },
      'skip-rules': { type: 'boolean', default: false },
      'skip-scan': { type: 'boolean', default: false },
    },
  });
  return {
    rows: intOption('rows', values.rows, 1000),
    uploadBatches: intOption('upload-batches', values['upload-batches'], 1),
    fullMaxSeconds: intOption('full-max-seconds', values['full-max-seconds'], 1),
    certificates: intOption('certificates', values.certificates, 10),
    duration: intOption('duration', values.duration, 1),
    warmup: intOption('warmup', values.warmup, 0),
    runs: intOption('runs', values.runs, 1),
    connections: intOption('connections', values.connections, 1),
    quietWait: intOption('quiet-wait', values['quiet-wait'], 0),
    rebuild: values.rebuild,
    skipRules: values['skip-rules'],
    skipScan: values['skip-scan'],
  };
}

/** Waits (at most `seconds`) until other processes use less than a fifth of a core; says so when it gave up. */
async function waitForQuiet(seconds: number): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let load = await otherLoad(1000);
  while (load >= 0.2 && Date.now() < deadline) load = await otherLoad(1000);
  if (load >= 0.2) console.log(`  (other processes use ${fmt(load, 2)} cores; measuring anyway)`);
  return load;
}

// ---------------------------------------------------------------------------------------------------------
// A. Upload rules

interface RuleTotals {
  batches: number;
  certificates: number;
  ms: number;
  drafts: number;
  raised: number;
  failures: number;
  byRule: Map<string, { ms: number; drafts: number }>;
}

function emptyTotals(): RuleTotals {
  return {
    batches: 0,
    certificates: 0,
    ms: 0,
    drafts: 0,
    raised: 0,
    failures: 0,
    byRule: new Map(),
  };
}

function addReport(totals: RuleTotals, report: UploadRuleReport, ms: number) {
  totals.batches += 1;
  totals.certificates += report.certificates;
  totals.ms += ms;
  totals.raised += report.raised;
  totals.failures += report.failures;
  for (const rule of report.rules) {
    const t = totals.byRule.get(rule.id) ?? { ms: 0, drafts: 0 };
    t.ms += rule.ms;
    t.drafts += rule.drafts;
    totals.byRule.set(rule.id, t);
    totals.drafts += rule.drafts;
  }
}

function printByRule(totals: RuleTotals) {
  for (const [id, t] of totals.byRule) {
    console.log(
      `    ${id.padEnd(28)} ${fmt(t.ms / 1000, 2).padStart(8)} s  ${fmt(t.drafts).padStart(8)} drafts`,
    );
  }
}

/** The certificates the generator yields after the registry's first `skip`: the same world, one day on. */
function* nextCertificates(skip: number, count: number, today: string): Generator<CertificateData> {
  let seen = 0;
  for (const batch of generateCertificates({ count: skip + count, batchSize: 25_000, today })) {
    for (const cert of batch) {
      if (seen >= skip) yield cert;
      seen += 1;
    }
  }
}

/** Uploads of 10,000 rows of one body each, up to `uploads` of them, from the generator's next rows. */
function uploadChunks(registry: Registry, uploads: number, today: string): CertificateData[][] {
  const byBody = new Map<string, CertificateData[]>();
  const chunks: CertificateData[][] = [];
  for (const cert of nextCertificates(registry.rows, uploads * BATCH * 4, today)) {
    const rows = byBody.get(cert.bodyCode) ?? [];
    rows.push(cert);
    byBody.set(cert.bodyCode, rows);
    if (rows.length === BATCH) {
      chunks.push(rows);
      byBody.delete(cert.bodyCode);
      if (chunks.length === uploads) break;
    }
  }
  return chunks;
}

interface UploadSample {
  bodyCode: string;
  rows: number;
  wallMs: number;
  /** The rules' whole time: evaluating (`evaluateMs`) and storing what they raised. */
  rulesMs: number;
  evaluateMs: number;
  batches: number;
  drafts: number;
  /** Drafts by rule id (only rules that raised any): a count above zero names its rule. */
  draftsByRule: Record<string, number>;
}

/** "rule-a 3, rule-b 1", or "none". */
const draftsText = (byRule: Record<string, number>) =>
  Object.entries(byRule)
    .map(([id, n]) => `${id} ${fmt(n)}`)
    .join(', ') || 'none';

async function benchUploads(
  services: Services,
  stores: Stores,
  registry: Registry,
  today: string,
  options: Options,
): Promise<UploadSample[]> {
  const runner = createUploadRuleRunner({
    registry: stores.certificates,
    bodies: stores.bodies,
    auditors: stores.auditors,
    raise: (drafts) => services.signals.raise(drafts),
    logger: silent,
  });
  let current = {
    rulesMs: 0,
    evaluateMs: 0,
    batches: 0,
    drafts: 0,
    draftsByRule: {} as Record<string, number>,
  };
  const jobCertificates = recordJobCertificates(stores.uploadJobs);
  const uploads = createUploadService({
    jobs: stores.uploadJobs,
    registry: stores.certificates,
    certificates: services.certificates,
    bodies: services.bodies,
    audit: services.audit,
    parse: parseUpload,
    limits: { other: 1024 ** 3, xlsx: 1024 ** 3 },
    batchSize: BATCH,
    async onStored(event: StoredEvent) {
      // What app.ts does after each stored batch: the job's certificate list (part of the upload), then
      // the rules (timed apart).
      await jobCertificates(event);
      const started = performance.now();
      const certificates = event.results.filter((r) => r.outcome !== 'unchanged').map((r) => r.certificate);
      const report = await runner.run({
        bodyCode: event.bodyCode,
        jobId: event.jobId,
        certificates,
        at: event.at,
      });
      current.rulesMs += performance.now() - started;
      current.evaluateMs += report.rules.reduce((sum, r) => sum + r.ms, 0);
      current.batches += 1;
      for (const rule of report.rules) {
        if (rule.drafts === 0) continue;
        current.drafts += rule.drafts;
        current.draftsByRule[rule.id] = (current.draftsByRule[rule.id] ?? 0) + rule.drafts;
      }
    },
  });
  console.log(
    `  generating ${fmt(options.uploadBatches)} uploads of ${fmt(BATCH)} rows (the generator's next rows)`,
  );
  const chunks = uploadChunks(registry, options.uploadBatches, today);
  const samples: UploadSample[] = [];
  for (const [i, rows] of chunks.entries()) {
    const bodyCode = rows[0]?.bodyCode as string;
    const text = rows.map((r) => JSON.stringify(r)).join('\n');
    await waitForQuiet(Math.min(30, options.quietWait));
    current = { rulesMs: 0, evaluateMs: 0, batches: 0, drafts: 0, draftsByRule: {} };
    const started = performance.now();
    const job = await uploads.upload({
      principal: { tokenId: 'bench', role: 'body', bodyCode },
      source: Readable.from([Buffer.from(text, 'utf8')]),
      format: 'ndjson',
      mode: 'partial',
      sizeHint: Buffer.byteLength(text),
    });
    const wallMs = performance.now() - started;
    if (job.state !== 'succeeded' || job.progress.rowsRead !== rows.length) {
      throw new Error(`upload ${i + 1} did not read every row: ${JSON.stringify(job.progress)}`);
    }
    const sample = { bodyCode, rows: rows.length, wallMs, ...current };
    samples.push(sample);
    const uploadMs = wallMs - sample.rulesMs;
    console.log(
      `  upload ${i + 1}/${chunks.length} (${bodyCode}, ${fmt(job.progress.created)} of ${fmt(rows.length)} rows created): ` +
        `upload ${fmt(uploadMs)} ms, ` +
        `rules ${fmt(sample.rulesMs)} ms (evaluating ${fmt(sample.evaluateMs)} ms, storing ${fmt(sample.drafts)} ` +
        `drafts ${fmt(sample.rulesMs - sample.evaluateMs)} ms; ${sample.batches} batch${sample.batches === 1 ? '' : 'es'}): ` +
        `share ${fmt(sample.rulesMs / uploadMs, 3)}; drafts by rule: ${draftsText(sample.draftsByRule)}`,
    );
  }
  return samples;
}

/** Every certificate of the registry through the rules, in batches of 10,000 of one body. */
async function benchEverything(
  services: Services,
  stores: Stores,
  dataDir: string,
  options: Options,
): Promise<{ totals: RuleTotals; total: number; complete: boolean; readMs: number }> {
  const runner = createUploadRuleRunner({
    registry: stores.certificates,
    bodies: stores.bodies,
    auditors: stores.auditors,
    raise: (drafts) => services.signals.raise(drafts),
    logger: silent,
  });
  const reader = openSqlite(dataDir);
  const totals = emptyTotals();
  let readMs = 0;
  try {
    const total = (reader.prepare('SELECT COUNT(*) AS n FROM certificates').get() as { n: number }).n;
    const page = reader.prepare<[number, number], { id: number; doc: string }>(
      'SELECT id, doc FROM certificates WHERE id > ? ORDER BY id LIMIT ?',
    );
    const buffers = new Map<string, Certificate[]>();
    const at = new Date().toISOString();
    let lastId = 0;
    let lastReport = performance.now();
    const run = async (bodyCode: string, certificates: Certificate[]) => {
      const started = performance.now();
      const report = await runner.run({ bodyCode, certificates, at });
      addReport(totals, report, performance.now() - started);
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.log(
          `  ${fmt(totals.certificates)} of ${fmt(total)} certificates: ${fmt(totals.ms / 1000, 1)} s of rules, ` +
            `${fmt(totals.drafts)} drafts`,
        );
      }
    };
    let complete = true;
    for (;;) {
      if (totals.ms / 1000 >= options.fullMaxSeconds) {
        complete = false;
        break;
      }
      const readStarted = performance.now();
      const rows = page.all(lastId, 20_000);
      const certs = rows.map((row) => ({
        ...(JSON.parse(row.doc) as Omit<Certificate, 'id'>),
        id: String(row.id),
      }));
      readMs += performance.now() - readStarted;
      if (rows.length === 0) break;
      lastId = rows[rows.length - 1]?.id as number;
      for (const cert of certs) {
        const buffer = buffers.get(cert.bodyCode) ?? [];
        buffer.push(cert);
        buffers.set(cert.bodyCode, buffer);
        if (buffer.length === BATCH) {
          buffers.delete(cert.bodyCode);
          await run(cert.bodyCode, buffer);
        }
      }
    }
    if (complete) for (const [bodyCode, buffer] of buffers) await run(bodyCode, buffer);
    return { totals, total, complete, readMs };
  } finally {
    reader.close();
  }
}

async function partA(options: Options) {
  const registry = await ensureRegistry(options.rows, options.rebuild);
  const info = JSON.parse(fs.readFileSync(path.join(registry.dir, 'complete.json'), 'utf8')) as {
    today: string;
  };
  const work = tempDir(CACHE_ROOT, 'rules-work-');
  try {
    console.log(`  copying the registry (${fmt(registry.bytes / 1_048_576)} MB) to ${work}`);
    fs.copyFileSync(registry.file, path.join(work, 'registry.sqlite'));
    const { services, stores, close } = openBenchServices(work);
    try {
      console.log(
        `\nA1. Upload rules (${UPLOAD_RULES.map((r) => r.id).join(', ')}) over all ${fmt(registry.rows)} certificates\n`,
      );
      // The auditor register of the whole demo world (the registry's and the uploads' auditors), imported
      // first, as an admin would: the register rules then check every audit team.
      const registrations = demoRegistrations(
        nextCertificates(0, registry.rows + options.uploadBatches * BATCH * 4, info.today),
        { today: info.today },
      );
      await stores.auditors.upsertMany(registrations);
      console.log(`  auditor register: ${fmt(registrations.length)} registrations imported`);
      const everything = await benchEverything(services, stores, work, options);
      console.log(`\nA2. Upload rules per uploaded batch of ${fmt(BATCH)} rows\n`);
      const uploads = await benchUploads(services, stores, registry, info.today, options);
      return { registry, uploads, everything };
    } finally {
      await close();
    }
  } finally {
    removeTempDir(work);
  }
}

function reportA(result: Awaited<ReturnType<typeof partA>>) {
  const { uploads, everything, registry } = result;
  console.log('\n=== A. Upload rules ===');
  if (uploads.length > 0) {
    const shares = uploads.map((u) => u.rulesMs / (u.wallMs - u.rulesMs));
    const uploadMs = median(uploads.map((u) => u.wallMs - u.rulesMs));
    const rulesMs = median(uploads.map((u) => u.rulesMs));
    const share = median(shares);
    const evaluateShare = median(uploads.map((u) => u.evaluateMs / (u.wallMs - u.rulesMs)));
    console.log(
      `  per uploaded batch of ${fmt(BATCH)} rows, into ${fmt(registry.rows)}: upload ${fmt(uploadMs)} ms, ` +
        `rules ${fmt(rulesMs)} ms (medians of ${uploads.length}); share median ${fmt(share, 3)}, ` +
        `max ${fmt(Math.max(...shares), 3)} (target < ${TARGET_SHARE}): ${share < TARGET_SHARE ? 'met' : 'MISSED'}; ` +
        `evaluating alone (storing the signals left out) ${fmt(evaluateShare, 3)}`,
    );
    const draftsByRule: Record<string, number> = {};
    for (const u of uploads)
      for (const [id, n] of Object.entries(u.draftsByRule)) draftsByRule[id] = (draftsByRule[id] ?? 0) + n;
    const drafts = Object.values(draftsByRule).reduce((sum, n) => sum + n, 0);
    console.log(
      `  drafts raised by the uploads' rules: ${fmt(drafts)} (by rule: ${draftsText(draftsByRule)})` +
        (drafts === 0 ? '' : ' !! the demo world is honest: every draft is a false alarm or dishonest data'),
    );
  }
  const { totals, total, complete, readMs } = everything;
  const rate = totals.certificates / (totals.ms / 1000);
  console.log(
    `  everything: ${fmt(totals.certificates)} of ${fmt(total)} certificates in ${totals.batches} batches, ` +
      `${fmt(totals.ms / 1000, 1)} s of rules (${fmt(rate)} certificates/s; reading them ${fmt(readMs / 1000, 1)} s, not counted)` +
      (complete ? '' : `; stopped at --full-max-seconds: all would take about ${fmt(total / rate, 0)} s`),
  );
  const evaluateMs = [...totals.byRule.values()].reduce((sum, t) => sum + t.ms, 0);
  console.log(
    `  of which evaluating ${fmt(evaluateMs / 1000, 1)} s and storing the signals ${fmt((totals.ms - evaluateMs) / 1000, 1)} s`,
  );
  console.log(
    `  ${fmt(totals.drafts)} drafts, ${fmt(totals.raised)} handed to raise (new signals and repeats), ${totals.failures} failures; by rule:`,
  );
  printByRule(totals);
}

// ---------------------------------------------------------------------------------------------------------
// B. The cloned-QR check per scan

/** A fresh registry with the demo bodies and `count` valid certificates; their signed URLs. */
async function scanRegistry(dataDir: string, count: number): Promise<string[]> {
  const today = todayInChina();
  const { services, close } = openBenchServices(dataDir);
  try {
    for (const body of demoBodies(today)) await services.bodies.upsert(body);
    const valid: CertificateData[] = [];
    for (const batch of generateCertificates({ count: count * 4, today, batchSize: count * 4 })) {
      valid.push(...batch.filter((c) => c.status === 'valid' && c.expiryDate >= today));
    }
    const stored = await services.certificates.upsertMany(valid.slice(0, count));
    return stored.map((r) => services.qr.signedUrl(r.certificate).url);
  } finally {
    await close();
  }
}

/** Microseconds per `add` (sequential: for Redis that is one round trip each). */
async function microsPerAdd(add: (key: string, value: string, at: string) => Promise<number>, n: number) {
  const at = new Date().toISOString();
  for (let i = 0; i < 1000; i += 1) await add(`k${i % 300}`, NETWORKS[i % 11] as string, at);
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) await add(`k${i % 300}`, NETWORKS[i % 11] as string, at);
  return Number(process.hrtime.bigint() - started) / 1000 / n;
}

async function removeKeysUnder(redis: Redis, prefix: string) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

interface ScanPath {
  key: string;
  label: string;
  server: BenchServer;
}

async function partB(options: Options) {
  const dataDir = tempDir(os.tmpdir(), 'certwatch-bench-rules-');
  const prefix = `certwatch-bench:${randomUUID()}:`;
  const redis = createRedisClient(REDIS_URL, { logger: silent, connectionName: 'certwatch-bench' });
  const redisUp = await waitForRedis(redis, 2_000);
  try {
    const urls = await scanRegistry(dataDir, options.certificates);
    const window = { windowSeconds: 3600, buckets: 6 };
    const memory = createMemoryDistinctCounter({ window, maxValuesPerKey: 20 });
    console.log(
      `\nB. The cloned-QR check per scan (${urls.length} genuine codes, ${NETWORKS.length} networks)\n`,
    );
    console.log(`  in process: memory counter ${fmt(await microsPerAdd(memory.add, 200_000), 2)} µs per add`);
    if (redisUp) {
      const counter = createRedisDistinctCounter(redis, { prefix: `${prefix}micro:`, window });
      console.log(
        `  in process: Redis counter ${fmt(await microsPerAdd(counter.add, 5_000), 1)} µs per add ` +
          '(one script call: PFADD, and the union of the 6 buckets only when it changed)',
      );
    } else console.log('  Redis does not answer on 127.0.0.1:6379: the cluster-mode paths are left out');

    const portalEnv = (extra: Record<string, string>) => ({
      NODE_ENV: 'production',
      STORE: 'sqlite',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      METRICS_ENABLED: 'true',
      RATE_LIMIT_PER_MINUTE: '1000000000',
      PUBLIC_BASE_URL: BENCH_ORIGIN,
      TRUST_PROXY: 'true',
      ...extra,
    });
    const cluster = { REDIS_URL, REDIS_KEY_PREFIX: prefix };
    const paths: ScanPath[] = [
      {
        key: 'embedded-off',
        label: 'embedded, without the check',
        server: await startServer(
          'embedded-off',
          'server/main.ts',
          portalEnv({ CLONED_QR_MIN_NETWORKS: '0' }),
          '/healthz',
        ),
      },
      {
        key: 'embedded-on',
        label: 'embedded, with the check',
        server: await startServer(
          'embedded-on',
          'server/main.ts',
          portalEnv({ CLONED_QR_MIN_NETWORKS: '20' }),
          '/healthz',
        ),
      },
    ];
    if (redisUp) {
      paths.push(
        {
          key: 'cluster-off',
          label: 'cluster (Redis), without the check',
          server: await startServer(
            'cluster-off',
            'server/main.ts',
            portalEnv({ ...cluster, CLONED_QR_MIN_NETWORKS: '0' }),
            '/healthz',
          ),
        },
        {
          key: 'cluster-on',
          label: 'cluster (Redis), with the check',
          server: await startServer(
            'cluster-on',
            'server/main.ts',
            portalEnv({ ...cluster, CLONED_QR_MIN_NETWORKS: '20' }),
            '/healthz',
          ),
        },
      );
    }
    console.log(
      `\n  HTTP: ${options.connections} connections, ${options.warmup} s warm-up + ${options.duration} s per path, ${options.runs} run(s)\n`,
    );
    const samples = new Map<string, LoadResult[]>(paths.map((p) => [p.key, []]));
    for (let run = 1; run <= options.runs; run += 1) {
      // Every other run in reverse order, so that neither variant always goes first.
      const order = run % 2 === 1 ? paths : [...paths].reverse();
      for (const p of order) {
        const request = scanRequest(urls, NETWORKS);
        if (options.warmup > 0) await loadTest(p.server.port, options.warmup, options.connections, request);
        const load = await waitForQuiet(options.quietWait);
        const s = await loadTest(p.server.port, options.duration, options.connections, request);
        samples.get(p.key)?.push(s);
        const bad = s.non2xx + s.errors > 0 ? `  !! ${s.non2xx} non-2xx, ${s.errors} errors` : '';
        console.log(
          `  run ${run}/${options.runs}  ${p.label.padEnd(36)} ${fmt(s.rps).padStart(7)} req/s  p50 ${s.p50} ms  ` +
            `p99 ${s.p99} ms  (others used ${fmt(load, 2)} cores before)${bad}`,
        );
      }
    }
    const problems = await Promise.all(
      paths.map(async (p) => {
        const res = await fetch(`http://127.0.0.1:${p.server.port}/metrics`);
        const text = await res.text();
        return /^scan_rule_errors_total\{[^}]*\} [1-9]/m.test(text)
          ? `${p.key}: scan rule errors`
          : undefined;
      }),
    );
    await stopAll();
    return { paths, samples, problems: problems.filter((s): s is string => s !== undefined) };
  } finally {
    await stopAll();
    if (redisUp) await removeKeysUnder(redis, prefix);
    redis.disconnect();
    removeTempDir(dataDir);
  }
}

function reportB(result: Awaited<ReturnType<typeof partB>>) {
  const { paths, samples, problems } = result;
  const rps = (key: string) => (samples.get(key) ?? []).map((s) => s.rps);
  console.log('\n=== B. POST /api/v1/scan, medians ===');
  for (const p of paths) {
    const s = samples.get(p.key) ?? [];
    console.log(
      `  ${p.label.padEnd(36)} ${fmt(median(rps(p.key))).padStart(7)} req/s  p99 ${median(s.map((x) => x.p99))} ms`,
    );
  }
  for (const mode of ['embedded', 'cluster']) {
    const on = rps(`${mode}-on`);
    const off = rps(`${mode}-off`);
    if (on.length === 0) continue;
    const ratio = median(on.map((v, i) => v / (off[i] as number)));
    console.log(
      `  ${mode}: requests/s with the check / without = ${fmt(ratio, 3)} (median of per-run ratios; ` +
        `cost about ${fmt((1 / median(on) - 1 / median(off)) * 1e6, 1)} µs per scan)`,
    );
  }
  if (problems.length > 0) console.log(`  !! ${problems.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions();
  const started = performance.now();
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  removeAbandonedBuilds();
  const cpus = os.cpus();
  console.log(
    `CertWatch rules benchmark: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), node ${process.version}\n`,
  );
  // Each part's summary as soon as it is done, and its raw figures with it: a later failure loses nothing.
  const resultFile = path.join(
    CACHE_ROOT,
    `rules-results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  const results: Record<string, unknown> = { options, node: process.version };
  const save = () => fs.writeFileSync(resultFile, JSON.stringify(results, null, 2));
  if (!options.skipRules) {
    const a = await partA(options);
    reportA(a);
    results.uploads = a.uploads;
    results.everything = {
      ...a.everything,
      totals: { ...a.everything.totals, byRule: Object.fromEntries(a.everything.totals.byRule) },
    };
    save();
  }
  if (!options.skipScan) {
    const b = await partB(options);
    reportB(b);
    results.scans = Object.fromEntries(b.samples);
    save();
  }
  console.log(`\nRaw figures: ${resultFile}\nTotal time ${fmt((performance.now() - started) / 1000)} s.`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping the servers`);
    void stopAll().then(() => {
      for (const dir of tempDirs) removeTempDir(dir);
      process.exit(130);
    });
  });
}

main().catch(async (error: unknown) => {
  console.error(error);
  await stopAll();
  for (const dir of tempDirs) removeTempDir(dir);
  process.exit(1);
});
