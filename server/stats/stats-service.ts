import { STATUSES, type Status } from '../certificates/certificate-schema';
import { CASE_STATES, type CaseState } from '../cases/case-schema';
import { SUBJECT_KINDS, type SubjectKind } from '../dishonesty/dishonesty-schema';
import { addDays, todayInChina } from '../platform/china-time';
import type { ScanRepository } from '../qr/scan-repository';
import { TIP_STATES, type TipState } from '../tips/tip-schema';
import { ON_TIME_BUCKETS, onTimeBucket, type PublicStats } from './stats-schema';
import type { CertificateTally, MonthTally, StatsRepository } from './stats-repository';

/** How long one computation of the figures is served, by default: a few minutes per instance. */
export const DEFAULT_STATS_TTL_SECONDS = 300;
const MONTHS = 12;
const SCAN_DAYS = 30;

export interface StatsService {
  /**
   * The public figures, computed at most once per `ttlSeconds` in this process (concurrent callers share
   * one computation). When the store cannot answer, the last figures computed (however old); rejects
   * only when there are none.
   */
  current(): Promise<PublicStats>;
  /** The seconds a computation is served: what a page may let the public cache it for. */
  readonly ttlSeconds: number;
}

export interface StatsServiceDeps {
  stats: StatsRepository;
  scans: Pick<ScanRepository, 'countsByDay'>;
  /** Each approved body's reporting today (wired over the bodies feature); without it none is counted. */
  bodiesReporting?: () => Promise<readonly { late: boolean; onTimeMonths: number; monthsJudged: number }[]>;
  ttlSeconds?: number;
  /** ms since the epoch (tests move it). */
  now?: () => number;
}

