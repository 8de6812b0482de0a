import type { Connection, Model } from 'mongoose';
import { createMongoAuditRepository } from '../audit/mongo-audit-repository';
import { createMongoAuditorRepository } from '../auditors/mongo-auditor-repository';
import { createMongoWitnessRepository } from '../audit/mongo-witness-repository';
import { createMongoBodyRepository } from '../bodies/mongo-body-repository';
import { createMongoTokenRepository } from '../bodies/mongo-token-repository';
import { createMongoCommitmentRepository } from '../bodies/mongo-commitment-repository';
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
import { createMongoStatsRepository } from '../stats/mongo-stats-repository';
import { createMongoAttachmentRepository } from '../cases/mongo-attachment-repository';
import { connectMongo, within, type MongoOptions } from '../platform/mongo';
import type { Logger } from '../platform/logger';
import type { Stores } from './stores';

/** The MongoDB stores, with the connection for what only Mongo-aware code does (tests drop the database). */
export interface MongoStores extends Stores {
  kind: 'mongo';
  connection: Connection;
  /** The index drift start-up found (and reported). */
  indexDrift: IndexDrift[];
}

/** What start-up found of one collection's indexes against those its schema declares. */
export interface IndexDrift {
  collection: string;
  /** Declared but absent (keys as JSON): created now. */
  missing: string[];
  /** Present but not declared, or declared differently (index names): left in place for an operator. */
  extra: string[];
}

/**
 * Brings each collection's indexes to what its schema declares: creates the missing ones and reports
 * those it finds undeclared (it never drops one: an index another version of the service still needs, or
 * one an operator added, is for a person to remove). A fresh database's indexes are all "missing" and are
 * no drift.
 */
export async function reconcileIndexes(conn: Connection, logger?: Logger): Promise<IndexDrift[]> {
  const drift: IndexDrift[] = [];
  for (const model of Object.values(conn.models) as Model<unknown>[]) {
    await model.init();
    const existing = await model.listIndexes().catch(() => []);
    const { toDrop, toCreate } = await model.diffIndexes();
    const missing = toCreate.map((keys) => JSON.stringify(keys));
    const extra = toDrop.map(String);
    if (toCreate.length > 0) {
      await model.createIndexes().catch((err: unknown) => {
        throw new Error(
          `MongoDB collection ${model.collection.collectionName}: cannot create its declared indexes ${missing.join(', ')}` +
            (extra.length > 0 ? ` (an index of another definition is in the way: ${extra.join(', ')})` : ''),
          { cause: err },
        );
      });
    }
    // Only `_id`: a new collection, whose indexes were all created just now.
    const fresh = existing.length <= 1 && extra.length === 0;
    if (!fresh && (missing.length > 0 || extra.length > 0)) {
      drift.push({ collection: model.collection.collectionName, missing, extra });
    }
  }
  for (const d of drift) {
    logger?.warn(
      d,
      `MongoDB index drift in ${d.collection}: ` +
        [
          d.missing.length > 0 ? `created missing ${d.missing.join(', ')}` : '',
          d.extra.length > 0 ? `not declared (drop by hand if unused) ${d.extra.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
    );
  }
  return drift;
}

/**
 * Connects to MongoDB and returns the repositories on it, once their collections and indexes exist
 * (the unique indexes must be in place before the first write relies on them), with drift reported on
 * `logger`.
 */
export async function openMongoStores(
  uri: string,
  options: MongoOptions = {},
  logger?: Logger,
): Promise<MongoStores> {
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
    const auditors = createMongoAuditorRepository(conn);
    const stats = createMongoStatsRepository(conn);
    const commitments = createMongoCommitmentRepository(conn);
    const attachments = createMongoAttachmentRepository(conn);
    const indexDrift = await reconcileIndexes(conn, logger);
    const pingTimeoutMs = options.pingTimeoutMs ?? 2000;
    return {
      kind: 'mongo',
      connection: conn,
      indexDrift,
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
      auditors,
      stats,
      commitments,
      attachments,
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
