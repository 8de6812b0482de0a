import { openSqliteRepository } from '../helpers/sqlite-harness';
import fs from 'node:fs';
import { createSqliteCertificateRepository } from '../../server/certificates/sqlite-certificate-repository';
import { migrate, openSqlite, type SqliteDatabase } from '../../server/platform/sqlite';
import { creditCode, makeCertificate } from '../helpers/factories';
import { tempDir } from '../helpers/test-app';
import { certificateRepositoryContract } from './certificate-repository.contract';

certificateRepositoryContract({
  name: 'sqlite',
  options: { idPattern: /^[1-9]\d*$/ },
  open: openSqliteRepository(createSqliteCertificateRepository),
});

describe('SQLite certificate repository', () => {
  let dir: string;
  let db: SqliteDatabase | undefined;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    db?.close();
    db = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when the registry file is reopened, then the migrations are not run again and the data is kept', async () => {
    db = openSqlite(dir);
    const version = db.pragma('user_version', { simple: true });
    expect(version).toBeGreaterThan(0);
    const data = makeCertificate({ holder: { name: '重开测试精密机械有限公司', creditCode: creditCode() } });
    const { certificate } = await createSqliteCertificateRepository(db).upsert(
      data,
      '2026-03-01T00:00:00.000Z',
    );
    db.close();

    db = openSqlite(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(version);
    migrate(db); // a second call on an open file is a no-op too
    expect(db.pragma('user_version', { simple: true })).toBe(version);
    const repo = createSqliteCertificateRepository(db);
    await expect(repo.findByPublicId(certificate.publicId)).resolves.toEqual(certificate);
    await expect(
      repo.searchByHolderName({ fragment: '重开测试', limit: 10, offset: 0, countLimit: 100 }),
    ).resolves.toMatchObject({ items: [{ publicId: certificate.publicId }], total: 1 });
    await expect(repo.count()).resolves.toBe(1);
  });

  test('when searching by holder name, then the query walks the FTS index and never scans certificates', async () => {
    db = openSqlite(dir);
    const database = db;
    // The statements the adapter prepares, so that the plans checked are the adapter's own queries.
    const prepare = jest.spyOn(database, 'prepare');
    const repo = createSqliteCertificateRepository(database);
    const searchSql = prepare.mock.calls.map(([sql]) => sql).filter((sql) => /\bMATCH\b/.test(sql));
    prepare.mockRestore();
    expect(searchSql).toHaveLength(2); // the page and the capped count

    await repo.upsertMany(
      Array.from({ length: 50 }, (_, i) =>
        makeCertificate({ holder: { name: `计划测试第${i}精密机械有限公司`, creditCode: creditCode() } }),
      ),
      '2026-03-01T00:00:00.000Z',
    );
    database.exec('ANALYZE');
    for (const sql of searchSql) {
      const params = (sql.match(/\?/g) ?? []).map((_, i) => (i === 0 ? '"精密 密机"' : 10));
      const plan = database
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((row) => row.detail);
      expect(plan.some((d) => /VIRTUAL TABLE INDEX/.test(d))).toBe(true);
      // A SCAN is allowed of the FTS index and of the (LIMITed) subquery over it, never of a table;
      // certificates are reached by rowid (SEARCH ... PRIMARY KEY).
      const tableScans = plan.filter((d) => /^SCAN\b/.test(d) && !/VIRTUAL TABLE|\(subquery-\d+\)/.test(d));
      expect({ sql, tableScans }).toEqual({ sql, tableScans: [] });
      const certificateSteps = plan.filter((d) => /\b(c|certificates)\b/.test(d));
      expect(certificateSteps.every((d) => /^SEARCH .*PRIMARY KEY/.test(d))).toBe(true);
      // The FTS index yields rowid order itself, so LIMIT stops the walk early: no sort of all matches.
      expect(plan.filter((d) => /TEMP B-TREE/.test(d))).toEqual([]);
    }
    const page = await repo.searchByHolderName({ fragment: '计划测试', limit: 5, offset: 0, countLimit: 20 });
    expect(page).toMatchObject({ total: 20, totalCapped: true });
    expect(page.items).toHaveLength(5);
  });
});
