import type { AuditType, CertificateInput } from '../../../server/certificates/certificate-schema';
import { createManDaysMinimumRule, manDaysMinimumRule } from '../../../server/signals/rules/man-days-minimum';
import type { SignalDraft } from '../../../server/signals/signal-schema';
import { creditCode } from '../../helpers/factories';
import { openRuleRegistry, type RuleRegistry } from '../../helpers/rule-registry';

/**
 * A certificate of `scheme` for a holder of `employees` (unknown when undefined), audited `manDays` in an
 * audit of `type` (none given when undefined).
 */
function report(
  scheme: string,
  employees: number | undefined,
  manDays: number,
  type?: AuditType,
): Partial<CertificateInput> {
  return {
    scheme,
    holder: {
      name: '重庆沙坪坝精密机械制造有限公司',
      creditCode: creditCode(),
      ...(employees === undefined ? {} : { employees }),
    },
    audit: {
      startDate: '2025-01-06',
      endDate: '2025-01-08',
      manDays,
      auditors: [{ name: '张伟', registrationNumber: '2025-N1QMS-1234567', role: 'leader' }],
      ...(type === undefined ? {} : { type }),
    },
  };
}

/** The drafts that judge the man-days (not the low ones about a missing head count). */
const floor = (drafts: SignalDraft[]) => drafts.filter((d) => d.severity !== 'low');

