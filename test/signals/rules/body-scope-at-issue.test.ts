import type { Body } from '../../../server/bodies/body-schema';
import type { CertificateInput } from '../../../server/certificates/certificate-schema';
import { bodyScopeAtIssueRule } from '../../../server/signals/rules/body-scope-at-issue';
import { unique } from '../../helpers/factories';
import { openRuleRegistry, type RuleRegistry } from '../../helpers/rule-registry';

describe('rule body-scope-at-issue', () => {
  let r: RuleRegistry;
  beforeAll(() => {
    r = openRuleRegistry();
  });
  afterAll(() => r.close());

  /** Findings for one certificate of a body made with `body` overrides. */
  async function findings(body: Partial<Body>, cert: Partial<CertificateInput>) {
    const { code } = await r.body({ code: unique('SB').slice(0, 32), ...body });
    const stored = await r.store([{ bodyCode: code, ...cert }]);
    return r.evaluate(bodyScopeAtIssueRule, stored);
  }

  test('when the scheme is not one the body is approved for, then a high signal lists the finding and the approval', async () => {
    const drafts = await findings({ approvedSchemes: ['QMS'] }, { scheme: 'EMS', issueDate: '2025-03-01' });
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      ruleId: 'body-scope-at-issue',
      severity: 'high',
      subject: { kind: 'certificate' },
      evidence: {
        scheme: 'EMS',
        issueDate: '2025-03-01',
        findings: [{ kind: 'scheme', severity: 'high' }],
        body: { approvalNumber: 'CNCA-R-2002-001', approvedSchemes: ['QMS'] },
      },
    });
    expect(drafts[0]?.dedupKey).toBe(`body-scope-at-issue:${drafts[0]?.subject.key}:2025-03-01`);
  });

  test('when an industry code is outside the approved ones, then the signal is medium and names the code', async () => {
    const drafts = await findings(
      { approvedSchemes: ['QMS'], approvedIndustryCodes: ['18', '19.09'] },
      { scheme: 'QMS', industryCodes: ['18.05.00', '29.01'] },
    );
    expect(drafts).toMatchObject([
      { severity: 'medium', evidence: { findings: [{ kind: 'industry-codes', codes: ['29.01'] }] } },
    ]);
  });

  test('when the body had been suspended before the issue date, then a high signal; issued the day before, nothing', async () => {
    const suspended = { approvalStatus: 'suspended' as const, approvalStatusDate: '2025-01-01' };
    await expect(findings(suspended, { issueDate: '2025-01-01' })).resolves.toMatchObject([
      { severity: 'high', evidence: { findings: [{ kind: 'approval' }] } },
    ]);
    await expect(findings(suspended, { issueDate: '2024-12-31', expiryDate: '2027-12-30' })).resolves.toEqual(
      [],
    );
  });

  test('when the certificate is dated before the year of the body’s approval number, then a high signal; in that year, nothing', async () => {
    const body = { approvalNumber: 'CNCA-R-2020-001' };
    await expect(
      findings(body, { issueDate: '2019-12-31', expiryDate: '2022-12-30' }),
    ).resolves.toMatchObject([
      { severity: 'high', evidence: { findings: [{ kind: 'not-yet-approved', severity: 'high' }] } },
    ]);
    await expect(findings(body, { issueDate: '2020-01-01', expiryDate: '2022-12-31' })).resolves.toEqual([]);
  });

  test('when a body was suspended and later reinstated, then certificates of the approved periods raise nothing, and one dated in the suspension is high', async () => {
    const history = {
      approvalStatus: 'approved' as const,
      approvalStatusDate: '2025-03-01',
      approvalHistory: [
        { status: 'approved' as const, from: '2002-01-01' },
        { status: 'suspended' as const, from: '2024-11-10' },
        { status: 'approved' as const, from: '2025-03-01' },
      ],
    };
    // Before the suspension, on the day before it, and from the reinstatement on: approved.
    for (const issueDate of ['2010-05-05', '2024-11-09', '2025-03-01', '2026-01-02']) {
      await expect(findings(history, { issueDate, expiryDate: '2029-12-31' })).resolves.toEqual([]);
    }
    for (const issueDate of ['2024-11-10', '2025-02-28']) {
      await expect(findings(history, { issueDate, expiryDate: '2029-12-31' })).resolves.toMatchObject([
        { severity: 'high', evidence: { findings: [{ kind: 'approval' }] } },
      ]);
    }
  });

  test('when the latest status is approved with a date (the old record, no history), then older certificates are no longer taken as issued before approval', async () => {
    const body = { approvalStatus: 'approved' as const, approvalStatusDate: '2025-03-01' };
    await expect(findings(body, { issueDate: '2025-02-28' })).resolves.toEqual([]);
    await expect(findings(body, { issueDate: '2025-03-01' })).resolves.toEqual([]);
  });

  test('when a history starts with the approval, then a certificate dated before it is high', async () => {
    const body = {
      approvalNumber: 'CNCA-R-2024-003',
      approvalHistory: [{ status: 'approved' as const, from: '2024-06-01' }],
    };
    await expect(findings(body, { issueDate: '2024-05-31' })).resolves.toMatchObject([
      { severity: 'high', evidence: { findings: [{ kind: 'not-yet-approved' }] } },
    ]);
    await expect(findings(body, { issueDate: '2024-06-01' })).resolves.toEqual([]);
  });

  test('when the issuer is not in the body registry, then a high signal says so', async () => {
    const stored = await r.store([{ bodyCode: unique('NOBODY').slice(0, 32) }]);
    await expect(r.evaluate(bodyScopeAtIssueRule, stored)).resolves.toMatchObject([
      { severity: 'high', evidence: { findings: [{ kind: 'unknown-body' }] } },
    ]);
  });

  test('when several findings meet, then one signal lists them all at the worst severity', async () => {
    const drafts = await findings(
      {
        approvedSchemes: ['QMS'],
        approvedIndustryCodes: ['18'],
        approvalStatus: 'withdrawn',
        approvalStatusDate: '2024-06-01',
      },
      { scheme: 'QMS', industryCodes: ['33.02'], issueDate: '2025-01-10' },
    );
    expect(drafts).toHaveLength(1);
    expect(drafts[0]?.severity).toBe('high');
    expect((drafts[0]?.evidence.findings as { kind: string }[]).map((f) => f.kind)).toEqual([
      'industry-codes',
      'approval',
    ]);
  });

  test('when a certificate is within scope, codes under approved prefixes, issued while approved, then nothing is raised', async () => {
    await expect(
      findings(
        { approvedSchemes: ['QMS', 'CCC'], approvedIndustryCodes: ['18'] },
        { scheme: 'QMS', industryCodes: ['18', '18.05.00'], issueDate: '2025-01-10' },
      ),
    ).resolves.toEqual([]);
    // Industry codes bind management systems only; a body listing none is not limited by them.
    await expect(
      findings({ approvedIndustryCodes: ['18'] }, { scheme: 'CCC', industryCodes: ['99'] }),
    ).resolves.toEqual([]);
    await expect(
      findings({ approvedIndustryCodes: [] }, { scheme: 'QMS', industryCodes: ['99'] }),
    ).resolves.toEqual([]);
  });
});
