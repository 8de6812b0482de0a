/**
 * The composition root: the one place that knows every feature and wires its adapters (the stores,
 * opened in ./stores.ts) to its services. main.ts, the scripts and the tests build the services here.
 */
import type { Store } from 'express-rate-limit';
import type { Counter } from 'prom-client';
import type { Redis } from 'ioredis';
import path from 'node:path';
import { createAuditService, type AuditService } from '../audit/audit-service';
import { createAuditorService, type AuditorService } from '../auditors/auditor-service';
import {
  createTransparencyService,
  logOrigin,
  type TransparencyService,
} from '../audit/transparency-service';
import { createBodyService, type BodyService } from '../bodies/body-service';
import { createTokenService, type TokenService } from '../bodies/token-service';
import { createReportingService, type ReportingService } from '../bodies/body-reporting';
import { createCommitmentService, type CommitmentService } from '../bodies/commitment-service';
import { createReportingOverdueCheck, type ReportingOverdueCheck } from '../signals/reporting-overdue';
import { storedRows } from '../uploads/upload-schema';
import { createCertificateService, type CertificateService } from '../certificates/certificate-service';
import type { Config } from '../config';
import type { Cache } from '../platform/cache';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import type { Stores } from './stores';
import { createQrService, type QrService } from '../qr/qr-service';
import { createQrZipService, type QrZipService } from '../qr/qr-zip-service';
import { createScanRecorder, scanHashSecret } from '../qr/scan-recorder';
import { openKeyRing } from '../qr/signing-keys';
import { parseUpload } from '../uploads/upload-parsers';
import { createUploadService, type UploadService } from '../uploads/upload-service';
import { afterStoredBatch } from './upload-follow-ups';
import { createDrawService, tiersFromCredit, type DrawService } from '../draws/draw-service';
import { createInspectorService, type InspectorService } from '../inspectors/inspector-service';
import { createCreditService, creditSignalsFrom, type CreditService } from '../dishonesty/credit-service';
import { createDishonestyService, type DishonestyService } from '../dishonesty/dishonesty-service';
import { SCAN_RULES } from '../signals/rules';
import { createUploadRuleRunner } from '../signals/rules/rule-engine';
import { clonedQrTally, createScanRuleRunner, type ScanRuleRunner } from '../signals/rules/scan-rule-runner';
import { createSignalService, type SignalService } from '../signals/signal-service';
import { createCaseService, type CaseService } from '../cases/case-service';
import { createFlagService, type FlagService } from '../cases/flag-service';
import type { PersonRef } from '../cases/case-schema';
import { createTipService, type TipService } from '../tips/tip-service';
import { createReceiptService, receiptKeyPurpose, type ReceiptService } from '../receipts/receipt-service';
import { createStatsService, type StatsService } from '../stats/stats-service';
import { datasetSources } from '../opendata/opendata-datasets';
import { createOpenDataService, type OpenDataService } from '../opendata/opendata-service';

/** What the app is built from: the opened stores and cache, config, logging, and the clock of tests. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  stores: Stores;
  cache: Cache;
  metrics?: Metrics;
  /** express-rate-limit store shared by instances (Redis); in-process memory when absent. */
  rateLimitStore?: Store;
  /** The shared Redis (cluster mode): clone detection counts networks in it; in-process when absent. */
  redis?: Redis;
  /** The clock of date-bound rules (credit-repair notice periods), ms since the epoch; tests inject one. */
  now?: () => number;
}

