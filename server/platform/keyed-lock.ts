/**
 * Runs tasks one at a time per key within this process: a read-check-write sequence (a status
 * transition, a create-if-absent) cannot interleave with another on the same key. It does not
 * serialise across instances; the store's own guarantees are what hold there.
 */
export interface KeyedLock {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async run(key, task) {
      const previous = tails.get(key) ?? Promise.resolve();
      // The task runs whether the previous one failed or not; its own outcome goes to its caller.
      const current = previous.then(task, task);
      const tail = current.catch(() => undefined);
      tails.set(key, tail);
      try {
        return await current;
      } finally {
        // Forget the key once nothing queued after this task, so the map does not grow with every key.
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
