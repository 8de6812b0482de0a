/**
 * What the real process does at start with a bad or missing DATA_DIR, a localhost origin in cluster
 * mode, and what the first-run and demo commands create and print. Each case spawns a TypeScript process
 * (node with tsx's require hook, a second or more each), hence the long per-test timeout; nothing here is timed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TSX_ARGS } from '../helpers/cli';
import { freePort } from '../helpers/redis-server';
import { tempDir } from '../helpers/test-app';

const ROOT = path.resolve(__dirname, '../..');
const SLOW = 240_000;
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) {
    fs.chmodSync(dir, 0o700);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function scratch(): string {
  const dir = tempDir('certwatch-startup-');
  dirs.push(dir);
  return dir;
}

/** The environment of a child: this shell's, without what would point it at shared services. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1' };
  for (const name of [
    'REDIS_URL',
    'MONGODB_URI',
    'STORE',
    'PUBLIC_BASE_URL',
    'QR_SIGNING_KEYS',
    'SCAN_HASH_SECRET',
  ])
    delete base[name];
  return { ...base, ...env };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` with tsx until it exits. `asUser`: a uid/gid to run as (only when this process is root). */
function run(script: string, args: string[], env: Record<string, string>, asUser?: number): Promise<Run> {
  const child = spawn(process.execPath, [...TSX_ARGS, script, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asUser !== undefined ? { uid: asUser, gid: asUser } : {}),
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const startPortal = (env: Record<string, string>, asUser?: number) => run('server/main.ts', [], env, asUser);

/** The lines of stderr, without blank ones. */
const linesOf = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('when the portal starts on a DATA_DIR', () => {
  test(
    'when DATA_DIR does not exist, then it stops with one line naming DATA_DIR and creates nothing',
    async () => {
      const missing = path.join(scratch(), 'dtaa');

      const result = await startPortal({ DATA_DIR: missing, PORT: '0' });

      expect(result.code).toBe(1);
      expect(linesOf(result.stderr)).toEqual([
        expect.stringMatching(/^DATA_DIR .*dtaa does not exist\..*npm run init/),
      ]);
      expect(fs.existsSync(missing)).toBe(false);
    },
    SLOW,
  );

  test(
    'when DATA_DIR does not exist and the locale is Chinese, then the one line is in Chinese, with no English sentence',
    async () => {
      const missing = path.join(scratch(), 'dtaa');

      const result = await startPortal({
        DATA_DIR: missing,
        PORT: '0',
        LANG: 'zh_CN.UTF-8',
        LC_ALL: '',
        LC_MESSAGES: '',
      });

      expect(result.code).toBe(1);
      expect(linesOf(result.stderr)).toEqual([
        `DATA_DIR ${missing} 不存在。请检查路径；要在那里新建一个空的登记库，请运行 \`npm run init\`（或设置 INIT_DATA_DIR=1）。`,
      ]);
      expect(result.stderr).not.toMatch(/does not exist|Check the path/);
      expect(fs.existsSync(missing)).toBe(false);
    },
    SLOW,
  );

  test(
    'when DATA_DIR is a file, then it stops with one line naming DATA_DIR, not a stack trace',
    async () => {
      const file = path.join(scratch(), 'registry-file');
      fs.writeFileSync(file, 'not a directory');

      const result = await startPortal({ DATA_DIR: file, PORT: '0' });

      expect(result.code).toBe(1);
      expect(linesOf(result.stderr)).toEqual([`DATA_DIR ${file} is not a directory.`]);
      expect(fs.readFileSync(file, 'utf8')).toBe('not a directory');
    },
    SLOW,
  );

  test(
    'when DATA_DIR is read-only, then it stops with one line naming DATA_DIR, not a stack trace',
    async () => {
      const parent = scratch();
      fs.chmodSync(parent, 0o755);
      const dir = path.join(parent, 'data');
      fs.mkdirSync(dir, { mode: 0o555 });
      fs.chmodSync(dir, 0o555);
      // Root writes anywhere: the check must meet a user the mode binds, as a service account is.
      const asUser = process.getuid?.() === 0 ? 65534 : undefined;

      const result = await startPortal({ DATA_DIR: dir, PORT: '0', INIT_DATA_DIR: '1' }, asUser);

      expect(result.code).toBe(1);
      expect(linesOf(result.stderr)).toEqual([
        expect.stringMatching(/^DATA_DIR .*\/data is not writable by this process/),
      ]);
      expect(fs.readdirSync(dir)).toEqual([]);
    },
    SLOW,
  );

  test(
    'when told to initialise (INIT_DATA_DIR=1), then it creates DATA_DIR for its owner only and serves',
    async () => {
      const dir = path.join(scratch(), 'fresh', 'data');
      const port = await freePort();
      const exited = startPortal({ DATA_DIR: dir, PORT: String(port), INIT_DATA_DIR: '1' });
      const child = children[children.length - 1] as ChildProcess;

      let health: Response | undefined;
      while (!health && child.exitCode === null) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (!health) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child.kill('SIGTERM');
      const result = await exited;

      expect(health?.status).toBe(200);
      expect(result.code).toBe(0);
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dir, 'registry.sqlite')).mode & 0o777).toBe(0o600);
    },
    SLOW,
  );

  test(
    'when cluster mode is started with a localhost PUBLIC_BASE_URL, then it stops naming PUBLIC_BASE_URL',
    async () => {
      const result = await startPortal({
        STORE: 'mongo',
        MONGODB_URI: 'mongodb://127.0.0.1:9/certwatch',
        PUBLIC_BASE_URL: 'http://localhost:3000',
        DATA_DIR: scratch(),
        PORT: '0',
      });

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^\s+PUBLIC_BASE_URL: cluster mode \(STORE=mongo\) needs the public origin/m,
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
    SLOW,
  );
});

describe('when the first-run and demo commands run', () => {
  test(
    'when `npm run init` runs on a new path, then DATA_DIR, registry and keys are created for their owner only, and a second run says so in the language asked',
    async () => {
      const dir = path.join(scratch(), 'new', 'data');

      const first = await run('scripts/init-data-dir.ts', ['--data-dir', dir, '--lang', 'en'], {});
      const again = await run('scripts/init-data-dir.ts', ['--data-dir', dir, '--lang', 'zh'], {});

      expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining(`Created DATA_DIR ${dir}`) });
      expect(again).toMatchObject({
        code: 0,
        stdout: expect.stringContaining(`DATA_DIR ${dir} 已存在（0 张证书）；无需创建。`),
      });
      // In Chinese, no English sentence (the command to run next is quoted as typed).
      expect(again.stdout.replace(/`[^`]*`/g, '')).not.toMatch(/\b[a-z]+ [a-z]+ [a-z]+\b/i);
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dir, 'registry.sqlite')).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dir, 'scan-hash.secret')).mode & 0o777).toBe(0o600);
    },
    SLOW,
  );

  test(
    'when the demo is seeded with PORT and no PUBLIC_BASE_URL, then its printed links use that port',
    async () => {
      const dir = path.join(scratch(), 'demo');

      const result = await run('scripts/seed-demo.ts', ['--count', '30', '--data-dir', dir], {
        PORT: '4567',
      });

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^ {2}valid +http:\/\/localhost:4567\/v\/[A-Za-z0-9_-]{22} /m);
      expect(result.stdout).toContain('Inspector console: http://localhost:4567/inspect');
      expect(result.stdout).not.toContain('localhost:3000');
    },
    SLOW,
  );
});