export interface Services {
  audit: AuditService;
  /** The audit log as a transparency log: checkpoints, proofs, witnesses. */
  transparency: TransparencyService;
  bodies: BodyService;
  certificates: CertificateService;
  tokens: TokenService;
  uploads: UploadService;
  qr: QrService;
  qrZip: QrZipService;
  inspectors: InspectorService;
  draws: DrawService;
  dishonesty: DishonestyService;
  credit: CreditService;
  signals: SignalService;
  /** The scan risk rules (qr's onScan): `idle()` before closing the stores. */
  scanRules: ScanRuleRunner;
  tips: TipService;
  flags: FlagService;
  cases: CaseService;
  /** Signed verification receipts (their own key ring): `close()` stops its timer. */
  receipts: ReceiptService;
  /** The auditor register: imports and the auditors' public pages. */
  auditors: AuditorService;
  /** The public statistics (`/stats`), computed at most every few minutes per instance. */
  stats: StatsService;
  /** Bodies' reporting timeliness (uploads that stored rows, confirmations). */
  reporting: ReportingService;
  /** Bodies' public commitments (承诺书). */
  commitments: CommitmentService;
  /** The reporting-overdue signal's check (main.ts schedules it). */
  reportingOverdue: ReportingOverdueCheck;
  /** The daily open-data files (datasets, checksums, the day's checkpoint). */
  openData: OpenDataService;
}

/** Where the open-data files live: OPEN_DATA_DIR, or DATA_DIR/open-data. */
export function openDataDir(config: Pick<Config, 'DATA_DIR' | 'OPEN_DATA_DIR'>): string {
  return config.OPEN_DATA_DIR ?? path.join(config.DATA_DIR, 'open-data');
}

/** Where the audit log's signing keys live on a single node: the key ring keeps them in its `keys` folder. */
export function auditLogKeyHome(dataDir: string): string {
  return path.join(dataDir, 'audit-log');
}

/** The module of an upload's storing process (TypeScript under tsx and jest, JavaScript once built). */
const UPLOAD_STORE_ENTRY = path.join(__dirname, `upload-store-entry${path.extname(__filename)}`);
/**
 * The names of the people cases name: a directory id is that inspector; a token id is the inspector the
 * token is linked to (`inspectorId`). A token without a link (issued before it, or not an inspector's)
 * is named by its label, marked `fromLabel`: a label is what the issuer typed, not a directory name.
 * Unknown ids (the system, a token since purged) are left out.
 */
function peopleNamed(stores: Stores) {
  return async (ids: readonly string[]): Promise<Record<string, PersonRef>> => {
    const out: Record<string, PersonRef> = {};
    await Promise.all(
      ids.map(async (id) => {
        const inspector = await stores.inspectors.findById(id);
        if (inspector) return void (out[id] = { name: inspector.name, unit: inspector.unit });
        const token = await stores.tokens.findById(id);
        if (!token) return;
        const linked = token.inspectorId && (await stores.inspectors.findById(token.inspectorId));
        out[id] = linked ? { name: linked.name, unit: linked.unit } : { name: token.label, fromLabel: true };
      }),
    );
    return out;
  };
}

