import { randomInt } from 'node:crypto';
import type { Body } from '../../server/bodies/body-schema';
import type { Services } from '../../server/composition/services';
import {
  certificateInputSchema,
  type Certificate,
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

/** Stores a body through the body service (as every write path does) and returns it. */
export async function seedBody(services: Services, overrides: Partial<Body> = {}): Promise<Body> {
  return services.bodies.upsert(makeBody(overrides));
}

/** Stores certificate reports through the certificate service, in one batch; the stored records, in order. */
export async function seedCertificates(
  services: Services,
  reports: Partial<CertificateInput>[],
): Promise<Certificate[]> {
  const results = await services.certificates.upsertMany(reports.map((r) => makeCertificate(r)));
  return results.map((r) => r.certificate);
}

/** Stores one certificate report through the certificate service; the stored record. */
export async function seedCertificate(
  services: Services,
  overrides: Partial<CertificateInput> = {},
): Promise<Certificate> {
  const [stored] = await seedCertificates(services, [overrides]);
  return stored as Certificate;
}

/** A date `days` after (negative: before) `date`, both YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The sum of the samples of `name` whose labels include `labels`, in a Prometheus text exposition
 * (`GET /metrics`); 0 when none: a counter never incremented has no sample for its labels.
 */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels);
  let sum = 0;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const sampleLabels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (wanted.every(([k, v]) => sampleLabels[k] === v)) sum += Number(match[3]);
  }
  return sum;
}
