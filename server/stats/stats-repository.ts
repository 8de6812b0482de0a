/**
 * The counts the public statistics are drawn from, as aggregate queries over indexes: never a row read
 * into the process. Plain objects out; months are China-time months (YYYY-MM). Read-only.
 */

/** Certificates of one scheme, stored status and issue month. */
export interface CertificateTally {
  scheme: string;
  /** The stored status (valid, suspended, revoked, withdrawn); expiry is counted apart. */
  status: string;
  /** YYYY-MM of the issue date. */
  issueMonth: string;
  count: number;
}

/** Items of one state in one month. */
export interface MonthTally {
  month: string;
  state: string;
  count: number;
}

/** Dishonesty records of one subject kind and state whose start date falls in one month. */
export interface RecordTally extends MonthTally {
  kind: string;
}

export interface StatsRepository {
  /**
   * Every certificate of the registry counted by scheme, stored status and issue month; with `expiredBefore`
   * (YYYY-MM-DD) only those whose expiry date is before it.
   */
  certificateTallies(expiredBefore?: string): Promise<CertificateTally[]>;

  /** Tips received at or after `since` (ISO timestamp), counted by the China-time month received and state. */
  tipsByMonth(since: string): Promise<MonthTally[]>;

  /** Cases opened at or after `since` (ISO timestamp), counted by the China-time month opened and state. */
  casesByMonth(since: string): Promise<MonthTally[]>;

  /**
   * Dishonesty records whose start date (a China date) is on or after `sinceDay`, counted by start month,
   * subject kind and state (listed, repaired); and with `sinceDay` undefined, all of them.
   */
  recordsByMonth(sinceDay?: string): Promise<RecordTally[]>;
}
