import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../platform/sqlite';
import type { SignalFilter, SignalRepository } from './signal-repository';
import { signalDraftSchema, signalSchema, type Signal, type SignalDraft } from './signal-schema';

/**
 * The WHERE clause and parameters of a filter. Each filter is one column of an index that leads with it,
 * so the planner walks the most selective one in (last_raised_at, id) order.
 */
function whereOf(filter: SignalFilter): { sql: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  const add = (clause: string, value: string | undefined) => {
    if (value === undefined) return;
    clauses.push(clause);
    params.push(value);
  };
  add('s.rule_id = ?', filter.ruleId);
  add('s.severity = ?', filter.severity);
  add('s.state = ?', filter.state);
  add('s.body_code = ?', filter.bodyCode);
  add('s.last_raised_at >= ?', filter.since);
  add('s.id IN (SELECT signal_id FROM signal_certificates WHERE public_id = ?)', filter.certificatePublicId);
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** Risk signals in the registry file (tables `signals` and `signal_certificates`). */
export function createSqliteSignalRepository(db: SqliteDatabase): SignalRepository {
  const byId = db.prepare<[string], { doc: string }>('SELECT doc FROM signals WHERE id = ?');
  const byKey = db.prepare<[string], { doc: string }>('SELECT doc FROM signals WHERE dedup_key = ?');
  const storedKeys = db
    .prepare<[string], string>(
      'SELECT dedup_key FROM signals WHERE dedup_key IN (SELECT value FROM json_each(?))',
    )
    .pluck();
  const insert = db.prepare<[string, string, string, string, string, string | null, string, string]>(
    `INSERT INTO signals (id, dedup_key, rule_id, severity, state, body_code, last_raised_at, doc)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare<[string, string, string | null, string, string, string]>(
    'UPDATE signals SET severity = ?, state = ?, body_code = ?, last_raised_at = ?, doc = ? WHERE id = ?',
  );
  const linkCertificate = db.prepare<[string, string]>(
    'INSERT OR IGNORE INTO signal_certificates (public_id, signal_id) VALUES (?, ?)',
  );
  const unlinkCertificates = db.prepare<[string]>('DELETE FROM signal_certificates WHERE signal_id = ?');
  const openConcerning = db.prepare<[string, string], { doc: string }>(
    `SELECT doc FROM signals WHERE state = 'open' AND subject_ref IN (SELECT value FROM json_each(?))
     UNION
     SELECT doc FROM signals WHERE state = 'open' AND body_code IN (SELECT value FROM json_each(?))`,
  );
  // One prepared statement per combination of filters, prepared on first use.
  const statements = new Map<string, Statement<unknown[], { doc: string } | { n: number }>>();
  const prepared = <R>(sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement as unknown as Statement<unknown[], R>;
  };
  // Read back through the schema, so a damaged row fails loudly instead of reaching the queue half-read.
  const parse = (doc: string): Signal => signalSchema.parse(JSON.parse(doc));

  function write(signal: Signal, created: boolean): void {
    const doc = JSON.stringify(signal);
    if (created) {
      insert.run(
        signal.id,
        signal.dedupKey,
        signal.ruleId,
        signal.severity,
        signal.state,
        signal.bodyCode ?? null,
        signal.lastRaisedAt,
        doc,
      );
    } else {
      update.run(signal.severity, signal.state, signal.bodyCode ?? null, signal.lastRaisedAt, doc, signal.id);
      unlinkCertificates.run(signal.id);
    }
    for (const publicId of signal.certificatePublicIds) linkCertificate.run(publicId, signal.id);
  }

  const raiseAll = db.transaction((drafts: ReadonlyArray<{ id: string; draft: SignalDraft }>, at: string) => {
    // The signal of each key as this call leaves it: a key raised twice answers its final state twice.
    const current = new Map<string, Signal>();
    const outcomes = drafts.map(({ id, draft }) => {
      const parsed = signalDraftSchema.parse(draft);
      const row = current.has(parsed.dedupKey) ? undefined : byKey.get(parsed.dedupKey);
      const stored = current.get(parsed.dedupKey) ?? (row ? parse(row.doc) : undefined);
      if (!stored) {
        const signal: Signal = {
          ...parsed,
          id,
          state: 'open',
          firstRaisedAt: at,
          lastRaisedAt: at,
          occurrences: 1,
        };
        write(signal, true);
        current.set(parsed.dedupKey, signal);
        return { key: parsed.dedupKey, created: true };
      }
      const { id: keptId, state, caseId, firstRaisedAt, occurrences } = stored;
      const signal: Signal = {
        ...parsed,
        id: keptId,
        state,
        ...(caseId === undefined ? {} : { caseId }),
        firstRaisedAt,
        lastRaisedAt: at,
        occurrences: occurrences + 1,
      };
      write(signal, false);
      current.set(parsed.dedupKey, signal);
      return { key: parsed.dedupKey, created: false };
    });
    return outcomes.map(({ key, created }) => ({ signal: current.get(key) as Signal, created }));
  });

  const setStates = db.transaction(
    (
      ids: readonly string[],
      state: Signal['state'],
      caseId: string | undefined,
      onlyFrom?: readonly string[],
    ) => {
      const moved: Signal[] = [];
      for (const id of new Set(ids)) {
        const row = byId.get(id);
        if (!row) continue;
        const { caseId: _previous, ...signal } = parse(row.doc);
        if (onlyFrom && !onlyFrom.includes(signal.state)) continue;
        const next: Signal =
          state === 'in-case' && caseId !== undefined ? { ...signal, state, caseId } : { ...signal, state };
        update.run(
          next.severity,
          next.state,
          next.bodyCode ?? null,
          next.lastRaisedAt,
          JSON.stringify(next),
          id,
        );
        moved.push(next);
      }
      return moved;
    },
  );

  return {
    async raise(drafts, at) {
      return raiseAll(drafts, at);
    },

    async findDedupKeys(keys) {
      return keys.length === 0 ? [] : storedKeys.all(JSON.stringify([...new Set(keys)]));
    },

    async findById(id) {
      const row = byId.get(id);
      return row ? parse(row.doc) : undefined;
    },

    async list(filter, page) {
      const { sql, params } = whereOf(filter);
      const items = prepared<{ doc: string }>(
        `SELECT s.doc FROM signals s ${sql} ORDER BY s.last_raised_at DESC, s.id DESC LIMIT ? OFFSET ?`,
      )
        .all(...params, page.limit, page.offset)
        .map((r) => parse(r.doc));
      const { n } = prepared<{ n: number }>(`SELECT count(*) AS n FROM signals s ${sql}`).get(...params) as {
        n: number;
      };
      return { items, total: n };
    },

    async setState(ids, state, caseId, onlyFrom) {
      return setStates(ids, state, caseId, onlyFrom);
    },

    async findOpenConcerning({ creditCodes, bodyCodes }) {
      if (creditCodes.length === 0 && bodyCodes.length === 0) return [];
      const refs = creditCodes.map((code) => `organisation:${code}`);
      return openConcerning.all(JSON.stringify(refs), JSON.stringify(bodyCodes)).map((r) => parse(r.doc));
    },
  };
}
