/**
 * Distinct values per key over a sliding time window: clone detection counts the distinct networks that
 * scanned each certificate in the last hour. The window slides in steps: it is made of `buckets` buckets
 * of `windowSeconds / buckets` each, aligned on the epoch, and a count covers the bucket holding the
 * time given and the `buckets - 1` before it, so between (buckets - 1) / buckets of the window and all of
 * it. A bursty clone therefore cannot hide by straddling a boundary, as it could in fixed windows.
 *
 * Two adapters: Redis HyperLogLog (cluster mode: every instance counts into the same sets, about 1 %
 * error, a few hundred bytes per key) and an in-process one (embedded mode: exact, bounded memory).
 */
export interface DistinctWindow {
  windowSeconds: number;
  buckets: number;
}

export interface DistinctCounter {
  readonly window: DistinctWindow;
  /**
   * Records that `key` saw `value` at `at` (ISO timestamp; times are expected roughly in order, as scans
   * come) and answers how many distinct values `key` saw in the window ending at `at`, this one included.
   * Estimated by HyperLogLog adapters; an adapter that bounds its memory may stop counting at its cap.
   * Rejects when the backend cannot be reached.
   */
  add(key: string, value: string, at: string): Promise<number>;
}

/** The index of the bucket holding `atMs` (ms since the epoch), and the bucket length in ms. */
export function bucketOf(window: DistinctWindow, atMs: number): { index: number; bucketMs: number } {
  const bucketMs = (window.windowSeconds * 1000) / window.buckets;
  return { index: Math.floor(atMs / bucketMs), bucketMs };
}

/** Throws when a window cannot work: at least one second, one to 60 buckets. */
export function assertWindow(window: DistinctWindow): void {
  if (!(window.windowSeconds >= 1) || !Number.isInteger(window.buckets) || window.buckets < 1) {
    throw new Error('a distinct-count window needs windowSeconds >= 1 and whole buckets >= 1');
  }
  if (window.buckets > 60) throw new Error('a distinct-count window has at most 60 buckets');
}
