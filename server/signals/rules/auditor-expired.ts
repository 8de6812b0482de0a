import { memberDraft, teamMembersOf } from './auditor-register-facts';
import type { UploadRule } from './rule';

const ID = 'auditor-expired';

/**
 * An audit team member whose registration was not valid on every day of the audit: it ended before the
 * audit's last day (`expired`), or began after its first (`not-yet-valid`). A registration valid until
 * the audit's last day, or from its first, is fine. High when no day of the audit was covered, medium
 * when the registration lapsed (or started) during it. One signal per auditor and certificate. Silent
 * until a register has been imported.
 */
export const auditorExpiredRule: UploadRule = {
  id: ID,
  trigger: 'upload',
  title: { zh: '审核员注册在审核日期无效', en: 'Auditor registration not valid on the audit dates' },
  async evaluate(batch, context) {
    const drafts = [];
    for (const m of await teamMembersOf(batch, context)) {
      const registration = m.registration;
      if (!registration) continue;
      const { startDate, endDate } = m.cert.audit;
      const kind =
        registration.validTo < endDate
          ? 'expired'
          : registration.validFrom > startDate
            ? 'not-yet-valid'
            : undefined;
      if (!kind) continue;
      const noDayCovered = registration.validTo < startDate || registration.validFrom > endDate;
      drafts.push(
        memberDraft(
          ID,
          m,
          noDayCovered ? 'high' : 'medium',
          kind === 'expired'
            ? `The registration of auditor ${registration.name} (${m.registrationNumber}) ended on ${registration.validTo}, before the audit behind ${m.cert.number} ended (${startDate} to ${endDate}).`
            : `The registration of auditor ${registration.name} (${m.registrationNumber}) began on ${registration.validFrom}, after the audit behind ${m.cert.number} began (${startDate} to ${endDate}).`,
          { kind },
        ),
      );
    }
    return drafts;
  },
};
