/**
 * A portal killed (SIGKILL) in the middle of an upload, restarted, and sent the same file again, ends
 * with exactly the registry one clean upload into a fresh registry gives: nothing lost, nothing stored
 * twice. The portal is a real child process (`node --require tsx/cjs server/main.ts`) on its own data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createServices, type Services } from '../../server/composition/services';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { SCHEME_CODES } from '../../server/schemes/schemes';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/platform/logger';
import { createMemoryCache } from '../../server/platform/memory-cache';
import { openSqlite } from '../../server/platform/sqlite';
import { openSqliteStores, type Stores } from '../../server/composition/stores';
import type { UploadJob } from '../../server/uploads/upload-schema';
import { TSX_ARGS } from '../helpers/cli';
import { tempDir } from '../helpers/test-app';
import { CONTENT_TYPES, toCsv, uploadRow, type UploadRow } from '../helpers/upload-files';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..', '..');
const HOST = '127.0.0.1';
const BODY = 'CRASHTEST';
// 20,000 rows (3 MB, past the 1 MiB from which the storing has a process of its own): four batches of
// at most 5,000 rows, stored in slices of at most 5,000 (SLICE_ROWS.max). The crashed upload sends the
// first SENT_ROWS rows and holds the rest back; the kill comes once 4,000 are stored (committed), so the
// storing cannot have run ahead of it however fast it is.
const ROWS = 20_000;
const SENT_ROWS = 8_000;

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function dir(): string {
  const d = tempDir('certwatch-crash-');
  dirs.push(d);
  return d;
}

/** Opens the registry in `dataDir` in this process, runs `use`, and closes it again. */
async function withRegistry<T>(
  dataDir: string,
  use: (services: Services, stores: Stores) => Promise<T>,
): Promise<T> {
  const stores = openSqliteStores(dataDir);
  try {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    return await use(
      createServices({ config, logger: createLogger('silent'), stores, cache: createMemoryCache() }),
      stores,
    );
  } finally {
    await stores.close();
  }
}

/** A registry with the test body (approved for every scheme) and a body token for it. */
async function prepareRegistry(dataDir: string): Promise<string> {
  return withRegistry(dataDir, async (services) => {
    await services.bodies.upsert({
      code: BODY,
      name: '崩溃测试认证有限公司',
      approvalNumber: 'CNCA-R-2002-123',
      approvalStatus: 'approved',
      approvedSchemes: [...SCHEME_CODES],
      approvedIndustryCodes: [],
    });
    const issued = await services.tokens.issue(
      { role: 'body', bodyCode: BODY, label: 'crash test', expiresInDays: 1 },
      undefined,
    );
    return issued.secret;
  });
}

