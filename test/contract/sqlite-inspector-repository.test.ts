import { openSqliteRepository } from '../helpers/sqlite-harness';
import fs from 'node:fs';
import { openSqlite } from '../../server/platform/sqlite';
import { createSqliteInspectorRepository } from '../../server/inspectors/sqlite-inspector-repository';
import { tempDir } from '../helpers/test-app';
import { inspectorRepositoryContract } from './inspector-repository.contract';

inspectorRepositoryContract({
  name: 'sqlite',
  options: {},
  open: openSqliteRepository(createSqliteInspectorRepository),
});

describe('SQLite inspector repository', () => {
  test('when a stored row is damaged, then reading it fails loudly instead of entering a draw half-read', async () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    try {
      db.prepare('INSERT INTO inspectors (id, active, doc) VALUES (?, 1, ?)').run(
        'BROKEN-1',
        JSON.stringify({ id: 'BROKEN-1', name: '无单位' }),
      );
      await expect(createSqliteInspectorRepository(db).findById('BROKEN-1')).rejects.toThrow();
      await expect(createSqliteInspectorRepository(db).list({ active: true })).rejects.toThrow();
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
