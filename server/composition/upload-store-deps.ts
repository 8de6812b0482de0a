/**
 * What an upload's storing process stores with (upload-store-entry.ts): its own connection to the registry,
 * and what follows a stored batch wired exactly as createServices does in the portal (the job's
 * certificate list, then the upload risk rules, whose signals are audited on this connection: the audit
 * log chains appends from any connection under its write lock).
 */
import type { Counter } from 'prom-client';
import { createAuditService } from '../audit/audit-service';
import { createSqliteAuditRepository } from '../audit/sqlite-audit-repository';
import { createSqliteAuditorRepository } from '../auditors/sqlite-auditor-repository';
import { createSqliteBodyRepository } from '../bodies/sqlite-body-repository';
import { createSqliteCertificateRepository } from '../certificates/sqlite-certificate-repository';
import { createLogger } from '../platform/logger';
import { createMetrics } from '../platform/metrics';
import { openSqlite } from '../platform/sqlite';
import { createUploadRuleRunner } from '../signals/rules/rule-engine';
import { createSignalService } from '../signals/signal-service';
import { createSqliteSignalRepository } from '../signals/sqlite-signal-repository';
import { createSqliteUploadJobRepository } from '../uploads/sqlite-upload-job-repository';
import type { StoreProcessStart } from '../uploads/upload-store-process';
import type { StoreProcessDeps } from '../uploads/upload-store-child';
import { afterStoredBatch } from './upload-follow-ups';

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
    bodies: createSqliteBodyRepository(db),
    uploadJobs: createSqliteUploadJobRepository(db),
    audit: createSqliteAuditRepository(db),
    signals: createSqliteSignalRepository(db),
    auditors: createSqliteAuditorRepository(db),
  };
  const logger = createLogger(start.logLevel).child({ process: 'upload-store', jobId: start.jobId });
  // The rules count their failures in a registry of this process's; the portal adds them to its own.
  const metrics = createMetrics();
  const audit = createAuditService({ audit: stores.audit });
  const signals = createSignalService({ signals: stores.signals, audit });
  const uploadRules = createUploadRuleRunner({
    registry: stores.certificates,
    bodies: stores.bodies,
    auditors: stores.auditors,
    raise: signals.raise,
    logger,
    metrics,
  });
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
    ...afterStoredBatch(stores, uploadRules),
    async ruleErrors() {
      const counter = metrics.registry.getSingleMetric('upload_rule_errors_total') as
        Counter<'rule'> | undefined;
      const counts: Record<string, number> = {};
      for (const { labels, value } of (await counter?.get())?.values ?? []) {
        if (typeof labels.rule === 'string' && value > 0) counts[labels.rule] = value;
      }
      return counts;
    },
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
