import type { SqliteDatabase } from '../platform/sqlite';
import type { CertificateTally, MonthTally, RecordTally, StatsRepository } from './stats-repository';

/**
 * The statistics' counts in the registry file. Certificates are counted from the index on their virtual
 * statistics columns (migration "statistics at a glance"), never from the rows, one (scheme, status) range
 * at a time so that no single statement holds the process for long on a large registry; tips, cases and
 * records from their state and time indexes.
 */
export function createSqliteStatsRepository(db: SqliteDatabase): StatsRepository {
  // One (scheme, stored status) group at a time, found by seeking the index for the next one: each query
  // reads one range of the index in issue-month order, and the event loop is served between them.
  const nextGroup = db.prepare<[string, string], { scheme: string; status: string }>(
    `SELECT stat_scheme AS scheme, stat_status AS status FROM certificates
     WHERE (stat_scheme, stat_status) > (?, ?) ORDER BY stat_scheme, stat_status LIMIT 1`,
  );
  const groupMonths = db.prepare<[string, string], { issueMonth: string; count: number }>(
    `SELECT stat_issue_month AS issueMonth, count(*) AS count FROM certificates
     WHERE stat_scheme = ? AND stat_status = ? GROUP BY stat_issue_month`,
  );
  const groupMonthsExpired = db.prepare<[string, string, string], { issueMonth: string; count: number }>(
    `SELECT stat_issue_month AS issueMonth, count(*) AS count FROM certificates
     WHERE stat_scheme = ? AND stat_status = ? AND stat_expiry < ? GROUP BY stat_issue_month`,
  );
  const tips = db.prepare<[string], MonthTally>(
    `SELECT strftime('%Y-%m', received_at, '+8 hours') AS month, state, count(*) AS count
     FROM tips WHERE received_at >= ? GROUP BY 1, 2`,
  );
  const cases = db.prepare<[string], MonthTally>(
    `SELECT strftime('%Y-%m', created_at, '+8 hours') AS month, state, count(*) AS count
     FROM cases WHERE created_at >= ? GROUP BY 1, 2`,
  );
  const records = db.prepare<[string], RecordTally>(
    `SELECT substr(start_date, 1, 7) AS month, kind, state, count(*) AS count
     FROM dishonesty_records WHERE start_date >= ? GROUP BY 1, 2, 3`,
  );

  return {
    async certificateTallies(expiredBefore) {
      const tallies: CertificateTally[] = [];
      let group = nextGroup.get('', '');
      while (group) {
        const { scheme, status } = group;
        const months =
          expiredBefore === undefined
            ? groupMonths.all(scheme, status)
            : groupMonthsExpired.all(scheme, status, expiredBefore);
        for (const m of months) tallies.push({ scheme, status, issueMonth: m.issueMonth, count: m.count });
        await new Promise<void>((resolve) => setImmediate(resolve));
        group = nextGroup.get(scheme, status);
      }
      return tallies;
    },
    async tipsByMonth(since) {
      return tips.all(since);
    },
    async casesByMonth(since) {
      return cases.all(since);
    },
    async recordsByMonth(sinceDay) {
      return records.all(sinceDay ?? '');
    },
  };
}
