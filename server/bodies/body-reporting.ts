/**
 * A body's reporting timeliness, the one place it is reckoned: Chinese bodies report their certificates
 * monthly at the latest, the report of a month due on the 10th of the next month (China time). A report is
 * an upload job that stored rows (created, updated or confirmed unchanged) or a "nothing changed"
 * confirmation. The portal shows a body its next due date and a notice when it is late; public pages show
 * its last report and its on-time months; the reporting-overdue signal (signals/) reads `late`.
 */
import type { AuditService } from '../audit/audit-service';
import { todayInChina } from '../platform/china-time';
import { approvalHistoryOf } from './body-approval';
import type { Body } from './body-schema';

/** The day of the month a month's report is due, in the month after it. */
export const REPORT_DUE_DAY = 10;
/** How many past months the on-time count covers. */
export const MONTHS_JUDGED = 12;

export interface ReportingMonth {
  /** YYYY-MM. */
  month: string;
  /** A report was made from the month's first day until its due date (the 10th of the next month). */
  onTime: boolean;
}

export interface ReportingTimeliness {
  bodyCode: string;
  /** The latest report (ISO timestamp), absent when the body never reported. */
  lastReportAt?: string;
  /** The day the next report is due (YYYY-MM-DD, China): the 10th of the month after the last report. */
  nextDueDate: string;
  /** Today (China) is past the due date. */
  late: boolean;
  /** Whole days past the due date (0 when not late). */
  daysLate: number;
  /**
   * The months judged, oldest first: the last MONTHS_JUDGED whose due date has passed, from the month of
   * the body's first approval on.
   */
  months: ReportingMonth[];
  /** How many of `months` had a report in time. */
  onTimeMonths: number;
}

/** The month `n` months after `month` (YYYY-MM; n may be negative). */
export function addMonths(month: string, n: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The due date of `month`'s report: the 10th of the month after it. */
export const dueDateOf = (month: string): string =>
  `${addMonths(month, 1)}-${String(REPORT_DUE_DAY).padStart(2, '0')}`;

/** The China date (YYYY-MM-DD) of an ISO timestamp. */
export const chinaDateOf = (iso: string): string => todayInChina(Date.parse(iso));

const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * Timeliness from the body and its report times (ISO timestamps, any order), judged on `now` (ms). A body
 * that never reported owes its first report for the month of its first approval, or for the first month
 * judged when it was approved before that.
 */
export function reckonTimeliness(body: Body, reports: readonly string[], now: number): ReportingTimeliness {
  const today = todayInChina(now);
  const days = reports.map(chinaDateOf).sort();
  const lastReportAt = [...reports, body.lastReportedAt ?? ''].reduce((a, b) => (a > b ? a : b), '');
  const firstApproval = approvalHistoryOf(body).find((c) => c.status === 'approved')?.from;
  const startMonth = firstApproval?.slice(0, 7);
  // The latest month whose report was due before today, and the first of the months judged.
  const thisMonth = today.slice(0, 7);
  const latestJudged =
    dueDateOf(addMonths(thisMonth, -1)) < today ? addMonths(thisMonth, -1) : addMonths(thisMonth, -2);
  const firstJudged = addMonths(latestJudged, 1 - MONTHS_JUDGED);
  // Never reported: the first month owed is the month of approval, or the first month judged when the
  // approval is older (the reckoning looks back a year, not to the approval of 2002).
  const firstOwed = startMonth !== undefined && startMonth > firstJudged ? startMonth : firstJudged;
  const nextDueDate = lastReportAt ? dueDateOf(chinaDateOf(lastReportAt).slice(0, 7)) : dueDateOf(firstOwed);
  const late = today > nextDueDate;
  const months: ReportingMonth[] = [];
  for (let i = MONTHS_JUDGED - 1; i >= 0; i -= 1) {
    const month = addMonths(latestJudged, -i);
    if (startMonth !== undefined && month < startMonth) continue;
    const from = `${month}-01`;
    const to = dueDateOf(month);
    months.push({ month, onTime: days.some((d) => d >= from && d <= to) });
  }
  return {
    bodyCode: body.code,
    ...(lastReportAt ? { lastReportAt } : {}),
    nextDueDate,
    late,
    daysLate: late ? daysBetween(nextDueDate, today) : 0,
    months,
    onTimeMonths: months.filter((m) => m.onTime).length,
  };
}

/** How many confirmations of a body the audit log is asked for (a dozen a year at most in practice). */
const CONFIRMATIONS_READ = 200;
/** How many upload jobs of a body one reckoning reads, at most. */
const JOBS_READ = 2000;

export interface ReportingService {
  /** The body's timeliness today. */
  timeliness(body: Body): Promise<ReportingTimeliness>;
}

export function createReportingService(deps: {
  /**
   * When the body's upload jobs created at or after `since` (ISO) stored rows: their finish times (wired by
   * the composition root over the upload job store; uploads stand above bodies).
   */
  uploadReportTimes(bodyCode: string, since: string, limit: number): Promise<string[]>;
  audit: Pick<AuditService, 'forTarget'>;
  now?: () => number;
}): ReportingService {
  const now = deps.now ?? Date.now;
  return {
    async timeliness(body) {
      const at = now();
      // From the first day of the earliest month judged (China), with a day to spare for the offset.
      const since = `${addMonths(todayInChina(at).slice(0, 7), -(MONTHS_JUDGED + 2))}-01T00:00:00.000Z`;
      const [uploads, entries] = await Promise.all([
        deps.uploadReportTimes(body.code, since, JOBS_READ),
        deps.audit.forTarget('body', body.code, CONFIRMATIONS_READ),
      ]);
      const confirmations = entries
        .filter((e) => e.action === 'body.confirm' && e.at >= since)
        .map((e) => e.at);
      return reckonTimeliness(body, [...uploads, ...confirmations], at);
    },
  };
}
