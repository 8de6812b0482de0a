/**
 * Upload benchmark (`npm run bench:upload`): bulk upload of CSV files of 100,000 and 1,000,000 rows into a
 * fresh embedded registry, against a baseline measured in the same run.
 *
 *   tsx scripts/bench/upload.ts [--sizes 100000,1000000] [--modes atomic,partial] [--runs 1] [--rebuild]
 *                               [--profile]
 *
 * - Files: demo certificates (scripts/demo-data.ts: real-looking names, credit codes, scopes, audits, every
 *   status) re-issued by one body, written as the CNCA-style CSV (Chinese headers, 20 columns) and streamed
 *   to disk. Kept under $TMPDIR/certwatch-bench/uploads/ and reused by later runs.
 * - Upload: through the real HTTP route, POST /api/v1/uploads with a body token, on a portal started as a
 *   child process (`node --import tsx server/main.ts`, production middleware on, logs to /dev/null) with a
 *   fresh DATA_DIR per upload. This process only streams the file from disk. Rows/s = rows / wall time of
 *   the request. Peak RSS = the server's VmHWM (/proc/PID/status) at the end of the upload (the whole
 *   process, start-up included) plus that of its upload storing process (sampled every 200 ms while it
 *   runs): the sum of two peaks, more than was ever resident at once.
 * - Baseline: raw better-sqlite3 inserts of the same rows (already parsed, as objects in memory) into a
 *   fresh registry file with the registry's schema, into every table a stored certificate has rows in:
 *   the certificates row (the same JSON document the adapter stores, with a public id from the same
 *   generator), its holder-name grams row, one audit_assignments row per auditor and the body's monthly
 *   body_audit_volumes tally (the upload rules' index, which every write keeps), prepared statements,
 *   transactions of 10,000 rows. Only the inserts are timed, not producing the rows. This is the floor of
 *   storing these rows in this schema, with nothing read, parsed, checked or compared.
 *
 * Targets (issue 3): upload rows/s at least 0.5 x baseline; the 1,000,000-row upload's peak RSS within
 * 1.25 x the 100,000-row one's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createServices } from '../../server/composition/services';
import { newPublicId } from '../../server/certificates/certificate-records';
import { auditorDaysOf } from '../../server/certificates/certificate-repository';
import type { Certificate, CertificateData } from '../../server/certificates/certificate-schema';
import { SCHEME_CODES } from '../../server/schemes/schemes';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/platform/logger';
import { createMemoryCache } from '../../server/platform/memory-cache';
import { nameBigrams } from '../../server/platform/normalize';
import { openSqlite } from '../../server/platform/sqlite';
import { openSqliteStores } from '../../server/composition/stores';
import type { UploadJob, UploadMode } from '../../server/uploads/upload-schema';
import { DEMO_DATA_VERSION, generateCertificates } from '../demo-data';
import { childrenOf, CLOCK_TICKS, machineBusyTicks, processTicks } from './support';
import { writeCsv } from './upload-csv';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const FILE_DIR = path.join(os.tmpdir(), 'certwatch-bench', 'uploads');
const HOST = '127.0.0.1';
const BODY_CODE = 'BENCH';
/** Fixed, so that every run uploads the same rows (dates are relative to it). */
const TODAY = '2026-06-30';
/** Bump when the CSV written changes, so that cached files are rebuilt. */
const FILE_VERSION = 2;
const BASELINE_TRANSACTION = 10_000;
const TARGETS = { ratio: 0.5, rss: 1.25 };

