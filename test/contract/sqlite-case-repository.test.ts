import { createSqliteCaseRepository } from '../../server/cases/sqlite-case-repository';
import { eachSqliteFile, openSqliteRepository } from '../helpers/sqlite-harness';
import { caseRepositoryContract, created, makeCase } from './case-repository.contract';

caseRepositoryContract({
  name: 'sqlite',
  options: {},
  open: openSqliteRepository(createSqliteCaseRepository),
});

describe('SQLite case repository', () => {
  const file = eachSqliteFile();

  test('when events are edited or deleted behind the adapter, then the registry file itself refuses', async () => {
    const repo = createSqliteCaseRepository(file.db);
    const record = makeCase();
    await repo.create(record, created(record));
    for (const sql of [
      "UPDATE case_events SET doc = json_set(doc, '$.by', 'someone else') WHERE case_id = ?",
      'DELETE FROM case_events WHERE case_id = ?',
      'DELETE FROM cases WHERE id = ?',
    ]) {
      expect(() => file.db.prepare(sql).run(record.id)).toThrow(/never/);
    }
    await expect(repo.findById(record.id)).resolves.toEqual({ ...record, events: [created(record)] });
  });

  test('when a decided case is changed behind the adapter, or a version skipped, then the registry file refuses', async () => {
    const repo = createSqliteCaseRepository(file.db);
    const record = makeCase();
    await repo.create(record, created(record));
    expect(() => file.db.prepare('UPDATE cases SET version = 5 WHERE id = ?').run(record.id)).toThrow(
      /one version at a time/,
    );
    file.db.prepare("UPDATE cases SET state = 'dismissed', version = 2 WHERE id = ?").run(record.id);
    for (const sql of [
      "UPDATE cases SET state = 'open', version = 3 WHERE id = ?",
      "UPDATE cases SET doc = json_set(doc, '$.title', 'changed'), version = 3 WHERE id = ?",
    ]) {
      expect(() => file.db.prepare(sql).run(record.id)).toThrow(/decided case is final/);
    }
  });
});
