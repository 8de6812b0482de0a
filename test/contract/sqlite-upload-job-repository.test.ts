import { openSqliteRepository } from '../helpers/sqlite-harness';
import fs from 'node:fs';
import { openSqlite } from '../../server/platform/sqlite';
import { createSqliteUploadJobRepository } from '../../server/uploads/sqlite-upload-job-repository';
import { tempDir } from '../helpers/test-app';
import { uploadJobRepositoryContract } from './upload-job-repository.contract';

uploadJobRepositoryContract({
  name: 'sqlite',
  options: {},
  open: openSqliteRepository(createSqliteUploadJobRepository),
});

/** The query plan of the adapter's first statement that matches `pattern`, run with `params`. */
function planOf(pattern: RegExp, params: unknown[]): string[] {
  const dir = tempDir();
  const db = openSqlite(dir);
  try {
    const prepare = jest.spyOn(db, 'prepare');
    createSqliteUploadJobRepository(db);
    const sql = prepare.mock.calls.map(([s]) => s).find((s) => pattern.test(s)) as string;
    prepare.mockRestore();
    return db
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((r) => r.detail);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('SQLite upload job repository', () => {
  test('when the error report is read, then the query walks the (job, row) index without sorting', () => {
    const plan = planOf(/FROM upload_errors/, ['job', 0, 0, 10]);
    expect(plan.some((d) => /upload_errors_job_row/.test(d))).toBe(true);
    expect(plan.filter((d) => /TEMP B-TREE|^SCAN upload_errors$/.test(d))).toEqual([]);
  });

  test("when a job's list of certificates is changed or deleted behind the adapter's back, then SQLite refuses", async () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    try {
      await createSqliteUploadJobRepository(db).appendCertificates('job', ['a', 'b']);
      expect(() => db.prepare("UPDATE upload_job_certificates SET public_id = 'x'").run()).toThrow(
        /never changed/,
      );
      expect(() => db.prepare('DELETE FROM upload_job_certificates').run()).toThrow(/never deleted/);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("when a job's certificates are read, then the query walks the (job, seq) key without sorting", () => {
    const plan = planOf(/SELECT seq, public_id FROM upload_job_certificates/, ['job', 0, 10]);
    expect(plan).toEqual([
      expect.stringMatching(/^SEARCH upload_job_certificates USING PRIMARY KEY \(job_id=\? AND seq>\?\)$/),
    ]);
  });
});
