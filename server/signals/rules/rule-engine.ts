/**
 * The upload rules engine: after each stored batch of an upload, every upload rule looks at the
 * certificates the batch created or changed, and what they raise is stored as deduplicated signals.
 * The certificates are stored before the rules run, and a rule never fails the upload: a rule that
 * throws (or signals that cannot be stored) is logged and counted, and the upload goes on.
 */
import client from 'prom-client';
import type { AuditorRepository } from '../../auditors/auditor-repository';
import type { BodyRepository } from '../../bodies/body-repository';
import type { Body } from '../../bodies/body-schema';
import type { AuditVolume, CertificateRepository } from '../../certificates/certificate-repository';
import type { Certificate } from '../../certificates/certificate-schema';
import type { Logger } from '../../platform/logger';
import type { Metrics } from '../../platform/metrics';
import type { RefusedEvent, StoredEvent } from '../../uploads/upload-service';
import { signalDraftSchema, type SignalDraft } from '../signal-schema';
import { APPROVAL_RULES, UPLOAD_RULES } from '.';
import type { IssueWindow } from '../../certificates/certificate-repository';
import type { AuditorRegisterView, RuleContext, StoredBatch, UploadRule } from './rule';

/** Certificates read per holder (the ban-period rule looks at a holder's other certificates). */
const MAX_CERTIFICATES_PER_HOLDER = 200;
/** Certificates read per page when an approval change is re-checked. */
const REEVALUATE_PAGE = 1_000;
/** Assignments read per batch at most (auditor overlap): a bound on a batch of absurd data. */
const MAX_ASSIGNMENTS = 100_000;

export interface UploadRuleReport {
  /** Certificates the rules looked at (created or updated; unchanged ones are skipped). */
  certificates: number;
  /** Per rule, in run order: drafts raised, time taken, and the error when it failed. */
  rules: Array<{ id: string; drafts: number; ms: number; error?: string }>;
  /** Drafts handed to `raise` (new signals and repeats of stored ones). */
  raised: number;
  /** Rules that failed (threw, or returned a malformed draft), plus one when the signals could not be stored. */
  failures: number;
}

export interface UploadRuleRunner {
  /** Runs every rule on the batch and stores what they raise; never throws for a rule's failure. */
  run(batch: StoredBatch): Promise<UploadRuleReport>;
  /** The upload service's `onStored`: the batch's created and updated certificates, through `run`. */
  onStored(event: StoredEvent): Promise<void>;
  /** The upload service's `onRefused`: the batch's rows refused as out of scope, through `run`. */
  onRefused(event: RefusedEvent): Promise<void>;
  /**
   * After a change of a body's approval history: the approval rules (APPROVAL_RULES) over the body's
   * certificates issued in `window`, a page at a time. Never throws for a rule's failure; answers how
   * many certificates it looked at and what was raised.
   */
  reevaluateApproval(
    bodyCode: string,
    window: IssueWindow,
  ): Promise<{ certificates: number; raised: number }>;
}

export interface UploadRuleRunnerDeps {
  registry: Pick<
    CertificateRepository,
    | 'findAuditAssignments'
    | 'findByCreditCode'
    | 'findSanctionedByCreditCodes'
    | 'auditVolumeByBody'
    | 'findIssuedInWindow'
  >;
  bodies: Pick<BodyRepository, 'findByCode'>;
  /** The auditor register; without it (or before any import) the register rules stay silent. */
  auditors?: Pick<AuditorRepository, 'findByRegistrationNumbers' | 'count'>;
  /** Stores drafts as deduplicated signals (services.signals.raise); a benchmark may pass a no-op. */
  raise: (drafts: SignalDraft[]) => Promise<unknown>;
  logger: Logger;
  /** Where rule failures are counted (upload_rule_errors_total). */
  metrics?: Pick<Metrics, 'registry'>;
  /** The rules to run (UPLOAD_RULES by default). */
  rules?: readonly UploadRule[];
  /** The clock, ms since the epoch. */
  now?: () => number;
}

/**
 * The registry reads of the upload rules (RuleContext) over the repositories: one context per evaluation,
 * reading each body and holder once. Peer statistics are read from the store for each evaluation (a
 * running tally: a few rows per body and month), so that they count every batch stored before, on every
 * instance alike.
 */
