/**
 * What the benchmarks share: demo registries built once and cached, portal child processes, CPU accounting
 * from /proc, formatting. Scripts in this folder import it; it runs nothing by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { createSqliteBodyRepository } from '../../server/bodies/sqlite-body-repository';
import { todayInChina } from '../../server/platform/china-time';
import { createSqliteCertificateRepository } from '../../server/certificates/sqlite-certificate-repository';
import { createServices, type Services } from '../../server/composition/services';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/platform/logger';
import { createMemoryCache } from '../../server/platform/memory-cache';
import { createMetrics } from '../../server/platform/metrics';
import { openSqlite } from '../../server/platform/sqlite';
import { openSqliteStores, type Stores } from '../../server/composition/stores';
import { DEMO_DATA_VERSION, demoBodies, generateCertificates } from '../demo-data';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/** Registries, files and results kept between runs. */
export const CACHE_ROOT = path.join(os.tmpdir(), 'certwatch-bench');
export const HOST = '127.0.0.1';

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '-';

/** A whole-number command-line option of at least `min` (underscores allowed); exits with a message otherwise. */
export function intOption(name: string, raw: string, min: number): number {
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of at least ${min}, not "${raw}"`);
    process.exit(2);
  }
  return n;
}

export function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

// ---------------------------------------------------------------------------------------------------------
// Registries

/**
 * The registry schema as a key: its version and a hash of what the migrations create, so that a migration
 * changed in place (during development) does not reuse a registry built with its older text.
 */
export function schemaKey(): string {
  const db = openSqlite(':memory:');
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const sql = db.prepare('SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name').pluck().all();
    return `${version}-${createHash('sha256').update(sql.join('\n')).digest('hex').slice(0, 8)}`;
  } finally {
    db.close();
  }
}

export interface Registry {
  rows: number;
  dir: string;
  file: string;
  builtSeconds: number;
  reused: boolean;
  bytes: number;
}

export function removeAbandonedBuilds() {
  if (!fs.existsSync(CACHE_ROOT)) return;
  for (const entry of fs.readdirSync(CACHE_ROOT)) {
    const match = /\.building-(\d+)$/.exec(entry);
    if (!match) continue;
    let alive = true;
    try {
      process.kill(Number(match[1]), 0);
    } catch {
      alive = false;
    }
    if (!alive) fs.rmSync(path.join(CACHE_ROOT, entry), { recursive: true, force: true });
  }
}

/** The registry of `rows` demo certificates, built unless a complete one is cached. */
export async function ensureRegistry(rows: number, rebuild: boolean): Promise<Registry> {
  const dir = path.join(CACHE_ROOT, `registry-${rows}-schema${schemaKey()}-data${DEMO_DATA_VERSION}`);
  const file = path.join(dir, 'registry.sqlite');
  const marker = path.join(dir, 'complete.json');
  if (!rebuild && fs.existsSync(marker)) {
    const info = JSON.parse(fs.readFileSync(marker, 'utf8')) as { seconds: number; builtAt: string };
    console.log(
      `registry of ${fmt(rows)}: reusing ${dir} (built ${info.builtAt} in ${fmt(info.seconds, 1)} s)`,
    );
    return { rows, dir, file, builtSeconds: info.seconds, reused: true, bytes: fs.statSync(file).size };
  }
  // Registries of the same size for an older schema or demo-data version will not be used again.
  for (const entry of fs.readdirSync(CACHE_ROOT)) {
    if (new RegExp(`^registry-${rows}-schema[\\w-]+-data\\d+$`).test(entry)) {
      fs.rmSync(path.join(CACHE_ROOT, entry), { recursive: true, force: true });
    }
  }
  const building = `${dir}.building-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  const db = openSqlite(building);
  // A bulk load: a page cache big enough for the random-key indexes, and no fsync per transaction
  // (a crash only means a rebuild). The servers later open the file with the production settings.
  db.pragma('cache_size = -1048576');
  db.pragma('synchronous = OFF');
  const certificates = createSqliteCertificateRepository(db);
  const bodies = createSqliteBodyRepository(db);
  const today = todayInChina();
  const at = new Date().toISOString();
  for (const body of demoBodies(today)) await bodies.upsert(body);
  const started = performance.now();
  let done = 0;
  let lastReport = started;
  for (const batch of generateCertificates({ count: rows, batchSize: 25_000, today })) {
    await certificates.upsertMany(batch, at);
    done += batch.length;
    const now = performance.now();
    if (now - lastReport > 5000) {
      lastReport = now;
      console.log(
        `  building ${fmt(rows)}: ${fmt(done)} rows, ${fmt(done / ((now - started) / 1000))} rows/s`,
      );
    }
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const seconds = (performance.now() - started) / 1000;
  fs.writeFileSync(
    path.join(building, 'complete.json'),
    JSON.stringify({ rows, builtAt: at, today, seconds }),
  );
  fs.renameSync(building, dir);
  console.log(
    `registry of ${fmt(rows)}: built in ${fmt(seconds, 1)} s (${fmt(rows / seconds)} rows/s), ${dir}`,
  );
  return { rows, dir, file, builtSeconds: seconds, reused: false, bytes: fs.statSync(file).size };
}

/** `n` public ids of the registry, in random order. */
export function samplePublicIds(registry: Registry, n: number): string[] {
  const db = new Database(registry.file, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT public_id FROM certificates ORDER BY random() LIMIT ?')
      .pluck()
      .all(n) as string[];
  } finally {
    db.close();
  }
}

/** Reads the file once so that it sits in the OS page cache, as it would on a server that has been running. */
export async function warmPageCache(file: string) {
  const stream = fs.createReadStream(file, { highWaterMark: 4 << 20 });
  for await (const _chunk of stream) {
    // reading is the point
  }
}

// ---------------------------------------------------------------------------------------------------------
// Child servers

export interface BenchServer {
  name: string;
  port: number;
  proc: ChildProcess;
  stderr: string[];
  profileDir?: string;
  /** Requests autocannon completed against it (warm-ups included): the denominator of profile figures. */
  requests: number;
  /** Milliseconds from spawn to ready: the start-up part of its CPU profile, left out of the summary. */
  startupMs: number;
}

/** Every server started, for stopAll and for telling this process's load from others'. */
export const servers: BenchServer[] = [];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `script` (node --import tsx) on a free port of 127.0.0.1 and waits until `readyPath` answers 2xx.
 * By default the embedded deployment: REDIS_URL, MONGODB_URI and QR_SIGNING_KEYS of this shell are not
 * passed on (the in-process cache and rate limit, the SQLite registry, keys under DATA_DIR); `env` may set
 * them. stdout goes to /dev/null; the last stderr chunks are kept for the error message.
 */
export async function startServer(
  name: string,
  script: string,
  env: Record<string, string>,
  readyPath: string,
  profileDir?: string,
): Promise<BenchServer> {
  const port = await freePort();
  const devNull = fs.openSync('/dev/null', 'w');
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  delete inherited.REDIS_URL;
  delete inherited.MONGODB_URI;
  delete inherited.QR_SIGNING_KEYS;
  const childEnv: NodeJS.ProcessEnv = { ...inherited, ...env, PORT: String(port), HOST };
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: PROJECT_ROOT,
    env: childEnv,
    stdio: ['ignore', devNull, 'pipe'],
  });
  fs.closeSync(devNull);
  const spawnedAt = performance.now();
  const server: BenchServer = { name, port, proc, stderr: [], profileDir, requests: 0, startupMs: 0 };
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (chunk: string) => {
    server.stderr.push(chunk);
    if (server.stderr.length > 50) server.stderr.shift();
  });
  servers.push(server);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`${name} exited before it was ready:\n${server.stderr.join('')}`);
    }
    try {
      const res = await fetch(`http://${HOST}:${port}${readyPath}`);
      await res.arrayBuffer();
      if (res.ok) {
        server.startupMs = performance.now() - spawnedAt;
        return server;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${name} was not ready within 60 s:\n${server.stderr.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM (the portal drains), SIGKILL after 15 s. */
export async function stopServer(server: BenchServer) {
  const { proc } = server;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Stops every server this process started. */
export async function stopAll() {
  await Promise.allSettled(servers.map(stopServer));
}

// ---------------------------------------------------------------------------------------------------------
// CPU accounting

/** CPU time in clock ticks (USER_HZ, 100 on Linux): the whole machine (busy), and single processes. */
export const CLOCK_TICKS = 100;

export function machineBusyTicks(): number {
  try {
    const fields = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
    return fields.slice(0, 8).reduce((sum, v, i) => (i === 3 || i === 4 ? sum : sum + v), 0);
  } catch {
    return NaN;
  }
}

/** The processes whose parent is `pid` (a portal's upload storing process). */
export function childrenOf(pid: number): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(entry)] : [];
    } catch {
      return []; // ended meanwhile
    }
  });
}

