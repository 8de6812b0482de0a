import type { SqliteDatabase } from '../platform/sqlite';
import type { TipRepository } from './tip-repository';
import { photoTypeSchema, tipSchema, type Tip } from './tip-schema';

interface TipRow {
  state: string;
  case_id: string | null;
  doc: string;
}

const COLUMNS = 'state, case_id, doc';
const NEWEST_FIRST = 'ORDER BY received_at DESC, id DESC';

/**
 * Tips in the registry file (tables `tips`, `tip_photos`). The tip as received is JSON in `doc`; its
 * state and case are columns, the only ones that ever change (the schema's triggers refuse any other
 * update, and every delete). Photos are blobs in their own table, written once.
 */
export function createSqliteTipRepository(db: SqliteDatabase): TipRepository {
  const insertTip = db.prepare<[string, string, string, string | null, string, string]>(
    'INSERT INTO tips (id, reference, state, case_id, received_at, doc) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertPhoto = db.prepare<[string, string, Buffer]>(
    'INSERT INTO tip_photos (tip_id, content_type, data) VALUES (?, ?, ?)',
  );
  const byId = db.prepare<[string], TipRow>(`SELECT ${COLUMNS} FROM tips WHERE id = ?`);
  const byReference = db.prepare<[string], TipRow>(`SELECT ${COLUMNS} FROM tips WHERE reference = ?`);
  const page = db.prepare<[number, number], TipRow>(
    `SELECT ${COLUMNS} FROM tips ${NEWEST_FIRST} LIMIT ? OFFSET ?`,
  );
  const pageOfState = db.prepare<[string, number, number], TipRow>(
    `SELECT ${COLUMNS} FROM tips WHERE state = ? ${NEWEST_FIRST} LIMIT ? OFFSET ?`,
  );
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tips');
  const countOfState = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM tips WHERE state = ?');
  const photoOf = db.prepare<[string], { content_type: string; data: Buffer }>(
    'SELECT content_type, data FROM tip_photos WHERE tip_id = ?',
  );
  // The ids come as one JSON array parameter: any number of them, one statement, no string building.
  // One statement each: the state a tip must be in is checked in the write that moves it, and RETURNING
  // answers exactly the rows it moved.
  const move = db.prepare<[string, string | null, string], TipRow>(
    `UPDATE tips SET state = ?, case_id = ? WHERE id IN (SELECT value FROM json_each(?)) RETURNING ${COLUMNS}`,
  );
  const moveFrom = db.prepare<[string, string | null, string, string], TipRow>(
    `UPDATE tips SET state = ?, case_id = ? WHERE id IN (SELECT value FROM json_each(?)) AND state = ?
     RETURNING ${COLUMNS}`,
  );

  // Checked on the way out: a damaged row fails loudly instead of reaching an inspector half-read.
  const toTip = (row: TipRow): Tip =>
    tipSchema.parse({
      ...(JSON.parse(row.doc) as object),
      state: row.state,
      ...(row.case_id === null ? {} : { caseId: row.case_id }),
    });

  const create = db.transaction((tip: Tip, photo?: { contentType: string; data: Buffer }) => {
    const { state, caseId, ...doc } = tip;
    insertTip.run(tip.id, tip.reference, state, caseId ?? null, tip.receivedAt, JSON.stringify(doc));
    if (photo) insertPhoto.run(tip.id, photo.contentType, photo.data);
  });

  return {
    async create(tip, photo) {
      create(tip, photo);
      // As JSON keeps it: an absent optional member reads back absent, not undefined.
      return tipSchema.parse(JSON.parse(JSON.stringify(tip)));
    },

    async findById(id) {
      const row = byId.get(id);
      return row ? toTip(row) : undefined;
    },

    async findByReference(reference) {
      const row = byReference.get(reference);
      return row ? toTip(row) : undefined;
    },

    async list({ state }, { offset, limit }) {
      const rows = state === undefined ? page.all(limit, offset) : pageOfState.all(state, limit, offset);
      const total = (state === undefined ? count.get() : countOfState.get(state))?.n ?? 0;
      return { items: rows.map(toTip), total };
    },

    async findPhoto(id) {
      const row = photoOf.get(id);
      return row ? { contentType: photoTypeSchema.parse(row.content_type), data: row.data } : undefined;
    },

    async setState(ids, state, { caseId, onlyFrom } = {}) {
      if (ids.length === 0) return [];
      const json = JSON.stringify(ids);
      const nextCase = state === 'in-case' ? (caseId ?? null) : null;
      const rows =
        onlyFrom === undefined
          ? move.all(state, nextCase, json)
          : moveFrom.all(state, nextCase, json, onlyFrom);
      return rows.map(toTip);
    },
  };
}
