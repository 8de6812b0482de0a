import type { SignalDraft } from '../signal-schema';
import { certificateSubject, daysBetween } from './rule-facts';
import type { UploadRule } from './rule';

const ID = 'issued-before-audit-end';

/**
 * A certificate issued before its audit ended (high), on the very day it ended (medium) or the day after
 * (low): there was no time, or hardly any, for the report, the technical review and the certification
 * decision that must follow the audit, a mark of a certificate bought rather than earned (DOMAIN:
 * 买证卖证). One signal per certificate, issue date and audit.
 */
export const issuedBeforeAuditEndRule: UploadRule = {
  id: ID,
  trigger: 'upload',
  title: {
    zh: '颁证日期早于、等于或紧接审核结束日期',
    en: 'Issued before, on or the day after the audit ended',
  },
  async evaluate(batch) {
    const drafts: SignalDraft[] = [];
    for (const cert of batch.certificates) {
      const { audit } = cert;
      if (!audit) continue;
      const daysAfter = daysBetween(audit.endDate, cert.issueDate);
      if (daysAfter > 1) continue;
      const early = daysAfter < 0;
      drafts.push({
        ruleId: ID,
        severity: early ? 'high' : daysAfter === 0 ? 'medium' : 'low',
        subject: certificateSubject(cert),
        dedupKey: `${ID}:${cert.publicId}:${cert.issueDate}:${audit.endDate}`,
        summary: early
          ? `Certificate ${cert.number} was issued on ${cert.issueDate}, before its audit ended on ${audit.endDate}.`
          : daysAfter === 0
            ? `Certificate ${cert.number} was issued on ${cert.issueDate}, the day its audit ended.`
            : `Certificate ${cert.number} was issued on ${cert.issueDate}, the day after its audit ended.`,
        evidence: {
          certificateNumber: cert.number,
          issueDate: cert.issueDate,
          auditStartDate: audit.startDate,
          auditEndDate: audit.endDate,
          daysIssuedBeforeAuditEnd: daysBetween(cert.issueDate, audit.endDate),
        },
        certificatePublicIds: [cert.publicId],
        bodyCode: cert.bodyCode,
      });
    }
    return drafts;
  },
};
