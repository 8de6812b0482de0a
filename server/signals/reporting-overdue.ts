/**
 * Bodies overdue on reporting (DOMAIN: monthly at the latest, due the 10th of the next month) raise a low
 * signal for inspectors: one per body and missed due date (dedup key), so a check run again, by this
 * instance or another, counts a repeat instead of adding a signal. Not an upload or scan rule: nothing
 * happens when a body does not report, so the check runs on a timer (main.ts starts it; every instance of
 * a cluster may run it, the dedup key keeps one signal).
 */
import type { Body } from '../bodies/body-schema';
import type { ReportingTimeliness } from '../bodies/body-reporting';
import type { Logger } from '../platform/logger';
import type { SignalDraft } from './signal-schema';

export const REPORTING_OVERDUE = {
  id: 'reporting-overdue',
  title: { zh: '认证机构逾期未报送证书信息', en: 'Certifying body overdue on reporting' },
} as const;

/** How often the check runs on a schedule: hourly (a due date moves once a month). */
export const REPORTING_CHECK_INTERVAL_MS = 3_600_000;

/** The signal of one late body. */
export function overdueDraft(body: Body, t: ReportingTimeliness): SignalDraft {
  return {
    ruleId: REPORTING_OVERDUE.id,
    severity: 'low',
    subject: { kind: 'body', key: body.code, label: body.name },
    dedupKey: `${REPORTING_OVERDUE.id}:${body.code}:${t.nextDueDate}`,
    summary: `${body.code} has not reported since ${t.lastReportAt ?? 'it was approved'}; its report was due on ${t.nextDueDate} (${t.daysLate} days late).`,
    evidence: {
      nextDueDate: t.nextDueDate,
      daysLate: t.daysLate,
      lastReportAt: t.lastReportAt ?? null,
      onTimeMonths: t.onTimeMonths,
      monthsJudged: t.months.length,
    },
    bodyCode: body.code,
  };
}

export interface ReportingOverdueCheck {
  /** Raises (or repeats) the signal of every approved body late on reporting; returns how many. */
  run(): Promise<number>;
  /** Runs the check now and then every `intervalMs` (timer unref'd); the returned function stops it. */
  schedule(intervalMs?: number): () => void;
}

export function createReportingOverdueCheck(deps: {
  bodies: () => Promise<Body[]>;
  timeliness: (body: Body) => Promise<ReportingTimeliness>;
  raise: (drafts: SignalDraft[]) => Promise<unknown>;
  logger: Logger;
}): ReportingOverdueCheck {
  async function run(): Promise<number> {
    const drafts: SignalDraft[] = [];
    // A suspended or withdrawn body is judged by its approval, not its reporting.
    for (const body of (await deps.bodies()).filter((b) => b.approvalStatus === 'approved')) {
      const t = await deps.timeliness(body);
      if (t.late) drafts.push(overdueDraft(body, t));
    }
    await deps.raise(drafts);
    return drafts.length;
  }
  return {
    run,
    schedule(intervalMs = REPORTING_CHECK_INTERVAL_MS) {
      const tick = () => {
        run().catch((error: unknown) =>
          deps.logger.warn({ err: error }, 'reporting-overdue check failed; it runs again later'),
        );
      };
      tick();
      const timer = setInterval(tick, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
