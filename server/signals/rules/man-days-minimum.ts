import type { AuditType } from '../../certificates/certificate-schema';
import { findScheme } from '../../schemes/schemes';
import type { SignalDraft } from '../signal-schema';
import { certificateSubject } from './rule-facts';
import type { UploadRule } from './rule';

const ID = 'man-days-minimum';

/**
 * Upper bounds of IAF MD5's bands of effective personnel (Annex A tables); the last band is open.
 * Each table below gives one figure per band.
 */
export const EMPLOYEE_BANDS: readonly number[] = [
  5,
  10,
  15,
  25,
  45,
  65,
  85,
  125,
  175,
  275,
  425,
  625,
  875,
  1175,
  1550,
  2025,
  2675,
  3450,
  4350,
  5450,
  6800,
  8500,
  10700,
  Infinity,
];

/**
 * Initial audit time (stage 1 + stage 2, auditor days) by band, simplified from IAF MD5: QMS from its
 * QMS table; EMS and OHSMS from the medium-complexity column of theirs. The other management-system
 * schemes (food safety, information security, IT services, IP, energy) have audit-time rules of their
 * own (ISO/TS 22003, ISO/IEC 27006, IAF MD 22 ...); the QMS figures stand in for them as a floor. Product
 * and service schemes have no such table and are not checked.
 */
export const INITIAL_AUDIT_DAYS: Readonly<Record<string, readonly number[]>> = {
  QMS: [1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],
  EMS: [2.5, 3, 3.5, 4.5, 5.5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 23, 25, 27, 28],
  OHSMS: [2.5, 3, 3.5, 4.5, 5.5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 23, 25, 27, 28],
};

/**
 * The least audit of each kind, as a share of the table's initial audit time: IAF MD5 lets a body reduce
 * the time by at most 30 %; a surveillance audit takes about a third of the initial time, a
 * recertification about two thirds.
 */
export const MINIMUM_SHARES: Readonly<Record<AuditType, number>> = {
  initial: 0.7,
  recertification: (2 / 3) * 0.7,
  surveillance: (1 / 3) * 0.7,
};

export interface ManDaysOptions {
  /** Initial audit days by scheme code, one per band of `bands`. */
  table?: Readonly<Record<string, readonly number[]>>;
  /** Upper bounds of the bands of effective personnel, ascending, the last Infinity. */
  bands?: readonly number[];
  /** The minimum of each kind of audit as a share of the table's figure. */
  shares?: Readonly<Record<AuditType, number>>;
}

/** Half days, rounded down: audit time is planned and reported in half days. */
const halfDaysDown = (days: number) => Math.floor(days * 2) / 2;

/**
 * Audit man-days below the minimum for the scheme, the kind of audit and the organisation's size (DOMAIN:
 * 买证卖证, "audit man-days under the IAF MD5 minimum"). The kind comes from the record (`audit.type`;
 * absent: an initial audit, the only one a first certificate rests on). Medium under the minimum, high
 * under half of it; one signal per certificate and audit. A record without the head count on a scheme
 * whose minimum depends on it is judged by the smallest band and raises a low signal of its own (the
 * omission hides the size the minimum follows).
 */
export function createManDaysMinimumRule(options: ManDaysOptions = {}): UploadRule {
  const bands = options.bands ?? EMPLOYEE_BANDS;
  const table = options.table ?? INITIAL_AUDIT_DAYS;
  const shares = options.shares ?? MINIMUM_SHARES;

  /** The figures of a scheme: its own, else the QMS ones for any other management system, else none. */
  const daysOf = (scheme: string) =>
    table[scheme] ?? (findScheme(scheme)?.kind === 'management' ? table.QMS : undefined);

  /** The band of a head count (the smallest when unknown), as an index into `bands`. */
  const bandOf = (employees: number | undefined) => {
    if (employees === undefined) return 0;
    const found = bands.findIndex((upper) => employees <= upper);
    return found < 0 ? bands.length - 1 : found;
  };

  return {
    id: ID,
    trigger: 'upload',
    title: { zh: '审核人日低于最低要求', en: 'Audit man-days below the minimum' },
    async evaluate(batch) {
      const drafts: SignalDraft[] = [];
      for (const cert of batch.certificates) {
        const days = daysOf(cert.scheme);
        if (!cert.audit || !days) continue;
        const { employees } = cert.holder;
        const auditType: AuditType = cert.audit.type ?? 'initial';
        const band = bandOf(employees);
        const tableDays = days[Math.min(band, days.length - 1)] as number;
        const minimum = halfDaysDown(tableDays * shares[auditType]);
        const { manDays, startDate, endDate } = cert.audit;
        const common = {
          certificateNumber: cert.number,
          scheme: cert.scheme,
          auditType,
          auditStartDate: startDate,
          auditEndDate: endDate,
        };
        if (employees === undefined) {
          drafts.push({
            ruleId: ID,
            severity: 'low',
            subject: certificateSubject(cert),
            dedupKey: `${ID}:${cert.publicId}:${startDate}:${endDate}:head-count`,
            summary: `The ${cert.scheme} audit behind certificate ${cert.number} was reported without the organisation's head count, which its minimum audit time depends on; it was judged as the smallest organisation (at least ${minimum} man-days).`,
            evidence: { ...common, employees: null, minimumManDaysSmallestBand: minimum, manDays },
            certificatePublicIds: [cert.publicId],
            bodyCode: cert.bodyCode,
          });
        }
        if (manDays >= minimum) continue;
        const size = employees === undefined ? 'an unknown number of' : String(employees);
        drafts.push({
          ruleId: ID,
          severity: manDays < minimum / 2 ? 'high' : 'medium',
          subject: certificateSubject(cert),
          dedupKey: `${ID}:${cert.publicId}:${startDate}:${endDate}`,
          summary: `The ${cert.scheme} ${auditType} audit behind certificate ${cert.number} took ${manDays} man-days; an organisation of ${size} employees needs at least ${minimum}.`,
          evidence: {
            ...common,
            employees: employees ?? null,
            // JSON has no Infinity: the open last band has no upper bound (null).
            band: {
              from: band === 0 ? 1 : (bands[band - 1] as number) + 1,
              to: Number.isFinite(bands[band]) ? bands[band] : null,
            },
            initialAuditDays: tableDays,
            minimumShare: Number(shares[auditType].toFixed(4)),
            minimumManDays: minimum,
            manDays,
          },
          certificatePublicIds: [cert.publicId],
          bodyCode: cert.bodyCode,
        });
      }
      return drafts;
    },
  };
}

export const manDaysMinimumRule = createManDaysMinimumRule();
