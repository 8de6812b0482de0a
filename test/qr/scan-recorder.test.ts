import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqlite } from '../../server/platform/sqlite';
import type { ScanEvent } from '../../server/qr/qr-schema';
import { createScanRecorder, networkHash, networkPrefix } from '../../server/qr/scan-recorder';
import { createSqliteScanRepository } from '../../server/qr/sqlite-scan-repository';
import { tempDir } from '../helpers/test-app';

const event = (n: number): ScanEvent => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  verdict: 'GENUINE_VALID',
  networkHash: `h${n}`,
});

describe('network prefixes', () => {
  test.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['::ffff:203.0.113.77', '203.0.113.0/24'],
    ['::FFFF:10.1.2.3', '10.1.2.0/24'],
    ['2001:db8:abcd:12::1', '2001:db8:abcd::/48'],
    ['2001:0DB8:00ab:ffff:1:2:3:4', '2001:db8:ab::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
    ['::1', '0:0:0::/48'],
    ['64:ff9b::198.51.100.1', '64:ff9b:0::/48'],
    [undefined, 'unknown'],
    ['', 'unknown'],
    ['not an address', 'unknown'],
  ])('when the client address is %s, then its network is %s', (address, prefix) => {
    expect(networkPrefix(address)).toBe(prefix);
  });

  test('when two addresses share a network, then their hashes are equal; the hash depends on the secret', () => {
    const secret = Buffer.from('s'.repeat(32));
    expect(networkHash(secret, '198.51.100.1')).toBe(networkHash(secret, '198.51.100.254'));
    expect(networkHash(secret, '198.51.100.1')).not.toBe(networkHash(secret, '198.51.101.1'));
    expect(networkHash(Buffer.from('t'.repeat(32)), '198.51.100.1')).not.toBe(
      networkHash(secret, '198.51.100.1'),
    );
    expect(networkHash(secret, '198.51.100.1')).toMatch(/^[\w-]{22}$/);
    expect(networkHash(secret, '198.51.100.1')).not.toContain('198');
  });
});

describe('the scan recorder', () => {
  test('when scans are recorded, then they are written in batches, in order, off the request path', async () => {
    const batches: ScanEvent[][] = [];
    const recorder = createScanRecorder({
      scans: { append: async (events) => void batches.push([...events]) },
      flushMs: 10_000,
      maxBatch: 3,
    });
    for (let i = 1; i <= 7; i += 1) recorder.record(event(i));
    await recorder.flush();
    expect(batches.flat().map((e) => e.networkHash)).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7']);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(3);
    await recorder.close();
  });

  test('when the timer runs out, then what is queued is written without a flush', async () => {
    const written: ScanEvent[] = [];
    const recorder = createScanRecorder({
      scans: { append: async (e) => void written.push(...e) },
      flushMs: 5,
    });
    recorder.record(event(1));
    expect(written).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    expect(written).toEqual([event(1)]);
    await recorder.close();
  });

  test('when the store fails, then the scans stay queued and are written once it answers again', async () => {
    let down = true;
    const written: ScanEvent[] = [];
    const recorder = createScanRecorder({
      scans: {
        append: async (events) => {
          if (down) throw new Error('store down');
          written.push(...events);
        },
      },
      flushMs: 10_000,
    });
    recorder.record(event(1));
    recorder.record(event(2));
    await recorder.flush();
    expect(written).toEqual([]);
    down = false;
    recorder.record(event(3));
    await recorder.flush();
    expect(written.map((e) => e.networkHash)).toEqual(['h1', 'h2', 'h3']);
    await recorder.close();
  });

  test('when the store stays down and the queue is full, then the oldest scans are dropped and counted', async () => {
    const recorder = createScanRecorder({
      scans: { append: async () => Promise.reject(new Error('down')) },
      flushMs: 10_000,
      maxBatch: 100,
      maxQueued: 5,
    });
    for (let i = 1; i <= 8; i += 1) recorder.record(event(i));
    expect(recorder.dropped()).toBe(3);
    await recorder.close();
  });

  test('when another connection holds the write lock, then a flush does not wait for it, and the scans land once, after it is released', async () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    // Were the write to wait for the lock, it would wait far longer than this test may run.
    db.pragma('busy_timeout = 600000');
    const writer = new Database(path.join(dir, 'registry.sqlite'));
    const scans = createSqliteScanRepository(db);
    const recorder = createScanRecorder({ scans, flushMs: 10_000 });
    const stored = () => db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM scans').get()?.n;
    try {
      writer.exec('BEGIN IMMEDIATE');
      recorder.record(event(1));
      recorder.record(event(2));
      await recorder.flush();
      // The retry waits a few ms for the lock, not the connection's timeout.
      await recorder.flush();
      expect(stored()).toBe(0);
      writer.exec('COMMIT');
      recorder.record(event(3));
      await recorder.flush();
      expect(stored()).toBe(3);
      await recorder.flush();
      expect(stored()).toBe(3);
      expect(recorder.dropped()).toBe(0);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(600000);
    } finally {
      if (writer.inTransaction) writer.exec('ROLLBACK');
      await recorder.close();
      writer.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
