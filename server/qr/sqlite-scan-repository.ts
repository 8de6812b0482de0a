import type { SqliteDatabase } from '../platform/sqlite';
import type { ScanEvent, ScanVerdict } from './qr-schema';
import { scansPerDay, type ScanRepository, type ScanSpread } from './scan-repository';

/** The busy timeout the connection is opened with (openSqlite), restored after a bounded wait. */
function busyTimeoutOf(db: SqliteDatabase): number {
  return db.pragma('busy_timeout', { simple: true }) as number;
}

interface ScanRow {
  at: string;
  public_id: string | null;
  verdict: string;
  network_hash: string;
}

function toEvent(row: ScanRow): ScanEvent {
  const event: ScanEvent = { at: row.at, verdict: row.verdict as ScanVerdict, networkHash: row.network_hash };
  if (row.public_id !== null) event.publicId = row.public_id;
  return event;
}

/** Scans in the embedded SQLite file: one row each, `seq` in append order. */
export function createSqliteScanRepository(db: SqliteDatabase): ScanRepository {
  const insert = db.prepare<[string, string | null, string, string]>(
    'INSERT INTO scans (at, public_id, verdict, network_hash) VALUES (?, ?, ?, ?)',
  );
  const countDay = db.prepare<[string, number]>(
    'INSERT INTO scan_days (day, scans) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET scans = scans + excluded.scans',
  );
  // The scans and their day counters in one transaction: the counters never drift from the rows.
  const appendAll = db.transaction((events: readonly ScanEvent[]) => {
    for (const e of events) insert.run(e.at, e.publicId ?? null, e.verdict, e.networkHash);
    for (const [day, n] of scansPerDay(events)) countDay.run(day, n);
  });
  const days = db.prepare<[string, string], { day: string; scans: number }>(
    'SELECT day, scans FROM scan_days WHERE day >= ? AND day <= ? ORDER BY day',
  );
  const forCertificate = db.prepare<[string, string, number], ScanRow>(
    `SELECT at, public_id, verdict, network_hash FROM scans
     WHERE public_id = ? AND at >= ? ORDER BY at DESC, seq DESC LIMIT ?`,
  );
  const spread = db.prepare<
    [string, number, number],
    { public_id: string; networks: number; scans: number; first_at: string; last_at: string }
  >(
    `SELECT public_id, COUNT(DISTINCT network_hash) AS networks, COUNT(*) AS scans,
            MIN(at) AS first_at, MAX(at) AS last_at
     FROM scans WHERE at >= ? AND public_id IS NOT NULL
     GROUP BY public_id HAVING networks >= ?
     ORDER BY networks DESC, scans DESC, public_id LIMIT ?`,
  );

  return {
    async append(events, options) {
      if (events.length === 0) return;
      const wait = options?.wait;
      if (wait === undefined) {
        appendAll(events);
        return;
      }
      // better-sqlite3 is synchronous: nothing else runs on this connection until the timeout is restored.
      const usual = busyTimeoutOf(db);
      db.pragma(`busy_timeout = ${wait === false ? 0 : Math.max(0, Math.floor(wait))}`);
      try {
        appendAll(events);
      } finally {
        db.pragma(`busy_timeout = ${usual}`);
      }
    },
    async listForCertificate(publicId, since, limit) {
      return forCertificate.all(publicId, since, limit).map(toEvent);
    },
    async countsByDay(fromDay, toDay) {
      return days.all(fromDay, toDay);
    },
    async spreadSince(since, minNetworks, limit): Promise<ScanSpread[]> {
      return spread.all(since, minNetworks, limit).map((r) => ({
        publicId: r.public_id,
        networks: r.networks,
        scans: r.scans,
        firstAt: r.first_at,
        lastAt: r.last_at,
      }));
    },
  };
}
