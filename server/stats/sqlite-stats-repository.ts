import type { SqliteDatabase } from '../platform/sqlite';
import type { CertificateTally, MonthTally, RecordTally, StatsRepository } from './stats-repository';

/**
 * The statistics' counts in the registry file. Certificates are counted from the index on their virtual
 * statistics columns (migration "statistics at a glance"), tips, cases and records from their state and
 * time indexes; each query answers a few hundred rows at most.
 */
export function createSqliteStatsRepository(db: SqliteDatabase): StatsRepository {
  const certificates = db.prepare<[], CertificateTally>(
    `SELECT stat_scheme AS scheme, stat_status AS status, stat_issue_month AS issueMonth, count(*) AS count
     FROM certificates GROUP BY stat_scheme, stat_status, stat_issue_month`,
  );
  const expired = db.prepare<[string], CertificateTally>(
    `SELECT stat_scheme AS scheme, stat_status AS status, stat_issue_month AS issueMonth, count(*) AS count
     FROM certificates WHERE stat_expiry < ? GROUP BY stat_scheme, stat_status, stat_issue_month`,
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
      return expiredBefore === undefined ? certificates.all() : expired.all(expiredBefore);
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
