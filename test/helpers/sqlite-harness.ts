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