/**
 * User + system ticks of a process, all its threads included, and (`withChildren`) of its children: those
 * running (an upload's storing process) and those it has waited for.
 */
export function processTicks(pid: number | undefined, withChildren = true): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(rest[11]) + Number(rest[12]);
    if (!withChildren) return own;
    const waitedFor = Number(rest[13]) + Number(rest[14]);
    return childrenOf(pid as number).reduce(
      (sum, child) => sum + (processTicks(child) || 0),
      own + waitedFor,
    );
  } catch {
    return NaN;
  }
}

export interface CpuMark {
  at: number;
  busy: number;
  self: number;
  server: number;
}

export const cpuMark = (server: BenchServer): CpuMark => ({
  at: performance.now(),
  busy: machineBusyTicks(),
  self: processTicks(process.pid, false),
  server: processTicks(server.proc.pid),
});

/** Cores used between two marks by the server, by the load generator (this process) and by everything else. */
export function cpuBetween(a: CpuMark, b: CpuMark) {
  const ticks = ((b.at - a.at) / 1000) * CLOCK_TICKS;
  const server = (b.server - a.server) / ticks;
  const loadGenerator = (b.self - a.self) / ticks;
  return { server, loadGenerator, other: Math.max(0, (b.busy - a.busy) / ticks - server - loadGenerator) };
}

