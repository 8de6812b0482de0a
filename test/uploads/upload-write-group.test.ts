/**
 * The storing process's long transactions (upload-write-group.ts) and the portal's announced writes
 * (platform/write-intents.ts), on real SQLite files: a group commits when a writer waits or at its end,
 * what the portal hears of waits for the commit, the next group lets a waiting writer go first, and a
 * commit that fails rolls the whole group back.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { REGISTRY_FILE } from '../../server/platform/data-dir';
import { openSqlite } from '../../server/platform/sqlite';
import { announceWrites, onWritersWaiting, writersWaiting } from '../../server/platform/write-intents';
import { createWriteGroup, type GroupTransaction } from '../../server/uploads/upload-write-group';
import { eachSqliteFile } from '../helpers/sqlite-harness';

const file = eachSqliteFile();

/** The group's transaction statements on `db`, as the storing process's connection has them. */
function transactionOf(db: Database.Database): GroupTransaction {
  return {
    begin: () => db.exec('BEGIN IMMEDIATE'),
    commit: () => db.exec('COMMIT'),
    rollback: () => {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
  };
}

/** A second connection to the same file (the portal's). */
const otherConnection = () => new Database(path.join(file.dir, REGISTRY_FILE));

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i += 1) await tick(5);
  expect(condition()).toBe(true);
}

const AN_HOUR = 3_600_000;

describe('a group of the storing process', () => {
  beforeEach(() => file.db.exec('CREATE TABLE rows (n INTEGER NOT NULL)'));
  const insert = (db: Database.Database, n: number) => async () => {
    db.prepare('INSERT INTO rows (n) VALUES (?)').run(n);
  };
  const countOn = (db: Database.Database) =>
    (db.prepare('SELECT COUNT(*) AS n FROM rows').get() as { n: number }).n;

  test('when writes run in a group, then another connection sees none of them, nor hears of them, until the group ends', async () => {
    const group = createWriteGroup(transactionOf(file.db), () => false, { maxMs: AN_HOUR });
    const heard: number[] = [];
    const reader = otherConnection();
    try {
      for (let n = 1; n <= 3; n += 1) {
        await group.write(insert(file.db, n));
        group.afterCommit(() => heard.push(n));
      }
      await tick();
      expect(countOn(reader)).toBe(0);
      expect(heard).toEqual([]);
      group.end();
      expect(countOn(reader)).toBe(3);
      expect(heard).toEqual([1, 2, 3]);
    } finally {
      reader.close();
    }
  });

  test('when a writer of the portal waits, then the open group commits and the next group waits until that writer is done', async () => {
    let waiting = false;
    let begun = 0;
    const tx = transactionOf(file.db);
    const group = createWriteGroup({ ...tx, begin: () => ((begun += 1), tx.begin()) }, () => waiting, {
      maxMs: AN_HOUR,
    });
    const reader = otherConnection();
    try {
      await group.write(insert(file.db, 1));
      waiting = true;
      // The group has an hour to go: only the waiting writer makes it commit.
      await until(() => countOn(reader) === 1);
      const next = group.write(insert(file.db, 2));
      await tick();
      expect(begun).toBe(1);
      // The writer takes the lock and writes meanwhile.
      reader.prepare('INSERT INTO rows (n) VALUES (?)').run(100);
      waiting = false;
      await next;
      expect(begun).toBe(2);
      group.end();
      expect(reader.prepare('SELECT n FROM rows ORDER BY rowid').pluck().all()).toEqual([1, 100, 2]);
    } finally {
      reader.close();
    }
  });

  test('when a group is open longer than its longest, then it commits without being asked', async () => {
    const group = createWriteGroup(transactionOf(file.db), () => false, {
      maxMs: 50,
    });
    const heard: string[] = [];
    const reader = otherConnection();
    try {
      await group.write(insert(file.db, 1));
      group.afterCommit(() => heard.push('committed'));
      await until(() => heard.length === 1);
      expect(countOn(reader)).toBe(1);
      group.end();
    } finally {
      reader.close();
    }
  });

  test('when the commit of a group fails, then the whole group is rolled back, its notices are dropped, and the failure is thrown at the end and at the next write', async () => {
    // A deferred foreign key is checked at COMMIT: the commit fails and the transaction stays open.
    file.db.exec(`
      CREATE TABLE parents (id INTEGER PRIMARY KEY);
      CREATE TABLE children (parent INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);
    `);
    let rolledBack = 0;
    const group = createWriteGroup(transactionOf(file.db), () => false, {
      maxMs: AN_HOUR,
      rolledBack: () => (rolledBack += 1),
    });
    const heard: string[] = [];
    await group.write(insert(file.db, 1));
    await group.write(async () => {
      file.db.prepare('INSERT INTO children (parent) VALUES (42)').run();
    });
    group.afterCommit(() => heard.push('committed'));
    expect(() => group.end()).toThrow(/FOREIGN KEY/);
    expect(rolledBack).toBe(1);
    expect(heard).toEqual([]);
    expect(file.db.inTransaction).toBe(false);
    expect(countOn(file.db)).toBe(0);
    // Not `rejects.toThrow`: better-sqlite3's native part keeps the SqliteError of the first test file that
    // loaded it in this worker, whose Error is another realm's, and jest's isError then says no.
    await expect(group.write(insert(file.db, 2))).rejects.toMatchObject({
      message: expect.stringMatching(/FOREIGN KEY/),
    });
    expect(countOn(file.db)).toBe(0);
  });
});

