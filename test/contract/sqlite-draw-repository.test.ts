import fs from 'node:fs';
import { sqliteStoresOn } from '../../server/composition/stores';
import { openSqlite } from '../../server/platform/sqlite';
import { createSqliteDrawRepository } from '../../server/draws/sqlite-draw-repository';
import { tempDir } from '../helpers/test-app';
import { drawRepositoryContract } from './draw-repository.contract';

/** A small page for holder certificates: the contract crosses pages with a few hundred. */
const HOLDER_PAGE = 100;

drawRepositoryContract({
  name: 'sqlite',
  options: { holderPage: HOLDER_PAGE },
  async open() {
    const dir = tempDir();
    const db = openSqlite(dir);
    const stores = sqliteStoresOn(db);
    return {
      repo: createSqliteDrawRepository(db, { holderPage: HOLDER_PAGE }),
      certificates: stores.certificates,
      async close() {
        await stores.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

describe('SQLite draw repository', () => {
  const seed = 'ab'.repeat(32);
  const draw = {
    id: 'DRAAAAAAAAAAAAAAAA',
    algorithm: 'certwatch-draw-v1' as const,
    state: 'published' as const,
    title: '抽查',
    createdAt: '2026-03-01T08:00:00.000Z',
    population: { filter: { kind: 'bodies' }, asOf: '2026-03-01', size: 1, hash: 'c'.repeat(64), tiers: {} },
    rates: { A: 1 },
    inspectorsPerTarget: 2,
    inspectorPool: { size: 2, hash: 'd'.repeat(64) },
    commitment: 'e'.repeat(64),
    planHash: 'f'.repeat(64),
    seed,
  };
  const snapshot = {
    population: [{ id: 'CQC', name: '中国质量认证中心', tier: 'A' }],
    inspectors: [],
    recusals: [],
  };

  test('when someone edits a plan, its snapshot or a result in the file by hand, then the database refuses', async () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    try {
      const repo = createSqliteDrawRepository(db);
      await repo.create(draw, snapshot);
      await repo.appendResult(draw.id, {
        targetId: 'CQC',
        outcome: 'no_problem',
        summary: '未发现问题',
        inspectedOn: '2026-03-05',
        recordedAt: '2026-03-05T08:00:00.000Z',
      });
      const edits = [
        () =>
          db
            .prepare("UPDATE draws SET doc = json_set(doc, '$.seed', ?) WHERE id = ?")
            .run('0'.repeat(64), draw.id),
        () => db.prepare("UPDATE draws SET snapshot = '{}' WHERE id = ?").run(draw.id),
        () =>
          db
            .prepare("UPDATE draws SET state = 'executed', doc = json_set(doc, '$.title', 'x') WHERE id = ?")
            .run(draw.id),
        () => db.prepare('DELETE FROM draws WHERE id = ?').run(draw.id),
        () => db.prepare("UPDATE draw_results SET doc = '{}'").run(),
        () => db.prepare('DELETE FROM draw_results').run(),
      ];
      for (const edit of edits) expect(edit).toThrow(/never/);
      await expect(repo.findById(draw.id)).resolves.toEqual(draw);
      await expect(repo.results(draw.id)).resolves.toHaveLength(1);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when a plan is executed, then the one allowed update goes through', async () => {
    const dir = tempDir();
    const db = openSqlite(dir);
    try {
      const repo = createSqliteDrawRepository(db);
      await repo.create(draw, snapshot);
      const execution = { executedAt: '2026-03-02T08:00:00.000Z', seed, targets: [] };
      await expect(repo.markExecuted(draw.id, execution)).resolves.toBe(true);
      await expect(repo.findById(draw.id)).resolves.toEqual({ ...draw, state: 'executed', execution });
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
