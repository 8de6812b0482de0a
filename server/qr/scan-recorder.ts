import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../platform/logger';
import { isStoreBusy } from '../platform/store-failure';
import type { ScanEvent } from './qr-schema';
import type { ScanRepository } from './scan-repository';

/**
 * The network a client address belongs to: its /24 for IPv4 (IPv4-mapped IPv6 counts as IPv4), its /48
 * for IPv6 (a site's allocation; a phone's address within it changes often). `unknown` when there is none.
 */
export function networkPrefix(address: string | undefined): string {
  if (!address) return 'unknown';
  let ip = address.trim();
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) ip = mapped[1] as string;
  if (net.isIPv4(ip)) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  if (!net.isIPv6(ip)) return 'unknown';
  const hextets = expandIpv6(ip);
  return `${hextets.slice(0, 3).join(':')}::/48`;
}

/** The eight hextets of a valid IPv6 address, lower-case without leading zeros. */
function expandIpv6(ip: string): string[] {
  let text = ip.toLowerCase();
  // A trailing dotted quad (`::1.2.3.4`, `64:ff9b::1.2.3.4`) is the last two hextets.
  const quad = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((h) => parseInt(h, 16).toString(16));
}

/** HMAC-SHA256 of a network prefix, 128 bits as base64url: one network, one value; no way back to it. */
export function networkHash(secret: Buffer, address: string | undefined): string {
  return crypto
    .createHmac('sha256', secret)
    .update(networkPrefix(address))
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/**
 * The scan-hash secret: SCAN_HASH_SECRET when set (cluster mode: the same on every instance, so one network
 * has one hash everywhere), else a random one kept in DATA_DIR/scan-hash.secret (mode 0600), created on
 * first start. Never rotated: a new secret would make every network look new to clone detection.
 */
export function scanHashSecret(dataDir: string, configured: string | undefined): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'scan-hash.secret');
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    // Already there (the usual case, or another process won the race): use it.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  if (text.length < 32) throw new Error(`${file} is too short to be a scan-hash secret`);
  return Buffer.from(text, 'utf8');
}

export interface ScanRecorder {
  /** Queues one scan; it is written with the next batch. Never throws, never waits for the store. */
  record(event: ScanEvent): void;
  /** Writes what is queued now. */
  flush(): Promise<void>;
  /** Writes what is queued and stops the timer. */
  close(): Promise<void>;
  /** Scans dropped because the store kept failing and the queue was full (for tests and logs). */
  dropped(): number;
}

/**
 * How long a write that found the store busy waits for the lock when it is tried again (ms). The first
 * try does not wait at all; trying again without waiting could lose every time against a writer whose
 * transactions follow one another closely (an upload's storing process), so the retry waits a little:
 * a few ms of this thread, against the hundreds a write lock can be held.
 */
export const BUSY_RETRY_WAIT_MS = 10;

/**
 * Batches scan writes off the request path: a scan answers without waiting for the store; events are
 * appended in one write every `flushMs`, or at once when `maxBatch` are queued. A write never waits for
 * another writer's lock (the embedded registry's writes block this thread, and with it every lookup):
 * when the store is busy the batch stays queued and is tried again after `flushMs`. When the store fails
 * the events stay queued (up to `maxQueued`, then the oldest are dropped and counted) and are retried.
 */
export function createScanRecorder(options: {
  scans: Pick<ScanRepository, 'append'>;
  logger?: Logger;
  flushMs?: number;
  maxBatch?: number;
  maxQueued?: number;
}): ScanRecorder {
  const { scans, logger } = options;
  const flushMs = options.flushMs ?? 250;
  const maxBatch = options.maxBatch ?? 500;
  const maxQueued = options.maxQueued ?? 50_000;
  let queue: ScanEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  /** The writes, one after the other, in order. */
  let chain: Promise<void> = Promise.resolve();
  /** A flush is chained and has not started: another one would find nothing more to do. */
  let flushPending = false;
  let droppedCount = 0;
  let lastErrorLog = 0;
  /** The last write found the store busy: the next one waits a little for the lock. */
  let busy = false;
  /** Closing: what is queued is written even if that means waiting for the lock (the store's timeout). */
  let closing = false;

  async function writeQueued(): Promise<void> {
    flushPending = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      try {
        await scans.append(batch, closing ? {} : { wait: busy ? BUSY_RETRY_WAIT_MS : false });
        busy = false;
      } catch (err) {
        if (isStoreBusy(err)) {
          // Another writer holds the lock; the batch (all or nothing) stays queued for the next try.
          busy = true;
          break;
        }
        const now = Date.now();
        if (now - lastErrorLog > 10_000) {
          lastErrorLog = now;
          logger?.error(
            { err: (err as Error).message, queued: queue.length },
            'scan records not written; will retry',
          );
        }
        break;
      }
      // Events queued meanwhile are behind the batch; only an overflow can have dropped from its front.
      queue = queue.slice(Math.min(batch.length, queue.length));
    }
    if (queue.length > 0 && !timer) schedule();
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (!flushPending) {
      flushPending = true;
      chain = chain.then(writeQueued);
    }
    return chain;
  }

  function schedule(): void {
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, flushMs);
    timer.unref();
  }

  return {
    record(event) {
      queue.push(event);
      if (queue.length > maxQueued) {
        const excess = queue.length - maxQueued;
        queue.splice(0, excess);
        droppedCount += excess;
      }
      if (queue.length >= maxBatch) void flush();
      else if (!timer) schedule();
    },
    flush,
    async close() {
      closing = true;
      await flush();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    dropped: () => droppedCount,
  };
}
