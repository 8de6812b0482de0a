import type { SqliteDatabase } from '../platform/sqlite';
import type { DrawRepository, HolderCertificate } from './draw-repository';
import { drawResultSchema, drawSnapshotSchema, storedDrawSchema, type StoredDraw } from './draw-schema';

/** Certificates per page of `holderCertificates`, unless the repository is opened with another. */
export const HOLDER_PAGE = 5000;

interface CertificateRow {
  id: number;
  creditCode: string;
  holderName: string;
  bodyCode: string;
  scheme: string;
  status: string;
  expiryDate: string;
  updatedAt: string;
}

const CERTIFICATE_COLUMNS = `id, holder_credit_code AS creditCode, body_code AS bodyCode,
  json_extract(doc, '$.holder.name') AS holderName, json_extract(doc, '$.scheme') AS scheme,
  json_extract(doc, '$.status') AS status, json_extract(doc, '$.expiryDate') AS expiryDate,
  json_extract(doc, '$.updatedAt') AS updatedAt`;

function toHolderCertificate(row: CertificateRow): HolderCertificate {
  return {
    creditCode: row.creditCode,
    holderName: row.holderName,
    bodyCode: row.bodyCode,
    scheme: row.scheme,
    status: row.status,
    expiryDate: row.expiryDate,
    updatedAt: row.updatedAt,
  };
}

/**
 * Draws in the registry file: table `draws` (the plan as JSON, its snapshot as JSON apart so lists never
 * read it) and the append-only table `draw_results`. Holder populations read the `certificates` table,
 * `holderPage` certificates a page (tests cross pages with a small one).
 */
export function createSqliteDrawRepository(
  db: SqliteDatabase,
  { holderPage = HOLDER_PAGE }: { holderPage?: number } = {},
): DrawRepository {
  const insert = db.prepare<[string, string, string, string, string]>(
    'INSERT INTO draws (id, created_at, state, doc, snapshot) VALUES (?, ?, ?, ?, ?)',
  );
  const byId = db.prepare<[string], { doc: string }>('SELECT doc FROM draws WHERE id = ?');
  const snapshotOf = db.prepare<[string], { snapshot: string }>('SELECT snapshot FROM draws WHERE id = ?');
  // rowid breaks ties between plans created in the same millisecond: the later insert is the newer.
  const page = db.prepare<[number, number], { doc: string }>(
    'SELECT doc FROM draws ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?',
  );
  const pageInState = db.prepare<[string, number, number], { doc: string }>(
    'SELECT doc FROM draws WHERE state = ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM draws');
  const countInState = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM draws WHERE state = ?');
  // Only a plan still published is touched: the first execution is the one that stays.
  const execute = db.prepare<[string, string]>(
    `UPDATE draws SET state = 'executed', doc = json_set(doc, '$.state', 'executed', '$.execution', json(?))
     WHERE id = ? AND state = 'published'`,
  );
  const insertResult = db.prepare<[string, string]>('INSERT INTO draw_results (draw_id, doc) VALUES (?, ?)');
  const resultsOf = db.prepare<[string], { doc: string }>(
    'SELECT doc FROM draw_results WHERE draw_id = ? ORDER BY seq',
  );
  // Keyset pages by id: no statement stays open between pages, so other requests can use the connection.
  const certificates = db.prepare<[number, number], CertificateRow>(
    `SELECT ${CERTIFICATE_COLUMNS} FROM certificates WHERE id > ? ORDER BY id LIMIT ?`,
  );
  const certificatesOfBodies = db.prepare<[string, number, number], CertificateRow>(
    `SELECT ${CERTIFICATE_COLUMNS} FROM certificates
     WHERE body_code IN (SELECT value FROM json_each(?)) AND id > ? ORDER BY id LIMIT ?`,
  );
  const parse = (doc: string): StoredDraw => storedDrawSchema.parse(JSON.parse(doc));

  return {
    async create(draw, snapshot) {
      insert.run(draw.id, draw.createdAt, draw.state, JSON.stringify(draw), JSON.stringify(snapshot));
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? parse(row.doc) : undefined;
    },
    async snapshot(id) {
      const row = snapshotOf.get(id);
      return row ? drawSnapshotSchema.parse(JSON.parse(row.snapshot)) : undefined;
    },
    async list({ limit, offset }, state) {
      const rows = state === undefined ? page.all(limit, offset) : pageInState.all(state, limit, offset);
      return rows.map((r) => parse(r.doc));
    },
    async count(state) {
      return ((state === undefined ? countAll.get() : countInState.get(state)) as { n: number }).n;
    },
    async markExecuted(id, execution) {
      return execute.run(JSON.stringify(execution), id).changes > 0;
    },
    async appendResult(id, result) {
      insertResult.run(id, JSON.stringify(result));
    },
    async results(id) {
      return resultsOf.all(id).map((r) => drawResultSchema.parse(JSON.parse(r.doc)));
    },
    async *holderCertificates(filter) {
      const bodies = filter.bodyCodes === undefined ? undefined : JSON.stringify(filter.bodyCodes);
      let after = 0;
      for (;;) {
        const rows =
          bodies === undefined
            ? certificates.all(after, holderPage)
            : certificatesOfBodies.all(bodies, after, holderPage);
        for (const row of rows) yield toHolderCertificate(row);
        if (rows.length < holderPage) return;
        after = (rows[rows.length - 1] as CertificateRow).id;
      }
    },
  };
}