/** The `n` China-time months up to and including the one of `today` (YYYY-MM-DD), oldest first. */
export function monthsUpTo(today: string, n: number): string[] {
  let year = Number(today.slice(0, 4));
  let month = Number(today.slice(5, 7));
  const months: string[] = [];
  for (let i = 0; i < n; i += 1) {
    months.unshift(`${year}-${String(month).padStart(2, '0')}`);
    month -= 1;
    if (month === 0) [year, month] = [year - 1, 12];
  }
  return months;
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function byMonthAndState<S extends string>(
  months: readonly string[],
  states: readonly S[],
  tallies: readonly MonthTally[],
): { month: string; byState: Record<S, number> }[] {
  const rows = new Map(months.map((month) => [month, zeros(states)]));
  for (const t of tallies) {
    const row = rows.get(t.month);
    if (row && (states as readonly string[]).includes(t.state)) row[t.state as S] += t.count;
  }
  return months.map((month) => ({ month, byState: rows.get(month) as Record<S, number> }));
}

const tallyKey = (t: CertificateTally) => `${t.scheme}\u0000${t.status}\u0000${t.issueMonth}`;

/**
 * Certificates by the status the public sees: revoked and withdrawn stay what they are whatever the dates
 * say; of the others, those past their expiry date are expired (certificates/certificate-status.ts).
 */
function certificateFigures(
  months: readonly string[],
  all: readonly CertificateTally[],
  expired: readonly CertificateTally[],
): PublicStats['certificates'] {
  const expiredBy = new Map(expired.map((t) => [tallyKey(t), t.count]));
  const byStatus = zeros(STATUSES);
  const inForce = new Map<string, number>();
  const issued = new Map(months.map((m) => [m, zeros(STATUSES)]));
  let total = 0;
  for (const t of all) {
    const final = t.status === 'revoked' || t.status === 'withdrawn';
    const lapsed = final ? 0 : (expiredBy.get(tallyKey(t)) ?? 0);
    const parts: [Status, number][] = [
      [t.status as Status, t.count - lapsed],
      ['expired', lapsed],
    ];
    for (const [status, count] of parts) {
      if (count === 0 || !(status in byStatus)) continue;
      total += count;
      byStatus[status] += count;
      const month = issued.get(t.issueMonth);
      if (month) month[status] += count;
      if (status === 'valid') inForce.set(t.scheme, (inForce.get(t.scheme) ?? 0) + count);
    }
  }
  return {
    total,
    byStatus,
    inForceByScheme: [...inForce]
      .map(([scheme, count]) => ({ scheme, count }))
      .sort((a, b) => b.count - a.count || (a.scheme < b.scheme ? -1 : 1)),
    issuedByMonth: months.map((month) => ({ month, byStatus: issued.get(month) as Record<Status, number> })),
  };
}

export function createStatsService(deps: StatsServiceDeps): StatsService {
  const now = deps.now ?? Date.now;
  const ttlSeconds = deps.ttlSeconds ?? DEFAULT_STATS_TTL_SECONDS;
  let cached: { at: number; value: PublicStats } | undefined;
  let computing: Promise<PublicStats> | undefined;

  async function compute(): Promise<PublicStats> {
    const at = now();
    const today = todayInChina(at);
    const months = monthsUpTo(today, MONTHS);
    // Midnight China time of the first day of the first month, as an ISO timestamp (UTC).
    const since = new Date(Date.parse(`${months[0]}-01T00:00:00+08:00`)).toISOString();
    const firstDay = addDays(today, -(SCAN_DAYS - 1));
    const [all, expired, tips, cases, records, scanDays, bodies] = await Promise.all([
      deps.stats.certificateTallies(),
      deps.stats.certificateTallies(today),
      deps.stats.tipsByMonth(since),
      deps.stats.casesByMonth(since),
      deps.stats.recordsByMonth(),
      deps.scans.countsByDay(firstDay, today),
      deps.bodiesReporting?.() ?? [],
    ]);
    const onTime = zeros(ON_TIME_BUCKETS);
    for (const b of bodies) onTime[onTimeBucket(b.onTimeMonths, b.monthsJudged)] += 1;

    const listedByKind = zeros(SUBJECT_KINDS);
    const recordMonths = new Map(months.map((m) => [m, zeros(SUBJECT_KINDS)]));
    let repaired = 0;
    for (const r of records) {
      if (!(SUBJECT_KINDS as readonly string[]).includes(r.kind)) continue;
      const kind = r.kind as SubjectKind;
      if (r.state === 'listed') listedByKind[kind] += r.count;
      else repaired += r.count;
      const month = recordMonths.get(r.month);
      if (month) month[kind] += r.count;
    }

    const perDay = new Map(scanDays.map((d) => [d.day, d.scans]));
    return {
      generatedAt: new Date(at).toISOString(),
      months,
      certificates: certificateFigures(months, all, expired),
      tips: byMonthAndState<TipState>(months, TIP_STATES, tips),
      cases: byMonthAndState<CaseState>(months, CASE_STATES, cases),
      records: {
        listedByKind,
        repaired,
        byMonth: months.map((month) => ({
          month,
          byKind: recordMonths.get(month) as Record<SubjectKind, number>,
        })),
      },
      reporting: {
        bodies: bodies.length,
        late: bodies.filter((b) => b.late).length,
        onTime: ON_TIME_BUCKETS.map((bucket) => ({ bucket, bodies: onTime[bucket] })),
      },
      scans: Array.from({ length: SCAN_DAYS }, (_, i) => {
        const day = addDays(firstDay, i);
        return { day, scans: perDay.get(day) ?? 0 };
      }),
    };
  }

  return {
    ttlSeconds,
    current() {
      if (cached && now() - cached.at < ttlSeconds * 1000) return Promise.resolve(cached.value);
      computing ??= compute()
        .then(
          (value) => {
            cached = { at: now(), value };
            return value;
          },
          (error: unknown) => {
            // Figures a few minutes old beat an error page while the store is away.
            if (cached) return cached.value;
            throw error;
          },
        )
        .finally(() => {
          computing = undefined;
        });
      return computing;
    },
  };
}