interface Options {
  sizes: number[];
  modes: UploadMode[];
  runs: number;
  quietWait: number;
  rebuild: boolean;
  profile: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100000,1000000' },
      modes: { type: 'string', default: 'atomic,partial' },
      runs: { type: 'string', default: '1' },
      'quiet-wait': { type: 'string', default: '120' },
      rebuild: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes.split(',').map((s) => Number(s.replace(/_/g, '')));
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 100)) {
    console.error(`--sizes: whole numbers of at least 100, comma-separated, not "${values.sizes}"`);
    process.exit(2);
  }
  const modes = values.modes.split(',') as UploadMode[];
  if (modes.some((m) => m !== 'atomic' && m !== 'partial')) {
    console.error(`--modes: atomic and/or partial, not "${values.modes}"`);
    process.exit(2);
  }
  const runs = Number(values.runs);
  if (!Number.isSafeInteger(runs) || runs < 1) {
    console.error(`--runs: a whole number of at least 1, not "${values.runs}"`);
    process.exit(2);
  }
  const quietWait = Number(values['quiet-wait']);
  if (!Number.isSafeInteger(quietWait) || quietWait < 0) {
    console.error(`--quiet-wait: seconds, a whole number, not "${values['quiet-wait']}"`);
    process.exit(2);
  }
  return { sizes, modes, runs, quietWait, rebuild: values.rebuild, profile: values.profile };
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '-';
const mb = (bytes: number) => `${fmt(bytes / 1_048_576, 0)} MB`;

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

// ---------------------------------------------------------------------------------------------------------
// The machine (it may be shared: say how busy it was)

interface CpuMark {
  at: number;
  busy: number;
  ours: number;
  server: number;
}

const cpuMark = (serverPid?: number): CpuMark => ({
  at: performance.now(),
  busy: machineBusyTicks(),
  ours: processTicks(process.pid, false),
  server: serverPid === undefined ? 0 : processTicks(serverPid),
});

/** Cores used between two marks: by the server, by this process, and by every other process. */
function coresBetween(a: CpuMark, b: CpuMark) {
  const ticks = ((b.at - a.at) / 1000) * CLOCK_TICKS;
  const server = (b.server - a.server) / ticks;
  const ours = (b.ours - a.ours) / ticks;
  return { server, ours, other: Math.max(0, (b.busy - a.busy) / ticks - server - ours) };
}

/**
 * Waits (at most `maxSeconds`) until other processes use less than a fifth of a core, so that a test
 * suite running next door does not skew a measurement.
 */
