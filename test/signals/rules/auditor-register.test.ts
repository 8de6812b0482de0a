import type { Auditor } from '../../../server/auditors/auditor-schema';
import type { Certificate, CertificateInput } from '../../../server/certificates/certificate-schema';
import { auditorExpiredRule } from '../../../server/signals/rules/auditor-expired';
import { auditorUnqualifiedRule } from '../../../server/signals/rules/auditor-unqualified';
import { auditorUnregisteredRule } from '../../../server/signals/rules/auditor-unregistered';
import type { UploadRule } from '../../../server/signals/rules/rule';
import { signalText } from '../../../server/signals/signal-summaries';
import type { Signal, SignalDraft } from '../../../server/signals/signal-schema';
import { openRuleRegistry, type RuleRegistry } from '../../helpers/rule-registry';

const RULES: UploadRule[] = [auditorUnregisteredRule, auditorExpiredRule, auditorUnqualifiedRule];

/** A CCAA registration: a QMS lead auditor registered from 2023-04-01 to 2026-03-31. */
function registration(overrides: Partial<Auditor> = {}): Auditor {
  return {
    registrationNumber: '2023-N1QMS-2000001',
    name: '王芳',
    schemes: ['QMS'],
    level: '审核员',
    validFrom: '2023-04-01',
    validTo: '2026-03-31',
    importedAt: '2026-01-05T02:00:00.000Z',
    importId: 'test-import',
    ...overrides,
  };
}

/** A certificate whose audit (29-31 March 2026) was led by the auditor with this number. */
function audited(
  registrationNumber: string,
  overrides: Partial<CertificateInput> = {},
  role: 'leader' | 'member' | 'expert' = 'leader',
): Partial<CertificateInput> {
  return {
    issueDate: '2026-04-10',
    expiryDate: '2029-04-09',
    audit: {
      startDate: '2026-03-29',
      endDate: '2026-03-31',
      manDays: 3,
      auditors: [{ name: '王芳', registrationNumber, role }],
    },
    ...overrides,
  };
}

/** Every register rule over the batch, as the engine runs them: the drafts by rule. */
async function evaluateAll(r: RuleRegistry, certificates: Certificate[]): Promise<SignalDraft[]> {
  const drafts: SignalDraft[] = [];
  for (const rule of RULES) drafts.push(...(await r.evaluate(rule, certificates)));
  return drafts;
}

const asSignal = (d: SignalDraft): Signal =>
  ({
    ...d,
    id: 'x'.repeat(22),
    state: 'open',
    firstRaisedAt: '',
    lastRaisedAt: '',
    occurrences: 1,
  }) as Signal;