describe('rule man-days-minimum', () => {
  let r: RuleRegistry;
  beforeAll(() => {
    r = openRuleRegistry();
  });
  afterAll(() => r.close());

  const evaluate = async (...reports: Partial<CertificateInput>[]) =>
    r.evaluate(manDaysMinimumRule, await r.store(reports));

  // QMS, 86-125 employees: 7 initial audit days; an initial audit needs 7 × 0.7 = 4.9, i.e. 4.5 days.
  test('when an initial QMS audit of a 120-person organisation took 4 man-days, then a medium signal gives the minimum', async () => {
    const [draft, ...more] = await evaluate(report('QMS', 120, 4, 'initial'));
    expect(more).toEqual([]);
    expect(draft).toMatchObject({
      ruleId: 'man-days-minimum',
      severity: 'medium',
      subject: { kind: 'certificate' },
      evidence: {
        scheme: 'QMS',
        auditType: 'initial',
        employees: 120,
        band: { from: 86, to: 125 },
        initialAuditDays: 7,
        minimumShare: 0.7,
        minimumManDays: 4.5,
        manDays: 4,
      },
    });
    expect(draft?.summary).toContain('took 4 man-days');
  });

  test('when the audit type is not given, then the audit is judged as an initial one (at 70 % of its own minimum it is short)', async () => {
    // 7 days × 70 % = 4.9: the old recertification floor (3) let this pass.
    await expect(evaluate(report('QMS', 120, 3.5))).resolves.toMatchObject([
      { severity: 'medium', evidence: { auditType: 'initial', minimumManDays: 4.5 } },
    ]);
    await expect(evaluate(report('QMS', 120, 4.5))).resolves.toEqual([]);
  });

  test('when the audit was a recertification or a surveillance, then its smaller minimum applies', async () => {
    // Recertification: 7 × 2/3 × 0.7 = 3.27, i.e. 3; surveillance: 7 × 1/3 × 0.7 = 1.63, i.e. 1.5.
    await expect(evaluate(report('QMS', 120, 3, 'recertification'))).resolves.toEqual([]);
    await expect(evaluate(report('QMS', 120, 2.5, 'recertification'))).resolves.toMatchObject([
      { severity: 'medium', evidence: { auditType: 'recertification', minimumManDays: 3 } },
    ]);
    await expect(evaluate(report('QMS', 120, 1.5, 'surveillance'))).resolves.toEqual([]);
    await expect(evaluate(report('QMS', 120, 1, 'surveillance'))).resolves.toMatchObject([
      { evidence: { auditType: 'surveillance', minimumManDays: 1.5 } },
    ]);
  });

  test('when it took under half the minimum, then the signal is high', async () => {
    await expect(evaluate(report('QMS', 120, 2, 'initial'))).resolves.toMatchObject([{ severity: 'high' }]);
  });

  // EMS, 426-625 employees: 12 days (medium complexity); initial floor 8.4, i.e. 8.
  test('when an EMS audit is judged, then its own table applies', async () => {
    await expect(evaluate(report('EMS', 500, 7.5))).resolves.toMatchObject([
      { evidence: { initialAuditDays: 12, minimumManDays: 8 } },
    ]);
    await expect(evaluate(report('EMS', 500, 8))).resolves.toEqual([]);
  });

  test('when the organisation is larger than the last band, then the last figure applies', async () => {
    await expect(evaluate(report('QMS', 50_000, 15))).resolves.toMatchObject([
      { evidence: { band: { from: 10701, to: null }, initialAuditDays: 23, minimumManDays: 16 } },
    ]);
  });

  test('when the head count is missing on a scheme whose minimum depends on it, then a low signal of its own, and the smallest band judges the man-days', async () => {
    // Smallest band: 1.5 days for QMS; initial floor 1.05, i.e. 1.
    const drafts = await evaluate(report('QMS', undefined, 0.4));
    expect(drafts).toHaveLength(2);
    const [low] = drafts.filter((d) => d.severity === 'low');
    expect(low).toMatchObject({
      evidence: { employees: null, minimumManDaysSmallestBand: 1 },
    });
    expect(low?.dedupKey).toMatch(/:head-count$/);
    expect(floor(drafts)).toMatchObject([
      { severity: 'high', evidence: { employees: null, band: { from: 1, to: 5 }, minimumManDays: 1 } },
    ]);
    // Enough man-days for the smallest band: only the low one.
    await expect(evaluate(report('QMS', undefined, 1))).resolves.toMatchObject([{ severity: 'low' }]);
  });

  test('when another management system is judged, then the QMS figures stand in for its own', async () => {
    await expect(evaluate(report('ISMS', 120, 4))).resolves.toMatchObject([
      { evidence: { scheme: 'ISMS', minimumManDays: 4.5 } },
    ]);
  });

  test('when a product or service certificate has a short audit or no head count, or a certificate has no audit, then nothing is raised', async () => {
    const noAudit = { ...report('QMS', 120, 1), audit: undefined };
    await expect(
      evaluate(report('CCC', undefined, 0.5), report('SERVICE', 120, 0.5), noAudit),
    ).resolves.toEqual([]);
  });

  test("when the table is overridden through the rule's options, then the override decides", async () => {
    const strict = createManDaysMinimumRule({
      table: { QMS: [4, 8] },
      bands: [10, Infinity],
      shares: { initial: 1, recertification: 1, surveillance: 1 },
    });
    const certs = await r.store([report('QMS', 8, 3.5), report('QMS', 200, 8), report('EMS', 200, 7.5)]);
    const drafts = await r.evaluate(strict, certs);
    // 8 people: 4 days, 3.5 is short; 200 people: 8 days, met; EMS has no figures of its own here, so the
    // QMS ones judge it: 7.5 is short.
    expect(drafts.map((d) => [d.certificatePublicIds?.[0], d.evidence.minimumManDays])).toEqual([
      [certs[0]?.publicId, 4],
      [certs[2]?.publicId, 8],
    ]);
  });

  test('when a signal is raised, then its evidence names no auditor and its key stays the same for the same audit', async () => {
    const [cert] = await r.store([report('QMS', 120, 1)]);
    const [first] = await r.evaluate(manDaysMinimumRule, [cert!]);
    expect(JSON.stringify(first)).not.toContain('张伟');
    const [again] = await r.evaluate(manDaysMinimumRule, [cert!]);
    expect(again?.dedupKey).toBe(`man-days-minimum:${cert!.publicId}:2025-01-06:2025-01-08`);
    expect(first?.dedupKey).toBe(again?.dedupKey);
  });
});
