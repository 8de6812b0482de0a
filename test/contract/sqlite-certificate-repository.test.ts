import { openSqliteRepository } from '../helpers/sqlite-harness';
import fs from 'node:fs';
import {
  createSqliteCertificateRepository,
  createSqliteCertificatesById,
} from '../../server/certificates/sqlite-certificate-repository';
import { migrate, openSqlite, type SqliteDatabase } from '../../server/platform/sqlite';
import { creditCode, makeCertificate } from '../helpers/factories';
import { tempDir } from '../helpers/test-app';
import {
  certificateRepositoryContract,
  type CertificateRepositoryHarness,
} from './certificate-repository.contract';
import { certificateListContract } from './certificate-list.contract';

const harness: CertificateRepositoryHarness = {
  name: 'sqlite',
  options: { idPattern: /^[1-9]\d*$/ },
  open: openSqliteRepository(createSqliteCertificateRepository),
};
certificateRepositoryContract(harness);
certificateListContract(harness);

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

  test("when a new certificate is stored from its report's JSON text, then its document is the same text as one serialised from the record", async () => {
    db = openSqlite(dir);
    const repo = createSqliteCertificateRepository(db);
    const at = '2026-03-01T00:00:00.000Z';
    const report = makeCertificate({
      status: 'suspended',
      statusReason: '监督审核逾期',
      statusDate: '2025-06-01',
    });
    const twin = { ...report, number: `${report.number}-B` };
    const [fromText] = await repo.upsertMany([report], at, [JSON.stringify(report)]);
    const [fromRecord] = await repo.upsertMany([twin], at);
    const docOf = (id: string) =>
      (db?.prepare('SELECT doc FROM certificates WHERE id = ?').get(Number(id)) as { doc: string }).doc;
    const serialised = docOf(fromRecord!.certificate.id)
      .replace(fromRecord!.certificate.publicId, fromText!.certificate.publicId)
      .replace(twin.number, report.number);
    expect(docOf(fromText!.certificate.id)).toBe(serialised);
  });

  test('when certificates are read by their ids, then the stored ones come back in id order and unknown ids are left out', async () => {
    db = openSqlite(dir);
    const repo = createSqliteCertificateRepository(db);
    const stored = (
      await repo.upsertMany([makeCertificate(), makeCertificate()], '2026-03-01T00:00:00.000Z')
    ).map((r) => r.certificate);
    const byIds = createSqliteCertificatesById(db);
    expect(byIds([stored[1]!.id, '999999', stored[0]!.id])).toEqual(stored);
    expect(byIds([])).toEqual([]);
  });

  test('when searching by holder name, then the query walks the FTS index and never scans certificates', async () => {
    db = openSqlite(dir);
    const database = db;
    // The statements the adapter prepares, so that the plans checked are the adapter's own queries.
    const prepare = jest.spyOn(database, 'prepare');
    const repo = createSqliteCertificateRepository(database);
    const searchSql = prepare.mock.calls.map(([sql]) => sql).filter((sql) => /\bMATCH\b/.test(sql));
    prepare.mockRestore();
    expect(searchSql).toHaveLength(4); // the page and the capped count, unfiltered and filtered

    await repo.upsertMany(
      Array.from({ length: 50 }, (_, i) =>
        makeCertificate({ holder: { name: `计划测试第${i}精密机械有限公司`, creditCode: creditCode() } }),
      ),
      '2026-03-01T00:00:00.000Z',
    );
    database.exec('ANALYZE');
    for (const sql of searchSql) {
      const positional = (sql.match(/\?/g) ?? []).map((_, i) => (i === 0 ? '"精密 密机"' : 10));
      // The filtered statements take named parameters: every filter set, so that each check is planned.
      const named = {
        phrase: '"精密 密机"',
        status: 'valid',
        scheme: 'QMS',
        body: 'CQC',
        today: '2026-03-01',
      };
      const params = sql.includes('@phrase')
        ? [{ ...named, limit: 10, ...(sql.includes('@offset') ? { offset: 0 } : {}) }]
        : positional;
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

  test("when the rules read audits and volumes, then the plans seek the side tables' keys and never scan certificates", async () => {
    db = openSqlite(dir);
    const database = db;
    const prepare = jest.spyOn(database, 'prepare');
    const repo = createSqliteCertificateRepository(database);
    const ruleSql = prepare.mock.calls
      .map(([sql]) => sql)
      .filter((sql) => /^\s*SELECT[\s\S]*FROM (json_each\(\?\) w|body_audit_volumes)/.test(sql));
    prepare.mockRestore();
    expect(ruleSql).toHaveLength(2); // assignments, volumes

    const auditors = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: '张伟', registrationNumber: `REG-${i % 7}` }));
    await repo.upsertMany(
      Array.from({ length: 60 }, (_, i) =>
        makeCertificate({
          issueDate: `2024-0${(i % 9) + 1}-15`,
          expiryDate: '2027-01-01',
          audit: { startDate: '2024-01-02', endDate: '2024-01-03', manDays: 2, auditors: auditors(i % 3) },
        }),
      ),
      '2026-03-01T00:00:00.000Z',
    );
    database.exec('ANALYZE');
    const [assignmentsSql, volumesSql] = ruleSql as [string, string];
    const planOf = (sql: string, params: unknown[]) =>
      database
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((row) => row.detail);

    const assignments = planOf(assignmentsSql, [
      JSON.stringify([['REG-1', '2024-01-01', '2024-01-31']]),
      '+30 days',
      31,
      100,
    ]);
    // The windows are the outer loop; each is a range seek bounded on both sides in the auditor's end
    // dates (never all of an auditor's later audits), then a rowid lookup.
    expect(assignments).toContainEqual(
      expect.stringMatching(
        /^SEARCH a USING PRIMARY KEY \(registration_number=\? AND end_date>\? AND end_date<\?\)/,
      ),
    );
    expect(assignments.some((d) => /^SEARCH c USING INTEGER PRIMARY KEY/.test(d))).toBe(true);
    expect(assignments.filter((d) => /^SCAN\b/.test(d) && !/VIRTUAL TABLE/.test(d))).toEqual([]);

    const volumes = planOf(volumesSql, ['2024-01', '2024-12']);
    // The running tally only (a few rows per body and month): the certificates are never read.
    expect(volumes.join('\n')).toMatch(/body_audit_volumes/);
    expect(volumes.filter((d) => /\bcertificates\b/.test(d))).toEqual([]);

    await expect(
      repo.findAuditAssignments(
        [{ registrationNumber: 'REG-1', from: '2024-01-01', to: '2024-01-31' }],
        1000,
      ),
    ).resolves.toHaveLength(20);
  });

  test("when a body's list and count are read, then they seek the unique (body, number) index and never sort", async () => {
    db = openSqlite(dir);
    const database = db;
    const prepare = jest.spyOn(database, 'prepare');
    const repo = createSqliteCertificateRepository(database);
    const listSql = prepare.mock.calls.map(([sql]) => sql).filter((sql) => /@from|@after/.test(sql));
    prepare.mockRestore();
    expect(listSql).toHaveLength(4); // the page from the prefix and after a cursor, two capped counts

    await repo.upsertMany(
      Array.from({ length: 60 }, (_, i) => makeCertificate({ bodyCode: i % 2 ? 'CQC' : 'CQM' })),
      '2026-03-01T00:00:00.000Z',
    );
    database.exec('ANALYZE');
    for (const status of [null, 'expired']) {
      for (const sql of listSql) {
        const params = {
          body: 'CQC',
          ...(sql.includes('@status') ? { status, today: '2026-01-01' } : {}),
          ...(sql.includes('@from') ? { from: 'CERT' } : { after: 'CERT-1' }),
          to: 'CERT\u{10FFFF}',
          limit: 21,
        };
        const plan = database
          .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all(params)
          .map((row) => row.detail);
        const steps = plan.filter((d) => !/^(SCAN|CO-ROUTINE) \(subquery-\d+\)$/.test(d));
        // One seek in the body's range of numbers; the order is the index's, so LIMIT ends the walk.
        expect({ sql, status, steps }).toEqual({
          sql,
          status,
          steps: [
            expect.stringMatching(
              sql.includes('doc')
                ? /^SEARCH certificates USING INDEX sqlite_autoindex_certificates_\d \(body_code=\? AND number>\? AND number<\?\)$/
                : /^SEARCH certificates USING COVERING INDEX sqlite_autoindex_certificates_\d \(body_code=\? AND number>\? AND number<\?\)$/,
            ),
          ],
        });
      }
    }
  });
});
