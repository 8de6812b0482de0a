/**
 * A rescan: the upload rules run again over the registry (every body, or one), a page of each body's
 * certificates at a time by issue date, e.g. after a rule or a threshold changed. Only what is new is
 * raised: a draft whose dedup key is already stored (open, in a case or dismissed) is left alone, so a
 * rescan neither repeats nor reopens anything.
 */
import type { BodyRepository } from '../../bodies/body-repository';
import type { CertificateRepository } from '../../certificates/certificate-repository';
import type { Certificate } from '../../certificates/certificate-schema';
import type { Logger } from '../../platform/logger';
import type { SignalRepository } from '../signal-repository';
import type { SignalDraft } from '../signal-schema';
import { createUploadRuleRunner, type UploadRuleRunnerDeps } from './rule-engine';

/** Certificates per page (and per rules batch) of a rescan. */
export const RESCAN_PAGE = 5_000;

export interface RescanProgress {
  bodyCode: string;
  /** Certificates looked at so far, in all. */
  certificates: number;
  /** New signals raised so far. */
  raised: number;
}

export interface RescanReport {
  bodies: number;
  certificates: number;
  /** Drafts the rules produced (new and already stored). */
  drafts: number;
  /** New signals raised. */
  raised: number;
  /** Rule failures (logged and counted; the rescan went on). */
  failures: number;
}

export async function rescanRegistry(deps: {
  registry: UploadRuleRunnerDeps['registry'] & Pick<CertificateRepository, 'findIssuedInWindow'>;
  bodies: Pick<BodyRepository, 'findByCode' | 'list'>;
  signals: Pick<SignalRepository, 'findDedupKeys'>;
  /** Stores new drafts (services.signals.raise). */
  raise: (drafts: SignalDraft[]) => Promise<unknown>;
  logger: Logger;
  /** One body's certificates only. */
  bodyCode?: string;
  pageSize?: number;
  onProgress?: (progress: RescanProgress) => void;
  now?: () => number;
}): Promise<RescanReport> {
  const pageSize = deps.pageSize ?? RESCAN_PAGE;
  const report: RescanReport = { bodies: 0, certificates: 0, drafts: 0, raised: 0, failures: 0 };
  const runner = createUploadRuleRunner({
    registry: deps.registry,
    bodies: deps.bodies,
    logger: deps.logger,
    now: deps.now,
    async raise(drafts) {
      report.drafts += drafts.length;
      const stored = new Set(await deps.signals.findDedupKeys(drafts.map((d) => d.dedupKey)));
      const fresh = new Map<string, SignalDraft>();
      for (const draft of drafts) if (!stored.has(draft.dedupKey)) fresh.set(draft.dedupKey, draft);
      if (fresh.size === 0) return;
      await deps.raise([...fresh.values()]);
      report.raised += fresh.size;
    },
  });
  const codes = deps.bodyCode ? [deps.bodyCode] : (await deps.bodies.list()).map((b) => b.code);
  for (const bodyCode of codes) {
    report.bodies += 1;
    let after: { issueDate: string; id: string } | undefined;
    for (;;) {
      const page = await deps.registry.findIssuedInWindow(
        bodyCode,
        { from: '0000-01-01' },
        { after, limit: pageSize },
      );
      if (page.length === 0) break;
      const at = new Date((deps.now ?? Date.now)()).toISOString();
      const result = await runner.run({ bodyCode, certificates: page, at });
      report.failures += result.failures;
      report.certificates += page.length;
      deps.onProgress?.({ bodyCode, certificates: report.certificates, raised: report.raised });
      const last = page[page.length - 1] as Certificate;
      after = { issueDate: last.issueDate, id: last.id };
      if (page.length < pageSize) break;
    }
  }
  return report;
}
