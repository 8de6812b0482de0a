import { memberDraft, teamMembersOf } from './auditor-register-facts';
import type { UploadRule } from './rule';

const ID = 'auditor-unregistered';

/**
 * An audit team member (not a technical expert) whose registration number the auditor register does not
 * hold: nobody may audit for certification without a registration, so either the person is not an
 * auditor or the number is made up (买证卖证: a team on paper). High. One signal per auditor and
 * certificate. Silent until a register has been imported (see teamMembersOf).
 */
export const auditorUnregisteredRule: UploadRule = {
  id: ID,
  trigger: 'upload',
  title: { zh: '审核员不在注册名录中', en: 'Auditor not in the auditor register' },
  async evaluate(batch, context) {
    return (await teamMembersOf(batch, context))
      .filter((m) => m.registration === undefined)
      .map((m) =>
        memberDraft(
          ID,
          m,
          'high',
          `Auditor ${m.reportedName} (${m.registrationNumber}) of the audit behind ${m.cert.number} is not in the auditor register.`,
          {},
        ),
      );
  },
};
