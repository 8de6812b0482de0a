import { openSqliteRepository } from '../helpers/sqlite-harness';
import fs from 'node:fs';
import { openSqlite } from '../../server/platform/sqlite';
import { createSqliteScanRepository } from '../../server/qr/sqlite-scan-repository';
import { tempDir } from '../helpers/test-app';
import { scanRepositoryContract } from './scan-repository.contract';

scanRepositoryContract({
  name: 'sqlite',
  options: {},
  open: openSqliteRepository(createSqliteScanRepository),
});

describe('SQLite scan repository', () => {
  test("when a certificate's scans are listed, then the query walks the (public_id, at) index", () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    try {
      const prepare = jest.spyOn(db, 'prepare');
      createSqliteScanRepository(db);
      const sql = prepare.mock.calls.map(([s]) => s).find((s) => /WHERE public_id = \?/.test(s)) as string;
      prepare.mockRestore();
      const plan = db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all('id', '2026-01-01', 10)
        .map((r) => r.detail);
      expect(plan.some((d) => /scans_certificate/.test(d))).toBe(true);
      expect(plan.filter((d) => /^SCAN scans$/.test(d))).toEqual([]);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
