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
  `
  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    body_code TEXT,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX tokens_body ON tokens (body_code, created_at);

  -- Append-only: the adapter never updates or deletes; seq is the chain position.
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    change TEXT NOT NULL
  ) STRICT;
  CREATE INDEX audit_log_target ON audit_log (target_type, target_id, seq);
  `,
  `
  CREATE TABLE upload_jobs (
    id TEXT PRIMARY KEY,
    body_code TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX upload_jobs_body ON upload_jobs (body_code, created_at);
  CREATE INDEX upload_jobs_state ON upload_jobs (state, updated_at);

  -- The error report of a job; rowid keeps the order appended within a row.
  CREATE TABLE upload_errors (
    job_id TEXT NOT NULL,
    row INTEGER NOT NULL,
    field TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    number TEXT
  ) STRICT;
  CREATE INDEX upload_errors_job_row ON upload_errors (job_id, row);
  `,
  `
  -- Dishonesty records. doc is the record as created and never changes; state moves once, from listed
  -- to repaired, with superseded_by (the approving repair). The triggers refuse anything else.
  CREATE TABLE dishonesty_records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    body_code TEXT,
    start_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('listed', 'repaired')),
    superseded_by TEXT,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX dishonesty_records_subject ON dishonesty_records (kind, subject_key, state);
  CREATE INDEX dishonesty_records_body ON dishonesty_records (body_code, state);
  CREATE INDEX dishonesty_records_listed ON dishonesty_records (state, start_date, created_at, id);
  CREATE INDEX dishonesty_records_listed_kind ON dishonesty_records (state, kind, start_date, created_at, id);
  CREATE TRIGGER dishonesty_records_never_deleted BEFORE DELETE ON dishonesty_records
  BEGIN SELECT RAISE(ABORT, 'dishonesty records are never deleted'); END;
  CREATE TRIGGER dishonesty_records_never_edited BEFORE UPDATE ON dishonesty_records
  WHEN NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind OR NEW.subject_key IS NOT OLD.subject_key
    OR NEW.body_code IS NOT OLD.body_code OR NEW.start_date IS NOT OLD.start_date
    OR NEW.created_at IS NOT OLD.created_at OR NEW.doc IS NOT OLD.doc
    OR NOT (OLD.state = 'listed' AND NEW.state = 'repaired' AND NEW.superseded_by IS NOT NULL)
  BEGIN SELECT RAISE(ABORT, 'a dishonesty record only ever moves from listed to repaired'); END;

  -- Repair procedures: the request (doc) never changes; decision is set once.
  CREATE TABLE dishonesty_repairs (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES dishonesty_records (id),
    requested_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    decision TEXT
  ) STRICT;
  CREATE INDEX dishonesty_repairs_record ON dishonesty_repairs (record_id, requested_at);
  -- At most one repair per record awaits its decision.
  CREATE UNIQUE INDEX dishonesty_repairs_open ON dishonesty_repairs (record_id) WHERE decision IS NULL;
  CREATE TRIGGER dishonesty_repairs_never_deleted BEFORE DELETE ON dishonesty_repairs
  BEGIN SELECT RAISE(ABORT, 'repair procedures are never deleted'); END;
  CREATE TRIGGER dishonesty_repairs_decided_once BEFORE UPDATE ON dishonesty_repairs
  WHEN NEW.id IS NOT OLD.id OR NEW.record_id IS NOT OLD.record_id OR NEW.requested_at IS NOT OLD.requested_at
    OR NEW.doc IS NOT OLD.doc OR OLD.decision IS NOT NULL OR NEW.decision IS NULL
  BEGIN SELECT RAISE(ABORT, 'a repair is decided once and otherwise never changes'); END;
  `,
  `
  -- Scans of QR codes (POST /api/v1/scan), append-only: a keyed hash of the client's network, never an address.
  CREATE TABLE scans (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    public_id TEXT,
    verdict TEXT NOT NULL,
    network_hash TEXT NOT NULL
  ) STRICT;
  CREATE INDEX scans_certificate ON scans (public_id, at);
  CREATE INDEX scans_at ON scans (at);
  `,
  `
  -- The directory of inspectors (never deleted: deactivated), with their declared conflicts in \`doc\`.
  CREATE TABLE inspectors (
    id TEXT PRIMARY KEY,
    active INTEGER NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX inspectors_active ON inspectors (active, id);

  -- Random inspection draws: the plan (\`doc\`, with its secret seed) and the snapshot it runs on never
  -- change; the one allowed update is the execution, once.
  CREATE TABLE draws (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL,
    doc TEXT NOT NULL,
    snapshot TEXT NOT NULL
  ) STRICT;
  CREATE INDEX draws_created ON draws (created_at);
  CREATE TRIGGER draws_never_deleted BEFORE DELETE ON draws
  BEGIN SELECT RAISE(ABORT, 'draws are never deleted'); END;
  CREATE TRIGGER draws_executed_once BEFORE UPDATE ON draws
  WHEN NEW.id IS NOT OLD.id OR NEW.created_at IS NOT OLD.created_at OR NEW.snapshot IS NOT OLD.snapshot
    OR NOT (OLD.state = 'published' AND NEW.state = 'executed')
    OR json_remove(NEW.doc, '$.state', '$.execution') IS NOT json_remove(OLD.doc, '$.state', '$.execution')
  BEGIN SELECT RAISE(ABORT, 'a draw is executed once and otherwise never changes'); END;

  -- Published inspection results, append-only.
  CREATE TABLE draw_results (
    seq INTEGER PRIMARY KEY,
    draw_id TEXT NOT NULL REFERENCES draws (id),
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX draw_results_draw ON draw_results (draw_id, seq);
  CREATE TRIGGER draw_results_append_only_update BEFORE UPDATE ON draw_results
  BEGIN SELECT RAISE(ABORT, 'draw results are never changed'); END;
  CREATE TRIGGER draw_results_append_only_delete BEFORE DELETE ON draw_results
  BEGIN SELECT RAISE(ABORT, 'draw results are never deleted'); END;
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
  // 64 MiB of page cache (the default is 2 MiB): the registry's indexes stay in memory at a million rows.
  db.pragma('cache_size = -65536');
  migrate(db);
  return db;
}
