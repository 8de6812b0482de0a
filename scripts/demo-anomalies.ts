/**
 * A few certificates of the demo registry that look like DOMAIN.md's fraud patterns, and a public tip,
 * so that an inspector trying the demo finds work in /inspect: the generated registry itself is clean
 * (its auditors never overlap), which keeps the benchmarks' figures free of signal storage.
 * They go through the upload rules as an upload batch would.
 */
import type { CertificateData } from '../server/certificates/certificate-schema';
import type { Services } from '../server/composition/services';
import type { Stores } from '../server/composition/stores';
import type { Logger } from '../server/platform/logger';
import { createUploadRuleRunner } from '../server/signals/rules/rule-engine';
import { submitTipSchema } from '../server/tips/tip-schema';
import { demoCreditCode } from './demo-data';

const BODY = 'HZC';
/** Organisation indexes far beyond any generated registry's, so no generated holder is reused. */
const FIRST_INDEX = 90_000_000;

function anomalous(index: number, overrides: Partial<CertificateData>): CertificateData {
  return {
    number: `DEMO-RISK-${String(index).padStart(3, '0')}`,
    bodyCode: BODY,
    scheme: 'QMS',
    // Twenty people: an initial QMS audit of at least 2 man-days (IAF MD5, less the largest reduction).
    holder: {
      name: `重庆沙坪坝风险样例${index}号有限公司`,
      creditCode: demoCreditCode(FIRST_INDEX + index, '500106'),
      employees: 20,
    },
    scope: '机械零部件的加工和销售',
    issueDate: '2025-06-20',
    expiryDate: '2028-06-19',
    status: 'valid',
    ...overrides,
  };
}

const auditor = (registrationNumber: string) => ({ name: '示例审核员', registrationNumber });

/** The anomalies: one auditor on two sites at once, a certificate issued before its audit ended, too few man-days. */
export function demoAnomalies(): CertificateData[] {
  const busy = auditor('2025-N1QMS-9000001');
  return [
    // One auditor three days on site: three man-days, no more.
    anomalous(1, { audit: { startDate: '2025-06-10', endDate: '2025-06-12', manDays: 3, auditors: [busy] } }),
    anomalous(2, { audit: { startDate: '2025-06-11', endDate: '2025-06-13', manDays: 3, auditors: [busy] } }),
    anomalous(3, {
      issueDate: '2025-07-02',
      expiryDate: '2028-07-01',
      audit: {
        startDate: '2025-07-01',
        endDate: '2025-07-03',
        manDays: 3,
        auditors: [auditor('2025-N1QMS-9000002')],
      },
    }),
    anomalous(4, {
      holder: {
        name: '重庆沙坪坝风险样例4号有限公司',
        creditCode: demoCreditCode(FIRST_INDEX + 4, '500106'),
        employees: 600,
      },
      audit: {
        startDate: '2025-06-16',
        endDate: '2025-06-16',
        manDays: 1,
        auditors: [auditor('2025-N1QMS-9000003')],
      },
    }),
  ];
}

/** Stores the anomalies, runs the upload rules on them, and files one tip; answers how many signals were raised. */
export async function seedAnomalies(
  services: Services,
  stores: Stores,
  logger: Logger,
  at: string,
): Promise<number> {
  const stored = (await services.certificates.upsertMany(demoAnomalies(), at)).map((r) => r.certificate);
  const rules = createUploadRuleRunner({
    registry: stores.certificates,
    bodies: stores.bodies,
    raise: services.signals.raise,
    logger,
  });
  const report = await rules.run({ bodyCode: BODY, certificates: stored, at });
  const first = stored[0];
  if (first) {
    await services.tips.submit(
      submitTipSchema.parse({
        category: 'misused',
        publicId: first.publicId,
        description: '某建材市场的门店把这张证书贴在另一家公司的产品包装上，产品名称与证书范围不符。',
        place: '沙坪坝区某建材市场',
      }),
      { clientAddress: '127.0.0.1' },
    );
  }
  return report.raised;
}
