import { issuedBeforeAuditEndRule } from '../../../server/signals/rules/issued-before-audit-end';
import { openRuleRegistry, type RuleRegistry } from '../../helpers/rule-registry';

const audit = (startDate: string, endDate: string) => ({
  startDate,
  endDate,
  manDays: 6,
  auditors: [{ name: '张伟', registrationNumber: '2025-N1QMS-1234567' }],
});

describe('rule issued-before-audit-end', () => {
  let r: RuleRegistry;
  beforeAll(() => {
    r = openRuleRegistry();
  });
  afterAll(() => r.close());

  test('when a certificate is issued before its audit ended, then a high signal names it with the dates', async () => {
    const [cert] = await r.store([{ issueDate: '2025-01-07', audit: audit('2025-01-06', '2025-01-09') }]);
    const drafts = await r.evaluate(issuedBeforeAuditEndRule, [cert!]);
    expect(drafts).toEqual([
      {
        ruleId: 'issued-before-audit-end',
        severity: 'high',
        subject: { kind: 'certificate', key: cert!.publicId, label: cert!.number },
        dedupKey: `issued-before-audit-end:${cert!.publicId}:2025-01-07:2025-01-09`,
        summary: `Certificate ${cert!.number} was issued on 2025-01-07, before its audit ended on 2025-01-09.`,
        evidence: {
          certificateNumber: cert!.number,
          issueDate: '2025-01-07',
          auditStartDate: '2025-01-06',
          auditEndDate: '2025-01-09',
          daysIssuedBeforeAuditEnd: 2,
        },
        certificatePublicIds: [cert!.publicId],
        bodyCode: cert!.bodyCode,
      },
    ]);
  });

  test('when a certificate is issued on the day its audit ended, then the signal is medium', async () => {
    const [cert] = await r.store([{ issueDate: '2025-01-08', audit: audit('2025-01-06', '2025-01-08') }]);
    expect(await r.evaluate(issuedBeforeAuditEndRule, [cert!])).toMatchObject([
      { severity: 'medium', evidence: { daysIssuedBeforeAuditEnd: 0 } },
    ]);
  });

  test('when a certificate is issued even before its audit started, then it is high too', async () => {
    const [cert] = await r.store([{ issueDate: '2025-01-01', audit: audit('2025-01-06', '2025-01-08') }]);
    expect(await r.evaluate(issuedBeforeAuditEndRule, [cert!])).toMatchObject([{ severity: 'high' }]);
  });

  test('when a certificate is issued the day after its audit ended, then the signal is low (still too fast for review and decision)', async () => {
    const [cert] = await r.store([{ issueDate: '2025-01-09', audit: audit('2025-01-06', '2025-01-08') }]);
    expect(await r.evaluate(issuedBeforeAuditEndRule, [cert!])).toMatchObject([
      {
        severity: 'low',
        summary: `Certificate ${cert!.number} was issued on 2025-01-09, the day after its audit ended.`,
        evidence: { daysIssuedBeforeAuditEnd: -1 },
      },
    ]);
  });

  test('when a certificate is issued two days after its audit ended, or has no audit data, then nothing is raised', async () => {
    const certs = await r.store([
      { issueDate: '2025-01-10', audit: audit('2025-01-06', '2025-01-08') },
      // Across a month's end: two days after.
      { issueDate: '2025-02-01', audit: audit('2025-01-28', '2025-01-30') },
      { issueDate: '2025-01-08', audit: undefined },
    ]);
    await expect(r.evaluate(issuedBeforeAuditEndRule, certs)).resolves.toEqual([]);
  });

  test('when the same certificate is evaluated again, then its dedup key is the same', async () => {
    const [cert] = await r.store([{ issueDate: '2025-01-08', audit: audit('2025-01-06', '2025-01-08') }]);
    const [first] = await r.evaluate(issuedBeforeAuditEndRule, [cert!]);
    const [second] = await r.evaluate(issuedBeforeAuditEndRule, [cert!]);
    expect(second?.dedupKey).toBe(first?.dedupKey);
  });
});
