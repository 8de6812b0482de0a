import type { CertificateRepository } from '../../server/certificates/certificate-repository';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { makeCertificate, unique } from '../helpers/factories';
import type { CertificateRepositoryHarness } from './certificate-repository.contract';

const AT = '2026-03-01T00:00:00.000Z';
const TODAY = '2026-01-01';

/** The behaviour of a body's certificate list (listByBody, countByBody) every adapter must have. */
export function certificateListContract(harness: CertificateRepositoryHarness): void {
  describe(`CertificateRepository contract, a body's list: ${harness.name}`, () => {
    let repo: CertificateRepository;
    let close: () => Promise<void>;
    let body: string;
    let stored: Certificate[];

    beforeAll(async () => {
      ({ repo, close } = await harness.open());
      body = unique('LB').slice(0, 32);
      // Stored out of number order; a neighbour body's numbers sort among them.
      const numbers = ['B-2', 'A-10', 'A-1', 'A-2', 'C', 'A-01', 'A-1/X', 'B-1'];
      stored = (
        await repo.upsertMany(
          numbers.map((number, i) =>
            makeCertificate({
              bodyCode: body,
              number,
              issueDate: '2024-01-10',
              expiryDate: i % 3 === 0 ? '2025-06-30' : '2030-01-01',
            }),
          ),
          AT,
        )
      ).map((r) => r.certificate);
      await repo.upsertMany(
        ['A-1', 'A-15', 'B'].map((number) => makeCertificate({ bodyCode: `${body}X`.slice(0, 32), number })),
        AT,
      );
      const byNumber = new Map(stored.map((c) => [c.number, c]));
      // B-2 is past expiry and revoked (stays revoked); A-10 is suspended (still valid dates); A-2 is
      // suspended past expiry (reads expired).
      await repo.changeStatus(
        byNumber.get('B-2')!.publicId,
        { status: 'revoked', reason: '买证', date: '2024-05-01' },
        AT,
      );
      await repo.changeStatus(
        byNumber.get('A-10')!.publicId,
        { status: 'suspended', reason: '监督逾期', date: '2024-05-01' },
        AT,
      );
      await repo.changeStatus(
        byNumber.get('A-2')!.publicId,
        { status: 'suspended', reason: '监督逾期', date: '2024-05-01' },
        AT,
      );
    });
    afterAll(async () => {
      await close();
    });

    const numbersOf = (certs: Certificate[]) => certs.map((c) => c.number);

    test("when a body's certificates are listed, then they come in number order, whole, and none of another body", async () => {
      const all = await repo.listByBody({ bodyCode: body, today: TODAY }, { limit: 100 });
      expect(numbersOf(all)).toEqual(['A-01', 'A-1', 'A-1/X', 'A-10', 'A-2', 'B-1', 'B-2', 'C']);
      const own = stored.find((c) => c.number === 'C');
      expect(all.find((c) => c.number === 'C')).toEqual(own);
      await expect(repo.countByBody({ bodyCode: body, today: TODAY }, 100)).resolves.toBe(8);
      await expect(
        repo.listByBody({ bodyCode: unique('NB').slice(0, 32), today: TODAY }, { limit: 10 }),
      ).resolves.toEqual([]);
    });

    test('when the list is read in pages after the last number, then each certificate comes once', async () => {
      const seen: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 10; i += 1) {
        const page = await repo.listByBody({ bodyCode: body, today: TODAY }, { after, limit: 3 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(3);
        seen.push(...numbersOf(page));
        after = page[page.length - 1]!.number;
      }
      expect(seen).toEqual(['A-01', 'A-1', 'A-1/X', 'A-10', 'A-2', 'B-1', 'B-2', 'C']);
      // A cursor that is no stored number starts after where it would sort.
      const from = await repo.listByBody({ bodyCode: body, today: TODAY }, { after: 'A-11', limit: 2 });
      expect(numbersOf(from)).toEqual(['A-2', 'B-1']);
    });

    test('when the list is narrowed to a number prefix, then a number equal to the prefix and those starting with it come', async () => {
      const filter = { bodyCode: body, numberPrefix: 'A-1', today: TODAY };
      await expect(repo.listByBody(filter, { limit: 10 }).then(numbersOf)).resolves.toEqual([
        'A-1',
        'A-1/X',
        'A-10',
      ]);
      await expect(repo.listByBody(filter, { after: 'A-1', limit: 10 }).then(numbersOf)).resolves.toEqual([
        'A-1/X',
        'A-10',
      ]);
      // A cursor before the prefix's range starts at the range.
      await expect(repo.listByBody(filter, { after: 'A-0', limit: 1 }).then(numbersOf)).resolves.toEqual([
        'A-1',
      ]);
      await expect(repo.countByBody(filter, 100)).resolves.toBe(3);
      await expect(repo.countByBody({ ...filter, numberPrefix: 'D' }, 100)).resolves.toBe(0);
    });

    test('when the list is narrowed to an effective status, then expired is judged on the day given and final statuses stay', async () => {
      const of = async (status: 'valid' | 'suspended' | 'revoked' | 'withdrawn' | 'expired', today = TODAY) =>
        numbersOf(await repo.listByBody({ bodyCode: body, status, today }, { limit: 100 }));
      // Expiring 2025-06-30: B-2 (revoked), A-2 (suspended), A-1/X; the others 2030.
      await expect(of('expired')).resolves.toEqual(['A-1/X', 'A-2']);
      await expect(of('revoked')).resolves.toEqual(['B-2']);
      await expect(of('suspended')).resolves.toEqual(['A-10']);
      await expect(of('valid')).resolves.toEqual(['A-01', 'A-1', 'B-1', 'C']);
      await expect(of('withdrawn')).resolves.toEqual([]);
      // Before the expiry date, nothing is expired.
      await expect(of('expired', '2025-01-01')).resolves.toEqual([]);
      await expect(of('suspended', '2025-01-01')).resolves.toEqual(['A-10', 'A-2']);
      await expect(
        repo.countByBody({ bodyCode: body, status: 'valid', numberPrefix: 'A', today: TODAY }, 100),
      ).resolves.toBe(2);
      await expect(
        repo
          .listByBody({ bodyCode: body, status: 'valid', today: TODAY }, { after: 'A-1', limit: 1 })
          .then(numbersOf),
      ).resolves.toEqual(['B-1']);
    });

    test('when a count reaches its limit, then it stops there', async () => {
      await expect(repo.countByBody({ bodyCode: body, today: TODAY }, 5)).resolves.toBe(5);
      await expect(repo.countByBody({ bodyCode: body, status: 'valid', today: TODAY }, 2)).resolves.toBe(2);
      await expect(repo.countByBody({ bodyCode: body, today: TODAY }, 8)).resolves.toBe(8);
    });
  });
}
