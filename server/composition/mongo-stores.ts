import type { Connection } from 'mongoose';
import { createMongoAuditRepository } from '../audit/mongo-audit-repository';
import { createMongoWitnessRepository } from '../audit/mongo-witness-repository';
import { createMongoBodyRepository } from '../bodies/mongo-body-repository';
import { createMongoTokenRepository } from '../bodies/mongo-token-repository';
import { createMongoCertificateRepository } from '../certificates/mongo-certificate-repository';
import { createMongoUploadJobRepository } from '../uploads/mongo-upload-job-repository';
import { createMongoScanRepository } from '../qr/mongo-scan-repository';
import { createMongoDrawRepository } from '../draws/mongo-draw-repository';
import { createMongoInspectorRepository } from '../inspectors/mongo-inspector-repository';
import { createMongoDishonestyRepository } from '../dishonesty/mongo-dishonesty-repository';
import { createMongoSignalRepository } from '../signals/mongo-signal-repository';
import { createMongoTipRepository } from '../tips/mongo-tip-repository';
import { createMongoFlagRepository } from '../cases/mongo-flag-repository';
import { createMongoCaseRepository } from '../cases/mongo-case-repository';
import { connectMongo, within, type MongoOptions } from '../platform/mongo';
import type { Stores } from './stores';

/** The MongoDB stores, with the connection for what only Mongo-aware code does (tests drop the database). */
export interface MongoStores extends Stores {
  kind: 'mongo';
  connection: Connection;
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
    const witnesses = createMongoWitnessRepository(conn);
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
      witnesses,
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
