/**
 * What an upload's storing process stores with (upload-store-entry.ts): its own connection to the registry,
 * the job's certificate list after each stored batch (as createServices wires it in the portal), and the
 * upload risk rules on a thread of their own (upload-rule-thread.ts), whose signals this connection stores
 * and audits (the audit log chains appends from any connection under its write lock).
 */
import path from 'node:path';
import client from 'prom-client';
import { createAuditService } from '../audit/audit-service';
import { createSqliteAuditRepository } from '../audit/sqlite-audit-repository';
import { createSqliteCertificateRepository } from '../certificates/sqlite-certificate-repository';
import { createLogger } from '../platform/logger';
import { BACKGROUND_LOADER } from '../platform/background-thread';
import { openSqlite } from '../platform/sqlite';
import { ruleFailureCounts, ruleFailures } from '../signals/rules/rule-engine';
import { startRuleThread } from '../signals/rules/rule-thread';
import { createSignalService } from '../signals/signal-service';
import { createSqliteSignalRepository } from '../signals/sqlite-signal-repository';
import { createSqliteUploadJobRepository } from '../uploads/sqlite-upload-job-repository';
import type { StoreProcessStart } from '../uploads/upload-store-process';
import type { StoreProcessDeps } from '../uploads/upload-store-child';
import { recordJobCertificates } from '../uploads/upload-job-certificates';

/** The rules thread's module, next to this one (.ts under tsx and jest, .js once built). */
const RULE_THREAD_FILE = path.join(__dirname, `upload-rule-thread${path.extname(__filename)}`);

/** Pages of WAL between the storing process's checkpoints (16,000 pages of 4 KiB: about 64 MiB). */
const STORE_CHECKPOINT_PAGES = 16_000;

export function openStoreProcessDeps(start: StoreProcessStart): StoreProcessDeps {
  const db = openSqlite(start.dataDir);
  // A slice writes a few hundred rows spread over the registry's random-key indexes, so each commit
  // carries about a thousand pages: at SQLite's default (a checkpoint every 1,000 pages of WAL) nearly
  // every commit also copied its pages back into the file and synced it, and that was most of the storing
  // time. Checkpointing every STORE_CHECKPOINT_PAGES copies a page written by many slices once.
  db.pragma(`wal_autocheckpoint = ${STORE_CHECKPOINT_PAGES}`);
  const stores = {
    certificates: createSqliteCertificateRepository(db),
    uploadJobs: createSqliteUploadJobRepository(db),
    audit: createSqliteAuditRepository(db),
    signals: createSqliteSignalRepository(db),
  };
  const logger = createLogger(start.logLevel).child({ process: 'upload-store', jobId: start.jobId });
  // Signals that could not be stored are counted here, the rules' own failures in their thread; the
  // portal adds both to its metrics.
  const metrics = { registry: new client.Registry() };
  const audit = createAuditService({ audit: stores.audit });
  const signals = createSignalService({ signals: stores.signals, audit });
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  return {
    transaction: {
      begin: () => begin.run(),
      commit: () => commit.run(),
      // A failed commit may have rolled back already (an I/O error does).
      rollback: () => {
        if (db.inTransaction) rollback.run();
      },
    },
    jobs: stores.uploadJobs,
    certificates: stores.certificates,
    onStored: recordJobCertificates(stores.uploadJobs),
    startRules: (write) =>
      startRuleThread(
        {
          file: RULE_THREAD_FILE,
          loader: BACKGROUND_LOADER,
          dataDir: start.dataDir,
          logLevel: start.logLevel,
          jobId: start.jobId,
        },
        async (drafts) => {
          try {
            await write(() => signals.raise(drafts));
          } catch (error) {
            ruleFailures(metrics).inc({ rule: 'raise' });
            logger.error(
              { err: error instanceof Error ? error.message : String(error) },
              'signals raised by the upload rules could not be stored; the upload goes on',
            );
          }
        },
        logger,
      ),
    ruleErrors: () => ruleFailureCounts(metrics),
    async close() {
      // What is left in the WAL goes back into the file now, not at some later writer's commit (PASSIVE:
      // readers go on meanwhile).
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } finally {
        db.close();
      }
    },
  };
}
