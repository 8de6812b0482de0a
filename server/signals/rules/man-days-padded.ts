import { auditorDaysOf } from '../../certificates/certificate-repository';
import type { SignalDraft } from '../signal-schema';
import { certificateSubject } from './rule-facts';
import type { UploadRule } from './rule';

const ID = 'man-days-padded';

/**
 * Audit man-days claimed beyond what the audit team could have worked: more than its auditors (technical
 * experts do not count towards audit time, IAF MD5) times the days on site, both ends counted. Padding
 * the man-days is how a bought certificate (DOMAIN: 买证卖证) passes the man-days minimum. Medium; high
 * past twice the team's days. Audits that name no auditor are not judged. One signal per certificate
 * and audit.
 */
export const manDaysPaddedRule: UploadRule = {
  id: ID,
  trigger: 'upload',
  title: { zh: '审核人日超出审核组可投入人日', en: 'Audit man-days beyond what the team could work' },
  async evaluate(batch) {
    const drafts: SignalDraft[] = [];
    for (const cert of batch.certificates) {
      const { audit } = cert;
      if (!audit) continue;
      const auditors = audit.auditors.filter((a) => a.role !== 'expert');
      const capacity = auditorDaysOf({ ...audit, auditors });
      if (capacity === 0 || audit.manDays <= capacity) continue;
      drafts.push({
        ruleId: ID,
        severity: audit.manDays > 2 * capacity ? 'high' : 'medium',
        subject: certificateSubject(cert),
        dedupKey: `${ID}:${cert.publicId}:${audit.startDate}:${audit.endDate}`,
        summary: `The audit behind certificate ${cert.number} claims ${audit.manDays} man-days, but its ${auditors.length} auditor(s) were on site ${capacity / auditors.length} day(s) (${audit.startDate} to ${audit.endDate}): at most ${capacity}.`,
        evidence: {
          certificateNumber: cert.number,
          auditStartDate: audit.startDate,
          auditEndDate: audit.endDate,
          auditors: auditors.length,
          days: capacity / auditors.length,
          teamManDays: capacity,
          manDays: audit.manDays,
        },
        certificatePublicIds: [cert.publicId],
        bodyCode: cert.bodyCode,
      });
    }
    return drafts;
  },
};
