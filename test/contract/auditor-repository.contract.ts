import type { AuditorRepository } from '../../server/auditors/auditor-repository';
import type { Auditor } from '../../server/auditors/auditor-schema';
import type { CertificateRepository } from '../../server/certificates/certificate-repository';
import type { DishonestyRepository } from '../../server/dishonesty/dishonesty-repository';
import { makeCertificate, unique } from '../helpers/factories';
import { makeRecord } from './dishonesty-repository.contract';

/** The register, and the reads an auditor's public page makes of the registry and the dishonesty list. */
export interface AuditorStores {
  auditors: AuditorRepository;
  certificates: CertificateRepository;
  dishonesty: DishonestyRepository;
}

export interface AuditorRepositoryHarness {
  name: string;
  /** Stores of their own; `close` releases them and removes what the run stored. */
  open(): Promise<{ repo: AuditorStores; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far. */
  options: Record<string, never>;
}

/** A registration number no other test uses. */
const registrationNumber = () => `2025-N1QMS-${unique()}`;

function makeAuditor(overrides: Partial<Auditor> = {}): Auditor {
  return {
    registrationNumber: registrationNumber(),
    name: '王芳',
    schemes: ['QMS'],
    level: '审核员',
    validFrom: '2023-04-01',
    validTo: '2026-03-31',
    importedAt: '2026-01-05T02:00:00.000Z',
    importId: 'import-1',
    ...overrides,
  };
}

/** The behaviour every `AuditorRepository` adapter (and the page's reads of its store) must have. */
export function auditorRepositoryContract(harness: AuditorRepositoryHarness): void {
  describe(`AuditorRepository contract: ${harness.name}`, () => {
    let stores: AuditorStores;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo: stores, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    test('when nothing was imported, then the register counts none and finds nothing', async () => {
      const fresh = await harness.open();
      try {
        await expect(fresh.repo.auditors.count()).resolves.toBe(0);
        await expect(fresh.repo.auditors.findByRegistrationNumbers(['2025-N1QMS-1'])).resolves.toEqual([]);
      } finally {
        await fresh.close();
      }
    });

    test('when entries are upserted, then new ones count created, changed ones updated, repeated ones unchanged', async () => {
      const a = makeAuditor();
      const b = makeAuditor({ level: undefined, schemes: ['EMS', 'QMS'] });
      await expect(stores.auditors.upsertMany([a, b])).resolves.toEqual({
        created: 2,
        updated: 0,
        unchanged: 0,
      });
      const found = await stores.auditors.findByRegistrationNumbers([
        a.registrationNumber,
        b.registrationNumber,
      ]);
      expect(found.sort((x, y) => (x.registrationNumber < y.registrationNumber ? -1 : 1))).toEqual(
        [a, b].sort((x, y) => (x.registrationNumber < y.registrationNumber ? -1 : 1)),
      );
      // Imported again by a later import: the same facts are unchanged; a renewed registration is updated.
      const renewed = { ...b, validTo: '2029-03-31', level: '高级审核员', importId: 'import-2' };
      await expect(
        stores.auditors.upsertMany([
          { ...a, importId: 'import-2', importedAt: '2026-02-01T00:00:00.000Z' },
          renewed,
        ]),
      ).resolves.toEqual({ created: 0, updated: 1, unchanged: 1 });
      await expect(stores.auditors.findByRegistrationNumbers([b.registrationNumber])).resolves.toEqual([
        renewed,
      ]);
      // A level the register no longer gives is gone.
      const { level: _level, ...withoutLevel } = { ...renewed, importId: 'import-3' };
      await stores.auditors.upsertMany([withoutLevel]);
      await expect(stores.auditors.findByRegistrationNumbers([b.registrationNumber])).resolves.toEqual([
        withoutLevel,
      ]);
      expect(await stores.auditors.count()).toBeGreaterThanOrEqual(2);
    });

    test('when more numbers are asked for than one page holds, then every known one is found', async () => {
      const many = Array.from({ length: 1_203 }, () => makeAuditor());
      await stores.auditors.upsertMany(many);
      const asked = [...many.map((a) => a.registrationNumber), '2099-UNKNOWN-1'];
      const found = await stores.auditors.findByRegistrationNumbers(asked);
      expect(found).toHaveLength(1_203);
    });

    test('when audits name an auditor, then their count by body and year of the audit end comes back, newest year first', async () => {
      const reg = registrationNumber();
      const team = (number: string) => [{ name: '王芳', registrationNumber: number }];
      const audit = (start: string, end: string, number = reg) => ({
        startDate: start,
        endDate: end,
        manDays: 2,
        auditors: team(number),
      });
      const at = '2026-01-01T00:00:00.000Z';
      await stores.certificates.upsertMany(
        [
          makeCertificate({ bodyCode: 'CQC', audit: audit('2024-12-30', '2025-01-02') }),
          makeCertificate({ bodyCode: 'CQC', audit: audit('2025-03-01', '2025-03-02') }),
          makeCertificate({ bodyCode: 'CQC', audit: audit('2024-05-01', '2024-05-02') }),
          makeCertificate({ bodyCode: 'BJCC', audit: audit('2025-06-01', '2025-06-03') }),
          makeCertificate({
            bodyCode: 'BJCC',
            audit: audit('2025-06-01', '2025-06-03', registrationNumber()),
          }),
        ],
        at,
      );
      await expect(stores.certificates.countAuditsOfAuditor(reg)).resolves.toEqual([
        { bodyCode: 'BJCC', year: '2025', audits: 1 },
        { bodyCode: 'CQC', year: '2025', audits: 2 },
        { bodyCode: 'CQC', year: '2024', audits: 1 },
      ]);
      await expect(stores.certificates.countAuditsOfAuditor(registrationNumber())).resolves.toEqual([]);
    });

    test('when dishonesty records name an auditor, then the listed ones about that registration come back, newest first', async () => {
      const reg = registrationNumber();
      const auditor = (number: string) => ({
        kind: 'auditor' as const,
        registrationNumber: number,
        name: '王芳',
        bodyCode: 'CQC',
      });
      const older = makeRecord({ subject: auditor(reg), startDate: '2021-05-01' });
      const newer = makeRecord({ subject: auditor(reg), startDate: '2024-05-01' });
      const other = makeRecord({ subject: auditor(registrationNumber()) });
      for (const r of [older, newer, other]) await stores.dishonesty.create(r);
      const found = await stores.dishonesty.findListedAboutAuditor(reg);
      expect(found.map((r) => r.id)).toEqual([newer.id, older.id]);
    });
  });
}
