import { randomBytes } from 'node:crypto';
import type { UploadJobRepository } from '../../server/uploads/upload-job-repository';
import {
  EMPTY_PROGRESS,
  type FinishedUploadJob,
  type NewUploadJob,
  type RowError,
} from '../../server/uploads/upload-schema';
import { unique } from '../helpers/factories';

export interface UploadJobRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: UploadJobRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

const jobId = () => randomBytes(16).toString('base64url');

/** Distinct ISO timestamps, later with each call. */
let clock = Date.parse('2026-04-01T00:00:00.000Z');
function at(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

function newJob(overrides: Partial<NewUploadJob> = {}): NewUploadJob {
  return {
    id: jobId(),
    bodyCode: unique('UJ').slice(0, 32),
    createdBy: 'tok_' + unique(),
    format: 'csv',
    mode: 'partial',
    createdAt: at(),
    ...overrides,
  };
}

function outcome(overrides: Partial<FinishedUploadJob> = {}): FinishedUploadJob {
  return {
    state: 'succeeded',
    progress: { bytes: 2048, rowsRead: 10, accepted: 8, rejected: 2, created: 5, updated: 2, unchanged: 1 },
    summary: '8 of 10 rows stored; 2 rejected.',
    warnings: [
      { code: 'UPLOAD_UNKNOWN_COLUMNS', message: 'Columns ignored: 备注', columns: ['备注'] },
      { code: 'UPLOAD_ERRORS_CAPPED', message: 'Only the first errors are kept.' },
      { code: 'UPLOAD_TOTAL_ROW_SKIPPED', message: 'Row 12 is a total row.', columns: [], rows: [12] },
    ],
    errorsStored: 3,
    errorsCapped: false,
    finishedAt: at(),
    ...overrides,
  };
}

const rowError = (row: number, code: RowError['code'], extra: Partial<RowError> = {}): RowError => ({
  row,
  field: 'number',
  code,
  message: `row ${row}: ${code}`,
  ...extra,
});

async function collect(errors: AsyncIterable<RowError>): Promise<RowError[]> {
  const all: RowError[] = [];
  for await (const e of errors) all.push(e);
  return all;
}

/** The behaviour every `UploadJobRepository` adapter must have; each adapter's test file calls this. */
export function uploadJobRepositoryContract(harness: UploadJobRepositoryHarness): void {
  describe(`UploadJobRepository contract: ${harness.name}`, () => {
    let repo: UploadJobRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    describe('create and findById', () => {
      test('when a job is created, then it is running with zero progress and found exactly as returned', async () => {
        const input = newJob({ fileName: '2026年3月证书.xlsx', format: 'xlsx', mode: 'atomic' });
        const job = await repo.create(input);
        expect(job).toEqual({
          ...input,
          state: 'running',
          progress: EMPTY_PROGRESS,
          warnings: [],
          errorsStored: 0,
          errorsCapped: false,
          updatedAt: input.createdAt,
        });
        await expect(repo.findById(input.id)).resolves.toEqual(job);
      });

      test('when a job has no file name, then none appears on it', async () => {
        const input = newJob();
        await repo.create(input);
        const found = await repo.findById(input.id);
        expect(found).toBeDefined();
        expect(Object.keys(found ?? {})).not.toContain('fileName');
        expect(Object.keys(found ?? {})).not.toContain('finishedAt');
      });

      test('when a job id is already taken, then create answers undefined and the first job is untouched', async () => {
        const first = newJob();
        const stored = await repo.create(first);
        await expect(repo.create({ ...newJob(), id: first.id })).resolves.toBeUndefined();
        await expect(repo.findById(first.id)).resolves.toEqual(stored);
      });

      test('when no job has the id, then it answers undefined', async () => {
        await expect(repo.findById(jobId())).resolves.toBeUndefined();
      });
    });

    describe('updateProgress', () => {
      test('when progress is recorded, then the job carries it and the time of the write', async () => {
        const input = newJob();
        await repo.create(input);
        const progress = { ...EMPTY_PROGRESS, bytes: 1000, rowsRead: 40, accepted: 39, rejected: 1 };
        const t = at();
        await repo.updateProgress(input.id, progress, t);
        await expect(repo.findById(input.id)).resolves.toMatchObject({
          state: 'running',
          progress,
          updatedAt: t,
        });
      });

      test('when a finished job gets a late progress write, then it is ignored', async () => {
        const input = newJob();
        await repo.create(input);
        const end = outcome();
        const finished = await repo.finish(input.id, end);
        await repo.updateProgress(input.id, { ...EMPTY_PROGRESS, rowsRead: 1 }, at());
        await expect(repo.findById(input.id)).resolves.toEqual(finished);
      });
    });

    describe('finish', () => {
      test('when a running job finishes, then it carries its outcome, and finishing again does nothing', async () => {
        const input = newJob();
        await repo.create(input);
        const end = outcome();
        const finished = await repo.finish(input.id, end);
        expect(finished).toEqual({ ...input, ...end, updatedAt: end.finishedAt });
        await expect(repo.findById(input.id)).resolves.toEqual(finished);
        await expect(repo.finish(input.id, outcome({ state: 'failed' }))).resolves.toBeUndefined();
        await expect(repo.findById(input.id)).resolves.toEqual(finished);
      });

      test('when a job fails, then the failure is kept with its code', async () => {
        const input = newJob();
        await repo.create(input);
        const end = outcome({
          state: 'failed',
          summary: undefined,
          warnings: [],
          failure: { code: 'PAYLOAD_TOO_LARGE', message: 'over the limit' },
        });
        const finished = await repo.finish(input.id, end);
        expect(finished).toMatchObject({ state: 'failed', failure: end.failure });
        expect(Object.keys(finished ?? {})).not.toContain('summary');
      });

      test('when the job is unknown, then finish answers undefined and creates nothing', async () => {
        const id = jobId();
        await expect(repo.finish(id, outcome())).resolves.toBeUndefined();
        await expect(repo.findById(id)).resolves.toBeUndefined();
      });
    });

    describe('error report', () => {
      test('when errors are appended in batches, then they come back by row, and in append order within a row', async () => {
        const input = newJob();
        await repo.create(input);
        // Rows come out of order when a later check (e.g. against stored data) reports on earlier rows.
        await repo.appendErrors(input.id, [
          rowError(3, 'ROW_INVALID_CREDIT_CODE', { field: 'holder.creditCode', number: 'N-3' }),
          rowError(5, 'ROW_UNKNOWN_SCHEME', { field: 'scheme' }),
        ]);
        await repo.appendErrors(input.id, [
          rowError(3, 'ROW_INVALID_DATE', { field: 'issueDate', number: 'N-3' }),
          rowError(2, 'ROW_ILLEGAL_STATUS_TRANSITION', { field: 'status', number: '证书-2' }),
        ]);
        await repo.appendErrors(input.id, []);
        await expect(collect(repo.errors(input.id))).resolves.toEqual([
          rowError(2, 'ROW_ILLEGAL_STATUS_TRANSITION', { field: 'status', number: '证书-2' }),
          rowError(3, 'ROW_INVALID_CREDIT_CODE', { field: 'holder.creditCode', number: 'N-3' }),
          rowError(3, 'ROW_INVALID_DATE', { field: 'issueDate', number: 'N-3' }),
          rowError(5, 'ROW_UNKNOWN_SCHEME', { field: 'scheme' }),
        ]);
      });

      test('when an error has its Chinese message and the header as written, then both come back', async () => {
        const input = newJob();
        await repo.create(input);
        const error = rowError(4, 'ROW_EXCEL_ERROR', {
          field: 'holder.name',
          message: 'Organisation: the cell shows the Excel error #N/A',
          messageZh: '组织名称：单元格显示 Excel 错误 #N/A，公式没有得出结果',
          header: '组织名称（全称）',
          number: 'N-4',
        });
        await repo.appendErrors(input.id, [error]);
        await expect(collect(repo.errors(input.id))).resolves.toEqual([error]);
      });

      test("when two jobs have errors, then each report holds only its own job's", async () => {
        const [a, b] = [newJob(), newJob()];
        await repo.create(a);
        await repo.create(b);
        await repo.appendErrors(a.id, [rowError(2, 'ROW_OTHER_BODY')]);
        await repo.appendErrors(b.id, [rowError(9, 'ROW_OUT_OF_SCOPE')]);
        await expect(collect(repo.errors(a.id))).resolves.toEqual([rowError(2, 'ROW_OTHER_BODY')]);
        await expect(collect(repo.errors(b.id))).resolves.toEqual([rowError(9, 'ROW_OUT_OF_SCOPE')]);
        await expect(collect(repo.errors(jobId()))).resolves.toEqual([]);
      });

      test('when the report is longer than a page, then every error comes once, in row order', async () => {
        const input = newJob();
        await repo.create(input);
        // Several errors on some rows, across page boundaries, appended in two out-of-order batches.
        const errors = Array.from({ length: 2500 }, (_, i) =>
          rowError(2 + Math.floor(i / 3), i % 2 ? 'ROW_INVALID_VALUE' : 'ROW_MISSING_FIELD', {
            field: `f${i}`,
          }),
        );
        await repo.appendErrors(input.id, errors.slice(1200));
        await repo.appendErrors(input.id, errors.slice(0, 1200));
        const read = await collect(repo.errors(input.id));
        expect(read).toHaveLength(2500);
        const expected = [...errors.slice(1200), ...errors.slice(0, 1200)].sort((x, y) => x.row - y.row);
        expect(read).toEqual(expected);
      });
    });

    describe('certificates a job covers', () => {
      const ids = (n: number, prefix = unique('c')) =>
        Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);

      /** Every page of the job's list, `limit` at a time, checking each cursor on the way. */
      async function listAll(id: string, limit: number): Promise<string[][]> {
        const pages: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await repo.listCertificates(id, after, limit);
          pages.push(page.publicIds);
          if (page.next === undefined) return pages;
          expect(page.publicIds).toHaveLength(limit);
          after = page.next;
        }
      }

      test('when certificates are appended in batches, then they are listed in the order appended', async () => {
        const job = newJob();
        await repo.create(job);
        const [first, second] = [ids(3), ids(2)];
        await repo.appendCertificates(job.id, first);
        await repo.appendCertificates(job.id, []);
        await repo.appendCertificates(job.id, second);
        await expect(repo.listCertificates(job.id, undefined, 10)).resolves.toEqual({
          publicIds: [...first, ...second],
        });
      });

      test('when a batch names a certificate twice, then it is listed once, at its first place', async () => {
        const job = newJob();
        await repo.create(job);
        const [a, b, c] = ids(3);
        await repo.appendCertificates(job.id, [a, b, a] as string[]);
        await repo.appendCertificates(job.id, [c, c] as string[]);
        await expect(repo.listCertificates(job.id, undefined, 10)).resolves.toEqual({
          publicIds: [a, b, c],
        });
      });

      test('when two jobs cover the same certificate, then each lists it', async () => {
        const [x, y] = [newJob(), newJob()];
        await repo.create(x);
        await repo.create(y);
        const [shared, own] = ids(2);
        await repo.appendCertificates(x.id, [shared, own] as string[]);
        await repo.appendCertificates(y.id, [shared] as string[]);
        await expect(repo.listCertificates(x.id, undefined, 10)).resolves.toEqual({
          publicIds: [shared, own],
        });
        await expect(repo.listCertificates(y.id, undefined, 10)).resolves.toEqual({ publicIds: [shared] });
        await expect(repo.listCertificates(jobId(), undefined, 10)).resolves.toEqual({ publicIds: [] });
      });

      test('when the list is read in pages, then every certificate comes once, in order, and the last page has no cursor', async () => {
        const job = newJob();
        await repo.create(job);
        const all = ids(2501);
        await repo.appendCertificates(job.id, all.slice(0, 1000));
        await repo.appendCertificates(job.id, all.slice(1000));
        const pages = await listAll(job.id, 500);
        expect(pages.map((p) => p.length)).toEqual([500, 500, 500, 500, 500, 1]);
        expect(pages.flat()).toEqual(all);
      });

      test('when the list fills its last page exactly, then that page has no cursor and nothing follows', async () => {
        const job = newJob();
        await repo.create(job);
        const all = ids(4);
        await repo.appendCertificates(job.id, all);
        const first = await repo.listCertificates(job.id, undefined, 2);
        expect(first).toEqual({ publicIds: all.slice(0, 2), next: expect.any(String) });
        await expect(repo.listCertificates(job.id, first.next, 2)).resolves.toEqual({
          publicIds: all.slice(2),
        });
      });

      test('when certificates are appended after a page was read, then the cursor of that page leads to them', async () => {
        const job = newJob();
        await repo.create(job);
        const [before, after] = [ids(3), ids(2)];
        await repo.appendCertificates(job.id, before);
        const first = await repo.listCertificates(job.id, undefined, 2);
        await repo.appendCertificates(job.id, after);
        await expect(repo.listCertificates(job.id, first.next, 10)).resolves.toEqual({
          publicIds: [before[2], ...after],
        });
      });
    });

    describe('markInterrupted', () => {
      test('when jobs were left running before a time, then exactly those are marked interrupted', async () => {
        const stale = newJob();
        await repo.create(stale);
        const done = newJob();
        await repo.create(done);
        const finished = await repo.finish(done.id, outcome());
        const cutoff = at();
        const fresh = newJob({ createdAt: at() });
        await repo.create(fresh);

        const now = at();
        const marked = await repo.markInterrupted(cutoff, now);

        expect(marked.map((j) => j.id)).toContain(stale.id);
        expect(marked.map((j) => j.id)).not.toContain(fresh.id);
        const job = await repo.findById(stale.id);
        expect(job).toMatchObject({
          state: 'interrupted',
          failure: { code: 'UPLOAD_INTERRUPTED', message: expect.any(String) },
          finishedAt: now,
          updatedAt: now,
        });
        expect(marked.find((j) => j.id === stale.id)).toEqual(job);
        await expect(repo.findById(fresh.id)).resolves.toMatchObject({ state: 'running' });
        await expect(repo.findById(done.id)).resolves.toEqual(finished);
        // Marked once: a second pass finds nothing more of these, and a finish after it is refused.
        const again = await repo.markInterrupted(cutoff, at());
        expect(again.map((j) => j.id)).not.toContain(stale.id);
        await expect(repo.finish(stale.id, outcome())).resolves.toBeUndefined();
      });

      test('when a running job wrote progress after the cutoff, then it is left running', async () => {
        const job = newJob();
        await repo.create(job);
        const cutoff = at();
        await repo.updateProgress(job.id, { ...EMPTY_PROGRESS, rowsRead: 5 }, at());
        const marked = await repo.markInterrupted(cutoff, at());
        expect(marked.map((j) => j.id)).not.toContain(job.id);
        await expect(repo.findById(job.id)).resolves.toMatchObject({ state: 'running' });
      });
    });

    describe("a body's jobs", () => {
      test('when a body lists its jobs, then it gets a page of its own, newest first, with their total', async () => {
        const bodyCode = unique('UL').slice(0, 32);
        const jobs = [newJob({ bodyCode }), newJob({ bodyCode }), newJob({ bodyCode })];
        for (const job of jobs) await repo.create(job);
        await repo.create(newJob());
        const first = await repo.listByBody(bodyCode, { offset: 0, limit: 2 });
        expect(first.total).toBe(3);
        expect(first.items.map((j) => j.id)).toEqual([jobs[2]?.id, jobs[1]?.id]);
        const second = await repo.listByBody(bodyCode, { offset: 2, limit: 2 });
        expect(second).toEqual({ total: 3, items: [await repo.findById(jobs[0]?.id as string)] });
        await expect(repo.listByBody(unique('NONE').slice(0, 32), { offset: 0, limit: 5 })).resolves.toEqual({
          total: 0,
          items: [],
        });
      });

      test('when jobs created since a time are asked for, then only those of the body come, oldest first', async () => {
        const bodyCode = unique('US').slice(0, 32);
        const old = newJob({ bodyCode });
        await repo.create(old);
        const since = at();
        const later = [newJob({ bodyCode }), newJob({ bodyCode })];
        for (const job of later) await repo.create(job);
        await repo.create(newJob());
        await repo.finish(later[0]?.id as string, outcome());
        const found = await repo.listCreatedSince(bodyCode, since, 10);
        expect(found.map((j) => j.id)).toEqual(later.map((j) => j.id));
        expect(found[0]).toMatchObject({ state: 'succeeded' });
        await expect(repo.listCreatedSince(bodyCode, since, 1)).resolves.toHaveLength(1);
      });
    });
  });
}
