import type { CertificateInput } from '../../../server/certificates/certificate-schema';
import { auditorOverlapRule } from '../../../server/signals/rules/auditor-overlap';
import { creditCode, unique } from '../../helpers/factories';
import { openRuleRegistry, type RuleRegistry } from '../../helpers/rule-registry';

/** An audit by these auditors (registration numbers) of a holder, on these dates. */
function audit(
  registrationNumbers: string[],
  startDate: string,
  endDate: string,
  holder = creditCode(),
  scheme = 'QMS',
): Partial<CertificateInput> {
  return {
    scheme,
    holder: { name: '重庆沙坪坝精密机械制造有限公司', creditCode: holder },
    audit: {
      startDate,
      endDate,
      manDays: 6,
      auditors: registrationNumbers.map((registrationNumber, i) => ({
        name: i === 0 ? '张伟' : '李娜',
        registrationNumber,
      })),
    },
  };
}

describe('rule auditor-overlap', () => {
  let r: RuleRegistry;
  beforeAll(() => {
    r = openRuleRegistry();
  });
  afterAll(() => r.close());

  const auditor = () => unique('2025-N1QMS-');

  test('when an auditor audited two holders over two shared days, then a high signal names the auditor by number and both audits', async () => {
    const reg = auditor();
    const [earlier] = await r.store([audit([reg], '2025-04-01', '2025-04-03')]);
    const [later] = await r.store([audit([auditor(), reg], '2025-04-02', '2025-04-04')]);
    const drafts = await r.evaluate(auditorOverlapRule, [later!]);

    const pair = [earlier!, later!].sort((a, b) => (a.publicId < b.publicId ? -1 : 1));
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      ruleId: 'auditor-overlap',
      severity: 'high',
      subject: { kind: 'auditor', key: reg },
      dedupKey: `auditor-overlap:${reg}:${pair[0]?.publicId}:${pair[1]?.publicId}`,
      certificatePublicIds: pair.map((c) => c.publicId),
      bodyCode: later!.bodyCode,
      evidence: {
        registrationNumber: reg,
        sharedDays: 2,
        overlap: { from: '2025-04-02', to: '2025-04-03' },
        audits: pair.map((c) => ({
          publicId: c.publicId,
          number: c.number,
          bodyCode: c.bodyCode,
          holderCreditCode: c.holder.creditCode,
          startDate: c.audit?.startDate,
          endDate: c.audit?.endDate,
        })),
      },
    });
    // Registration numbers, never names.
    expect(JSON.stringify(drafts)).not.toMatch(/张伟|李娜/);
  });

  test('when the audits share one day, then the signal is medium', async () => {
    const reg = auditor();
    await r.store([audit([reg], '2025-05-05', '2025-05-06')]);
    const batch = await r.store([audit([reg], '2025-05-06', '2025-05-07')]);
    await expect(r.evaluate(auditorOverlapRule, batch)).resolves.toMatchObject([
      { severity: 'medium', evidence: { sharedDays: 1 } },
    ]);
  });

  test('when either audit is reported first, then the pair is one signal with one key', async () => {
    const reg = auditor();
    const [a, b] = await r.store([
      audit([reg], '2025-06-02', '2025-06-03'),
      audit([reg], '2025-06-03', '2025-06-04'),
    ]);
    const fromA = await r.evaluate(auditorOverlapRule, [a!]);
    const fromB = await r.evaluate(auditorOverlapRule, [b!]);
    const fromBoth = await r.evaluate(auditorOverlapRule, [a!, b!]);
    expect(fromA.map((d) => d.dedupKey)).toEqual(fromB.map((d) => d.dedupKey));
    expect(fromBoth.map((d) => d.dedupKey)).toEqual(fromA.map((d) => d.dedupKey));
  });

  test('when one audit overlaps several of the same auditor, then each pair is a signal of its own', async () => {
    const reg = auditor();
    await r.store([audit([reg], '2025-07-01', '2025-07-01'), audit([reg], '2025-07-03', '2025-07-03')]);
    const batch = await r.store([audit([reg], '2025-07-01', '2025-07-03')]);
    const drafts = await r.evaluate(auditorOverlapRule, batch);
    expect(drafts).toHaveLength(2);
    expect(new Set(drafts.map((d) => d.dedupKey)).size).toBe(2);
  });

  test('when audits are on consecutive days, of the same holder, or by other auditors, then nothing is raised', async () => {
    const reg = auditor();
    const holder = creditCode();
    await r.store([
      audit([reg], '2025-08-01', '2025-08-03', holder, 'QMS'),
      audit([auditor()], '2025-08-04', '2025-08-06'),
    ]);
    const batch = await r.store([
      // Starts the day after: no shared day.
      audit([reg], '2025-08-04', '2025-08-05'),
      // The same holder's EMS, audited together with its QMS: one integrated audit.
      audit([reg], '2025-08-01', '2025-08-03', holder, 'EMS'),
      // Same days as the other audit, but another auditor.
      audit([auditor()], '2025-08-04', '2025-08-06'),
    ]);
    await expect(r.evaluate(auditorOverlapRule, batch)).resolves.toEqual([]);
  });

  test('when certificates have no audit team, then nothing is read or raised', async () => {
    const batch = await r.store([{ audit: undefined }, { ...audit([], '2025-09-01', '2025-09-02') }]);
    await expect(r.evaluate(auditorOverlapRule, batch)).resolves.toEqual([]);
  });
});
