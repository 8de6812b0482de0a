/**
 * QR benchmark (`npm run bench:qr`): how large the signed codes get, how fast QR images are made (cold and
 * cached), and POST /api/v1/scan requests/s against a bare Express 5 route measured in the same run.
 *
 *   tsx scripts/bench/qr.ts [--certificates 300] [--duration 10] [--warmup 2] [--runs 3] [--connections 50]
 *                           [--quiet-wait 120]
 *
 * 1. QR versions: signed URLs on a 31-character origin (https://certwatch.example.gov.cn) for holder names
 *    of 10 to 60 Chinese characters, at error correction L, M, Q and H, and the module size when the whole
 *    symbol (with its 4-module quiet zone) is printed 2 cm wide.
 * 2. Image generation, in this process through the QR service (registry read, signing, rendering, cache):
 *    cold = every certificate once on an empty cache; cached = the same again.
 * 3. Scan path, in this process: verify alone, verify + batched record (what the route does), and verify +
 *    one awaited single-row write per scan (what batching avoids).
 * 4. HTTP: the portal (server/main.ts, every production middleware on, logs to /dev/null) and
 *    scripts/bench/bare-server.ts as child processes; autocannon on 127.0.0.1; medians of the runs.
 *
 * The machine may be shared: each HTTP measurement first waits (up to --quiet-wait seconds) for it to be
 * nearly idle and reports how busy it was.
 * Everything runs on a fresh registry in a temp dir, removed at the end; servers are stopped by pid.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { certificateInputSchema } from '../../server/certificates/certificate-schema';
import { withCheckCharacter } from '../../server/platform/credit-code';
import { qrVersion } from '../../server/qr/qr-render';
import { base64UrlEncode, encodeFields, fragmentOf, signingInput } from '../../server/qr/qr-payload';
import { signedFieldsOf, type QrFormat } from '../../server/qr/qr-service';
import { keyDirOf, openKeyRing } from '../../server/qr/signing-keys';
import {
  BENCH_ORIGIN,
  fmt,
  loadTest,
  median,
  openBenchServices,
  scanRequest,
  startServer,
  stopAll,
  stopServer,
} from './support';

const NAME_SOURCE =
  '重庆市沙坪坝区西部现代物流园区智能精密机械装备制造与进出口贸易总集团股份有限公司第一分公司暨研发中心与检验检测实验室及其附属生产基地';

function creditCode(): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let org = '';
  for (let i = 0; i < 9; i += 1) org += alphabet[crypto.randomInt(alphabet.length)];
  return withCheckCharacter(`91500106${org}`);
}

function report(number: number, name: string) {
  return certificateInputSchema.parse({
    number: `CQC25Q${String(number).padStart(8, '0')}R0M`,
    bodyCode: 'CQC',
    scheme: 'QMS',
    holder: { name, creditCode: creditCode() },
    scope: '精密机械零部件的设计和生产',
    issueDate: '2025-01-10',
    expiryDate: '2028-01-09',
  });
}

// ---------------------------------------------------------------------------------------------------------
// Measurements

function versionTable() {
  const publicId = crypto.randomBytes(16).toString('base64url');
  const keyRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-qr-keys-'));
  const ring = openKeyRing({ dataDir: keyRoot, watch: false });
  const lines: string[] = [];
  lines.push('holder name  URL chars   L    M    Q    H   (version; module size printed 2 cm wide, at Q)');
  try {
    for (const length of [10, 20, 30, 40, 60]) {
      const name = [...NAME_SOURCE].slice(0, length).join('');
      const data = encodeFields(signedFieldsOf(report(1, name)));
      const { kid, signature } = ring.sign(signingInput(publicId, data));
      const url = `${BENCH_ORIGIN}/v/${publicId}#${fragmentOf(kid, data, base64UrlEncode(signature))}`;
      const versions = (['L', 'M', 'Q', 'H'] as const).map((level) => qrVersion(url, level));
      const modules = 17 + 4 * (versions[2] as number);
      lines.push(
        `${String(length).padStart(3)} chars   ${String(url.length).padStart(6)}   ${versions.map((v) => String(v).padStart(3)).join('  ')}` +
          `   Q: ${modules} modules, ${fmt(20 / (modules + 8), 3)} mm per module`,
      );
    }
  } finally {
    ring.close();
    fs.rmSync(keyRoot, { recursive: true, force: true });
  }
  return lines.join('\n');
}

async function timeLoop(count: number, step: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await step(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return count / seconds;
}

async function generationRates(dataDir: string, certs: Certificate[]) {
  const rows: string[] = [];
  for (const format of ['png', 'svg', 'label'] as QrFormat[]) {
    // A fresh service and cache per format: the cold pass misses every time.
    const { services, close } = openBenchServices(dataDir);
    try {
      const cold = await timeLoop(certs.length, (i) =>
        services.qr.image((certs[i] as Certificate).publicId, format),
      );
      const cached = await timeLoop(certs.length * 3, (i) =>
        services.qr.image((certs[i % certs.length] as Certificate).publicId, format),
      );
      const sample = await services.qr.image((certs[0] as Certificate).publicId, format);
      rows.push(
        `${format.padEnd(6)} cold ${fmt(cold, 1).padStart(8)} /s   cached ${fmt(cached, 0).padStart(7)} /s   (${fmt(sample.body.length)} bytes)`,
      );
    } finally {
      await close();
    }
  }
  return rows.join('\n');
}

async function scanPathMicros(dataDir: string, urls: string[]) {
  const { services, stores, close } = openBenchServices(dataDir);
  try {
    const n = 5000;
    // Warm the certificate cache and the JIT first.
    for (const url of urls) await services.qr.verify(url);
    const verify = 1e6 / (await timeLoop(n, (i) => services.qr.verify(urls[i % urls.length] as string)));
    const batched =
      1e6 / (await timeLoop(n, (i) => services.qr.scan(urls[i % urls.length] as string, '203.0.113.7')));
    await services.qr.flushScans();
    const awaited =
      1e6 /
      (await timeLoop(n, async (i) => {
        const answer = await services.qr.verify(urls[i % urls.length] as string);
        await stores.scans.append([
          {
            at: answer.checkedAt,
            publicId: answer.publicId,
            verdict: answer.verdict,
            networkHash: 'x'.repeat(22),
          },
        ]);
      }));
    return (
      `verify alone ${fmt(verify, 1)} µs/scan; verify + batched record ${fmt(batched, 1)} µs; ` +
      `verify + one awaited SQLite insert per scan ${fmt(awaited, 1)} µs`
    );
  } finally {
    await close();
  }
}

/** Busy cores of the whole machine over `ms`, from /proc/stat (0 where it cannot be read). */
async function machineBusyCores(ms: number): Promise<number> {
  const ticks = () => {
    try {
      const [cpu] = fs.readFileSync('/proc/stat', 'utf8').split('\n');
      const fields = (cpu ?? '').trim().split(/\s+/).slice(1).map(Number);
      const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
      return { busy: fields.reduce((a, b) => a + b, 0) - idle };
    } catch {
      return { busy: 0 };
    }
  };
  const before = ticks();
  await new Promise((r) => setTimeout(r, ms));
  // USER_HZ is 100 on Linux.
  return (ticks().busy - before.busy) / 100 / (ms / 1000);
}

