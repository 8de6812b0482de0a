/**
 * QR zip benchmark (`npm run bench:qr-zip`): how fast the zip of an upload job's QR codes is made
 * (GET /api/v1/uploads/{jobId}/qr.zip without the socket), in certificates per second, cold (empty image
 * cache: every code rendered) and cached (the same job again), for PNG and SVG; and how much memory it
 * takes at two job sizes.
 *
 *   tsx scripts/bench/qr-zip.ts [--certificates 1000] [--big 10000] [--runs 3]
 *
 * 1. Throughput: one job of --certificates rows uploaded through the upload service into a fresh
 *    registry; per format a fresh service set (empty cache) makes the zip once cold, then --runs times
 *    cached (median), into a sink that takes every byte at once.
 * 2. Memory: cached SVG zips of jobs of --certificates and --big rows; peak RSS growth (sampled every
 *    20 ms) and, with --expose-gc (as `npm run bench:qr-zip` runs it), peak live memory growth (heap and
 *    buffers after a full GC, every 250 ms, in a separate run).
 *
 * Everything runs in this process on a temp dir, removed at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { Services } from '../../server/composition/services';
import { withCheckCharacter } from '../../server/platform/credit-code';
import type { QrZipFormat } from '../../server/qr/qr-zip-service';
import { fmt, median, openBenchServices } from './support';

const BODY = 'CQC';
const NAME_SOURCE =
  '重庆市沙坪坝区西部现代物流园区智能精密机械装备制造与进出口贸易总集团股份有限公司第一分公司暨研发中心';

const mib = (bytes: number) => `${fmt(bytes / 1_048_576, 1)} MiB`;

/** A CSV of `count` valid rows (English headers), numbered from `first`. */
function csv(count: number, first: number): string {
  const lines = ['Certificate number,Organisation name,Credit code,Scheme,Scope,Issue date,Expiry date'];
  for (let i = first; i < first + count; i += 1) {
    const name = [...NAME_SOURCE].slice(i % 20, (i % 20) + 8 + (i % 25)).join('');
    const org = String(i).padStart(9, '0');
    const code = withCheckCharacter(`91500106${org}`);
    lines.push(
      `CQC25Q${String(i).padStart(8, '0')}R0M,${name},${code},QMS,精密机械零部件的设计和生产,2025-01-10,2028-01-09`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Uploads a job of `count` certificates; its id. */
async function uploadJob(services: Services, token: string, count: number, first: number): Promise<string> {
  const principal = await services.tokens.verify(token);
  const job = await services.uploads.upload({
    principal,
    source: Readable.from([Buffer.from(csv(count, first))]),
    format: 'csv',
    mode: 'partial',
  });
  if (job.progress.accepted !== count) throw new Error(`upload stored ${job.progress.accepted} of ${count}`);
  return job.id;
}

const gc = (globalThis as { gc?: () => void }).gc;
/** Memory that is alive: heap and buffers after a full GC (what a long zip would accumulate). */
const live = () => {
  gc?.();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};

/**
 * Makes the zip into a sink that takes everything: seconds, bytes, and the growth of RSS (peak) and, with
 * --expose-gc, of live memory (peak of samples taken after a full GC every 250 ms; it slows the run).
 */
async function makeZip(
  services: Services,
  token: string,
  jobId: string,
  format: QrZipFormat,
  sampleLive = false,
) {
  const principal = await services.tokens.verify(token);
  const liveBefore = live();
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  let peakLive = liveBefore;
  const rssSampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const liveSampler =
    sampleLive && gc ? setInterval(() => (peakLive = Math.max(peakLive, live())), 250) : undefined;
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  const start = process.hrtime.bigint();
  const zip = await services.qrZip.open(principal, jobId, format);
  await zip.writeTo(sink);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(rssSampler);
  clearInterval(liveSampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return {
    seconds,
    bytes,
    rssGrowth: peakRss - rssBefore,
    liveGrowth: gc ? peakLive - liveBefore : Number.NaN,
  };
}

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      certificates: { type: 'string', default: '1000' },
      big: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '3' },
    },
  });
  const count = Number(values.certificates);
  const big = Number(values.big);
  const runs = Number(values.runs);
  const cpus = os.cpus();
  console.log(
    `CertWatch QR zip benchmark: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), node ${process.version}\n`,
  );

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-bench-qr-zip-'));
  try {
    const setup = openBenchServices(dataDir);
    await setup.services.bodies.upsert({
      code: BODY,
      name: '中国质量认证中心',
      approvalNumber: 'CNCA-R-2002-001',
      approvalStatus: 'approved',
      approvedSchemes: ['QMS'],
      approvedIndustryCodes: [],
    });
    const issued = await setup.services.tokens.issue(
      { role: 'body', bodyCode: BODY, label: 'bench', expiresInDays: 1 },
      undefined,
    );
    const token = issued.secret;
    const small = await uploadJob(setup.services, token, count, 1);
    const large = big > 0 ? await uploadJob(setup.services, token, big, count + 1) : undefined;
    await setup.close();

    console.log(`1. Zip throughput, job of ${fmt(count)} certificates (cached: median of ${runs})\n`);
    console.log('format   cold cert/s   cached cert/s   zip size');
    for (const format of ['png', 'svg'] as QrZipFormat[]) {
      const fresh = openBenchServices(dataDir);
      try {
        const cold = await makeZip(fresh.services, token, small, format);
        const cached: number[] = [];
        for (let run = 0; run < runs; run += 1) {
          const { seconds } = await makeZip(fresh.services, token, small, format);
          cached.push(count / seconds);
        }
        console.log(
          `${format.padEnd(6)} ${fmt(count / cold.seconds, 1).padStart(13)} ${fmt(median(cached)).padStart(15)}   ${mib(cold.bytes)}`,
        );
      } finally {
        await fresh.close();
      }
    }

    if (large) {
      console.log('\n2. Memory while making a cached SVG zip (growth over the moment before)\n');
      const fresh = openBenchServices(dataDir);
      try {
        for (const [rows, jobId] of [
          [count, small],
          [big, large],
        ] as const) {
          await makeZip(fresh.services, token, jobId, 'svg');
          const { rssGrowth, bytes } = await makeZip(fresh.services, token, jobId, 'svg');
          const { liveGrowth } = await makeZip(fresh.services, token, jobId, 'svg', true);
          console.log(
            `${fmt(rows).padStart(7)} certificates, ${mib(bytes)} zip: peak RSS +${mib(rssGrowth)}, peak live memory +${gc ? mib(liveGrowth) : '- (run with --expose-gc)'}`,
          );
        }
      } finally {
        await fresh.close();
      }
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
