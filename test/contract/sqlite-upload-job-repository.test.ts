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

describe('SQLite upload job repository', () => {
  test('when the error report is read, then the query walks the (job, row) index without sorting', () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    try {
      const prepare = jest.spyOn(db, 'prepare');
      createSqliteUploadJobRepository(db);
      const sql = prepare.mock.calls.map(([s]) => s).find((s) => /FROM upload_errors/.test(s)) as string;
      prepare.mockRestore();
      const plan = db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all('job', 0, 0, 10)
        .map((r) => r.detail);
      expect(plan.some((d) => /upload_errors_job_row/.test(d))).toBe(true);
      expect(plan.filter((d) => /TEMP B-TREE|^SCAN upload_errors$/.test(d))).toEqual([]);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
