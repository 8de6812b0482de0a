/**
 * Writers of this process that want the registry's write lock, counted, with listeners told when the count
 * leaves or comes back to zero. An upload's storing process keeps one transaction open across many slices
 * (a commit of a few hundred rows spread over the random-key indexes wrote and checksummed about a
 * thousand pages, and that was most of the storing's time) and commits early only when it hears that a
 * writer of this process waits: that writer then waits for one slice at most, as it did when every slice
 * committed. The listener is called synchronously, before the write asks for the lock (a message to the
 * storing process is written to its pipe at once, while the writer then blocks in SQLite's busy handler).
 *
 * The main thread's connection announces every write: a statement that writes (prepared through it) and
 * an IMMEDIATE or EXCLUSIVE transaction (its BEGIN takes the lock before any statement runs) count
 * themselves while they run. Its transactions are IMMEDIATE unless asked for `.deferred`: a deferred one
 * that reads first and then writes while a storing process holds the lock fails at once with SQLITE_BUSY
 * (SQLite cannot let it wait: its snapshot would be stale), which finishing a job met whenever another
 * upload was storing. An explicitly deferred transaction announces itself at its first write.
 */
import type { SqliteDatabase } from './sqlite';

let waiting = 0;
const listeners = new Set<(waiting: boolean) => void>();

function tell(now: boolean): void {
  for (const listener of listeners) listener(now);
}

/** How many writers of this process wait for (or hold) the lock now. */
export function writersWaiting(): number {
  return waiting;
}

/**
 * Calls `listener(true)` when a writer of this process starts waiting for the lock while none did, and
 * `listener(false)` when the last one is done; returns what stops it.
 */
export function onWritersWaiting(listener: (waiting: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Runs `write` counted as a writer waiting for (or holding) the lock. */
function announced<A extends unknown[], R>(write: (...args: A) => R): (...args: A) => R {
  return function (this: unknown, ...args: A): R {
    waiting += 1;
    if (waiting === 1) tell(true);
    try {
      return write.apply(this, args);
    } finally {
      waiting -= 1;
      if (waiting === 0) tell(false);
    }
  };
}

/**
 * Makes `db` announce its writes (see above). Call before anything prepares statements on it: statements
 * prepared earlier are not counted.
 */
export function announceWrites(db: SqliteDatabase): void {
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source);
    // Read-only: reads, and statements that take no lock themselves (a deferred BEGIN, COMMIT).
    if (statement.readonly) return statement;
    statement.run = announced(statement.run);
    // A write with RETURNING gives its rows through these.
    statement.get = announced(statement.get);
    statement.all = announced(statement.all);
    return statement;
  }) as SqliteDatabase['prepare'];

  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const tx = transaction(fn);
    // The variants are read-only properties of `tx`: a new function carries the announced ones.
    const immediate = announced(tx.immediate);
    const wrapped = function (this: unknown, ...args: never[]) {
      return immediate.apply(this, args);
    };
    Object.defineProperties(wrapped, {
      default: { value: immediate },
      deferred: { value: tx.deferred },
      immediate: { value: immediate },
      exclusive: { value: announced(tx.exclusive) },
      database: { value: db, enumerable: true },
    });
    return wrapped;
  }) as SqliteDatabase['transaction'];
}