/** Cores used over `ms` by processes other than this one and its servers. */
export async function otherLoad(ms: number): Promise<number> {
  const ours = () =>
    processTicks(process.pid, false) + servers.reduce((sum, sv) => sum + (processTicks(sv.proc.pid) || 0), 0);
  const busy0 = machineBusyTicks();
  const ours0 = ours();
  await new Promise((r) => setTimeout(r, ms));
  return Math.max(0, (machineBusyTicks() - busy0 - (ours() - ours0)) / ((ms / 1000) * CLOCK_TICKS));
}

// ---------------------------------------------------------------------------------------------------------
// Load

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** `seconds` of autocannon against 127.0.0.1:`port`, `connections` at a time, no pipelining. */
export async function loadTest(
  port: number,
  seconds: number,
  connections: number,
  request: autocannon.Request,
): Promise<LoadResult> {
  const result = await autocannon({
    url: `http://${HOST}:${port}`,
    connections,
    pipelining: 1,
    duration: seconds,
    requests: [request],
  });
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * POST /api/v1/scan cycling through `texts`; with `forwardedFor`, each request also names the next client
 * address of that list in X-Forwarded-For (for a portal with TRUST_PROXY set: scans from many networks).
 */
export function scanRequest(texts: readonly string[], forwardedFor?: readonly string[]): autocannon.Request {
  const bodies = texts.map((text) => JSON.stringify({ text }));
  let i = 0;
  let j = 0;
  return {
    method: 'POST',
    path: '/api/v1/scan',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req) => {
      const body = bodies[i] as string;
      i = (i + 1) % bodies.length;
      if (!forwardedFor) return { ...req, body };
      const address = forwardedFor[j] as string;
      j = (j + 1) % forwardedFor.length;
      return { ...req, body, headers: { ...req.headers, 'x-forwarded-for': address } };
    },
  };
}

/** The origin benchmarks sign QR codes for. */
export const BENCH_ORIGIN = 'https://certwatch.example.gov.cn';

/** The portal's services over a registry directory, in this process, as the portal builds them. */
export function openBenchServices(dataDir: string): {
  services: Services;
  stores: Stores;
  close(): Promise<void>;
} {
  const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_BASE_URL: BENCH_ORIGIN, LOG_LEVEL: 'silent' });
  const stores = openSqliteStores(dataDir);
  const services = createServices({
    config,
    logger: createLogger('silent'),
    stores,
    cache: createMemoryCache(),
    metrics: createMetrics(),
  });
  return {
    services,
    stores,
    async close() {
      await services.qr.close();
      await stores.close();
    },
  };
}
