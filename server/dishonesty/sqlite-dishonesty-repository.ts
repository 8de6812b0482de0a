import type { SqliteDatabase } from '../platform/sqlite';
import type { DishonestyRepository } from './dishonesty-repository';
import {
  bodyCodeOf,
  dishonestyRecordSchema,
  repairDecisionSchema,
  repairSchema,
  subjectKey,
  type DishonestyRecord,
  type Repair,
} from './dishonesty-schema';

interface RecordRow {
  state: string;
  superseded_by: string | null;
  doc: string;
}

interface RepairRow {
  doc: string;
  decision: string | null;
}

const RECORD_COLUMNS = 'state, superseded_by, doc';
const NEWEST_FIRST = 'ORDER BY start_date DESC, created_at DESC, id DESC';

/**
 * Dishonesty records and repairs in the registry file (tables `dishonesty_records`, `dishonesty_repairs`).
 * The record as created is kept as JSON in `doc`; its state and what superseded it are columns, the only
 * ones that ever change (the schema's triggers refuse any other update, and every delete).
 */
export function createSqliteDishonestyRepository(db: SqliteDatabase): DishonestyRepository {
  const insertRecord = db.prepare<[string, string, string, string | null, string, string, string, string]>(
    `INSERT INTO dishonesty_records (id, kind, subject_key, body_code, start_date, created_at, state, doc)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const recordById = db.prepare<[string], RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM dishonesty_records WHERE id = ?`,
  );
  const listedPage = db.prepare<[number, number], RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM dishonesty_records WHERE state = 'listed' ${NEWEST_FIRST} LIMIT ? OFFSET ?`,
  );
  const listedPageOfKind = db.prepare<[string, number, number], RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM dishonesty_records WHERE state = 'listed' AND kind = ?
     ${NEWEST_FIRST} LIMIT ? OFFSET ?`,
  );
  const countListed = db.prepare<[], { n: number }>(
    "SELECT count(*) AS n FROM dishonesty_records WHERE state = 'listed'",
  );
  const countListedOfKind = db.prepare<[string], { n: number }>(
    "SELECT count(*) AS n FROM dishonesty_records WHERE state = 'listed' AND kind = ?",
  );
  // An organisation's records by credit code: the subject index.
  const listedOfCreditCode = db.prepare<[string, number, number], RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM dishonesty_records WHERE kind = 'organisation' AND subject_key = ?
     AND state = 'listed' ${NEWEST_FIRST} LIMIT ? OFFSET ?`,
  );
  const countListedOfCreditCode = db.prepare<[string], { n: number }>(
    `SELECT count(*) AS n FROM dishonesty_records WHERE kind = 'organisation' AND subject_key = ? AND state = 'listed'`,
  );
  // Part of a name: checked on the listed records (the public list, not the registry), newest first.
  const NAME_MATCH = `state = 'listed' AND (@kind IS NULL OR kind = @kind)
     AND instr(lower(doc ->> '$.subject.name'), @name) > 0`;
  const listedByName = db.prepare<
    [{ kind: string | null; name: string; limit: number; offset: number }],
    RecordRow
  >(
    `SELECT ${RECORD_COLUMNS} FROM dishonesty_records WHERE ${NAME_MATCH} ${NEWEST_FIRST} LIMIT @limit OFFSET @offset`,
  );
  const countListedByName = db.prepare<[{ kind: string | null; name: string }], { n: number }>(
    `SELECT count(*) AS n FROM dishonesty_records WHERE ${NAME_MATCH}`,
  );
  // The codes come as one JSON array parameter: any number of them, one statement, no string building.
  const listedConcerning = db.prepare<[string, string], RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM dishonesty_records
     WHERE state = 'listed' AND kind = 'organisation' AND subject_key IN (SELECT value FROM json_each(?))
     UNION
     SELECT ${RECORD_COLUMNS} FROM dishonesty_records
     WHERE state = 'listed' AND body_code IN (SELECT value FROM json_each(?))`,
  );
  // The lookup path asks about one holder (its body's listing is cached longer): no json_each, no UNION.
  const listedOrganisation = db.prepare<[string], RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM dishonesty_records
     WHERE state = 'listed' AND kind = 'organisation' AND subject_key = ?`,
  );
  // An auditor's records: the subject index (kind, subject key = registration number, state).
  const listedOfAuditor = db.prepare<[string], RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM dishonesty_records
     WHERE kind = 'auditor' AND subject_key = ? AND state = 'listed' ${NEWEST_FIRST}`,
  );
  const markRepaired = db.prepare<[string, string]>(
    `UPDATE dishonesty_records SET state = 'repaired', superseded_by = ? WHERE id = ? AND state = 'listed'`,
  );

  const insertRepair = db.prepare<[string, string, string, string]>(
    `INSERT INTO dishonesty_repairs (id, record_id, requested_at, doc) VALUES (?, ?, ?, ?)
     ON CONFLICT (record_id) WHERE decision IS NULL DO NOTHING`,
  );
  const repairsOf = db.prepare<[string], RepairRow>(
    'SELECT doc, decision FROM dishonesty_repairs WHERE record_id = ? ORDER BY requested_at, rowid',
  );
  const repairById = db.prepare<[string, string], RepairRow>(
    'SELECT doc, decision FROM dishonesty_repairs WHERE id = ? AND record_id = ?',
  );
  const openRepairs = db.prepare<[string], RepairRow>(
    `SELECT doc, decision FROM dishonesty_repairs
     WHERE decision IS NULL AND record_id IN (SELECT value FROM json_each(?))`,
  );
  const decide = db.prepare<[string, string, string]>(
    'UPDATE dishonesty_repairs SET decision = ? WHERE id = ? AND record_id = ? AND decision IS NULL',
  );

  // Optional members are added only when present: an absent one must not read back as `undefined`.
  const toRecord = (row: RecordRow): DishonestyRecord =>
    dishonestyRecordSchema.parse({
      ...(JSON.parse(row.doc) as object),
      state: row.state,
      ...(row.superseded_by === null ? {} : { supersededBy: JSON.parse(row.superseded_by) }),
    });
  const toRepair = (row: RepairRow): Repair =>
    repairSchema.parse({
      ...(JSON.parse(row.doc) as object),
      ...(row.decision === null ? {} : { decision: repairDecisionSchema.parse(JSON.parse(row.decision)) }),
    });
  /** A value with its undefined members dropped, as JSON keeps it (what `findById` gives back). */
  const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

  return {
    async create(record) {
      const { state, supersededBy: _s, ...doc } = record;
      insertRecord.run(
        record.id,
        record.subject.kind,
        subjectKey(record.subject),
        bodyCodeOf(record.subject) ?? null,
        record.startDate,
        record.createdAt,
        state,
        JSON.stringify(doc),
      );
      return plain(record);
    },

    async findById(id) {
      const row = recordById.get(id);
      return row ? toRecord(row) : undefined;
    },

    async listListed({ kind, match, offset, limit }) {
      if (match && 'creditCode' in match) {
        // Only organisations carry a credit code.
        if (kind !== undefined && kind !== 'organisation') return { items: [], total: 0 };
        const rows = listedOfCreditCode.all(match.creditCode, limit, offset);
        return { items: rows.map(toRecord), total: countListedOfCreditCode.get(match.creditCode)?.n ?? 0 };
      }
      if (match) {
        const params = { kind: kind ?? null, name: match.name };
        const rows = listedByName.all({ ...params, limit, offset });
        return { items: rows.map(toRecord), total: countListedByName.get(params)?.n ?? 0 };
      }
      const rows =
        kind === undefined ? listedPage.all(limit, offset) : listedPageOfKind.all(kind, limit, offset);
      const count = kind === undefined ? countListed.get() : countListedOfKind.get(kind);
      return { items: rows.map(toRecord), total: count?.n ?? 0 };
    },

    async findListedConcerning({ creditCodes, bodyCodes }) {
      if (creditCodes.length === 0 && bodyCodes.length === 0) return [];
      if (creditCodes.length === 1 && bodyCodes.length === 0) {
        return listedOrganisation.all(creditCodes[0] as string).map(toRecord);
      }
      return listedConcerning.all(JSON.stringify(creditCodes), JSON.stringify(bodyCodes)).map(toRecord);
    },

    async findListedAboutAuditor(registrationNumber) {
      return listedOfAuditor.all(registrationNumber).map(toRecord);
    },

    async createRepair(repair) {
      const { decision: _d, ...doc } = repair;
      const result = insertRepair.run(repair.id, repair.recordId, repair.requestedAt, JSON.stringify(doc));
      return result.changes === 1 ? plain(doc) : undefined;
    },

    async listRepairs(recordId) {
      return repairsOf.all(recordId).map(toRepair);
    },

    async findOpenRepairs(recordIds) {
      if (recordIds.length === 0) return [];
      return openRepairs.all(JSON.stringify(recordIds)).map(toRepair);
    },

    async decideRepair(recordId, repairId, decision) {
      return db.transaction(() => {
        if (decide.run(JSON.stringify(decision), repairId, recordId).changes !== 1) return undefined;
        if (decision.outcome === 'approved') {
          markRepaired.run(JSON.stringify({ repairId, decidedAt: decision.decidedAt }), recordId);
        }
        const record = recordById.get(recordId);
        const repair = repairById.get(repairId, recordId);
        return record && repair ? { record: toRecord(record), repair: toRepair(repair) } : undefined;
      })();
    },
  };
}
