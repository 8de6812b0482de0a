import type { ScanEvent } from './qr-schema';

/** How widely one certificate was scanned in a window: what clone detection looks at. */
export interface ScanSpread {
  publicId: string;
  /** Distinct network hashes (distinct /24 or /48 networks). */
  networks: number;
  scans: number;
  firstAt: string;
  lastAt: string;
}

/**
 * The record of scans (POST /api/v1/scan), append-only: when, which certificate, which verdict, and a
 * keyed hash of the client's network, never an address. The supervision issue's clone detection reads it.
 * Plain objects in and out.
 */
export interface ScanRepository {
  /**
   * Appends the events in one write (the scan path batches them), all or none. An empty list writes
   * nothing. `wait` bounds how long a store that writes under a lock (SQLite) waits for another writer
   * (an upload's storing process) before failing busy (isStoreBusy): `false` tries once, a number waits at
   * most that many ms; left out, the store's own timeout. A store without such a lock ignores it.
   */
  append(events: readonly ScanEvent[], options?: AppendOptions): Promise<void>;

  /**
   * The scans of one certificate at or after `since` (ISO timestamp), newest first (equal times: last
   * appended first), at most `limit`.
   */
  listForCertificate(publicId: string, since: string, limit: number): Promise<ScanEvent[]>;

  /**
   * The certificates scanned from at least `minNetworks` distinct networks at or after `since`, the most
   * networks first (then the most scans, then by public id), at most `limit`: the candidates of clone
   * detection. Scans that name no certificate are not counted.
   */
  spreadSince(since: string, minNetworks: number, limit: number): Promise<ScanSpread[]>;

  /**
   * Scans per day (China date, UTC+8, YYYY-MM-DD) from `fromDay` to `toDay` inclusive, oldest first; days
   * without a scan are left out. Kept as a counter beside the scans by `append`, so it reads a row per day.
   */
  countsByDay(fromDay: string, toDay: string): Promise<ScanDayCount[]>;
}

export interface AppendOptions {
  wait?: false | number;
}

/** How many scans one day (China date) saw. */
export interface ScanDayCount {
  day: string;
  scans: number;
}

/** The China date (UTC+8) of an ISO timestamp: the day a scan is counted on. */
export function scanDayOf(at: string): string {
  return new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Scans per China date in a batch of events: the counter increments one append makes. */
export function scansPerDay(events: readonly ScanEvent[]): Map<string, number> {
  const days = new Map<string, number>();
  for (const e of events) {
    const day = scanDayOf(e.at);
    days.set(day, (days.get(day) ?? 0) + 1);
  }
  return days;
}
