/**
 * The storing process stores each batch in time slices (upload-storing.ts, `sliceMs`): every row once, in
 * file order, each slice committed, told to `onStored` and its progress written before the next one
 * begins. How many rows a slice holds follows how long slices take; no test here depends on how fast
 * anything is (the slice size is checked as a function of the times it is given).
 */
import type { CertificateData } from '../../server/certificates/certificate-schema';
import type { CheckedRow } from '../../server/uploads/upload-rows';
import {
  newStoringState,
  nextSliceRows,
  SLICE_ROWS,
  storeUploadRows,
  type UploadStoringDeps,
} from '../../server/uploads/upload-storing';
import type { UpsertResult } from '../../server/certificates/certificate-repository';
import type { Body } from '../../server/bodies/body-schema';

const body = { code: 'SLICE' } as Body;

function checkedRows(from: number, count: number): CheckedRow[] {
  return Array.from({ length: count }, (_, i) => {
    const number = `N-${from + i}`;
    return {
      row: from + i + 2,
      number,
      errors: [],
      data: { number, bodyCode: body.code },
    } as unknown as CheckedRow;
  });
}

async function* batchesOf(...batches: CheckedRow[][]): AsyncIterable<CheckedRow[]> {
  for (const batch of batches) yield batch;
}

describe('slices of a batch', () => {
  test('when the slices take as long as the target, then the rows per slice stay', () => {
    expect(nextSliceRows(400, 50, 50)).toBe(400);
  });

  test('when slices are much faster or slower than the target, then the rows per slice at most double or halve', () => {
    expect(nextSliceRows(400, 5, 50)).toBe(800);
    expect(nextSliceRows(1000, 5000, 50)).toBe(500);
    expect(nextSliceRows(400, 40, 50)).toBe(500);
    expect(nextSliceRows(400, 0, 50)).toBe(800);
  });

  test('when the rows per slice would leave their bounds, then they stay within them', () => {
    expect(nextSliceRows(SLICE_ROWS.max, 1, 50)).toBe(SLICE_ROWS.max);
    expect(nextSliceRows(SLICE_ROWS.min, 10_000, 50)).toBe(SLICE_ROWS.min);
  });

  test('when a sliced job stores its batches, then every row is stored once, in order, and each slice is told and its progress written before the next one is stored', async () => {
    const events: string[] = [];
    const stored: string[] = [];
    const state = newStoringState();
    const deps: UploadStoringDeps = {
      jobs: {
        async updateProgress(_jobId, progress) {
          events.push(`progress ${progress.created}`);
        },
        async appendErrors() {},
      },
      registry: { findByNumbers: async () => [] },
      async upsertMany(data: CertificateData[]) {
        events.push(`store ${data.length}`);
        stored.push(...data.map((d) => d.number));
        return data.map((d) => ({ outcome: 'created', certificate: d }) as unknown as UpsertResult);
      },
      async onStored(event) {
        events.push(`told ${event.results.length}`);
      },
      now: () => '2026-01-01T00:00:00.000Z',
    };
    await storeUploadRows(
      deps,
      {
        jobId: 'job',
        body,
        mode: 'partial',
        batchSize: 5000,
        maxStoredErrors: 10,
        bytesRead: () => 0,
        sliceMs: 50,
      },
      batchesOf(checkedRows(0, 1000), checkedRows(1000, 700)),
      state,
      () => false,
    );
    expect(stored).toEqual(Array.from({ length: 1700 }, (_, i) => `N-${i}`));
    expect(state.progress).toMatchObject({ rowsRead: 1700, accepted: 1700, created: 1700 });
    // Several slices per batch; each store is followed by its onStored, then its progress.
    expect(events.filter((e) => e.startsWith('store')).length).toBeGreaterThan(2);
    for (let i = 0; i < events.length; i += 1) {
      if (events[i]?.startsWith('store')) expect(events[i + 1]).toBe(`told ${events[i]?.slice(6)}`);
      if (events[i]?.startsWith('told')) expect(events[i + 1]).toMatch(/^progress /);
    }
    const progress = events.filter((e) => e.startsWith('progress')).map((e) => Number(e.slice(9)));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toBe(1700);
  });
});
