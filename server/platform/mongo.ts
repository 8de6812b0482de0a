/** The MongoDB connection machinery; the composition root (server/composition/mongo-stores.ts) opens the stores on it. */
import mongoose, { type Connection } from 'mongoose';

export interface MongoOptions {
  /** The database to use instead of the one named in the URI (tests use one per run). */
  dbName?: string;
  /** How long to wait for a server at start-up and per operation before giving up. */
  serverSelectionTimeoutMS?: number;
  /** How long a readiness ping may take before it counts as failed. */
  pingTimeoutMs?: number;
}

/** A connected mongoose Connection of its own (not the mongoose default connection). */
export async function connectMongo(uri: string, options: MongoOptions = {}): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    dbName: options.dbName,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
  });
  return conn.asPromise();
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
