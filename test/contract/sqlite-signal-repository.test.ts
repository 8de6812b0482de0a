import { createSqliteSignalRepository } from '../../server/signals/sqlite-signal-repository';
import { eachSqliteFile, openSqliteRepository } from '../helpers/sqlite-harness';
import { signalRepositoryContract } from './signal-repository.contract';

signalRepositoryContract({
  name: 'sqlite',
  options: {},
  open: openSqliteRepository(createSqliteSignalRepository),
});

describe('SQLite signal repository', () => {
  const file = eachSqliteFile();

  const draft = {
    ruleId: 'issued-before-audit-end',
    severity: 'high' as const,
    subject: { kind: 'certificate' as const, key: 'AAAAAAAAAAAAAAAAAAAAAA' },
    dedupKey: 'issued-before-audit-end:AAAAAAAAAAAAAAAAAAAAAA:2025-01-08:2025-01-09',
    summary: 'Issued before the audit ended.',
    evidence: {},
  };
  const id = 'BBBBBBBBBBBBBBBBBBBBBB';

  test('when a signal is deleted or its key changed in the file, then the database refuses', async () => {
    await createSqliteSignalRepository(file.db).raise([{ id, draft }], '2026-03-01T00:00:00.000Z');
    expect(() => file.db.prepare('DELETE FROM signals WHERE id = ?').run(id)).toThrow(/never deleted/);
    expect(() => file.db.prepare("UPDATE signals SET dedup_key = 'other' WHERE id = ?").run(id)).toThrow(
      /keeps its id and dedup key/,
    );
  });

  test('when a stored row is damaged, then reading it fails loudly instead of reaching the queue half-read', async () => {
    const repo = createSqliteSignalRepository(file.db);
    await repo.raise([{ id, draft }], '2026-03-01T00:00:00.000Z');
    file.db.prepare("UPDATE signals SET doc = json_set(doc, '$.severity', 'severe') WHERE id = ?").run(id);
    await expect(repo.findById(id)).rejects.toThrow();
    await expect(repo.list({}, { offset: 0, limit: 10 })).rejects.toThrow();
  });

  test('when the queue is filtered by state, then the state index answers it', () => {
    const plan = file.db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT s.doc FROM signals s WHERE s.state = 'open' ORDER BY s.last_raised_at DESC, s.id DESC LIMIT 20",
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX signals_state/);
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
  });
});