describe('auditor register rules (unregistered, expired, unqualified)', () => {
  describe('when no register has been imported', () => {
    let r: RuleRegistry;
    beforeAll(() => {
      r = openRuleRegistry();
    });
    afterAll(() => r.close());

    test('when audits name auditors nobody has registered, then no rule raises anything', async () => {
      const stored = await r.store([audited('2099-N1QMS-9999999'), audited('2023-N1QMS-2000001')]);
      await expect(evaluateAll(r, stored)).resolves.toEqual([]);
    });
  });

  describe('with a register imported', () => {
    let r: RuleRegistry;
    beforeAll(async () => {
      r = openRuleRegistry();
      await r.stores.auditors.upsertMany([
        registration(),
        registration({
          registrationNumber: '2024-N1EMS-3000002',
          name: '赵强',
          schemes: ['EMS', 'OHSMS'],
          validFrom: '2024-01-01',
          validTo: '2027-12-31',
        }),
        registration({
          registrationNumber: '2026-N1QMS-4000003',
          name: '孙丽',
          validFrom: '2026-03-30',
          validTo: '2029-03-29',
        }),
      ]);
    });
    afterAll(() => r.close());

    test('when an audit team member is not in the register, then a high unregistered signal names them and the certificate', async () => {
      const [cert] = await r.store([audited('2025-N1QMS-7777777')]);
      const drafts = await evaluateAll(r, [cert as Certificate]);
      expect(drafts).toHaveLength(1);
      expect(drafts[0]).toMatchObject({
        ruleId: 'auditor-unregistered',
        severity: 'high',
        subject: { kind: 'auditor', key: '2025-N1QMS-7777777', label: '王芳' },
        dedupKey: `auditor-unregistered:2025-N1QMS-7777777:${cert?.publicId}`,
        certificatePublicIds: [cert?.publicId],
        bodyCode: 'CQC',
        evidence: {
          certificateNumber: cert?.number,
          audit: { startDate: '2026-03-29', endDate: '2026-03-31' },
        },
      });
      const text = signalText(asSignal(drafts[0] as SignalDraft), auditorUnregisteredRule.title);
      expect(text.zh).toContain('不在审核员注册名录中');
      expect(text.en).toContain('not in the auditor register');
    });

    test('when the registration ended the day before the audit ended, then a medium expired signal gives both dates', async () => {
      const [cert] = await r.store([
        audited('2023-N1QMS-2000001', {
          audit: {
            startDate: '2026-03-30',
            endDate: '2026-04-01',
            manDays: 3,
            auditors: [{ name: '王芳', registrationNumber: '2023-N1QMS-2000001' }],
          },
        }),
      ]);
      const drafts = await evaluateAll(r, [cert as Certificate]);
      expect(drafts).toMatchObject([
        {
          ruleId: 'auditor-expired',
          severity: 'medium',
          evidence: {
            kind: 'expired',
            registration: { validTo: '2026-03-31' },
            audit: { endDate: '2026-04-01' },
          },
        },
      ]);
      const text = signalText(asSignal(drafts[0] as SignalDraft), auditorExpiredRule.title);
      expect(text.zh).toContain('有效期至 2026-03-31');
      expect(text.en).toContain('ended on 2026-03-31');
    });

    test('when the whole audit came after the registration ended, then the expired signal is high', async () => {
      const [cert] = await r.store([
        audited('2023-N1QMS-2000001', {
          issueDate: '2026-05-20',
          audit: {
            startDate: '2026-05-11',
            endDate: '2026-05-12',
            manDays: 2,
            auditors: [{ name: '王芳', registrationNumber: '2023-N1QMS-2000001' }],
          },
        }),
      ]);
      await expect(evaluateAll(r, [cert as Certificate])).resolves.toMatchObject([
        { ruleId: 'auditor-expired', severity: 'high', evidence: { kind: 'expired' } },
      ]);
    });

    test("when the registration began on the audit's second day, then the signal says it was not yet valid", async () => {
      const [cert] = await r.store([audited('2026-N1QMS-4000003')]);
      await expect(evaluateAll(r, [cert as Certificate])).resolves.toMatchObject([
        { ruleId: 'auditor-expired', severity: 'medium', evidence: { kind: 'not-yet-valid' } },
      ]);
    });

    test('when a registered EMS auditor is on a QMS audit, then a medium unqualified signal lists what they are registered for', async () => {
      const [cert] = await r.store([audited('2024-N1EMS-3000002')]);
      const drafts = await evaluateAll(r, [cert as Certificate]);
      expect(drafts).toMatchObject([
        {
          ruleId: 'auditor-unqualified',
          severity: 'medium',
          subject: { key: '2024-N1EMS-3000002', label: '赵强' },
          evidence: { scheme: 'QMS', registration: { schemes: ['EMS', 'OHSMS'] } },
        },
      ]);
      const text = signalText(asSignal(drafts[0] as SignalDraft), auditorUnqualifiedRule.title);
      expect(text.zh).toContain('EMS, OHSMS');
      expect(text.en).toContain('not for QMS');
    });

    test("when the registration is valid until the audit's last day and covers the scheme, then nothing is raised", async () => {
      const stored = await r.store([
        audited('2023-N1QMS-2000001'),
        audited('2024-N1EMS-3000002', { scheme: 'EMS' }),
        audited('2024-N1EMS-3000002', { scheme: 'OHSMS' }),
        // Valid from the audit's first day.
        audited('2026-N1QMS-4000003', {
          audit: {
            startDate: '2026-03-30',
            endDate: '2026-03-31',
            manDays: 2,
            auditors: [{ name: '孙丽', registrationNumber: '2026-N1QMS-4000003' }],
          },
        }),
      ]);
      await expect(evaluateAll(r, stored)).resolves.toEqual([]);
    });

    test('when the registration number is written in lower case or full-width, then it is the same registration and nothing is raised', async () => {
      // Through the upload schema (normalised when stored) ...
      const stored = await r.store([
        audited('2023-n1qms-2000001'),
        audited('２０２３－Ｎ１ＱＭＳ－２０００００１'),
      ]);
      expect(stored.map((c) => c.audit?.auditors[0]?.registrationNumber)).toEqual([
        '2023-N1QMS-2000001',
        '2023-N1QMS-2000001',
      ]);
      // ... and as records stored before numbers were normalised carry them.
      const old = stored.map((c, i) => ({
        ...c,
        audit: {
          ...(c.audit as NonNullable<Certificate['audit']>),
          auditors: [
            {
              name: '王芳',
              registrationNumber: i === 0 ? '2023-n1qms-2000001' : '２０２３－Ｎ１ＱＭＳ－２０００００１',
            },
          ],
        },
      }));
      await expect(evaluateAll(r, [...stored, ...old])).resolves.toEqual([]);
    });

    test('when the unregistered person is a technical expert of the team, then nothing is raised', async () => {
      const stored = await r.store([audited('2099-EXPERT-0000001', {}, 'expert')]);
      await expect(evaluateAll(r, stored)).resolves.toEqual([]);
    });

    test('when a certificate carries no audit data, then the register rules have nothing to check', async () => {
      const stored = await r.store([{ audit: undefined }]);
      await expect(evaluateAll(r, stored)).resolves.toEqual([]);
    });
  });
});
