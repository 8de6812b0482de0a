import type { SqliteDatabase } from '../platform/sqlite';
import type { FlagRepository } from './flag-repository';
import { flagSchema, type Flag } from './flag-schema';

interface FlagRow {
  state: string;
  case_id: string | null;
  doc: string;
}

const COLUMNS = 'state, case_id, doc';
const NEWEST_FIRST = 'ORDER BY created_at DESC, id DESC';

/**
 * Flags in the registry file (table `flags`). The flag as made is JSON in `doc`; its state and case are
 * columns, the only ones that ever change (the schema's triggers refuse any other update, and every delete).
 */
export function createSqliteFlagRepository(db: SqliteDatabase): FlagRepository {
  const insert = db.prepare<[string, string, string, string | null, string, string]>(
    'INSERT INTO flags (id, public_id, state, case_id, created_at, doc) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byId = db.prepare<[string], FlagRow>(`SELECT ${COLUMNS} FROM flags WHERE id = ?`);
  const page = db.prepare<[number, number], FlagRow>(
    `SELECT ${COLUMNS} FROM flags ${NEWEST_FIRST} LIMIT ? OFFSET ?`,
  );
  const pageOfState = db.prepare<[string, number, number], FlagRow>(
    `SELECT ${COLUMNS} FROM flags WHERE state = ? ${NEWEST_FIRST} LIMIT ? OFFSET ?`,
  );
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM flags');
  const countOfState = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM flags WHERE state = ?');
  // The ids come as one JSON array parameter: any number of them, one statement, no string building.
  const move = db.prepare<[string, string | null, string]>(
    'UPDATE flags SET state = ?, case_id = ? WHERE id IN (SELECT value FROM json_each(?))',
  );
  const byIds = db.prepare<[string], FlagRow>(
    `SELECT ${COLUMNS} FROM flags WHERE id IN (SELECT value FROM json_each(?))`,
  );

  // Checked on the way out: a damaged row fails loudly instead of reaching an inspector half-read.
  const toFlag = (row: FlagRow): Flag =>
    flagSchema.parse({
      ...(JSON.parse(row.doc) as object),
      state: row.state,
      ...(row.case_id === null ? {} : { caseId: row.case_id }),
    });

  return {
    async create(flag) {
      const { state, caseId, ...doc } = flag;
      insert.run(flag.id, flag.publicId, state, caseId ?? null, flag.createdAt, JSON.stringify(doc));
      // As JSON keeps it: an absent optional member reads back absent, not undefined.
      return flagSchema.parse(JSON.parse(JSON.stringify(flag)));
    },

    async findById(id) {
      const row = byId.get(id);
      return row ? toFlag(row) : undefined;
    },

    async list({ state }, { offset, limit }) {
      const rows = state === undefined ? page.all(limit, offset) : pageOfState.all(state, limit, offset);
      const total = (state === undefined ? count.get() : countOfState.get(state))?.n ?? 0;
      return { items: rows.map(toFlag), total };
    },

    async setState(ids, state, caseId) {
      if (ids.length === 0) return [];
      const json = JSON.stringify(ids);
      move.run(state, state === 'in-case' ? (caseId ?? null) : null, json);
      return byIds.all(json).map(toFlag);
    },
  };
}