describe("writes announced by the portal's connection", () => {
  /** The count of waiting writers, as SQL sees it while a statement runs. */
  function withPeek(db: Database.Database): void {
    db.function('waiting_writers', () => writersWaiting());
  }

  test('when the announcing connection writes, then the writer is counted while the statement or transaction (IMMEDIATE unless asked deferred) runs, and reads are not', () => {
    const db = openSqlite(path.join(file.dir, 'main'));
    try {
      announceWrites(db);
      withPeek(db);
      db.exec('CREATE TABLE seen (n INTEGER NOT NULL)');
      db.prepare('INSERT INTO seen (n) VALUES (waiting_writers())').run();
      expect(db.prepare('SELECT n, waiting_writers() AS now FROM seen').get()).toEqual({ n: 1, now: 0 });
      const inImmediate = db
        .transaction(() => db.prepare('SELECT waiting_writers() AS n').get() as { n: number })
        .immediate();
      expect(inImmediate.n).toBe(1);
      // A plain transaction is IMMEDIATE (one that read first could not wait for the lock when it writes).
      const inPlain = db.transaction(
        () => db.prepare('SELECT waiting_writers() AS n').get() as { n: number },
      )();
      expect(inPlain.n).toBe(1);
      // One asked for as deferred takes no lock until it writes.
      const inDeferred = db
        .transaction(() => db.prepare('SELECT waiting_writers() AS n').get() as { n: number })
        .deferred();
      expect(inDeferred.n).toBe(0);
      // RETURNING reads the written rows through get().
      const returned = db.prepare('INSERT INTO seen (n) VALUES (7) RETURNING waiting_writers() AS w').get();
      expect(returned).toEqual({ w: 1 });
      expect(writersWaiting()).toBe(0);
    } finally {
      db.close();
    }
  });

  test('when a write starts while none waits, then listeners hear of it before it runs and once it is done, once for writes inside a transaction', () => {
    const db = openSqlite(path.join(file.dir, 'main'));
    const heard: boolean[] = [];
    const stop = onWritersWaiting((waiting) => heard.push(waiting));
    try {
      announceWrites(db);
      db.function('heard_so_far', () => heard.join(','));
      db.exec('CREATE TABLE told (heard TEXT NOT NULL)');
      const put = db.prepare('INSERT INTO told (heard) VALUES (heard_so_far())');
      put.run();
      expect(heard).toEqual([true, false]);
      db.transaction(() => {
        put.run();
        put.run();
      }).immediate();
      expect(heard).toEqual([true, false, true, false]);
      expect(db.prepare('SELECT heard FROM told').pluck().all()).toEqual([
        'true',
        'true,false,true',
        'true,false,true',
      ]);
      stop();
      put.run();
      expect(heard).toHaveLength(4);
    } finally {
      stop();
      db.close();
    }
  });

  test('when an announced write throws, then it is no longer counted', () => {
    const db = openSqlite(path.join(file.dir, 'main'));
    try {
      announceWrites(db);
      db.exec('CREATE TABLE once (n INTEGER PRIMARY KEY)');
      const put = db.prepare('INSERT INTO once (n) VALUES (?)');
      put.run(1);
      expect(() => put.run(1)).toThrow(/UNIQUE/);
      expect(() => db.transaction(() => put.run(1)).immediate()).toThrow(/UNIQUE/);
      expect(writersWaiting()).toBe(0);
    } finally {
      db.close();
    }
  });
});
