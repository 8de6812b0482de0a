import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/**
 * Schema migrations, in order. Append only: a released migration is never edited, so every
 * registry file can be brought forward from any earlier version.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE bodies (
    code TEXT PRIMARY KEY,
    doc TEXT NOT NULL
  ) STRICT;

  CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    body_code TEXT NOT NULL,
    number TEXT NOT NULL,
    holder_credit_code TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (body_code, number)
  ) STRICT;
  CREATE INDEX certificates_number ON certificates (number);
  CREATE INDEX certificates_credit_code ON certificates (holder_credit_code);

  -- Holder-name bigrams (see nameBigrams): a substring query is an FTS5 phrase of its bigrams.
  CREATE VIRTUAL TABLE certificate_name_grams USING fts5 (
    grams, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
  );
  `,
];

/** Applies the migrations this file has not seen yet, each in its own transaction. */
export function migrate(db: SqliteDatabase): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/**
 * Opens (creating if needed) the registry file `registry.sqlite` under `dataDir`, in WAL mode, migrated.
 * `:memory:` as dataDir gives a private in-memory database (tests of pure logic only).
 */
export function openSqlite(dataDir: string): SqliteDatabase {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    fs.mkdirSync(dataDir, { recursive: true });
    file = path.join(dataDir, 'registry.sqlite');
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
