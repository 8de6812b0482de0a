import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';

/** The shared Redis of the test run (CI makes sure it answers). */
export const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Resolves once the client is 'ready', or rejects after `timeoutMs`. */
export function waitForReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`redis client not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    function onReady() {
      clearTimeout(timer);
      resolve();
    }
    redis.once('ready', onReady);
  });
}

/** Removes every key under `prefix` (a test run's own), whatever the test left behind. */
export async function removeKeysUnder(redis: Redis, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[\\*?[\]]/g, '\\$&')}*`;
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) removed += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return removed;
}

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when a Redis server answers PING on the port. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

export interface PrivateRedisServer {
  port: number;
  url: string;
  /** True while the process runs. */
  running(): boolean;
  /** Kills the server with SIGKILL (a crash: no goodbye to clients) and waits for it to exit. */
  kill(): Promise<void>;
  /**
   * Starts it again on the same port and waits until it answers. It comes back empty, unless a client
   * sent SAVE before the kill: then it loads that snapshot, like a server with persistence would.
   */
  restart(): Promise<void>;
  /** Kills it if running and removes its directory; for afterAll. */
  stop(): Promise<void>;
}

/**
 * A `redis-server` of the test's own on a free port, without automatic persistence, in a temp directory,
 * for tests that need to kill Redis: the shared server on 6379 is never touched. The child is killed if
 * the test process exits.
 */
export async function startPrivateRedis(): Promise<PrivateRedisServer> {
  let child: ChildProcess | undefined;
  let port = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certwatch-redis-'));

  async function launch(onPort: number): Promise<void> {
    const proc = spawn(
      'redis-server',
      ['--port', String(onPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    proc.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    proc.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    let exited = false;
    proc.once('exit', () => (exited = true));
    child = proc;
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      if (exited) break;
      if (await answersPing(onPort)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    proc.kill('SIGKILL');
    throw new Error(`redis-server on port ${onPort} did not answer:\n${output}`);
  }

  async function kill(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }

  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  // Another process may take the free port before redis-server binds it: try a few.
  for (let attempt = 1; ; attempt += 1) {
    port = await freePort();
    try {
      await launch(port);
      break;
    } catch (error) {
      if (attempt >= 3) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    kill,
    async restart() {
      await kill();
      await launch(port);
    },
    async stop() {
      await kill();
      process.off('exit', killOnExit);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
