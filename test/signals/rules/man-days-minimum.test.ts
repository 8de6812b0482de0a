import type { CertificateInput } from '../../../server/certificates/certificate-schema';
import { createManDaysMinimumRule, manDaysMinimumRule } from '../../../server/signals/rules/man-days-minimum';
import { creditCode } from '../../helpers/factories';
import { openRuleRegistry, type RuleRegistry } from '../../helpers/rule-registry';

/** A certificate of `scheme` for a holder of `employees` (unknown when undefined), audited `manDays`. */
function report(scheme: string, employees: number | undefined, manDays: number): Partial<CertificateInput> {
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
    },
  };
}

describe('rule man-days-minimum', () => {
  let r: RuleRegistry;
  beforeAll(() => {
    r = openRuleRegistry();
  });
  afterAll(() => r.close());

  const evaluate = async (...reports: Partial<CertificateInput>[]) =>
    r.evaluate(manDaysMinimumRule, await r.store(reports));

  // QMS, 86-125 employees: 7 initial audit days; the floor is 7 × 2/3 × 0.7 = 3.27, i.e. 3 days.
  test('when a QMS audit of a 120-person organisation took 2.5 man-days, then a medium signal gives the minimum', async () => {
    const [draft] = await evaluate(report('QMS', 120, 2.5));
    expect(draft).toMatchObject({
      ruleId: 'man-days-minimum',
      severity: 'medium',
      subject: { kind: 'certificate' },
      evidence: {
        scheme: 'QMS',
        employees: 120,
        band: { from: 86, to: 125 },
        initialAuditDays: 7,
        minimumManDays: 3,
        manDays: 2.5,
      },
    });
    expect(draft?.summary).toContain('took 2.5 man-days');
  });

  test('when it took under half the minimum, then the signal is high', async () => {
    await expect(evaluate(report('QMS', 120, 1))).resolves.toMatchObject([{ severity: 'high' }]);
  });

  test('when it took exactly the minimum, then nothing is raised', async () => {
    await expect(evaluate(report('QMS', 120, 3))).resolves.toEqual([]);
  });

  // EMS, 426-625 employees: 12 days (medium complexity); floor 5.6, i.e. 5.5.
  test('when an EMS audit is judged, then its own table applies', async () => {
    await expect(evaluate(report('EMS', 500, 5))).resolves.toMatchObject([
      { evidence: { initialAuditDays: 12, minimumManDays: 5.5 } },
    ]);
    await expect(evaluate(report('EMS', 500, 5.5))).resolves.toEqual([]);
  });

  test('when the organisation is larger than the last band, then the last figure applies', async () => {
    await expect(evaluate(report('QMS', 50_000, 10))).resolves.toMatchObject([
      { evidence: { band: { from: 10701, to: null }, initialAuditDays: 23, minimumManDays: 10.5 } },
    ]);
  });

  // Unknown size: the smallest band, 1.5 days for QMS; floor 0.7, i.e. 0.5.
  test('when the size is unknown, then the smallest band judges it', async () => {
    await expect(evaluate(report('QMS', undefined, 0.3))).resolves.toMatchObject([
      { severity: 'medium', evidence: { employees: null, band: { from: 1, to: 5 }, minimumManDays: 0.5 } },
    ]);
    await expect(evaluate(report('QMS', undefined, 0.5))).resolves.toEqual([]);
  });

  test('when another management system is judged, then the QMS figures stand in for its own', async () => {
    await expect(evaluate(report('ISMS', 120, 2.5))).resolves.toMatchObject([
      { evidence: { scheme: 'ISMS', minimumManDays: 3 } },
    ]);
  });

  test('when a product or service certificate has a short audit, or a certificate has no audit, then nothing is raised', async () => {
    const noAudit = { ...report('QMS', 120, 1), audit: undefined };
    await expect(evaluate(report('CCC', 120, 0.5), report('SERVICE', 120, 0.5), noAudit)).resolves.toEqual(
      [],
    );
  });

  test("when the table is overridden through the rule's options, then the override decides", async () => {
    const strict = createManDaysMinimumRule({ table: { QMS: [4, 8] }, bands: [10, Infinity], share: 1 });
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
