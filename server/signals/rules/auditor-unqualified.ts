import { findScheme } from '../../schemes/schemes';
import { memberDraft, teamMembersOf } from './auditor-register-facts';
import type { UploadRule } from './rule';

const ID = 'auditor-unqualified';

/**
 * An audit team member registered, but not for the certificate's scheme (a QMS auditor on an ISO 27001
 * audit): the register's fields are what a registration qualifies for. Medium. One signal per auditor
 * and certificate. Silent until a register has been imported.
 */
export const auditorUnqualifiedRule: UploadRule = {
  id: ID,
  trigger: 'upload',
  title: { zh: '审核员未注册该认证领域', en: 'Auditor not qualified for the scheme' },
  async evaluate(batch, context) {
    return (await teamMembersOf(batch, context))
      .filter((m) => m.registration !== undefined && !m.registration.schemes.includes(m.cert.scheme))
      .map((m) =>
        memberDraft(
          ID,
          m,
          'medium',
          `Auditor ${m.registration?.name} (${m.registrationNumber}) is registered for ${m.registration?.schemes.join(', ')}, not for ${findScheme(m.cert.scheme)?.en ?? m.cert.scheme} (${m.cert.scheme}), the scheme of ${m.cert.number}.`,
          {},
        ),
      );
  },
};
