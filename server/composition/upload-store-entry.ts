/**
 * The module of an upload's storing thread (server/uploads/upload-store-thread.ts): opens the thread's
 * own connection to the registry and wires what follows a stored batch exactly as createServices does on
 * the main thread (the job's certificate list, then the upload risk rules, whose signals are audited on
 * this connection: the audit log chains appends from any connection under its write lock).
 */
import client from 'prom-client';
import { createAuditService } from '../audit/audit-service';
import { createLogger } from '../platform/logger';
import { createMetrics } from '../platform/metrics';
import { openSqlite } from '../platform/sqlite';
import { createUploadRuleRunner } from '../signals/rules/rule-engine';
import { createSignalService } from '../signals/signal-service';
import { serveUploadStoring } from '../uploads/upload-store-worker';
import { afterStoredBatch } from './upload-follow-ups';
import { sqliteStoresOn } from './stores';

serveUploadStoring((start) => {
  const stores = sqliteStoresOn(openSqlite(start.dataDir));
  const logger = createLogger(start.logLevel).child({ thread: 'upload-store', jobId: start.jobId });
  // The rules count their failures in a registry of this thread's; the main thread adds them to its own.
  const metrics = createMetrics();
  const audit = createAuditService({ audit: stores.audit });
  const signals = createSignalService({ signals: stores.signals, audit });
  const uploadRules = createUploadRuleRunner({
    registry: stores.certificates,
    bodies: stores.bodies,
    raise: signals.raise,
    logger,
    metrics,
  });
  return {
    jobs: stores.uploadJobs,
    certificates: stores.certificates,
    ...afterStoredBatch(stores, uploadRules),
    async ruleErrors() {
      const counter = metrics.registry.getSingleMetric('upload_rule_errors_total') as
        client.Counter<'rule'> | undefined;
      const counts: Record<string, number> = {};
      for (const { labels, value } of (await counter?.get())?.values ?? []) {
        if (typeof labels.rule === 'string' && value > 0) counts[labels.rule] = value;
      }
      return counts;
    },
    close: () => stores.close(),
  };
});
