import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { REGISTRY_FILE } from './data-dir';

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
  `
  -- The certificates an upload job stored (created, updated or unchanged), in file order: seq counts from
  -- 1 within the job. No index on public_id: an upload stores a certificate once (a number repeated in a
  -- file is a rejected row), and one would cost a random insert per stored row. Append-only.
  CREATE TABLE upload_job_certificates (
    job_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    public_id TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
  ) STRICT, WITHOUT ROWID;
  CREATE TRIGGER upload_job_certificates_never_changed BEFORE UPDATE ON upload_job_certificates
  BEGIN SELECT RAISE(ABORT, 'the certificates of an upload job are never changed'); END;
  CREATE TRIGGER upload_job_certificates_never_deleted BEFORE DELETE ON upload_job_certificates
  BEGIN SELECT RAISE(ABORT, 'the certificates of an upload job are never deleted'); END;
  `,
  `
  -- Risk signals: \`doc\` is the signal; the columns are what the queue filters and sorts on. A signal
  -- keeps its id and dedup key for ever and is never deleted: it only moves between states.
  CREATE TABLE signals (
    id TEXT PRIMARY KEY,
    dedup_key TEXT NOT NULL UNIQUE,
    rule_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'in-case', 'dismissed')),
    body_code TEXT,
    last_raised_at TEXT NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX signals_recent ON signals (last_raised_at, id);
  CREATE INDEX signals_state ON signals (state, last_raised_at, id);
  CREATE INDEX signals_rule ON signals (rule_id, last_raised_at, id);
  CREATE INDEX signals_severity ON signals (severity, last_raised_at, id);
  CREATE INDEX signals_body ON signals (body_code, last_raised_at, id);
  CREATE TRIGGER signals_never_deleted BEFORE DELETE ON signals
  BEGIN SELECT RAISE(ABORT, 'signals are never deleted'); END;
  CREATE TRIGGER signals_keep_identity BEFORE UPDATE ON signals
  WHEN NEW.id IS NOT OLD.id OR NEW.dedup_key IS NOT OLD.dedup_key
  BEGIN SELECT RAISE(ABORT, 'a signal keeps its id and dedup key'); END;

  -- The certificates each signal names (the queue's filter by certificate).
  CREATE TABLE signal_certificates (
    public_id TEXT NOT NULL,
    signal_id TEXT NOT NULL REFERENCES signals (id),
    PRIMARY KEY (public_id, signal_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX signal_certificates_signal ON signal_certificates (signal_id);

  -- What the upload rules read of the registry without parsing whole certificates; the certificate
  -- adapter keeps both tables in the transaction of every write. One row per auditor of a certificate's
  -- audit (who audited where, when):
  CREATE TABLE audit_assignments (
    registration_number TEXT NOT NULL,
    end_date TEXT NOT NULL,
    start_date TEXT NOT NULL,
    certificate_id INTEGER NOT NULL REFERENCES certificates (id),
    PRIMARY KEY (registration_number, end_date, start_date, certificate_id)
  ) STRICT, WITHOUT ROWID;
  -- and each body's certificates with audit data and their audit man-days, by month of issue: a running
  -- tally (a few rows per body and month), so that peer statistics never read the certificates.
  CREATE TABLE body_audit_volumes (
    body_code TEXT NOT NULL,
    issue_month TEXT NOT NULL,
    certificates INTEGER NOT NULL,
    man_days REAL NOT NULL,
    PRIMARY KEY (body_code, issue_month)
  ) STRICT, WITHOUT ROWID;
  INSERT OR IGNORE INTO audit_assignments (registration_number, end_date, start_date, certificate_id)
    SELECT json_extract(a.value, '$.registrationNumber'), json_extract(c.doc, '$.audit.endDate'),
      json_extract(c.doc, '$.audit.startDate'), c.id
    FROM certificates c, json_each(c.doc, '$.audit.auditors') a;
  INSERT INTO body_audit_volumes (body_code, issue_month, certificates, man_days)
    SELECT body_code, substr(json_extract(doc, '$.issueDate'), 1, 7), count(*),
      sum(json_extract(doc, '$.audit.manDays'))
    FROM certificates WHERE json_type(doc, '$.audit') = 'object' GROUP BY 1, 2;
  `,
  `
  -- Public tips, kept as received (\`doc\`): only state and case change. Photos apart, written once.
  CREATE TABLE tips (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('new', 'in-case', 'dismissed')),
    case_id TEXT,
    received_at TEXT NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX tips_received ON tips (received_at, id);
  CREATE INDEX tips_state ON tips (state, received_at, id);
  CREATE TRIGGER tips_never_deleted BEFORE DELETE ON tips
  BEGIN SELECT RAISE(ABORT, 'tips are never deleted'); END;
  CREATE TRIGGER tips_kept_as_received BEFORE UPDATE ON tips
  WHEN NEW.id IS NOT OLD.id OR NEW.reference IS NOT OLD.reference OR NEW.received_at IS NOT OLD.received_at
    OR NEW.doc IS NOT OLD.doc
  BEGIN SELECT RAISE(ABORT, 'a tip is kept as received: only its state and case change'); END;
  CREATE TABLE tip_photos (
    tip_id TEXT PRIMARY KEY REFERENCES tips (id),
    content_type TEXT NOT NULL,
    data BLOB NOT NULL
  ) STRICT;
  CREATE TRIGGER tip_photos_never_changed BEFORE UPDATE ON tip_photos
  BEGIN SELECT RAISE(ABORT, 'tip photos are never changed'); END;
  CREATE TRIGGER tip_photos_never_deleted BEFORE DELETE ON tip_photos
  BEGIN SELECT RAISE(ABORT, 'tip photos are never deleted'); END;

  -- Inspectors' flags on certificates, kept as made (\`doc\`): only state and case change.
  CREATE TABLE flags (
    id TEXT PRIMARY KEY,
    public_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'in-case')),
    case_id TEXT,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX flags_created ON flags (created_at, id);
  CREATE INDEX flags_state ON flags (state, created_at, id);
  CREATE INDEX flags_certificate ON flags (public_id);
  CREATE TRIGGER flags_never_deleted BEFORE DELETE ON flags
  BEGIN SELECT RAISE(ABORT, 'flags are never deleted'); END;
  CREATE TRIGGER flags_kept_as_made BEFORE UPDATE ON flags
  WHEN NEW.id IS NOT OLD.id OR NEW.public_id IS NOT OLD.public_id OR NEW.created_at IS NOT OLD.created_at
    OR NEW.doc IS NOT OLD.doc
  BEGIN SELECT RAISE(ABORT, 'a flag is kept as made: only its state and case change'); END;

  -- Cases: each change is the next version of an open case; a decided case is final. Events append-only.
  CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('open', 'confirmed', 'dismissed')),
    assignee TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX cases_created ON cases (created_at, id);
  CREATE INDEX cases_state ON cases (state, created_at, id);
  CREATE INDEX cases_assignee ON cases (assignee, state, created_at, id);
  CREATE TRIGGER cases_never_deleted BEFORE DELETE ON cases
  BEGIN SELECT RAISE(ABORT, 'cases are never deleted'); END;
  CREATE TRIGGER cases_final_once_decided BEFORE UPDATE ON cases
  WHEN OLD.state IS NOT 'open' OR NEW.version IS NOT OLD.version + 1 OR NEW.id IS NOT OLD.id
    OR NEW.reference IS NOT OLD.reference OR NEW.created_at IS NOT OLD.created_at
  BEGIN SELECT RAISE(ABORT, 'a case changes only while open, one version at a time; a decided case is final'); END;
  CREATE TABLE case_events (
    seq INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX case_events_case ON case_events (case_id, seq);
  CREATE TRIGGER case_events_never_changed BEFORE UPDATE ON case_events
  BEGIN SELECT RAISE(ABORT, 'case events are never changed'); END;
  CREATE TRIGGER case_events_never_deleted BEFORE DELETE ON case_events
  BEGIN SELECT RAISE(ABORT, 'case events are never deleted'); END;
  `,
  `
  -- What a signal is about, as one value (credit levels read a subject's open signals).
  ALTER TABLE signals ADD COLUMN subject_ref TEXT
    GENERATED ALWAYS AS (json_extract(doc, '$.subject.kind') || ':' || json_extract(doc, '$.subject.key')) VIRTUAL;
  CREATE INDEX signals_subject ON signals (subject_ref, state);
  CREATE INDEX signals_body_state ON signals (body_code, state);
  `,
  `
  -- Each audit assignment carries its certificate's holder, so that the overlap query leaves out an
  -- auditor's audits of the same holder without reading the certificates (see findAuditAssignments).
  ALTER TABLE audit_assignments ADD COLUMN holder_credit_code TEXT;
  UPDATE audit_assignments SET holder_credit_code =
    (SELECT c.holder_credit_code FROM certificates c WHERE c.id = audit_assignments.certificate_id);
  `,
  `
  -- Volume per auditor-day: each body's certificates whose audit names its team, and their auditor-days
  -- (team members × audit days, both ends counted), beside the reported man-days.
  ALTER TABLE body_audit_volumes ADD COLUMN staffed INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE body_audit_volumes ADD COLUMN auditor_days REAL NOT NULL DEFAULT 0;
  UPDATE body_audit_volumes SET (staffed, auditor_days) = (
    SELECT count(*), coalesce(sum(json_array_length(c.doc, '$.audit.auditors') *
      (julianday(json_extract(c.doc, '$.audit.endDate')) - julianday(json_extract(c.doc, '$.audit.startDate')) + 1)), 0)
    FROM certificates c
    WHERE c.body_code = body_audit_volumes.body_code
      AND substr(json_extract(c.doc, '$.issueDate'), 1, 7) = body_audit_volumes.issue_month
      AND json_array_length(c.doc, '$.audit.auditors') > 0);
  -- A body's certificates by issue date (approval changes re-check the window they affect).
  CREATE INDEX certificates_body_issue ON certificates (body_code, json_extract(doc, '$.issueDate'), id);
  `,
  `
  -- The audit log's RFC 9162 Merkle tree (server/audit/merkle.ts): the hash of every perfect subtree, by
  -- its position in the order appends create them (see positionOf in the audit adapter), so that every
  -- append writes at the end of one B-tree. The adapter writes them with each entry and builds them for
  -- entries written before this table existed.
  CREATE TABLE audit_tree (
    pos INTEGER PRIMARY KEY,
    hash BLOB NOT NULL
  ) STRICT;
  -- Witnesses of the audit log (partner departments) and the latest checkpoint each one cosigned.
  CREATE TABLE audit_witnesses (
    name TEXT PRIMARY KEY,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE TABLE audit_cosignatures (
    witness TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    root_hash TEXT NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX audit_cosignatures_size ON audit_cosignatures (size, root_hash);
  `,
  // The auditor register (server/auditors): one row per registration number, the entry as JSON.
  `
  CREATE TABLE auditor_register (
    registration_number TEXT PRIMARY KEY,
    doc TEXT NOT NULL
  ) STRICT;
  `,
  `
  -- Statistics at a glance (server/stats): certificates counted by scheme, stored status, issue month and
  -- expiry date from one index, never from the rows. Virtual columns store nothing twice; a query naming
  -- them reads the index alone (an index on the json_extract expressions themselves still read every row).
  ALTER TABLE certificates ADD COLUMN stat_scheme TEXT GENERATED ALWAYS AS (json_extract(doc, '$.scheme')) VIRTUAL;
  ALTER TABLE certificates ADD COLUMN stat_status TEXT GENERATED ALWAYS AS (json_extract(doc, '$.status')) VIRTUAL;
  ALTER TABLE certificates ADD COLUMN stat_issue_month TEXT
    GENERATED ALWAYS AS (substr(json_extract(doc, '$.issueDate'), 1, 7)) VIRTUAL;
  ALTER TABLE certificates ADD COLUMN stat_expiry TEXT GENERATED ALWAYS AS (json_extract(doc, '$.expiryDate')) VIRTUAL;
  CREATE INDEX certificates_stats ON certificates (stat_scheme, stat_status, stat_issue_month, stat_expiry);

  -- Scans per day (China date), counted as scans are appended (server/qr): the statistics read one row a
  -- day, never the scans. Days before this table are counted from the scans once, here.
  CREATE TABLE scan_days (
    day TEXT PRIMARY KEY,
    scans INTEGER NOT NULL
  ) STRICT;
  INSERT INTO scan_days (day, scans) SELECT date(at, '+8 hours'), count(*) FROM scans GROUP BY 1;
  `,
  `
  -- Bodies' public commitments (承诺书), every version kept (server/bodies/commitment-repository.ts).
  CREATE TABLE body_commitments (
    body_code TEXT NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (body_code, version)
  ) STRICT;
  `,
  `
  -- Evidence attachments of cases (photos, PDF): what is known of each in \`doc\`, its bytes in \`data\`.
  -- Written once, never changed or deleted (like tip photos).
  CREATE TABLE case_attachments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    data BLOB NOT NULL
  ) STRICT;
  CREATE INDEX case_attachments_case ON case_attachments (case_id, uploaded_at, id);
  CREATE TRIGGER case_attachments_never_changed BEFORE UPDATE ON case_attachments
  BEGIN SELECT RAISE(ABORT, 'case attachments are never changed'); END;
  CREATE TRIGGER case_attachments_never_deleted BEFORE DELETE ON case_attachments
  BEGIN SELECT RAISE(ABORT, 'case attachments are never deleted'); END;
  `,
  `
  -- Upload row errors in both languages, with the column as the file names it: message stays the
  -- English, message_zh is the Chinese, header the header cell as written (NULL in older reports).
  ALTER TABLE upload_errors ADD COLUMN message_zh TEXT;
  ALTER TABLE upload_errors ADD COLUMN header TEXT;
  `,
  `
  -- The inspector an inspector token belongs to (directory id), the link cases name who acted by. NULL
  -- for other roles and for tokens issued before it (server/bodies/sqlite-token-repository.ts).
  ALTER TABLE tokens ADD COLUMN inspector_id TEXT;
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
 * What it creates is its owner's only: the directory 0700, the file 0600 (SQLite gives its -wal and -shm
 * files the database file's mode). `:memory:` as dataDir gives a private in-memory database (tests of
 * pure logic only).
 */
export function openSqlite(dataDir: string): SqliteDatabase {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    file = path.join(dataDir, REGISTRY_FILE);
    // An empty file is a valid new database; created here so that its mode is ours, not the umask's.
    try {
      fs.closeSync(fs.openSync(file, 'wx', 0o600));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
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
