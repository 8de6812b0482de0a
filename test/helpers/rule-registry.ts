import fs from 'node:fs';
import type { Body } from '../../server/bodies/body-schema';
import type { Certificate, CertificateInput } from '../../server/certificates/certificate-schema';
import { openSqliteStores, type Stores } from '../../server/composition/stores';
import { createRuleContexts } from '../../server/signals/rules/rule-engine';
import type { RuleContext, UploadRule } from '../../server/signals/rules/rule';
import type { SignalDraft } from '../../server/signals/signal-schema';
import { makeBody, makeCertificate } from './factories';
import { tempDir } from './test-app';

/**
 * A real registry for rule tests (SQLite stores in a temp dir): fixtures are stored as uploads store
 * them, and rules read them through the engine's own RuleContext.
 */
export interface RuleRegistry {
  stores: Stores;
  /** Stores reports in one batch (as an upload does); the stored certificates, in order. */
  store(reports: Partial<CertificateInput>[], at?: string): Promise<Certificate[]>;
  /** Stores a body (makeBody with overrides). */
  body(overrides?: Partial<Body>): Promise<Body>;
  /** A RuleContext over this registry, at the time `clock` says. */
  context(): RuleContext;
  /** The clock the contexts read, ms since the epoch. */
  clock: { now: number };
  /** Runs `rule` on a batch of these certificates (of the first one's body), as the engine would. */
  evaluate(rule: UploadRule, certificates: readonly Certificate[]): Promise<SignalDraft[]>;
  close(): Promise<void>;
}

export function openRuleRegistry(now = '2026-06-15T04:00:00.000Z'): RuleRegistry {
  const dir = tempDir();
  const stores = openSqliteStores(dir);
  const clock = { now: Date.parse(now) };
  const contexts = createRuleContexts({
    registry: stores.certificates,
    bodies: stores.bodies,
    auditors: stores.auditors,
    now: () => clock.now,
  });
  return {
    stores,
    clock,
    async store(reports, at = new Date(clock.now).toISOString()) {
      const results = await stores.certificates.upsertMany(
        reports.map((r) => makeCertificate(r)),
        at,
      );
      return results.map((r) => r.certificate);
    },
    body: (overrides = {}) => stores.bodies.upsert(makeBody(overrides)),
    context: contexts,
    evaluate(rule, certificates) {
      const bodyCode = certificates[0]?.bodyCode ?? 'CQC';
      return rule.evaluate({ bodyCode, certificates, at: new Date(clock.now).toISOString() }, contexts());
    },
    async close() {
      await stores.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