/** Waits (up to `maxSeconds`) until other processes leave the machine nearly idle; returns the load seen last. */
async function waitForQuiet(maxSeconds: number): Promise<number> {
  const deadline = Date.now() + maxSeconds * 1000;
  let busy = await machineBusyCores(1000);
  while (busy > 0.3 && Date.now() < deadline) busy = await machineBusyCores(1000);
  return busy;
}

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      certificates: { type: 'string', default: '300' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      runs: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      'quiet-wait': { type: 'string', default: '120' },
    },
  });
  const count = Number(values.certificates);
  const duration = Number(values.duration);
  const warmup = Number(values.warmup);
  const runs = Number(values.runs);
  const connections = Number(values.connections);
  const quietWait = Number(values['quiet-wait']);
  const cpus = os.cpus();
  console.log(
    `CertWatch QR benchmark: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), node ${process.version}\n`,
  );

  console.log('1. QR version of the signed URL by holder name length\n');
  console.log(versionTable());

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-bench-qr-'));
  try {
    const setup = openBenchServices(dataDir);
    await setup.services.bodies.upsert({
      code: 'CQC',
      name: '中国质量认证中心',
      approvalNumber: 'CNCA-R-2002-001',
      approvalStatus: 'approved',
      approvedSchemes: ['QMS'],
      approvedIndustryCodes: [],
    });
    const names = Array.from({ length: count }, (_, i) =>
      [...NAME_SOURCE].slice(i % 20, (i % 20) + 8 + (i % 33)).join(''),
    );
    const certs = (
      await setup.services.certificates.upsertMany(names.map((name, i) => report(i + 1, name)))
    ).map((r) => r.certificate);
    const goodUrls = certs.map((c) => setup.services.qr.signedUrl(c).url);
    // One character of the signature changed (ten from the end: a whole byte of it).
    const alteredUrls = goodUrls.map((u) => {
      const i = u.length - 10;
      return `${u.slice(0, i)}${u[i] === 'A' ? 'B' : 'A'}${u.slice(i + 1)}`;
    });
    await setup.close();
    console.log(
      `\nregistry: ${count} certificates in ${dataDir}; signing key ${fs.readdirSync(keyDirOf(dataDir)).join(', ')}\n`,
    );

    console.log('2. QR image generation through the QR service, in this process\n');
    console.log(await generationRates(dataDir, certs));

    console.log('\n3. The scan path in this process (5,000 scans, cached certificates)\n');
    console.log(await scanPathMicros(dataDir, goodUrls));

    console.log(
      `\n4. HTTP: ${connections} connections, ${warmup} s warm-up + ${duration} s per measurement, ${runs} run(s)\n`,
    );
    const bare = await startServer('bare', 'scripts/bench/bare-server.ts', {}, '/hello');
    const portal = await startServer(
      'portal',
      'server/main.ts',
      {
        NODE_ENV: 'production',
        STORE: 'sqlite',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        METRICS_ENABLED: 'true',
        RATE_LIMIT_PER_MINUTE: '1000000000',
        PUBLIC_BASE_URL: BENCH_ORIGIN,
      },
      '/healthz',
    );
    const paths: { key: string; label: string; port: number; request: autocannon.Request }[] = [
      {
        key: 'baseline',
        label: 'baseline: bare Express 5 GET /hello',
        port: bare.port,
        request: { method: 'GET', path: '/hello' },
      },
      {
        key: 'genuine',
        label: `POST /api/v1/scan, genuine (${count} codes)`,
        port: portal.port,
        request: scanRequest(goodUrls),
      },
      {
        key: 'altered',
        label: 'POST /api/v1/scan, altered signature',
        port: portal.port,
        request: scanRequest(alteredUrls),
      },
      {
        key: 'junk',
        label: 'POST /api/v1/scan, not a CertWatch code',
        port: portal.port,
        request: scanRequest(['https://www.example.com/products/123', 'WIFI:T:WPA;S:shop;P:secret;;']),
      },
    ];
    const samples = new Map<string, { rps: number; p50: number; p99: number }[]>(
      paths.map((p) => [p.key, []]),
    );
    let scanRequests = 0;
    for (let run = 1; run <= runs; run += 1) {
      for (const p of paths) {
        if (warmup > 0) {
          const warm = await loadTest(p.port, warmup, connections, p.request);
          if (p.key !== 'baseline') scanRequests += Math.round(warm.rps * warmup);
        }
        const idle = await waitForQuiet(quietWait);
        const s = await loadTest(p.port, duration, connections, p.request);
        if (p.key !== 'baseline') scanRequests += Math.round(s.rps * duration);
        samples.get(p.key)?.push(s);
        const bad = s.non2xx + s.errors > 0 ? `  !! ${s.non2xx} non-2xx, ${s.errors} errors` : '';
        console.log(
          `run ${run}/${runs}  ${p.label.padEnd(44)} ${fmt(s.rps).padStart(7)} req/s  p50 ${s.p50} ms  p99 ${s.p99} ms` +
            `  (machine busy before: ${fmt(idle, 2)} cores)${bad}`,
        );
      }
    }
    await stopServer(portal);
    await stopServer(bare);

    const med = (key: string) => median((samples.get(key) ?? []).map((s) => s.rps));
    const baseline = med('baseline');
    console.log('\nmedians:');
    for (const p of paths) {
      const m = med(p.key);
      const ratio = p.key === 'baseline' ? '' : `  = ${fmt(m / baseline, 2)} × baseline`;
      const p99 = median((samples.get(p.key) ?? []).map((s) => s.p99));
      console.log(`  ${p.label.padEnd(44)} ${fmt(m).padStart(7)} req/s  p99 ${p99} ms${ratio}`);
    }
    const db = new Database(path.join(dataDir, 'registry.sqlite'), { readonly: true });
    const recorded = (db.prepare('SELECT COUNT(*) AS n FROM scans').get() as { n: number }).n;
    db.close();
    console.log(
      `\nscans recorded by the portal: ${fmt(recorded)} (about ${fmt(scanRequests)} requests counted by autocannon, plus the in-process ones)`,
    );
  } finally {
    await stopAll();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

process.on('SIGINT', () => {
  void stopAll().then(() => process.exit(130));
});

main().catch(async (error: unknown) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
