/**
 * The storing process's writes grouped into long transactions (see platform/write-intents.ts). The first
 * write after a commit opens a group; the group commits as soon as a writer of the portal's process waits for
 * the lock or it is GROUP_MAX_MS old (checked every GROUP_POLL_MS, so between two of the storing's steps:
 * each write is a transaction, a savepoint inside the group, whole by itself), and at the end. What the
 * portal must only hear of once it is committed (the certificates whose cached answers are stale, the
 * progress) is held until the commit.
 */

/** The longest a group stays open, ms: another process writing the file waits at most about this. */
export const GROUP_MAX_MS = 1_000;

/** How often an open group looks for a waiting writer, ms. */
const GROUP_POLL_MS = 5;

/** How long, at most, the next group waits for a waiting writer to have had the lock, ms. */
const YIELD_MAX_MS = 2_000;

/** The transaction statements of the storing process's connection. */
export interface GroupTransaction {
  /** Opens a transaction that holds the write lock (BEGIN IMMEDIATE). */
  begin(): void;
  commit(): void;
  /** Rolls back the open transaction, if one is still open. */
  rollback(): void;
}

export interface WriteGroupOptions {
  /** The longest a group stays open, ms (GROUP_MAX_MS). */
  maxMs?: number;
  /** When a group opens (e.g. to note what the storing had counted by then). */
  opened?: () => void;
  /** When a group could not commit and was rolled back: what it counted is not stored. */
  rolledBack?: () => void;
}

export interface WriteGroup {
  /** Runs a write inside the open group, opening one first if none is. */
  write<T>(run: () => Promise<T>): Promise<T>;
  /** Holds `notice` until the group commits (at once when no group is open). */
  afterCommit(notice: () => void): void;
  /** Commits what the group holds and stops watching; throws when a commit failed. */
  end(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createWriteGroup(
  tx: GroupTransaction,
  writersWaiting: () => boolean = () => false,
  options: WriteGroupOptions = {},
): WriteGroup {
  const maxMs = options.maxMs ?? GROUP_MAX_MS;
  let openedAt: number | undefined;
  let held: (() => void)[] = [];
  let watch: NodeJS.Timeout | undefined;
  let failure: unknown;

  function close(): void {
    clearInterval(watch);
    watch = undefined;
    openedAt = undefined;
  }

  function commit(): void {
    if (openedAt === undefined) return;
    try {
      tx.commit();
    } catch (error) {
      close();
      held = [];
      tx.rollback();
      options.rolledBack?.();
      failure ??= error;
      return;
    }
    close();
    const notices = held;
    held = [];
    for (const notice of notices) notice();
  }

  return {
    async write(run) {
      if (failure !== undefined) throw failure;
      if (openedAt === undefined) {
        // The waiting writer's busy handler sleeps between its tries: without a pause this process's next
        // BEGIN would take the lock again first, every time.
        const until = performance.now() + YIELD_MAX_MS;
        while (writersWaiting() && performance.now() < until) await sleep(1);
        tx.begin();
        openedAt = performance.now();
        options.opened?.();
        watch = setInterval(() => {
          if (writersWaiting() || performance.now() - (openedAt as number) >= maxMs) commit();
        }, GROUP_POLL_MS);
      }
      return run();
    },
    afterCommit(notice) {
      if (openedAt === undefined) notice();
      else held.push(notice);
    },
    end() {
      commit();
      if (failure !== undefined) throw failure;
    },
  };
}
