import path from 'node:path';
import type { AuditRepository } from '../audit/audit-repository';
import type { AuditorRepository } from '../auditors/auditor-repository';
import { createSqliteAuditorRepository } from '../auditors/sqlite-auditor-repository';
import { createSqliteAuditRepository } from '../audit/sqlite-audit-repository';
import { createSqliteWitnessRepository } from '../audit/sqlite-witness-repository';
import type { WitnessRepository } from '../audit/witness-repository';
import type { BodyRepository } from '../bodies/body-repository';
import { createSqliteTokenRepository } from '../bodies/sqlite-token-repository';
import type { TokenRepository } from '../bodies/token-repository';
import { createSqliteBodyRepository } from '../bodies/sqlite-body-repository';
import type { CommitmentRepository } from '../bodies/commitment-repository';
import { createSqliteCommitmentRepository } from '../bodies/sqlite-commitment-repository';
import type { CertificateRepository } from '../certificates/certificate-repository';
import { createSqliteCertificateRepository } from '../certificates/sqlite-certificate-repository';
import type { Config } from '../config';
import type { Logger } from '../platform/logger';
import { createSqliteUploadJobRepository } from '../uploads/sqlite-upload-job-repository';
import type { UploadJobRepository } from '../uploads/upload-job-repository';
import type { openMongoStores } from './mongo-stores';
import { openSqlite, type SqliteDatabase } from '../platform/sqlite';
import { announceWrites } from '../platform/write-intents';
import { REGISTRY_FILE } from '../platform/data-dir';
import type { ScanRepository } from '../qr/scan-repository';
import { createSqliteScanRepository } from '../qr/sqlite-scan-repository';
import type { DrawRepository } from '../draws/draw-repository';
import type { InspectorRepository } from '../inspectors/inspector-repository';
import { createSqliteDrawRepository } from '../draws/sqlite-draw-repository';
import { createSqliteInspectorRepository } from '../inspectors/sqlite-inspector-repository';
import type { DishonestyRepository } from '../dishonesty/dishonesty-repository';
import { createSqliteDishonestyRepository } from '../dishonesty/sqlite-dishonesty-repository';
import type { SignalRepository } from '../signals/signal-repository';
import { createSqliteSignalRepository } from '../signals/sqlite-signal-repository';
import type { TipRepository } from '../tips/tip-repository';
import { createSqliteTipRepository } from '../tips/sqlite-tip-repository';
import type { FlagRepository } from '../cases/flag-repository';
import { createSqliteFlagRepository } from '../cases/sqlite-flag-repository';
import type { CaseRepository } from '../cases/case-repository';
import { createSqliteCaseRepository } from '../cases/sqlite-case-repository';
import type { StatsRepository } from '../stats/stats-repository';
import { createSqliteStatsRepository } from '../stats/sqlite-stats-repository';
import type { AttachmentRepository } from '../cases/attachment-repository';
import { createSqliteAttachmentRepository } from '../cases/sqlite-attachment-repository';

/** The repositories of one backend, with its health check and shutdown. */
export interface Stores {
  kind: 'sqlite' | 'mongo';
  certificates: CertificateRepository;
  bodies: BodyRepository;
  uploadJobs: UploadJobRepository;
  tokens: TokenRepository;
  audit: AuditRepository;
  /** The audit log's witnesses and their cosignatures. */
  witnesses: WitnessRepository;
  scans: ScanRepository;
  inspectors: InspectorRepository;
  draws: DrawRepository;
  dishonesty: DishonestyRepository;
  signals: SignalRepository;
  tips: TipRepository;
  flags: FlagRepository;
  cases: CaseRepository;
  /** The auditor register. */
  auditors: AuditorRepository;
  /** The public statistics' aggregate counts over the other stores. */
  stats: StatsRepository;
  /**
   * SQLite: the directory of the registry file, for a process that opens a connection of its own to it
   * (an upload's storing process); absent for an in-memory database and for MongoDB.
   */
  registryDir?: string;
  /** Bodies' public commitments (承诺书), every version. */
  commitments: CommitmentRepository;
  /** Evidence attachments of cases (their bytes included). */
  attachments: AttachmentRepository;
  /** Resolves when the backend answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function openSqliteStores(dataDir: string): Stores {
  return sqliteStoresOn(openSqlite(dataDir));
}

/** The stores on an open registry database (tests set pragmas on it first, e.g. a full disk). */
export function sqliteStoresOn(db: SqliteDatabase): Stores {
  // Before the repositories prepare their statements: an upload's storing process commits when they wait.
  announceWrites(db);
  return {
    kind: 'sqlite',
    registryDir: !db.memory && path.basename(db.name) === REGISTRY_FILE ? path.dirname(db.name) : undefined,
    certificates: createSqliteCertificateRepository(db),
    bodies: createSqliteBodyRepository(db),
    uploadJobs: createSqliteUploadJobRepository(db),
    tokens: createSqliteTokenRepository(db),
    audit: createSqliteAuditRepository(db),
    witnesses: createSqliteWitnessRepository(db),
    scans: createSqliteScanRepository(db),
    inspectors: createSqliteInspectorRepository(db),
    draws: createSqliteDrawRepository(db),
    dishonesty: createSqliteDishonestyRepository(db),
    signals: createSqliteSignalRepository(db),
    tips: createSqliteTipRepository(db),
    flags: createSqliteFlagRepository(db),
    cases: createSqliteCaseRepository(db),
    auditors: createSqliteAuditorRepository(db),
    stats: createSqliteStatsRepository(db),
    commitments: createSqliteCommitmentRepository(db),
    attachments: createSqliteAttachmentRepository(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      db.close();
    },
  };
}

/** Opens the backend `config.STORE` names. */
export async function openStores(config: Config, logger?: Logger): Promise<Stores> {
  if (config.STORE === 'mongo') {
    // The config schema already requires MONGODB_URI with STORE=mongo; this only narrows the type.
    if (!config.MONGODB_URI) throw new Error('STORE=mongo needs MONGODB_URI');
    // Loaded only for MongoDB: mongoose and its driver are some 400 modules, about a second of every
    // SQLite start (the portal's and each CLI's) otherwise.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded late on purpose (see above)
    const mongo = require('./mongo-stores') as { openMongoStores: typeof openMongoStores };
    return mongo.openMongoStores(config.MONGODB_URI, {}, logger);
  }
  return openSqliteStores(config.DATA_DIR);
}
