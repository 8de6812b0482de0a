import type { CertificateInput } from '../../../server/certificates/certificate-schema';
import { manDaysPaddedRule } from '../../../server/signals/rules/man-days-padded';
import { openRuleRegistry, type RuleRegistry } from '../../helpers/rule-registry';

type Role = 'leader' | 'member' | 'expert';

/** A certificate whose audit ran from 2025-03-03 to `endDate` with this team, claiming `manDays`. */
function report(roles: Role[], endDate: string, manDays: number): Partial<CertificateInput> {
  return {
    issueDate: '2025-03-20',
    expiryDate: '2028-03-19',
    audit: {
      startDate: '2025-03-03',
      endDate,
      manDays,
      auditors: roles.map((role, i) => ({
        name: `审核员${i}`,
        registrationNumber: `2025-N1QMS-100000${i}`,
        role,
      })),
    },
  };
}

describe('rule man-days-padded', () => {
  let r: RuleRegistry;
  beforeAll(() => {
    r = openRuleRegistry();
  });
  afterAll(() => r.close());

  const evaluate = async (...reports: Partial<CertificateInput>[]) =>
    r.evaluate(manDaysPaddedRule, await r.store(reports));

  test('when two auditors on site three days claim seven man-days, then a medium signal gives the team and days', async () => {
    const [draft, ...more] = await evaluate(report(['leader', 'member'], '2025-03-05', 7));
    expect(more).toEqual([]);
    expect(draft).toMatchObject({
      ruleId: 'man-days-padded',
      severity: 'medium',
      subject: { kind: 'certificate' },
      evidence: { auditors: 2, days: 3, teamManDays: 6, manDays: 7 },
    });
    expect(draft?.dedupKey).toBe(`man-days-padded:${draft?.subject.key}:2025-03-03:2025-03-05`);
  });

  test('when the claim is more than twice what the team could work, then the signal is high', async () => {
    await expect(evaluate(report(['leader'], '2025-03-04', 4.5))).resolves.toMatchObject([
      { severity: 'high', evidence: { teamManDays: 2, manDays: 4.5 } },
    ]);
  });

  test('when technical experts are on the team, then their days do not count as audit time', async () => {
    await expect(evaluate(report(['leader', 'expert'], '2025-03-03', 2))).resolves.toMatchObject([
      { evidence: { auditors: 1, teamManDays: 1 } },
    ]);
  });

  test('when the claim is at most the team times the days, or the audit names no auditor, then nothing is raised', async () => {
    await expect(
      evaluate(
        report(['leader', 'member'], '2025-03-05', 6),
        report(['leader', 'member'], '2025-03-05', 5.5),
        report(['leader'], '2025-03-03', 1),
        report([], '2025-03-03', 9),
      ),
    ).resolves.toEqual([]);
  });
});
