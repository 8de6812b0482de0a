import fs from 'node:fs';
import { openSqlite } from '../../server/platform/sqlite';
import { createSqliteFlagRepository } from '../../server/cases/sqlite-flag-repository';
import { openSqliteRepository } from '../helpers/sqlite-harness';
import { tempDir } from '../helpers/test-app';
import { flagRepositoryContract, makeFlag } from './flag-repository.contract';

flagRepositoryContract({
  name: 'sqlite',
  options: {},
  open: openSqliteRepository(createSqliteFlagRepository),
});

describe('SQLite flag repository', () => {
  test('when a flag is edited or deleted behind the adapter, then the registry file itself refuses', async () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    try {
      const repo = createSqliteFlagRepository(db);
      const flag = makeFlag();
      await repo.create(flag);
      for (const sql of [
        "UPDATE flags SET doc = json_set(doc, '$.reason', 'changed') WHERE id = ?",
        "UPDATE flags SET public_id = 'AAAAAAAAAAAAAAAAAAAAAA' WHERE id = ?",
        'DELETE FROM flags WHERE id = ?',
      ]) {
        expect(() => db.prepare(sql).run(flag.id)).toThrow(/never|kept as made/);
      }
      await expect(repo.findById(flag.id)).resolves.toEqual(flag);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