/** The use cases, wired to the adapters in `deps`. */
export function createServices(deps: AppDeps): Services {
  const { stores, cache, metrics, config } = deps;
  const audit = createAuditService({ audit: stores.audit });
  const transparency = createTransparencyService({
    log: stores.audit,
    witnesses: stores.witnesses,
    audit,
    // Its own Ed25519 keys, on the QR key ring's machinery: DATA_DIR/audit-log/keys, or
    // AUDIT_LOG_SIGNING_KEYS in cluster mode; rotated with `npm run rotate-log-key`.
    keys: openKeyRing({
      dataDir: auditLogKeyHome(config.DATA_DIR),
      configured: config.AUDIT_LOG_SIGNING_KEYS,
      logger: deps.logger.child({ keyRing: 'audit-log' }),
    }),
    origin: logOrigin(config.PUBLIC_BASE_URL),
    now: deps.now,
  });
  const signals = createSignalService({ signals: stores.signals, audit, now: deps.now });
  const uploadRules = createUploadRuleRunner({
    registry: stores.certificates,
    bodies: stores.bodies,
    auditors: stores.auditors,
    raise: signals.raise,
    logger: deps.logger,
    metrics,
    now: deps.now,
  });
  const bodies = createBodyService({
    bodies: stores.bodies,
    cache,
    metrics,
    // A change of approval re-checks the body's certificates in the window it affects.
    onApprovalChanged: async (body, window) => {
      await uploadRules.reevaluateApproval(body.code, window);
    },
  });
  const dishonesty = createDishonestyService({
    records: stores.dishonesty,
    audit,
    cache,
    metrics,
    ttlSeconds: config.CACHE_TTL_SECONDS,
    now: deps.now,
  });
  const credit = createCreditService({
    dishonesty,
    bodies,
    signals: creditSignalsFrom(stores.signals),
    now: deps.now,
  });
  const certificates = createCertificateService({
    certificates: stores.certificates,
    bodies,
    cache,
    metrics,
    ttlSeconds: config.CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.NEGATIVE_CACHE_TTL_SECONDS,
    listings: dishonesty,
  });
  const tokens = createTokenService({
    tokens: stores.tokens,
    bodies,
    audit,
    inspectorExists: async (id) => (await stores.inspectors.findById(id)) !== undefined,
  });
  const uploads = createUploadService({
    jobs: stores.uploadJobs,
    registry: stores.certificates,
    certificates,
    bodies,
    audit,
    parse: parseUpload,
    limits: { other: config.UPLOAD_MAX_BYTES, xlsx: config.UPLOAD_MAX_XLSX_BYTES },
    threadNice: config.UPLOAD_THREAD_NICE,
    maxRunning: {
      total: config.UPLOAD_MAX_RUNNING,
      perBody: config.UPLOAD_MAX_RUNNING_PER_BODY,
      retryAfterSeconds: config.UPLOAD_BUSY_RETRY_AFTER_SECONDS,
    },
    // What follows each stored batch: the job's certificate list, then the upload risk rules.
    ...afterStoredBatch(stores, uploadRules),
    // On the embedded registry, large files are stored in a process with its own connection, so that
    // lookups never wait for an upload. Only with the real clock: an injected one cannot cross processes.
    storeProcess:
      stores.registryDir !== undefined && deps.now === undefined
        ? {
            file: UPLOAD_STORE_ENTRY,
            dataDir: stores.registryDir,
            logLevel: config.LOG_LEVEL,
            forget: (changed) => certificates.forget(changed),
            onRuleErrors: (counts) => {
              const counter = metrics?.registry.getSingleMetric('upload_rule_errors_total') as
                Counter<'rule'> | undefined;
              for (const [rule, n] of Object.entries(counts)) counter?.inc({ rule }, n);
            },
          }
        : undefined,
  });
  if (config.STORE === 'mongo' && (!config.QR_SIGNING_KEYS || !config.SCAN_HASH_SECRET)) {
    deps.logger.warn(
      'cluster mode without QR_SIGNING_KEYS or SCAN_HASH_SECRET: unless DATA_DIR is shared, each instance signs with ' +
        "keys of its own (codes verify only where they were printed) and hashes scanners' networks differently",
    );
  }
  if (config.STORE === 'mongo' && !config.AUDIT_LOG_SIGNING_KEYS) {
    deps.logger.warn(
      'cluster mode without AUDIT_LOG_SIGNING_KEYS: unless DATA_DIR is shared, each instance signs audit checkpoints ' +
        'with a key of its own, and witnesses trusting one key refuse the others',
    );
  }
  // One keyed hash of client networks for scans and tips alike.
  const networkSecret = scanHashSecret(config.DATA_DIR, config.SCAN_HASH_SECRET);
  // The scan risk rules run beside each recorded scan, never in its way.
  const scanRules = createScanRuleRunner({
    rules: SCAN_RULES,
    context: {
      findCertificate: (publicId) => stores.certificates.findByPublicId(publicId),
      clonedQr: clonedQrTally(config, deps.redis),
    },
    raise: signals.raise,
    logger: deps.logger,
    metrics,
    now: deps.now,
  });
  const qrKeys = openKeyRing({
    dataDir: config.DATA_DIR,
    configured: config.QR_SIGNING_KEYS,
    logger: deps.logger,
  });
  const qr = createQrService({
    keys: qrKeys,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    certificates,
    registry: stores.certificates,
    cache,
    recorder: createScanRecorder({ scans: stores.scans, logger: deps.logger }),
    scanHashSecret: networkSecret,
    onScan: scanRules.onScan,
    logger: deps.logger,
    metrics,
  });
  const inspectors = createInspectorService({ inspectors: stores.inspectors, audit });
  // A plan's risk tiers are the credit levels of its population.
  const draws = createDrawService({
    draws: stores.draws,
    bodies,
    inspectors,
    audit,
    tiers: tiersFromCredit(credit),
  });
  const qrZip = createQrZipService({ uploads, qr, registry: stores.certificates });
  const tips = createTipService({
    tips: stores.tips,
    qr,
    certificates,
    audit,
    networkSecret,
    now: deps.now,
    // The public state of a tip in a case follows the case's decision (read from the case store).
    caseDecision: async (caseId) => {
      const decision = (await stores.cases.findById(caseId))?.decision;
      return decision && { decidedAt: decision.decidedAt };
    },
  });
  const flags = createFlagService({ flags: stores.flags, certificates, audit, now: deps.now });
  const cases = createCaseService({
    cases: stores.cases,
    tips,
    flags,
    signals,
    certificates,
    dishonesty,
    inspectors,
    attachments: stores.attachments,
    people: peopleNamed(stores),
    audit,
    now: deps.now,
  });
  if (config.STORE === 'mongo' && !config.RECEIPT_SIGNING_KEYS) {
    deps.logger.warn(
      'cluster mode without RECEIPT_SIGNING_KEYS: unless DATA_DIR is shared, each instance signs receipts with ' +
        'keys of its own (a receipt verifies only on the instance that issued it)',
    );
  }
  const receipts = createReceiptService({
    keys: openKeyRing({
      dataDir: config.DATA_DIR,
      configured: config.RECEIPT_SIGNING_KEYS,
      logger: deps.logger,
      purpose: receiptKeyPurpose(config.DATA_DIR),
    }),
    certificates,
    registry: stores.certificates,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    qrKids: qrKeys.list().map((k) => k.kid),
    log: transparency,
  });
  const openData = createOpenDataService({
    dir: openDataDir(config),
    sources: datasetSources({ certificates: stores.certificates, bodies, dishonesty, draws, now: deps.now }),
    checkpoint: async () => {
      const cp = await transparency.checkpoint();
      return { note: cp.note, size: cp.size };
    },
    logger: deps.logger,
    now: deps.now,
  });
  const auditors = createAuditorService({
    auditors: stores.auditors,
    registry: stores.certificates,
    dishonesty,
    audit,
    maxBytes: config.UPLOAD_MAX_XLSX_BYTES,
    now: deps.now,
  });
  const reporting = createReportingService({
    // Uploads stand above bodies: their jobs are read here, for the bodies feature.
    uploadReportTimes: async (bodyCode, since, limit) =>
      (await stores.uploadJobs.listCreatedSince(bodyCode, since, limit))
        .filter(storedRows)
        .map((job) => job.finishedAt ?? job.updatedAt),
    audit,
    now: deps.now,
  });
  const commitments = createCommitmentService({ commitments: stores.commitments, audit, now: deps.now });
  const reportingOverdue = createReportingOverdueCheck({
    bodies: () => bodies.list(),
    timeliness: (body) => reporting.timeliness(body),
    raise: signals.raise,
    logger: deps.logger,
  });
  return {
    auditors,
    reporting,
    commitments,
    reportingOverdue,
    openData,
    audit,
    transparency,
    bodies,
    certificates,
    tokens,
    uploads,
    qr,
    qrZip,
    inspectors,
    draws,
    dishonesty,
    credit,
    signals,
    scanRules,
    tips,
    flags,
    cases,
    receipts,
    stats: createStatsService({
      stats: stores.stats,
      scans: stores.scans,
      // Approved bodies, as the overdue signal judges them; a few dozen reads, once per computation.
      bodiesReporting: async () =>
        Promise.all(
          (await bodies.list())
            .filter((b) => b.approvalStatus === 'approved')
            .map(async (b) => {
              const { late, onTimeMonths, months } = await reporting.timeliness(b);
              return { late, onTimeMonths, monthsJudged: months.length };
            }),
        ),
      now: deps.now,
    }),
  };
}
