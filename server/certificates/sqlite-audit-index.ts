import type { SqliteDatabase } from '../platform/sqlite';
import { auditorDaysOf } from './certificate-repository';
import type { Certificate } from './certificate-schema';

/** What one write batch changes in the side tables, applied at its end by `flush`. */
export interface AuditIndexBatch {
  /** Indexes the audit of certificate `id` as stored now. */
  add(id: number, cert: Certificate): void;
  /** Takes back what the audit of certificate `id`, as it was stored, indexed. */
  remove(id: number, cert: Certificate): void;
  /** Writes the batch's changes (inside the write's transaction). */
  flush(): void;
}

/**
 * The upload rules' side tables of the embedded registry (see the migration): one row per auditor of an
 * audit in `audit_assignments`, and the monthly tally of each body's certificates with audit data and
 * their man-days and auditor-days in `body_audit_volumes`. A write batch collects its changes and writes
 * them at its end: the new assignments sorted by key (the B-tree filled in order), one prepared insert
 * each (a quarter less CPU than one insert of them all through json_each, measured), and the tally once
 * per body and month. Deletions are rare (an audit changed) and go by primary key.
 */
export function createSqliteAuditIndex(db: SqliteDatabase): { batch(): AuditIndexBatch } {
  const insertAssignment = db.prepare<[string, string, string, number, string]>(
    `INSERT OR IGNORE INTO audit_assignments (registration_number, end_date, start_date, certificate_id, holder_credit_code)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const deleteAssignment = db.prepare<[string, string, string, number]>(
    'DELETE FROM audit_assignments WHERE registration_number = ? AND end_date = ? AND start_date = ? AND certificate_id = ?',
  );
  const tally = db.prepare<[string, string, number, number, number, number]>(
    `INSERT INTO body_audit_volumes (body_code, issue_month, certificates, man_days, staffed, auditor_days)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (body_code, issue_month) DO UPDATE
     SET certificates = certificates + excluded.certificates, man_days = man_days + excluded.man_days,
       staffed = staffed + excluded.staffed, auditor_days = auditor_days + excluded.auditor_days`,
  );

  return {
    batch() {
      /** Registration number, end date, start date, certificate id (the key), holder credit code. */
      type Row = [string, string, string, number, string];
      // Keyed by the whole row, so that a row added and then removed within the batch is never written.
      const added = new Map<string, Row>();
      const removed = new Map<string, Row>();
      /** Body, month, certificates, man-days, staffed certificates, auditor-days. */
      const tallies = new Map<string, [string, string, number, number, number, number]>();

      function change(id: number, cert: Certificate, sign: 1 | -1): void {
        const { audit } = cert;
        if (!audit) return;
        for (const { registrationNumber } of audit.auditors) {
          const row: Row = [registrationNumber, audit.endDate, audit.startDate, id, cert.holder.creditCode];
          const key = row.join('\u0000');
          if (sign === 1) added.set(key, row);
          else if (!added.delete(key)) removed.set(key, row);
        }
        const month = cert.issueDate.slice(0, 7);
        const key = `${cert.bodyCode}\u0000${month}`;
        const entry = tallies.get(key) ?? [cert.bodyCode, month, 0, 0, 0, 0];
        entry[2] += sign;
        entry[3] += sign * audit.manDays;
        const auditorDays = auditorDaysOf(audit);
        if (auditorDays > 0) {
          entry[4] += sign;
          entry[5] += sign * auditorDays;
        }
        tallies.set(key, entry);
      }

      return {
        add: (id, cert) => change(id, cert, 1),
        remove: (id, cert) => change(id, cert, -1),
        flush() {
          for (const [reg, end, start, id] of removed.values()) deleteAssignment.run(reg, end, start, id);
          const rows = [...added.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
          for (const [, row] of rows) insertAssignment.run(...row);
          for (const [body, month, certificates, manDays, staffed, auditorDays] of tallies.values()) {
            if (certificates !== 0 || manDays !== 0 || staffed !== 0 || auditorDays !== 0) {
              tally.run(body, month, certificates, manDays, staffed, auditorDays);
            }
          }
        },
      };
    },
  };
}
