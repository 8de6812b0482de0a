import {
  MAX_AUDIT_DAYS,
  type AuditAssignment,
  type AuditWindow,
} from '../../certificates/certificate-repository';
import type { Certificate } from '../../certificates/certificate-schema';
import type { SignalDraft } from '../signal-schema';
import { daysBetween } from './rule-facts';
import type { UploadRule } from './rule';

const ID = 'auditor-overlap';

/**
 * Overlapping audits reported per certificate and auditor at most: past that the data is absurd, and
 * the first ones make the case as well as all of them.
 */
const MAX_OVERLAPS = 20;

type Audited = Certificate & { audit: NonNullable<Certificate['audit']> };

const registrationNumbersOf = (cert: Audited) =>
  new Set(cert.audit.auditors.map((a) => a.registrationNumber));

/**
 * One window per auditor and audit period of the batch (repeats dropped): each is one index seek that
 * reads only the audits overlapping it. Merging an auditor's periods into longer windows would mean fewer
 * seeks but reading every audit in between, which for a busy auditor over a backlog of years is far more.
 */
function windowsOf(certificates: readonly Audited[]): AuditWindow[] {
  const windows = new Map<string, AuditWindow>();
  for (const cert of certificates) {
    const { startDate: from, endDate: to } = cert.audit;
    // Audits of the certificate's own holder never count: the store leaves them out (its own audit too).
    const excludeHolder = cert.holder.creditCode;
    for (const registrationNumber of registrationNumbersOf(cert)) {
      windows.set(`${registrationNumber}\u0000${from}\u0000${to}\u0000${excludeHolder}`, {
        registrationNumber,
        from,
        to,
        excludeHolder,
      });
    }
  }
  return [...windows.values()];
}

/** An audit as evidence: which certificate, whose, when. */
function auditFacts(
  a: Pick<AuditAssignment, 'publicId' | 'number' | 'bodyCode' | 'holderCreditCode' | 'startDate' | 'endDate'>,
) {
  const { publicId, number, bodyCode, holderCreditCode, startDate, endDate } = a;
  return { publicId, number, bodyCode, holderCreditCode, startDate, endDate };
}

/**
 * The same auditor (by registration number) on audits of different holders on overlapping days: one
 * person cannot be at two sites at once, so at least one audit did not happen as reported (DOMAIN:
 * 买证卖证; CNCA's sign-in records make it checkable). Audits of the same holder (an integrated audit of
 * several schemes) do not count, nor do audit periods longer than MAX_AUDIT_DAYS (stage 1 and stage 2
 * reported as one range). High when the audits share two days or more, medium for one. One signal per
 * auditor and pair of certificates, whichever was reported first.
 */
export const auditorOverlapRule: UploadRule = {
  id: ID,
  trigger: 'upload',
  title: { zh: '同一审核员同期审核不同组织', en: 'Auditor on overlapping audits of different holders' },
  async evaluate(batch, context) {
    // An audit longer than MAX_AUDIT_DAYS is not one stay on site: it is compared with nothing.
    const audited = batch.certificates.filter(
      (c): c is Audited =>
        c.audit !== undefined &&
        c.audit.auditors.length > 0 &&
        daysBetween(c.audit.startDate, c.audit.endDate) < MAX_AUDIT_DAYS,
    );
    if (audited.length === 0) return [];
    const byAuditor = new Map<string, AuditAssignment[]>();
    for (const a of await context.auditAssignments(windowsOf(audited))) {
      const list = byAuditor.get(a.registrationNumber);
      if (list) list.push(a);
      else byAuditor.set(a.registrationNumber, [a]);
    }
    const drafts = new Map<string, SignalDraft>();
    for (const cert of audited) {
      const { startDate, endDate } = cert.audit;
      for (const registrationNumber of registrationNumbersOf(cert)) {
        const overlapping = (byAuditor.get(registrationNumber) ?? []).filter(
          (a) =>
            a.holderCreditCode !== cert.holder.creditCode && a.startDate <= endDate && a.endDate >= startDate,
        );
        if (overlapping.length === 0) continue;
        const own = auditFacts({ ...cert, ...cert.audit, holderCreditCode: cert.holder.creditCode });
        for (const other of overlapping.slice(0, MAX_OVERLAPS)) {
          const pair = [own, auditFacts(other)].sort((x, y) => (x.publicId < y.publicId ? -1 : 1));
          const from = startDate > other.startDate ? startDate : other.startDate;
          const to = endDate < other.endDate ? endDate : other.endDate;
          const sharedDays = daysBetween(from, to) + 1;
          const key = `${ID}:${registrationNumber}:${pair[0]?.publicId}:${pair[1]?.publicId}`;
          drafts.set(key, {
            ruleId: ID,
            severity: sharedDays >= 2 ? 'high' : 'medium',
            subject: { kind: 'auditor', key: registrationNumber },
            dedupKey: key,
            summary: `Auditor ${registrationNumber} is reported on the audits of ${cert.number} (${startDate} to ${endDate}) and of ${other.number} (${other.startDate} to ${other.endDate}), different holders, sharing ${sharedDays} day(s).`,
            evidence: {
              registrationNumber,
              sharedDays,
              overlap: { from, to },
              audits: pair,
              overlappingAuditsOfThisCertificate: overlapping.length,
            },
            certificatePublicIds: pair.map((a) => a.publicId),
            bodyCode: cert.bodyCode,
          });
        }
      }
    }
    return [...drafts.values()];
  },
};