/** The upload file: ROWS rows, some with status changes, written to disk. */
function writeFile(target: string): void {
  const rows: UploadRow[] = [];
  for (let i = 0; i < ROWS; i += 1) {
    const number = `CRASH-${String(i).padStart(6, '0')}`;
    if (i % 10 === 3) {
      rows.push(
        uploadRow({
          number,
          status: '暂停',
          statusReason: '监督审核逾期',
          statusDate: '2026-02-01',
          scheme: 'EMS',
        }),
      );
    } else if (i % 50 === 7) {
      rows.push(
        uploadRow({ number, status: '撤销', statusReason: '暂停期满未整改', statusDate: '2026-03-01' }),
      );
    } else {
      rows.push(uploadRow({ number, name: `重庆第${i}号精密机械制造有限公司` }));
    }
  }
  fs.writeFileSync(target, toCsv(rows));
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

interface Portal {
  child: ChildProcess;
  port: number;
  stderr: string[];
}

async function startPortal(dataDir: string): Promise<Portal> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST,
    LOG_LEVEL: 'warn',
    // The upload's threads at the test's priority (see test-app.ts): 10 below it, beside a busy machine,
    // the three uploads here took minutes.
    UPLOAD_THREAD_NICE: '0',
  };
  delete env.REDIS_URL;
  delete env.MONGODB_URI;
  delete env.STORE;
  const child = spawn(process.execPath, [...TSX_ARGS, 'server/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const portal: Portal = { child, port, stderr: [] };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => portal.stderr.push(chunk));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`portal exited: ${portal.stderr.join('')}`);
    try {
      const res = await fetch(`http://${HOST}:${port}/healthz`);
      if (res.ok) return portal;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`portal not ready: ${portal.stderr.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopPortal(portal: Portal, signal: NodeJS.Signals): Promise<void> {
  if (portal.child.exitCode !== null || portal.child.signalCode !== null) return;
  const exited = new Promise((resolve) => portal.child.once('exit', resolve));
  portal.child.kill(signal);
  await exited;
}

/** Streams the file to the portal; resolves with the answer, or undefined when the connection died. */
/** Sends `file` whole, or (`sendRows`) only its header and first rows, holding the rest back for ever. */
function postFile(
  portal: Portal,
  token: string,
  file: string,
  jobId: string,
  sendRows?: number,
): Promise<{ status: number; body: { job?: UploadJob } & Partial<UploadJob> } | undefined> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: HOST,
        port: portal.port,
        method: 'POST',
        path: '/api/v1/uploads?mode=partial',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': CONTENT_TYPES.csv,
          'Content-Length': fs.statSync(file).size,
          'Upload-Job-Id': jobId,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('error', () => resolve(undefined));
    if (sendRows === undefined) {
      fs.createReadStream(file).pipe(req);
      return;
    }
    const bytes = fs.readFileSync(file);
    let end = 0;
    for (let line = 0; line <= sendRows; line += 1) end = bytes.indexOf(0x0a, end) + 1;
    req.write(bytes.subarray(0, end));
  });
}

/**
 * How many upload storing processes run on `dataDir` (whoever their parent now is); 0 without Linux's
 * /proc (test/helpers/skip-reasons.ts says so).
 */
function storingProcessesOf(dataDir: string): number {
  if (!fs.existsSync('/proc/self/environ')) return 0;
  return fs.readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      return (
        fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('background-process-main') &&
        fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`DATA_DIR=${dataDir}`)
      );
    } catch {
      return false; // ended meanwhile
    }
  }).length;
}

/** The job, or undefined while it does not exist yet (404); any other answer fails the test. */
async function getJob(portal: Portal, token: string, jobId: string): Promise<UploadJob | undefined> {
  const res = await fetch(`http://${HOST}:${portal.port}/api/v1/uploads/${jobId}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`GET /api/v1/uploads/${jobId}: ${res.status} ${await res.text()}`);
  return (await res.json()) as UploadJob;
}

/**
 * What the registry holds, comparable across registries: every certificate by number, without what a
 * write makes up (internal id, public id, timestamps), sorted; plus the raw row counts.
 */
function registryState(dataDir: string) {
  const db = openSqlite(dataDir);
  try {
    const docs = db
      .prepare<[], { number: string; body_code: string; doc: string }>(
        'SELECT number, body_code, doc FROM certificates ORDER BY number',
      )
      .all();
    const certificates = docs.map((row) => {
      const {
        publicId: _p,
        createdAt: _c,
        updatedAt: _u,
        statusHistory,
        ...data
      } = JSON.parse(row.doc) as Omit<Certificate, 'id'>;
      return { ...data, statusHistory: statusHistory.map(({ recordedAt: _r, ...change }) => change) };
    });
    const count = (sql: string) => (db.prepare<[], { n: number }>(sql).get() as { n: number }).n;
    return {
      certificates,
      rows: count('SELECT count(*) AS n FROM certificates'),
      keys: count('SELECT count(*) AS n FROM (SELECT DISTINCT body_code, number FROM certificates)'),
      // Holder-name index entries: one per certificate, or search would list a certificate twice.
      nameIndexRows: count(
        'SELECT count(*) AS n FROM certificate_name_grams WHERE certificate_name_grams MATCH \'"重庆"\'',
      ),
    };
  } finally {
    db.close();
  }
}

test('when the portal is killed mid-upload and the file is sent again, then the registry is that of one clean upload', async () => {
  const work = dir();
  const file = path.join(work, 'certificates.csv');
  writeFile(file);

  // The reference: one clean upload into a fresh registry.
  const cleanDir = dir();
  const cleanToken = await prepareRegistry(cleanDir);
  const clean = await startPortal(cleanDir);
  const cleanAnswer = await postFile(clean, cleanToken, file, 'CleanUploadJob00000000');
  await stopPortal(clean, 'SIGTERM');
  expect(cleanAnswer).toMatchObject({
    status: 201,
    body: { state: 'succeeded', progress: { created: ROWS, rejected: 0 } },
  });

  // The crash: killed once some batches are stored, well before the end of the file.
  const crashDir = dir();
  const token = await prepareRegistry(crashDir);
  const first = await startPortal(crashDir);
  const firstJob = 'KilledUploadJob0000000';
  const answer = postFile(first, token, file, firstJob, SENT_ROWS);
  // Polled every 100 ms, until a deadline rather than for a number of polls: on a busy machine the
  // upload's threads (a lower priority) take long, and faster polls would run into the body token's quota.
  let seen: UploadJob | undefined;
  for (const deadline = Date.now() + 150_000; Date.now() < deadline;) {
    seen = await getJob(first, token, firstJob);
    if (seen && seen.progress.created >= 4000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(seen).toMatchObject({ state: 'running' });
  await stopPortal(first, 'SIGKILL');
  await expect(answer).resolves.toBeUndefined();
  // Its storing process goes with it: none is left writing into the registry.
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && storingProcessesOf(crashDir) > 0;) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(storingProcessesOf(crashDir)).toBe(0);

  const stored = registryState(crashDir);
  expect(stored.rows).toBeGreaterThanOrEqual(4000);
  expect(stored.rows).toBeLessThanOrEqual(SENT_ROWS);

  // The restart marks the dead job; the same file sent again completes the registry.
  const second = await startPortal(crashDir);
  await expect(getJob(second, token, firstJob)).resolves.toMatchObject({
    state: 'interrupted',
    failure: { code: 'UPLOAD_INTERRUPTED' },
  });
  const again = await postFile(second, token, file, 'SecondUploadJob0000000');
  await stopPortal(second, 'SIGTERM');
  expect(again).toMatchObject({
    status: 201,
    body: {
      state: 'succeeded',
      progress: {
        rowsRead: ROWS,
        rejected: 0,
        created: ROWS - stored.rows,
        unchanged: stored.rows,
        updated: 0,
      },
    },
  });

  const crashed = registryState(crashDir);
  const reference = registryState(cleanDir);
  expect(crashed.rows).toBe(ROWS);
  expect(crashed.keys).toBe(ROWS);
  expect(crashed.nameIndexRows).toBe(ROWS);
  expect(reference.nameIndexRows).toBe(ROWS);
  expect(crashed.certificates).toEqual(reference.certificates);

  // The killed job is on record as interrupted in the audit log too.
  await withRegistry(crashDir, async (_services, stores) => {
    const entries = await stores.audit.forTarget('upload', firstJob, 10);
    expect(entries.map((e) => e.action)).toEqual(['upload.interrupted']);
  });
});
