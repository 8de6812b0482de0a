import mongoose, { type Connection } from 'mongoose';
import { createMongoAuditRepository } from '../audit/mongo-audit-repository';
import { createMongoBodyRepository } from '../bodies/mongo-body-repository';
import { createMongoTokenRepository } from '../bodies/mongo-token-repository';
import { createMongoCertificateRepository } from '../certificates/mongo-certificate-repository';
import { createMongoUploadJobRepository } from '../uploads/mongo-upload-job-repository';
import { createMongoScanRepository } from '../qr/mongo-scan-repository';
import { createMongoDrawRepository } from '../supervision/mongo-draw-repository';
import { createMongoInspectorRepository } from '../supervision/mongo-inspector-repository';
import { createMongoDishonestyRepository } from '../supervision/mongo-dishonesty-repository';
import { createMongoSignalRepository } from '../supervision/mongo-signal-repository';
import { createMongoTipRepository } from '../supervision/mongo-tip-repository';
import { createMongoFlagRepository } from '../supervision/mongo-flag-repository';
import { createMongoCaseRepository } from '../supervision/mongo-case-repository';
import type { Stores } from './stores';

export interface MongoOptions {
  /** The database to use instead of the one named in the URI (tests use one per run). */
  dbName?: string;
  /** How long to wait for a server at start-up and per operation before giving up. */
  serverSelectionTimeoutMS?: number;
  /** How long a readiness ping may take before it counts as failed. */
  pingTimeoutMs?: number;
}

/** The MongoDB stores, with the connection for what only Mongo-aware code does (tests drop the database). */
export interface MongoStores extends Stores {
  kind: 'mongo';
  connection: Connection;
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
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
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

/**
 * Connects to MongoDB and returns the repositories on it, once their collections and indexes exist
 * (the unique indexes must be in place before the first write relies on them).
 */
export async function openMongoStores(uri: string, options: MongoOptions = {}): Promise<MongoStores> {
  const conn = await connectMongo(uri, options);
  try {
    const certificates = createMongoCertificateRepository(conn);
    const bodies = createMongoBodyRepository(conn);
    const uploadJobs = createMongoUploadJobRepository(conn);
    const audit = createMongoAuditRepository(conn);
    const tokens = createMongoTokenRepository(conn);
    const scans = createMongoScanRepository(conn);
    const inspectors = createMongoInspectorRepository(conn);
    const draws = createMongoDrawRepository(conn);
    const dishonesty = createMongoDishonestyRepository(conn);
    const signals = createMongoSignalRepository(conn);
    const tips = createMongoTipRepository(conn);
    const flags = createMongoFlagRepository(conn);
    const cases = createMongoCaseRepository(conn);
    await Promise.all(Object.values(conn.models).map((model) => model.init()));
    const pingTimeoutMs = options.pingTimeoutMs ?? 2000;
    return {
      kind: 'mongo',
      connection: conn,
      certificates,
      bodies,
      uploadJobs,
      audit,
      tokens,
      scans,
      inspectors,
      draws,
      dishonesty,
      signals,
      tips,
      flags,
      cases,
      async ping() {
        const db = conn.db;
        if (!db) throw new Error('MongoDB: not connected');
        const pinging = db.admin().ping();
        // A late rejection after the timeout has already answered must not go unhandled.
        pinging.catch(() => undefined);
        await within(pinging, pingTimeoutMs, `MongoDB: no answer to ping within ${pingTimeoutMs} ms`);
      },
      async close() {
        await conn.close();
      },
    };
  } catch (err) {
    await conn.close();
    throw err;
  }
}