export function createRuleContexts(
  deps: Pick<UploadRuleRunnerDeps, 'registry' | 'bodies' | 'auditors' | 'now'>,
): () => RuleContext {
  const { registry, bodies, auditors } = deps;
  const now = deps.now ?? Date.now;
  return () => {
    const bodyByCode = new Map<string, Promise<Body | undefined>>();
    const volumesByMonths = new Map<string, Promise<AuditVolume[]>>();
    // The register rules of one evaluation ask about the same auditors: one read for all of them.
    const registerViews = new Map<string, Promise<AuditorRegisterView>>();
    let imported: Promise<boolean> | undefined;
    return {
      now: new Date(now()).toISOString(),
      auditAssignments: (windows) => registry.findAuditAssignments(windows, MAX_ASSIGNMENTS),
      body(code) {
        let body = bodyByCode.get(code);
        if (!body) {
          body = bodies.findByCode(code);
          bodyByCode.set(code, body);
        }
        return body;
      },
      async certificatesOfHolders(creditCodes) {
        const unique = [...new Set(creditCodes)];
        const found = await Promise.all(
          unique.map((code) => registry.findByCreditCode(code, MAX_CERTIFICATES_PER_HOLDER)),
        );
        const byHolder = new Map<string, Certificate[]>();
        unique.forEach((code, i) => {
          const certificates = found[i] ?? [];
          if (certificates.length > 0) byHolder.set(code, certificates);
        });
        return byHolder;
      },
      async sanctionedCertificatesOfHolders(creditCodes) {
        const byHolder = new Map<string, Certificate[]>();
        for (const cert of await registry.findSanctionedByCreditCodes([...new Set(creditCodes)])) {
          const list = byHolder.get(cert.holder.creditCode);
          if (list) list.push(cert);
          else byHolder.set(cert.holder.creditCode, [cert]);
        }
        return byHolder;
      },
      auditorRegister(registrationNumbers) {
        const numbers = [...new Set(registrationNumbers)].sort();
        const key = numbers.join('\u0000');
        let view = registerViews.get(key);
        if (!view) {
          view = (async () => {
            if (!auditors) return { imported: false, registrations: new Map() };
            imported ??= auditors.count().then((n) => n > 0);
            if (!(await imported)) return { imported: false, registrations: new Map() };
            const found = numbers.length === 0 ? [] : await auditors.findByRegistrationNumbers(numbers);
            return { imported: true, registrations: new Map(found.map((a) => [a.registrationNumber, a])) };
          })();
          registerViews.set(key, view);
        }
        return view;
      },
      auditVolumes(fromMonth, toMonth) {
        const key = `${fromMonth}/${toMonth}`;
        let volumes = volumesByMonths.get(key);
        if (!volumes) {
          volumes = registry.auditVolumeByBody(fromMonth, toMonth);
          volumesByMonths.set(key, volumes);
        }
        return volumes;
      },
    };
  };
}

/** The counter of upload rule failures by rule in `metrics` (created there the first time). */
export function ruleFailures(metrics: Pick<Metrics, 'registry'>): client.Counter<'rule'> {
  return (
    (metrics.registry.getSingleMetric('upload_rule_errors_total') as client.Counter<'rule'> | undefined) ??
    new client.Counter({
      name: 'upload_rule_errors_total',
      help: 'Upload rule failures by rule (`raise`: the signals could not be stored); the uploads went on',
      labelNames: ['rule'],
      registers: [metrics.registry],
    })
  );
}

/** The upload rule failures counted in `metrics`, by rule (rules that never failed left out). */
export async function ruleFailureCounts(metrics: Pick<Metrics, 'registry'>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { labels, value } of (await ruleFailures(metrics).get()).values) {
    if (typeof labels.rule === 'string' && value > 0) counts[labels.rule] = value;
  }
  return counts;
}

export function createUploadRuleRunner(deps: UploadRuleRunnerDeps): UploadRuleRunner {
  const { raise, logger } = deps;
  const rules = deps.rules ?? UPLOAD_RULES;
  const contextFor = createRuleContexts(deps);
  const failuresTotal = deps.metrics && ruleFailures(deps.metrics);

  function failed(rule: string, batch: StoredBatch, error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    failuresTotal?.inc({ rule });
    logger.error(
      { rule, bodyCode: batch.bodyCode, jobId: batch.jobId, err: message },
      'upload rule failed; the upload goes on',
    );
    return message;
  }

  async function run(batch: StoredBatch, only: readonly UploadRule[] = rules): Promise<UploadRuleReport> {
    const report: UploadRuleReport = {
      certificates: batch.certificates.length,
      rules: [],
      raised: 0,
      failures: 0,
    };
    if (batch.certificates.length === 0 && (batch.refused ?? []).length === 0) return report;
    const context = contextFor();
    const drafts: SignalDraft[] = [];
    for (const rule of only) {
      const started = performance.now();
      try {
        const raised = await rule.evaluate(batch, context);
        // Checked here, so that one rule's malformed draft is that rule's failure, not every rule's.
        for (const draft of raised) signalDraftSchema.parse(draft);
        drafts.push(...raised);
        report.rules.push({ id: rule.id, drafts: raised.length, ms: performance.now() - started });
      } catch (error) {
        report.failures += 1;
        const message = failed(rule.id, batch, error);
        report.rules.push({ id: rule.id, drafts: 0, ms: performance.now() - started, error: message });
      }
    }
    if (drafts.length === 0) return report;
    try {
      await raise(drafts);
      report.raised = drafts.length;
    } catch (error) {
      report.failures += 1;
      failed('raise', batch, error);
    }
    return report;
  }

  return {
    run: (batch) => run(batch),
    async onStored(event) {
      const certificates = event.results.filter((r) => r.outcome !== 'unchanged').map((r) => r.certificate);
      await run({ bodyCode: event.bodyCode, jobId: event.jobId, certificates, at: event.at });
    },
    async reevaluateApproval(bodyCode, window) {
      const approvalRules = rules.filter((rule) => APPROVAL_RULES.includes(rule));
      let after: { issueDate: string; id: string } | undefined;
      let certificates = 0;
      let raised = 0;
      for (;;) {
        const page = await deps.registry.findIssuedInWindow(bodyCode, window, {
          after,
          limit: REEVALUATE_PAGE,
        });
        if (page.length === 0) break;
        const at = new Date((deps.now ?? Date.now)()).toISOString();
        const report = await run({ bodyCode, certificates: page, at }, approvalRules);
        certificates += page.length;
        raised += report.raised;
        const last = page[page.length - 1] as Certificate;
        after = { issueDate: last.issueDate, id: last.id };
        if (page.length < REEVALUATE_PAGE) break;
      }
      return { certificates, raised };
    },
    async onRefused(event) {
      await run({
        bodyCode: event.bodyCode,
        jobId: event.jobId,
        certificates: [],
        refused: event.rows,
        at: event.at,
      });
    },
  };
}
