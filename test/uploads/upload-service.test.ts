/**
 * The upload pipeline in-process, with the registry writes under the test's control: what the HTTP tests
 * cannot see (how far reading runs ahead of writing, the cap on the error report).
 */
import { Readable } from 'node:stream';
import type { UpsertResult } from '../../server/certificates/certificate-repository';
import type { CertificateData } from '../../server/certificates/certificate-schema';
import { openSqlite, type SqliteDatabase } from '../../server/platform/sqlite';
import { createSqliteUploadJobRepository } from '../../server/uploads/sqlite-upload-job-repository';
import { checkRowsInWorker } from '../../server/uploads/upload-checker';
import { parseUpload } from '../../server/uploads/upload-parsers';
import { createUploadService } from '../../server/uploads/upload-service';
import type { RowError } from '../../server/uploads/upload-schema';
import { makeBody } from '../helpers/factories';
import { toCsv, uploadRow } from '../helpers/upload-files';

const body = makeBody({ approvedSchemes: ['QMS'] });
const principal = { tokenId: 'test-token', role: 'body' as const, bodyCode: body.code };

let db: SqliteDatabase;
beforeEach(() => {
  db = openSqlite(':memory:');
});
afterEach(() => db.close());

/** A CSV of `rows` rows produced on demand, counting how many bytes have been pulled from it. */
function lazyCsv(rows: number): Readable & { pulled: () => number } {
  let produced = 0;
  let pulled = 0;
  let header = true;
  const stream = new Readable({
    read() {
      if (produced >= rows) {
        this.push(null);
        return;
      }
      const batch = Array.from({ length: Math.min(100, rows - produced) }, () => uploadRow());
      produced += batch.length;
      let text = toCsv(batch);
      if (!header) text = text.slice(text.indexOf('\r\n') + 2);
      header = false;
      const chunk = Buffer.from(text);
      pulled += chunk.length;
      this.push(chunk);
    },
  });
  return Object.assign(stream, { pulled: () => pulled });
}

function service(overrides: {
  upsertMany?: (data: CertificateData[]) => Promise<UpsertResult[]>;
  maxStoredErrors?: number;
  workerMinBytes?: number;
}) {
  const jobs = createSqliteUploadJobRepository(db);
  const created = (data: CertificateData[]) =>
    data.map((d) => ({ outcome: 'created' as const, certificate: { ...d } as UpsertResult['certificate'] }));
  return {
    jobs,
    uploads: createUploadService({
      jobs,
      registry: { findByNumbers: async () => [] },
      certificates: { upsertMany: overrides.upsertMany ?? (async (data) => created(data)) },
      bodies: { list: async () => [body], recordReport: async () => undefined },
      audit: { record: async () => ({}) as never },
      parse: parseUpload,
      limits: { other: 1e9, xlsx: 1e8 },
      batchSize: 500,
      maxStoredErrors: overrides.maxStoredErrors,
      workerMinBytes: overrides.workerMinBytes ?? Infinity,
    }),
  };
}

// How far the file may be read ahead of the writes: stream buffers in-process; on a worker, also the
// bytes passed on to it (4 MiB) and the batch it checks meanwhile. The file (about 150 bytes a row) is
// more than twice that bound, so a read that did not stop fails the last check: 20,000 rows (3 MB, 40
// batches) in-process, 80,000 (12 MB) on a worker.
test.each([
  ['in-process', Infinity, 512 * 1024, 20_000],
  ['on a worker thread', 0, 5 * 1024 * 1024, 80_000],
])(
  'when a batch write is slow (%s), then reading stops until it is done: the file is never read far ahead',
  async (_where, workerMinBytes, readAhead, rows) => {
    const source = lazyCsv(rows);
    let release: () => void = () => undefined;
    let firstWriteAt: number | undefined;
    const { uploads } = service({
      workerMinBytes,
      upsertMany: async (data) => {
        if (firstWriteAt === undefined) {
          firstWriteAt = source.pulled();
          // Held until the test has looked at how far reading went meanwhile.
          await new Promise<void>((resolve) => (release = resolve));
        }
        return data.map((d) => ({ outcome: 'created', certificate: d as never }));
      },
    });

    const done = uploads.upload({ principal, source, format: 'csv', mode: 'partial' });
    while (firstWriteAt === undefined) await new Promise((r) => setTimeout(r, 5));
    // Reading stops while the write waits: wait until nothing more is read for 300 ms (however long a
    // busy machine takes to fill the buffers; if reading never stopped, the test would time out).
    let whileWriting = -1;
    while (source.pulled() !== whileWriting) {
      whileWriting = source.pulled();
      await new Promise((r) => setTimeout(r, 300));
    }
    release();
    const job = await done;

    expect(job).toMatchObject({ state: 'succeeded', progress: { rowsRead: rows, created: rows } });
    const total = source.pulled();
    // Reading stopped with a bounded slice of the file read ahead.
    expect(whileWriting - (firstWriteAt as number)).toBeLessThan(readAhead);
    expect(whileWriting).toBeLessThan(total / 2);
  },
  // Up to 80,000 rows: seconds on a quiet machine, much longer beside a busy one (the test asserts no time).
  180_000,
);

test('when rows have more errors than the report keeps, then the first ones are kept and the job says it is capped', async () => {
  const { uploads, jobs } = service({ maxStoredErrors: 10 });
  const rows = Array.from({ length: 30 }, (_, i) =>
    uploadRow(i % 2 ? { scheme: 'EMS' } : { creditCode: '91500106MA5U4KXX1A' }),
  );
  const job = await uploads.upload({
    principal,
    source: Readable.from([toCsv(rows)]),
    format: 'csv',
    mode: 'partial',
  });

  expect(job).toMatchObject({
    state: 'succeeded',
    progress: { rowsRead: 30, rejected: 30, accepted: 0 },
    errorsStored: 10,
    errorsCapped: true,
    warnings: [{ code: 'UPLOAD_ERRORS_CAPPED' }],
  });
  const report: RowError[] = [];
  for await (const e of jobs.errors(job.id)) report.push(e);
  expect(report.map((e) => e.row)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
});

test('when an atomic upload is all valid, then its rows are written only after the whole file is read', async () => {
  const source = lazyCsv(3_000);
  const pulledAtWrites: number[] = [];
  const { uploads } = service({
    upsertMany: async (data) => {
      pulledAtWrites.push(source.pulled());
      return data.map((d) => ({ outcome: 'created', certificate: d as never }));
    },
  });
  const job = await uploads.upload({ principal, source, format: 'csv', mode: 'atomic' });
  expect(job).toMatchObject({ state: 'succeeded', progress: { created: 3_000 } });
  expect(pulledAtWrites).toHaveLength(6);
  expect(pulledAtWrites.every((p) => p === source.pulled())).toBe(true);
});

test('when the worker thread cannot start, then the rows are checked on the main thread instead', async () => {
  const rows = Array.from({ length: 1200 }, () => uploadRow());
  const batches: number[] = [];
  for await (const batch of checkRowsInWorker(
    Readable.from([toCsv(rows)]),
    parseUpload,
    { format: 'csv', body, batchSize: 500, flushMs: 1000, onWarning: () => undefined },
    '/nonexistent/upload-worker.js',
  )) {
    batches.push(batch.length);
    expect(batch.every((c) => c.errors.length === 0 && c.data !== undefined)).toBe(true);
  }
  expect(batches).toEqual([500, 500, 200]);
});
