import type { SqliteDatabase } from '../platform/sqlite';
import type { CaseRepository } from './case-repository';
import { caseEventSchema, caseRecordSchema, type Case, type CaseEvent, type CaseRecord } from './case-schema';

interface CaseRow {
  id: string;
  doc: string;
}

interface EventRow {
  case_id: string;
  doc: string;
}

/**
 * Cases in the registry file (tables `cases`, `case_events`). The case is JSON in `doc`, with the
 * columns its queries need; the schema's triggers refuse any change to a decided case, any change that
 * is not the next version, every delete, and any change or delete of an event.
 */
export function createSqliteCaseRepository(db: SqliteDatabase): CaseRepository {
  const insertCase = db.prepare<[string, string, string, string | null, number, string, string]>(
    `INSERT INTO cases (id, reference, state, assignee, version, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEvent = db.prepare<[string, string]>('INSERT INTO case_events (case_id, doc) VALUES (?, ?)');
  const byId = db.prepare<[string], CaseRow>('SELECT id, doc FROM cases WHERE id = ?');
  const eventsOf = db.prepare<[string], EventRow>(
    `SELECT case_id, doc FROM case_events WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY seq`,
  );
  const replace = db.prepare<[string, string | null, number, string, string, number]>(
    `UPDATE cases SET state = ?, assignee = ?, version = ?, doc = ? WHERE id = ? AND version = ? AND state = 'open'`,
  );
  const pageStatements = (where: string) => ({
    rows: db.prepare<unknown[], CaseRow>(
      `SELECT id, doc FROM cases ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
    ),
    count: db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM cases ${where}`),
  });
  // Only these fixed fragments: the values are always bound.
  const pages = {
    all: pageStatements(''),
    state: pageStatements('WHERE state = ?'),
    assignee: pageStatements('WHERE assignee = ?'),
    both: pageStatements('WHERE state = ? AND assignee = ?'),
  };

  /** The cases of these rows, each with its events (read in one statement), checked on the way out. */
  function withEvents(rows: CaseRow[]): Case[] {
    const events = new Map<string, CaseEvent[]>(rows.map((r) => [r.id, []]));
    for (const e of eventsOf.all(JSON.stringify(rows.map((r) => r.id)))) {
      events.get(e.case_id)?.push(caseEventSchema.parse(JSON.parse(e.doc)));
    }
    return rows.map((r) => ({
      ...caseRecordSchema.parse(JSON.parse(r.doc)),
      events: events.get(r.id) ?? [],
    }));
  }

  /** As JSON keeps it: an absent optional member reads back absent, not undefined. */
  const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

  const create = db.transaction((record: CaseRecord, event: CaseEvent) => {
    insertCase.run(
      record.id,
      record.reference,
      record.state,
      record.assignee ?? null,
      record.version,
      record.createdAt,
      JSON.stringify(record),
    );
    insertEvent.run(record.id, JSON.stringify(event));
  });

  const update = db.transaction((record: CaseRecord, event: CaseEvent): boolean => {
    const { changes } = replace.run(
      record.state,
      record.assignee ?? null,
      record.version,
      JSON.stringify(record),
      record.id,
      record.version - 1,
    );
    if (changes !== 1) return false;
    insertEvent.run(record.id, JSON.stringify(event));
    return true;
  });

  async function findById(id: string): Promise<Case | undefined> {
    const row = byId.get(id);
    return row ? withEvents([row])[0] : undefined;
  }

  return {
    async create(record, event) {
      create(record, event);
      return plain({ ...record, events: [event] });
    },

    findById,

    async list({ state, assignee }, { offset, limit }) {
      const name = state && assignee ? 'both' : state ? 'state' : assignee ? 'assignee' : 'all';
      const values = [state, assignee].filter((v) => v !== undefined);
      const { rows, count } = pages[name];
      const found = rows.all(...values, limit, offset);
      const total = count.get(...values)?.n ?? 0;
      return { items: withEvents(found), total };
    },

    async update(record, event) {
      return update(record, event) ? findById(record.id) : undefined;
    },
  };
}
