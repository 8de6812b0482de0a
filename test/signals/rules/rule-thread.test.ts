/**
 * The upload rules on a thread of their own (rule-thread.ts), as a storing process runs them: the real
 * thread module (server/composition/upload-rule-thread.ts) over its own connection to a registry file.
 * What they raise comes back to the caller to store; a thread that dies never leaves its caller waiting.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createSqliteCertificateRepository } from '../../../server/certificates/sqlite-certificate-repository';
import type { UpsertResult } from '../../../server/certificates/certificate-repository';
import { BACKGROUND_LOADER } from '../../../server/platform/background-thread';
import { createLogger } from '../../../server/platform/logger';
import { openSqlite, type SqliteDatabase } from '../../../server/platform/sqlite';
import {
  MAX_RULE_BACKLOG,
  RULE_THREAD_FAILURE,
  startRuleThread,
  type RuleThreadStart,
} from '../../../server/signals/rules/rule-thread';
import type { SignalDraft } from '../../../server/signals/signal-schema';
import { creditCode, makeCertificate } from '../../helpers/factories';
import { tempDir } from '../../helpers/test-app';

const THREAD_FILE = path.resolve(__dirname, '../../../server/composition/upload-rule-thread.ts');
const logger = createLogger('silent');

let dir: string;
let db: SqliteDatabase;
beforeEach(() => {
  dir = tempDir();
  db = openSqlite(dir);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const start = (file = THREAD_FILE): RuleThreadStart => ({
  file,
  loader: BACKGROUND_LOADER,
  dataDir: dir,
  logLevel: 'silent',
  jobId: 'job-rule-thread',
});

/** A stored batch as the storing hands it over. */
const event = (results: UpsertResult[]) => ({
  jobId: 'job-rule-thread',
  bodyCode: 'CQC',
  results,
  at: '2026-03-01T00:00:00.000Z',
});

test('when a committed batch is handed over, then the rules read it on their own connection and what they raise comes back to be stored', async () => {
  const repo = createSqliteCertificateRepository(db);
  // One auditor on two audits of different holders on the same days: the auditor-overlap rule's case.
  const [first, second] = await repo.upsertMany(
    [makeCertificate(), makeCertificate({ holder: { name: '另一家有限公司', creditCode: creditCode() } })],
    '2026-03-01T00:00:00.000Z',
  );
  const raised: SignalDraft[] = [];
  const rules = startRuleThread(
    start(),
    async (drafts) => {
      raised.push(...drafts);
    },
    logger,
  );
  rules.stored(event([second as UpsertResult]));
  await expect(rules.end()).resolves.toEqual({});

  const overlap = raised.filter((d) => d.ruleId === 'auditor-overlap');
  expect(overlap).toHaveLength(1);
  expect([...(overlap[0]?.certificatePublicIds ?? [])].sort()).toEqual(
    [first?.certificate.publicId, second?.certificate.publicId].sort(),
  );
});

test('when unchanged certificates are handed over, then nothing is evaluated', async () => {
  const repo = createSqliteCertificateRepository(db);
  const [stored] = await repo.upsertMany([makeCertificate()], '2026-03-01T00:00:00.000Z');
  const raised: SignalDraft[] = [];
  const rules = startRuleThread(start(), async (drafts) => void raised.push(...drafts), logger);
  rules.stored(event([{ ...(stored as UpsertResult), outcome: 'unchanged' }]));
  await expect(rules.room()).resolves.toBeUndefined();
  await expect(rules.end()).resolves.toEqual({});
  expect(raised).toEqual([]);
});

test('when more certificates wait for the rules than the backlog allows, then room is given only once the thread has caught up', async () => {
  const rules = startRuleThread(start(), async () => undefined, logger);
  // Ids of no stored certificate: the thread reads nothing and has nothing to evaluate, but still counts them.
  const results = Array.from({ length: MAX_RULE_BACKLOG }, (_, i) => ({
    outcome: 'created' as const,
    certificate: {
      ...makeCertificate(),
      id: String(1_000_000 + i),
      publicId: `p${i}`,
      statusHistory: [],
      createdAt: '',
      updatedAt: '',
    },
  }));
  rules.stored(event(results));
  let given = false;
  const room = rules.room().then(() => {
    given = true;
  });
  await Promise.resolve();
  expect(given).toBe(false);
  await room;
  expect(given).toBe(true);
  await expect(rules.end()).resolves.toEqual({});
});

test('when the rules thread cannot start, then the failure is counted and neither room nor the end waits for it', async () => {
  const rules = startRuleThread(
    start(path.join(__dirname, 'fixtures', 'throws-at-start.js')),
    async () => undefined,
    logger,
  );
  const results = Array.from({ length: MAX_RULE_BACKLOG }, (_, i) => ({
    outcome: 'created' as const,
    certificate: {
      ...makeCertificate(),
      id: String(i + 1),
      publicId: `p${i}`,
      statusHistory: [],
      createdAt: '',
      updatedAt: '',
    },
  }));
  rules.stored(event(results));
  await expect(rules.room()).resolves.toBeUndefined();
  await expect(rules.end()).resolves.toEqual({ [RULE_THREAD_FAILURE]: 1 });
});
