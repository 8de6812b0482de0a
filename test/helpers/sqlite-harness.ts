import fs from 'node:fs';
import { openSqlite, type SqliteDatabase } from '../../server/platform/sqlite';
import { tempDir } from './test-app';

/** A contract-suite `open` for the repository `create` builds, on a fresh SQLite file removed on close. */
export function openSqliteRepository<R>(create: (db: SqliteDatabase) => R) {
  return async () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    return {
      repo: create(db),
      async close() {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

/**
 * For the tests of the describe block it is called in: a fresh migrated SQLite file each (`file.db`,
 * in `file.dir`), closed and removed after the test. A test may close and reopen `file.db`.
 */
export function eachSqliteFile(): { db: SqliteDatabase; readonly dir: string } {
  const file = {} as { db: SqliteDatabase; dir: string };
  beforeEach(() => {
    file.dir = tempDir();
    file.db = openSqlite(file.dir);
  });
  afterEach(() => {
    if (file.db.open) file.db.close();
    fs.rmSync(file.dir, { recursive: true, force: true });
  });
  return file;
}
