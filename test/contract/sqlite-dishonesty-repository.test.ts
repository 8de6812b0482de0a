import { eachSqliteFile, openSqliteRepository } from '../helpers/sqlite-harness';
import { openSqlite } from '../../server/platform/sqlite';
import { createSqliteDishonestyRepository } from '../../server/dishonesty/sqlite-dishonesty-repository';
import { dishonestyRepositoryContract, makeRecord, makeRepair } from './dishonesty-repository.contract';

dishonestyRepositoryContract({
  name: 'sqlite',
  options: {},
  open: openSqliteRepository(createSqliteDishonestyRepository),
});

describe('SQLite dishonesty repository', () => {
  const file = eachSqliteFile();

  test('when a record is edited or deleted behind the adapter, then the registry file itself refuses', async () => {
    const repo = createSqliteDishonestyRepository(file.db);
    const record = makeRecord();
    await repo.create(record);
    const attempts = [
      "UPDATE dishonesty_records SET doc = json_set(doc, '$.severity', 'minor') WHERE id = ?",
      "UPDATE dishonesty_records SET start_date = '2030-01-01' WHERE id = ?",
      "UPDATE dishonesty_records SET state = 'repaired' WHERE id = ?",
      'DELETE FROM dishonesty_records WHERE id = ?',
    ];
    for (const sql of attempts) {
      expect(() => file.db.prepare(sql).run(record.id)).toThrow(/never|only ever/);
    }
    await expect(repo.findById(record.id)).resolves.toEqual(record);
  });

  test('when a repaired record is moved back to listed by hand, then the registry file refuses', async () => {
    const repo = createSqliteDishonestyRepository(file.db);
    const record = makeRecord();
    await repo.create(record);
    const repair = makeRepair(record.id);
    await repo.createRepair(repair);
    await repo.decideRepair(record.id, repair.id, {
      outcome: 'approved',
      reason: '无异议',
      decidedAt: '2025-03-11T02:00:00.000Z',
      decidedBy: 'x',
    });
    expect(() =>
      file.db
        .prepare("UPDATE dishonesty_records SET state = 'listed', superseded_by = NULL WHERE id = ?")
        .run(record.id),
    ).toThrow(/only ever/);
    expect(() =>
      file.db.prepare('UPDATE dishonesty_repairs SET decision = NULL WHERE id = ?').run(repair.id),
    ).toThrow(/decided once/);
    expect(() => file.db.prepare('DELETE FROM dishonesty_repairs WHERE id = ?').run(repair.id)).toThrow(
      /never deleted/,
    );
  });

  test('when the registry file is reopened, then records and repairs are still there', async () => {
    const record = makeRecord();
    const repair = makeRepair(record.id);
    await createSqliteDishonestyRepository(file.db).create(record);
    await createSqliteDishonestyRepository(file.db).createRepair(repair);
    file.db.close();
    file.db = openSqlite(file.dir);
    const repo = createSqliteDishonestyRepository(file.db);
    await expect(repo.findById(record.id)).resolves.toEqual(record);
    await expect(repo.listRepairs(record.id)).resolves.toEqual([repair]);
  });

  test('when a stored row is damaged, then reading it fails loudly instead of returning half a record', async () => {
    file.db
      .prepare(
        `INSERT INTO dishonesty_records (id, kind, subject_key, body_code, start_date, created_at, state, doc)
       VALUES ('AAAAAAAAAAAAAAAAAAAAAA', 'organisation', 'X', NULL, '2020-01-01', '2020-01-01T00:00:00.000Z', 'listed', ?)`,
      )
      .run(JSON.stringify({ id: 'AAAAAAAAAAAAAAAAAAAAAA', severity: 'apocalyptic' }));
    await expect(
      createSqliteDishonestyRepository(file.db).findById('AAAAAAAAAAAAAAAAAAAAAA'),
    ).rejects.toThrow();
  });
});
