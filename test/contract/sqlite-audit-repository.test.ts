import { openSqliteRepository } from '../helpers/sqlite-harness';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { StoredAuditEntry } from '../../server/audit/audit-repository';
import { digestOf, type AuditRecord } from '../../server/audit/audit-schema';
import { createSqliteAuditRepository } from '../../server/audit/sqlite-audit-repository';
import { openSqlite } from '../../server/platform/sqlite';
import { TSX_ARGS } from '../helpers/cli';
import { tempDir } from '../helpers/test-app';
import { auditRepositoryContract, expectOneChain, expectTreeOfEntries } from './audit-repository.contract';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

auditRepositoryContract({
  name: 'sqlite',
  open: openSqliteRepository(createSqliteAuditRepository),
});

async function all(iterable: AsyncIterable<StoredAuditEntry>): Promise<StoredAuditEntry[]> {
  const out: StoredAuditEntry[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

function record(actorId: string, i: number): AuditRecord {
  return {
    at: new Date().toISOString(),
    actor: { type: 'token', id: actorId, role: 'body' },
    action: 'upload.finish',
    target: { type: 'upload', id: `${actorId}-${i}` },
    digest: digestOf({ i }),
  };
}

describe('SQLite audit repository', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when two connections on one file append at once, then their entries form one chain', async () => {
    const a = openSqlite(dir);
    const b = openSqlite(dir);
    try {
      const repoA = createSqliteAuditRepository(a);
      const repoB = createSqliteAuditRepository(b);
      await Promise.all(
        Array.from({ length: 100 }, (_v, i) =>
          i % 2 ? repoA.append(record('A', i), { i }) : repoB.append(record('B', i), { i }),
        ),
      );
      // Each connection sees the other's appends: neither chained to a stale head of its own.
      const stored = await all(repoA.entries(1, 17));
      expect(stored).toHaveLength(100);
      expectOneChain(stored);
      await expect(repoB.head()).resolves.toMatchObject({ seq: 100, hash: stored[99]?.hash });
      await expectTreeOfEntries(repoB);
    } finally {
      a.close();
      b.close();
    }
  });

  test('when a batch of appends rolls back and another connection then appends as many, then the next append from the first still builds the right tree', async () => {
    const a = openSqlite(dir);
    const b = openSqlite(dir);
    try {
      const repoA = createSqliteAuditRepository(a);
      const repoB = createSqliteAuditRepository(b);
      for (let i = 0; i < 3; i += 1) await repoA.append(record('A', i), { i });
      // The third entry cannot be stored (no actor: NOT NULL): the whole batch rolls back, after the first
      // two had been chained and their tree nodes written inside the transaction.
      const broken = { ...record('A', 9), actor: undefined } as unknown as AuditRecord;
      await expect(
        repoA.appendMany([
          { record: record('A', 3), change: { i: 3 } },
          { record: record('A', 4), change: { i: 4 } },
          { record: broken, change: { i: 9 } },
        ]),
      ).rejects.toThrow();
      await expect(repoA.head()).resolves.toMatchObject({ seq: 3 });
      // Another writer brings the head to where the rolled-back batch would have left it.
      await repoB.append(record('B', 3), { i: 3 });
      await repoB.append(record('B', 4), { i: 4 });
      await repoA.append(record('A', 5), { i: 5 });
      const stored = await all(repoA.entries(1, 10));
      expect(stored).toHaveLength(6);
      expectOneChain(stored);
      await expectTreeOfEntries(repoA);
      await expectTreeOfEntries(repoB);
    } finally {
      a.close();
      b.close();
    }
  });

  test('when two processes append to one file at the same moment, then their entries form one chain', async () => {
    openSqlite(dir).close(); // migrate once, before the race
    const perProcess = 400;
    // Each child says it is ready, then waits for the other: the appends start together however long
    // each took to start. A pause between appends lets the other process's transactions in.
    const script = `
      const fs = require('node:fs');
      const { setTimeout: sleep } = require('node:timers/promises');
      const { createSqliteAuditRepository } = require('./server/audit/sqlite-audit-repository');
      const { digestOf } = require('./server/audit/audit-schema');
      const { openSqlite } = require('./server/platform/sqlite');
      const [dir, actor, count] = process.argv.slice(-3);
      const repo = createSqliteAuditRepository(openSqlite(dir));
      fs.writeFileSync(dir + '/ready-' + actor, '');
      (async () => {
        while (fs.readdirSync(dir).filter((f) => f.startsWith('ready-')).length < 2) await sleep(2);
        for (let i = 0; i < Number(count); i += 1) {
          const change = { actor, i };
          await repo.append({ at: new Date().toISOString(), actor: { type: 'token', id: actor }, action: 'upload.finish',
            target: { type: 'upload', id: actor + '-' + i }, digest: digestOf(change) }, change);
          await sleep(Math.random() < 0.5 ? 0 : 1);
        }
      })();
    `;
    const child = (actor: string) =>
      run(process.execPath, [...TSX_ARGS, '-e', script, '--', dir, actor, String(perProcess)], { cwd: ROOT });
    await Promise.all([child('P1'), child('P2')]);

    const db = openSqlite(dir);
    try {
      const stored = await all(createSqliteAuditRepository(db).entries(1, 100));
      expect(stored).toHaveLength(2 * perProcess);
      expectOneChain(stored);
      const actors = stored.map((e) => e.actor.id);
      expect(actors.filter((a) => a === 'P1')).toHaveLength(perProcess);
      // Each process's own entries are in its own order.
      for (const p of ['P1', 'P2']) {
        const own = stored.filter((e) => e.actor.id === p).map((e) => (e.change as { i: number }).i);
        expect(own).toEqual(Array.from({ length: perProcess }, (_v, i) => i));
      }
      const switches = actors.filter((a, i) => i > 0 && a !== actors[i - 1]).length;
      // Evidence that the two really raced, rather than one finishing before the other began.
      expect(switches).toBeGreaterThan(10);
      // Each process wrote its entries' tree nodes in the same transaction: one tree of both.
      // 800 leaves: 2·800 − popcount(800) = 1,597 perfect nodes.
      expect(db.prepare('SELECT count(*) AS n FROM audit_tree').get()).toEqual({
        n: 1597,
      });
      await expectTreeOfEntries(createSqliteAuditRepository(db));
    } finally {
      db.close();
    }
  }, 120_000);

  test('when the registry file is reopened, then the chain is still there and continues from its head', async () => {
    const first = openSqlite(dir);
    const before = await createSqliteAuditRepository(first).append(record('A', 1), { i: 1 });
    first.close();
    const second = openSqlite(dir);
    try {
      const repo = createSqliteAuditRepository(second);
      await expect(repo.head()).resolves.toEqual(before);
      const next = await repo.append(record('A', 2), { i: 2 });
      expect(next).toMatchObject({ seq: 2, prevHash: before.hash });
    } finally {
      second.close();
    }
  });

  test('when a log was written before the tree existed, then the first read builds its tree from the entries', async () => {
    const db = openSqlite(dir);
    try {
      const repo = createSqliteAuditRepository(db);
      for (let i = 1; i <= 21; i += 1) await repo.append(record('A', i), { i });
      db.exec('DELETE FROM audit_tree');
      await expectTreeOfEntries(repo);
      // And an append to a log whose tree is behind builds the missing part first.
      // The nodes of a tree of 10 leaves are its first 2·10 − popcount(10) = 18.
      db.exec('DELETE FROM audit_tree WHERE pos >= 18');
      await repo.append(record('A', 22), { i: 22 });
      await expectTreeOfEntries(repo);
    } finally {
      db.close();
    }
  });

  test('when the tail of the log is cut in the database, then the tree is cut with it and grows from there', async () => {
    const db = openSqlite(dir);
    try {
      const repo = createSqliteAuditRepository(db);
      for (let i = 1; i <= 16; i += 1) await repo.append(record('A', i), { i });
      db.exec('DELETE FROM audit_log WHERE seq > 11');
      await expectTreeOfEntries(repo);
      expect(
        db.prepare('SELECT count(*) AS n FROM audit_tree WHERE pos >= 19').get(), // 2·11 − popcount(11)
      ).toEqual({ n: 0 });
      await repo.append(record('A', 17), { i: 17 });
      await expectTreeOfEntries(repo);
    } finally {
      db.close();
    }
  });
});
