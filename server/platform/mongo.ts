/** The MongoDB connection machinery; the composition root (server/composition/mongo-stores.ts) opens the stores on it. */
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { type Connection } from 'mongoose';

/** How long one operation waits for a usable server: a lookup must answer (503) within 2 s when none is. */
export const OPERATION_SERVER_WAIT_MS = 1500;
/** How long start-up keeps trying to reach a server (a replica set electing its first primary takes a while). */
export const STARTUP_WAIT_MS = 60_000;

export interface MongoOptions {
  /** The database to use instead of the one named in the URI (tests use one per run). */
  dbName?: string;
  /**
   * How long each operation waits for a server it can use before failing (the driver's
   * serverSelectionTimeoutMS, which applies to every operation, not only the first connection).
   */
  serverSelectionTimeoutMS?: number;
  /** How long start-up keeps retrying the first connection before giving up. */
  startupTimeoutMs?: number;
  /** How long a readiness ping may take before it counts as failed. */
  pingTimeoutMs?: number;
}

/**
 * A connected mongoose Connection of its own (not the mongoose default connection). Start-up is patient
 * (it retries until `startupTimeoutMs`); operations afterwards are not: each waits at most
 * `serverSelectionTimeoutMS` for a server and then fails, and nothing is buffered while the server is
 * away (mongoose would otherwise hold every query for 10 s), so a request answers 503 at once.
 */
export async function connectMongo(uri: string, options: MongoOptions = {}): Promise<Connection> {
  const deadline = Date.now() + (options.startupTimeoutMs ?? STARTUP_WAIT_MS);
  for (;;) {
    const conn = mongoose.createConnection(uri, {
      dbName: options.dbName,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? OPERATION_SERVER_WAIT_MS,
      bufferCommands: false,
      // Indexes are reconciled once, by openMongoStores, which reports what it found missing or extra.
      autoIndex: false,
    });
    try {
      return await conn.asPromise();
    } catch (err) {
      await conn.close().catch(() => undefined);
      if (Date.now() >= deadline) throw err;
      await sleep(500);
    }
  }
}

/** Rejects with `message` when `promise` has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
