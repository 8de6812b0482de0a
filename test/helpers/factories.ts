import { randomInt } from 'node:crypto';
import type { Body } from '../../server/bodies/body-schema';
import {
  certificateInputSchema,
  type CertificateData,
  type CertificateInput,
} from '../../server/certificates/certificate-schema';
import { withCheckCharacter } from '../../server/platform/credit-code';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
let sequence = 0;

/** A unique suffix for test data, so that tests never share rows. */
export function unique(prefix = ''): string {
  sequence += 1;
  return `${prefix}${process.pid.toString(36).toUpperCase()}${Date.now().toString(36).toUpperCase()}${sequence}`;
}

/** A valid unified social credit code of a Shapingba (500106) company. */
export function creditCode(): string {
  let org = '';
  for (let i = 0; i < 9; i += 1) org += ALPHABET[randomInt(ALPHABET.length)];
  return withCheckCharacter(`91500106${org}`);
}

export function makeBody(overrides: Partial<Body> = {}): Body {
  const code = overrides.code ?? unique('B').slice(0, 32);
  return {
    code,
    name: `测试认证有限公司${code}`,
    approvalNumber: 'CNCA-R-2002-001',
    approvalStatus: 'approved',
    approvedSchemes: ['QMS', 'EMS', 'CCC'],
    approvedIndustryCodes: [],
    lastReportedAt: '2026-11-01T08:00:00.000Z',
    ...overrides,
  };
}

/** A valid certificate report (parsed through the schema, as every write path does). */
export function makeCertificate(overrides: Partial<CertificateInput> = {}): CertificateData {
  return certificateInputSchema.parse({
    number: unique('CERT'),
    bodyCode: 'CQC',
    scheme: 'QMS',
    holder: {
      name: '重庆沙坪坝精密机械制造有限公司',
      creditCode: creditCode(),
      address: '重庆市沙坪坝区大学城中路1号',
    },
    scope: '精密机械零部件的设计和生产',
    issueDate: '2025-01-10',
    expiryDate: '2028-01-09',
    audit: {
      startDate: '2025-01-06',
      endDate: '2025-01-08',
      manDays: 6,
      auditors: [{ name: '张伟', registrationNumber: '2025-N1QMS-1234567', role: 'leader' }],
    },
    ...overrides,
  });
}
