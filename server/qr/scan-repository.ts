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
  /** Appends the events in one write (the scan path batches them). An empty list writes nothing. */
  append(events: readonly ScanEvent[]): Promise<void>;

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
}