async function waitForQuiet(maxSeconds: number): Promise<void> {
  const deadline = Date.now() + maxSeconds * 1000;
  for (;;) {
    const a = cpuMark();
    await new Promise((r) => setTimeout(r, 2000));
    const { other } = coresBetween(a, cpuMark());
    if (other < 0.2) return;
    if (Date.now() > deadline) {
      console.log(`  (the machine is busy: other processes use ${fmt(other, 1)} cores; measuring anyway)`);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The rows

/** The demo certificates, re-issued by the bench body: numbers keep their issuer's prefix, so stay unique. */
function* benchRows(count: number): Generator<CertificateData[]> {
  for (const batch of generateCertificates({ count, today: TODAY, batchSize: 10_000 })) {
    yield batch.map((c) => ({ ...c, number: `${c.bodyCode}-${c.number}`, bodyCode: BODY_CODE }));
  }
}

/** The CSV file of `count` rows, written (streamed, with backpressure) unless a current one exists. */
async function csvFile(count: number, rebuild: boolean): Promise<string> {
  const file = path.join(FILE_DIR, `upload-${count}-v${FILE_VERSION}-d${DEMO_DATA_VERSION}.csv`);
  if (!rebuild && fs.existsSync(file)) return file;
  const started = performance.now();
  await writeCsv(file, benchRows(count), (written) =>
    process.stdout.write(`\r  writing ${path.basename(file)}: ${fmt(written)} rows`),
  );
  process.stdout.write(
    `\r  wrote ${path.basename(file)}: ${fmt(count)} rows, ${mb(fs.statSync(file).size)} in ${fmt((performance.now() - started) / 1000, 1)} s\n`,
  );
  return file;
}

// ---------------------------------------------------------------------------------------------------------
// The portal

interface Server {
  proc: ChildProcess;
  port: number;
  stderr: string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A fresh registry with the bench body (approved for every scheme) and a body token for it. */
async function freshRegistry(dataDir: string): Promise<string> {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const stores = openSqliteStores(dataDir);
  try {
    const services = createServices({
      config,
      logger: createLogger('silent'),
      stores,
      cache: createMemoryCache(),
    });
    await services.bodies.upsert({
      code: BODY_CODE,
      name: '基准测试认证有限公司',
      approvalNumber: 'CNCA-R-2002-999',
      approvalStatus: 'approved',
      approvedSchemes: [...SCHEME_CODES],
      approvedIndustryCodes: [],
    });
    const issued = await services.tokens.issue(
      { role: 'body', bodyCode: BODY_CODE, label: 'upload bench', expiresInDays: 1 },
      undefined,
    );
    return issued.secret;
  } finally {
    await stores.close();
  }
}

async function startServer(dataDir: string, profileDir?: string): Promise<Server> {
  const port = await freePort();
  const devNull = fs.openSync('/dev/null', 'w');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST,
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '1000000',
    // The 1,000,000-row file (375 MB) is larger than the default limit (200 MB).
    UPLOAD_MAX_BYTES: String(4 * 1024 ** 3),
  };
  // The embedded deployment: in-process cache and rate limit, no Redis, no Mongo.
  delete env.REDIS_URL;
  delete env.MONGODB_URI;
  delete env.STORE;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', devNull, 'pipe'],
  });
  fs.closeSync(devNull);
  const server: Server = { proc, port, stderr: [] };
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (chunk: string) => {
    server.stderr.push(chunk);
    if (server.stderr.length > 50) server.stderr.shift();
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`the portal exited before it was ready:\n${server.stderr.join('')}`);
    }
    try {
      const res = await fetch(`http://${HOST}:${port}/healthz`);
      await res.arrayBuffer();
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`the portal was not ready within 60 s:\n${server.stderr.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopServer(server: Server): Promise<void> {
  const { proc } = server;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** The process's peak resident set (VmHWM) and current one (VmRSS), bytes. */
function memoryOf(pid: number): { peak: number; now: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { peak: kib('VmHWM'), now: kib('VmRSS') };
}

/** Streams `file` to the upload route; the finished job and the HTTP status. */
function postFile(
  port: number,
  token: string,
  file: string,
  mode: UploadMode,
): Promise<{ status: number; job: UploadJob }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: HOST,
        port,
        method: 'POST',
        path: `/api/v1/uploads?mode=${mode}&fileName=${encodeURIComponent(path.basename(file))}`,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'text/csv',
          'Content-Length': fs.statSync(file).size,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as UploadJob & { job?: UploadJob };
          resolve({ status: res.statusCode ?? 0, job: body.job ?? body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    fs.createReadStream(file).pipe(req);
  });
}

interface UploadRun {
  seconds: number;
  rowsPerSecond: number;
  peakRss: number;
  job: UploadJob;
  /** Cores the server used on average, its storing process included (above 1: parsing ran alongside). */
  serverCores: number;
  /** Cores other processes used meanwhile (noise). */
  otherCores: number;
}

async function measureUpload(
  file: string,
  rows: number,
  mode: UploadMode,
  quietWait: number,
  profileDir?: string,
): Promise<UploadRun> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-bench-upload-'));
  const token = await freshRegistry(dataDir);
  const server = await startServer(dataDir, profileDir);
  try {
    const pid = server.proc.pid as number;
    await waitForQuiet(quietWait);
    const before = cpuMark(pid);
    // The storing process ends with the upload: its peak is read while it runs.
    let storingPeak = 0;
    const sampler = setInterval(() => {
      for (const child of childrenOf(pid)) {
        try {
          // An exiting process's status has no memory lines (NaN).
          const { peak } = memoryOf(child);
          if (Number.isFinite(peak)) storingPeak = Math.max(storingPeak, peak);
        } catch {
          // ended meanwhile
        }
      }
    }, 200);
    const { status, job } = await postFile(server.port, token, file, mode).finally(() =>
      clearInterval(sampler),
    );
    const after = cpuMark(pid);
    const seconds = (after.at - before.at) / 1000;
    const cores = coresBetween(before, after);
    const peak = memoryOf(pid).peak + storingPeak;
    if (
      status !== 201 ||
      job.state !== 'succeeded' ||
      job.progress.rowsRead !== rows ||
      job.progress.rejected !== 0
    ) {
      throw new Error(`upload did not store every row (HTTP ${status}): ${JSON.stringify(job)}`);
    }
    return {
      seconds,
      rowsPerSecond: rows / seconds,
      peakRss: peak,
      job,
      serverCores: cores.server,
      otherCores: cores.other,
    };
  } finally {
    await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The baseline

/**
 * Raw inserts of the same rows into a fresh registry file (every table a stored certificate has rows in),
 * in transactions of 10,000; rows/s of the inserts.
 */
function measureBaseline(rows: number): { seconds: number; rowsPerSecond: number; otherCores: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-bench-baseline-'));
  const db = openSqlite(dir);
  try {
    const insert = db.prepare<[string, string, string, string, string]>(
      'INSERT INTO certificates (public_id, body_code, number, holder_credit_code, doc) VALUES (?, ?, ?, ?, ?)',
    );
    const grams = db.prepare<[number, string]>(
      'INSERT INTO certificate_name_grams (rowid, grams) VALUES (?, ?)',
    );
    const assignment = db.prepare<[string, string, string, number, string]>(
      `INSERT OR IGNORE INTO audit_assignments
         (registration_number, end_date, start_date, certificate_id, holder_credit_code) VALUES (?, ?, ?, ?, ?)`,
    );
    const tally = db.prepare<[string, string, number, number, number, number]>(
      `INSERT INTO body_audit_volumes (body_code, issue_month, certificates, man_days, staffed, auditor_days)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (body_code, issue_month) DO UPDATE
       SET certificates = certificates + excluded.certificates, man_days = man_days + excluded.man_days,
         staffed = staffed + excluded.staffed, auditor_days = auditor_days + excluded.auditor_days`,
    );
    const at = new Date().toISOString();
    const insertAll = db.transaction((batch: CertificateData[]) => {
      const tallies = new Map<string, [string, string, number, number, number, number]>();
      for (const data of batch) {
        const record: Omit<Certificate, 'id'> = {
          ...data,
          publicId: newPublicId(),
          statusHistory: [
            {
              status: data.status,
              reason: data.statusReason,
              date: data.statusDate ?? data.issueDate,
              recordedAt: at,
            },
          ],
          createdAt: at,
          updatedAt: at,
        };
        const { lastInsertRowid } = insert.run(
          record.publicId,
          record.bodyCode,
          record.number,
          record.holder.creditCode,
          JSON.stringify(record),
        );
        const id = Number(lastInsertRowid);
        grams.run(id, nameBigrams(record.holder.name).join(' '));
        const { audit } = record;
        if (audit) {
          for (const a of audit.auditors) {
            assignment.run(
              a.registrationNumber,
              audit.endDate,
              audit.startDate,
              id,
              record.holder.creditCode,
            );
          }
          const auditorDays = auditorDaysOf(audit);
          const key = `${record.bodyCode}\u0000${record.issueDate.slice(0, 7)}`;
          const t = tallies.get(key) ?? [record.bodyCode, record.issueDate.slice(0, 7), 0, 0, 0, 0];
          t[2] += 1;
          t[3] += audit.manDays;
          t[4] += auditorDays > 0 ? 1 : 0;
          t[5] += auditorDays;
          tallies.set(key, t);
        }
      }
      // The tally once per body and month of the batch, as the adapter writes it.
      for (const t of tallies.values()) tally.run(...t);
    });
    let seconds = 0;
    let otherTicks = 0;
    for (const batch of benchRows(rows)) {
      // benchRows yields 10,000 rows at a time: one transaction each.
      if (batch.length > BASELINE_TRANSACTION) throw new Error('baseline batches must be 10,000 rows');
      const before = cpuMark();
      insertAll(batch);
      const after = cpuMark();
      const spent = (after.at - before.at) / 1000;
      seconds += spent;
      otherTicks += coresBetween(before, after).other * spent * CLOCK_TICKS;
    }
    return { seconds, rowsPerSecond: rows / seconds, otherCores: otherTicks / (seconds * CLOCK_TICKS) };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions();
  console.log(
    `Upload benchmark: ${options.sizes.map((n) => fmt(n)).join(' and ')} rows, modes ${options.modes.join(', ')}, ` +
      `${options.runs} run(s) each; ${os.cpus().length} cores, node ${process.version}`,
  );
  const files = new Map<number, string>();
  for (const size of options.sizes) files.set(size, await csvFile(size, options.rebuild));

  const results: { size: number; mode: UploadMode; upload: UploadRun; baseline: number }[] = [];
  for (const size of options.sizes) {
    const file = files.get(size) as string;
    const baselines: number[] = [];
    for (let run = 0; run < options.runs; run += 1) {
      await waitForQuiet(options.quietWait);
      const b = measureBaseline(size);
      baselines.push(b.rowsPerSecond);
      console.log(
        `  baseline ${fmt(size)} rows: ${fmt(b.rowsPerSecond)} rows/s (${fmt(b.seconds, 1)} s; ` +
          `other processes used ${fmt(b.otherCores, 1)} cores)`,
      );
    }
    const baseline = median(baselines);
    for (const mode of options.modes) {
      const runs: UploadRun[] = [];
      for (let run = 0; run < options.runs; run += 1) {
        const profileDir = options.profile
          ? fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-upload-prof-'))
          : undefined;
        const r = await measureUpload(file, size, mode, options.quietWait, profileDir);
        runs.push(r);
        console.log(
          `  upload ${mode} ${fmt(size)} rows: ${fmt(r.rowsPerSecond)} rows/s (${fmt(r.seconds, 1)} s), ` +
            `peak RSS ${mb(r.peakRss)}, ${fmt(r.job.progress.created)} created; server used ` +
            `${fmt(r.serverCores, 2)} cores, other processes ${fmt(r.otherCores, 1)}` +
            (profileDir ? `; profile in ${profileDir}` : ''),
        );
      }
      const mid = [...runs].sort((a, b) => a.rowsPerSecond - b.rowsPerSecond)[
        Math.floor(runs.length / 2)
      ] as UploadRun;
      results.push({
        size,
        mode,
        upload: { ...mid, peakRss: Math.max(...runs.map((r) => r.peakRss)) },
        baseline,
      });
    }
  }

  console.log('\nResults (medians of runs; peak RSS is the largest):');
  console.log('  mode     rows        upload rows/s   baseline rows/s   ratio (target >= 0.5)   peak RSS');
  for (const r of results) {
    const ratio = r.upload.rowsPerSecond / r.baseline;
    console.log(
      `  ${r.mode.padEnd(8)} ${fmt(r.size).padStart(9)}   ${fmt(r.upload.rowsPerSecond).padStart(13)}   ` +
        `${fmt(r.baseline).padStart(15)}   ${fmt(ratio, 2).padStart(6)} ${ratio >= TARGETS.ratio ? 'met    ' : 'MISSED '}          ${mb(r.upload.peakRss).padStart(8)}`,
    );
  }
  const [small, large] = [Math.min(...options.sizes), Math.max(...options.sizes)];
  if (small !== large) {
    for (const mode of options.modes) {
      const s = results.find((r) => r.size === small && r.mode === mode);
      const l = results.find((r) => r.size === large && r.mode === mode);
      if (!s || !l) continue;
      const ratio = l.upload.peakRss / s.upload.peakRss;
      console.log(
        `  peak RSS ${mode}: ${fmt(large)} rows / ${fmt(small)} rows = ${fmt(ratio, 2)} ` +
          `(target <= ${TARGETS.rss}): ${ratio <= TARGETS.rss ? 'met' : 'MISSED'}`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
