/**
 * The module of an upload's rules thread (server/signals/rules/rule-thread.ts), started by the storing
 * process (upload-store-deps.ts): the upload rules over a connection of the thread's own, which only reads
 * (what the rules raise is stored by the storing's main thread).
 */
import client from 'prom-client';
import { createSqliteAuditorRepository } from '../auditors/sqlite-auditor-repository';
import { createSqliteBodyRepository } from '../bodies/sqlite-body-repository';
import {
  createSqliteCertificateRepository,
  createSqliteCertificatesById,
} from '../certificates/sqlite-certificate-repository';
import { createLogger } from '../platform/logger';
import { openSqlite } from '../platform/sqlite';
import { createUploadRuleRunner, ruleFailureCounts } from '../signals/rules/rule-engine';
import { serveRuleThread } from '../signals/rules/rule-thread';

serveRuleThread((start, raise) => {
  const db = openSqlite(start.dataDir);
  db.pragma('query_only = ON');
  const certificates = createSqliteCertificateRepository(db);
  const byIds = createSqliteCertificatesById(db);
  const logger = createLogger(start.logLevel).child({ thread: 'upload-rules', jobId: start.jobId });
  // The failures are counted here and handed to the storing process at the end (then to the portal).
  const metrics = { registry: new client.Registry() };
  const runner = createUploadRuleRunner({
    registry: certificates,
    bodies: createSqliteBodyRepository(db),
    auditors: createSqliteAuditorRepository(db),
    raise,
    logger,
    metrics,
  });
  return {
    runner,
    read: async (ids) => byIds(ids),
    failures: () => ruleFailureCounts(metrics),
    async close() {
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      db.close();
    },
  };
});
