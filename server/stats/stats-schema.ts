/** The public statistics as computed once and shown on `/stats`: plain numbers, nothing about anyone. */
import type { Status } from '../certificates/certificate-schema';
import type { CaseState } from '../cases/case-schema';
import type { SubjectKind } from '../dishonesty/dishonesty-schema';
import type { TipState } from '../tips/tip-schema';

/** Buckets of the share of months a body reported on time: all of them, most, about half, few. */
export const ON_TIME_BUCKETS = ['all', 'most', 'half', 'few'] as const;
export type OnTimeBucket = (typeof ON_TIME_BUCKETS)[number];

/** The bucket of a body that reported on time in `onTime` of `judged` months (none judged: all). */
export function onTimeBucket(onTime: number, judged: number): OnTimeBucket {
  if (judged === 0 || onTime >= judged) return 'all';
  const share = onTime / judged;
  return share >= 0.75 ? 'most' : share >= 0.4 ? 'half' : 'few';
}

export interface PublicStats {
  /** When these figures were computed (ISO timestamp). */
  generatedAt: string;
  /** The twelve China-time months the monthly figures cover, oldest first (YYYY-MM). */
  months: string[];
  certificates: {
    total: number;
    /** Every certificate by the status the public sees today (expiry derived from the date). */
    byStatus: Record<Status, number>;
    /** Certificates in force (valid today) by scheme code, most first. */
    inForceByScheme: { scheme: string; count: number }[];
    /** Certificates issued in each month, by the status each has today. */
    issuedByMonth: { month: string; byStatus: Record<Status, number> }[];
  };
  /** Public tips received per month, by where each stands now (new, taken into a case, dismissed). */
  tips: { month: string; byState: Record<TipState, number> }[];
  /** Cases opened per month, by outcome so far (open, confirmed, dismissed). */
  cases: { month: string; byState: Record<CaseState, number> }[];
  records: {
    /** Records on the list now, by subject kind. */
    listedByKind: Record<SubjectKind, number>;
    /** Records repaired (taken off the list by credit repair), all time. */
    repaired: number;
    /** Records starting in each month (listed or since repaired), by subject kind. */
    byMonth: { month: string; byKind: Record<SubjectKind, number> }[];
  };
  /**
   * Approved bodies' reporting timeliness today: how many are late, and how many reported on time in how
   * many of the months judged (the past twelve, or fewer for a body approved since), best first.
   */
  reporting: { bodies: number; late: number; onTime: { bucket: OnTimeBucket; bodies: number }[] };
  /** Scans of certificate QR codes per China date, the last 30 days, oldest first (zero where none). */
  scans: { day: string; scans: number }[];
}
