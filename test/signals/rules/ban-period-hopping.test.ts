import type { CertificateInput } from '../../../server/certificates/certificate-schema';
import {
  banPeriodHoppingRule,
  createBanPeriodHoppingRule,
} from '../../../server/signals/rules/ban-period-hopping';
import { creditCode, unique } from '../../helpers/factories';
import { openRuleRegistry, type RuleRegistry } from '../../helpers/rule-registry';

const NAME = '重庆沙坪坝精密机械制造有限公司';

describe('rule ban-period-hopping', () => {
  let r: RuleRegistry;
  beforeAll(() => {
    r = openRuleRegistry();
  });
  afterAll(() => r.close());

  /** A holder's certificate of one body (QMS unless said). */
  const of = (
    holder: string,
    bodyCode: string,
    more: Partial<CertificateInput>,
  ): Partial<CertificateInput> => ({
    bodyCode,
    scheme: 'QMS',
    holder: { name: NAME, creditCode: holder },
    expiryDate: '2029-01-01',
    ...more,
  });
  const suspended = (holder: string, date: string) =>
    of(holder, 'B1', {
      issueDate: '2024-01-10',
      status: 'suspended',
      statusReason: '监督审核逾期',
      statusDate: date,
    });
  const revoked = (holder: string, date: string) =>
    of(holder, 'B1', {
      issueDate: '2024-01-10',
      status: 'revoked',
      statusReason: '获证组织存在严重不符合',
      statusDate: date,
    });

  test('when another body certifies a holder for the scheme within a year of its revocation, then a high signal names both', async () => {
    const holder = creditCode();
    const [sanctioned] = await r.store([revoked(holder, '2025-03-01')]);
    const [issued] = await r.store([of(holder, 'B2', { issueDate: '2025-06-01' })]);
    const drafts = await r.evaluate(banPeriodHoppingRule, [issued!]);
    expect(drafts).toEqual([
      expect.objectContaining({
        ruleId: 'ban-period-hopping',
        severity: 'high',
        subject: { kind: 'organisation', key: holder, label: NAME },
        dedupKey: `ban-period-hopping:${sanctioned!.publicId}:revoked:2025-03-01:${issued!.publicId}`,
        certificatePublicIds: [sanctioned!.publicId, issued!.publicId],
        bodyCode: 'B2',
        evidence: {
          holderCreditCode: holder,
          scheme: 'QMS',
          banYears: 1,
          banEnds: '2026-03-01',
          sameBody: false,
          sanctioned: {
            publicId: sanctioned!.publicId,
            number: sanctioned!.number,
            bodyCode: 'B1',
            status: 'revoked',
            date: '2025-03-01',
          },
          issued: {
            publicId: issued!.publicId,
            number: issued!.number,
            bodyCode: 'B2',
            issueDate: '2025-06-01',
          },
        },
      }),
    ]);
  });

  test('when the sanction is a suspension, then the signal is medium', async () => {
    const holder = creditCode();
    await r.store([
      of(holder, 'B1', {
        issueDate: '2024-01-10',
        status: 'suspended',
        statusReason: '监督审核逾期',
        statusDate: '2025-03-01',
      }),
    ]);
    const batch = await r.store([of(holder, 'B2', { issueDate: '2025-03-01' })]);
    await expect(r.evaluate(banPeriodHoppingRule, batch)).resolves.toMatchObject([{ severity: 'medium' }]);
  });

  test('when the revocation is reported after the other body’s certificate, then the same signal is raised', async () => {
    const holder = creditCode();
    const [issued] = await r.store([of(holder, 'B2', { issueDate: '2025-06-01' })]);
    const [valid] = await r.store([of(holder, 'B1', { issueDate: '2024-01-10' })]);
    // The first body revokes later: an update of its certificate, the change appended to its history.
    const [sanctioned] = await r.store([{ ...revoked(holder, '2025-03-01'), number: valid!.number }]);
    expect(sanctioned?.publicId).toBe(valid?.publicId);
    await expect(r.evaluate(banPeriodHoppingRule, [sanctioned!])).resolves.toMatchObject([
      { dedupKey: `ban-period-hopping:${sanctioned!.publicId}:revoked:2025-03-01:${issued!.publicId}` },
    ]);
  });

  test('when the new certificate is dated once the ban is over, before the sanction, or of another scheme, then nothing is raised', async () => {
    const holder = creditCode();
    await r.store([revoked(holder, '2025-03-01')]);
    const batch = await r.store([
      of(holder, 'B2', { issueDate: '2026-03-01' }),
      of(holder, 'B3', { issueDate: '2025-02-28' }),
      of(holder, 'B4', { issueDate: '2025-06-01', scheme: 'EMS' }),
      of(holder, 'B1', { issueDate: '2026-03-02', number: 'B1-AFTER-2026' }),
    ]);
    for (const cert of batch) await expect(r.evaluate(banPeriodHoppingRule, [cert])).resolves.toEqual([]);
  });

  test('when the body that revoked a certificate certifies the holder again within the ban, then a high signal says it is the same body', async () => {
    const holder = creditCode();
    const [sanctioned] = await r.store([revoked(holder, '2025-03-01')]);
    const [issued] = await r.store([
      of(holder, 'B1', { issueDate: '2025-06-01', number: unique('B1-NEW-') }),
    ]);
    await expect(r.evaluate(banPeriodHoppingRule, [issued!])).resolves.toMatchObject([
      {
        severity: 'high',
        bodyCode: 'B1',
        dedupKey: `ban-period-hopping:${sanctioned!.publicId}:revoked:2025-03-01:${issued!.publicId}`,
        evidence: { sameBody: true, sanctioned: { bodyCode: 'B1' }, issued: { bodyCode: 'B1' } },
      },
    ]);
  });

  test('when the same body certifies the holder again after suspending (not revoking) it, then nothing is raised', async () => {
    const holder = creditCode();
    await r.store([suspended(holder, '2025-03-01')]);
    const batch = await r.store([of(holder, 'B1', { issueDate: '2025-04-01', number: unique('B1-NEW-') })]);
    await expect(r.evaluate(banPeriodHoppingRule, batch)).resolves.toEqual([]);
  });

  test('when a suspension was lifted, then another body certifying the holder after the reinstatement is no hop; during the suspension it is', async () => {
    const holder = creditCode();
    const [first] = await r.store([suspended(holder, '2025-03-01')]);
    // Reinstated on 2025-05-01: an update of the certificate back to valid, appended to its history.
    const [lifted] = await r.store([
      {
        ...of(holder, 'B1', { issueDate: '2024-01-10', status: 'valid', statusDate: '2025-05-01' }),
        number: first!.number,
      },
    ]);
    expect(lifted?.statusHistory.map((h) => h.status)).toEqual(['suspended', 'valid']);
    const [after, during] = await r.store([
      of(holder, 'B2', { issueDate: '2025-06-01' }),
      of(holder, 'B3', { issueDate: '2025-04-01' }),
    ]);
    await expect(r.evaluate(banPeriodHoppingRule, [after!])).resolves.toEqual([]);
    await expect(r.evaluate(banPeriodHoppingRule, [during!])).resolves.toMatchObject([
      { severity: 'medium', evidence: { banEnds: '2025-05-01', suspensionLiftedOn: '2025-05-01' } },
    ]);
  });

  test('when the ban period is set to two years, then a certificate a year and a half later is caught', async () => {
    const holder = creditCode();
    await r.store([revoked(holder, '2025-03-01')]);
    const batch = await r.store([of(holder, 'B2', { issueDate: '2026-09-01' })]);
    await expect(r.evaluate(banPeriodHoppingRule, batch)).resolves.toEqual([]);
    await expect(r.evaluate(createBanPeriodHoppingRule({ banYears: 2 }), batch)).resolves.toMatchObject([
      { evidence: { banYears: 2, banEnds: '2027-03-01' } },
    ]);
  });
});
