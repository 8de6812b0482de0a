import type { Stores } from '../../server/composition/stores';
import type { StatsRepository } from '../../server/stats/stats-repository';
import { makeCase, created } from './case-repository.contract';
import { makeRecord } from './dishonesty-repository.contract';
import { makeTip } from './tip-repository.contract';
import { makeCertificate } from '../helpers/factories';

export interface StatsRepositoryHarness {
  name: string;
  /**
   * The statistics port over stores of their own (empty), and those stores to fill; `close` releases
   * them and removes what the run stored.
   */
  open(): Promise<{ repo: StatsRepository; stores: Stores; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

const byKey = <T extends { count: number }>(rows: readonly T[], key: (r: T) => string) =>
  Object.fromEntries(rows.map((r) => [key(r), r.count]));

/** The behaviour every `StatsRepository` adapter must have; each adapter's test file calls this. */
export function statsRepositoryContract(harness: StatsRepositoryHarness): void {
  describe(`StatsRepository contract: ${harness.name}`, () => {
    let repo: StatsRepository;
    let stores: Stores;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ repo, stores, close } = await harness.open());
    });
    afterEach(async () => {
      await close();
    });

    test('when the registry is empty, then every count is empty', async () => {
      await expect(repo.certificateTallies()).resolves.toEqual([]);
      await expect(repo.certificateTallies('2026-06-01')).resolves.toEqual([]);
      await expect(repo.tipsByMonth('2000-01-01T00:00:00.000Z')).resolves.toEqual([]);
      await expect(repo.casesByMonth('2000-01-01T00:00:00.000Z')).resolves.toEqual([]);
      await expect(repo.recordsByMonth()).resolves.toEqual([]);
    });

    test('when certificates are counted, then by scheme, stored status and issue month; expiredBefore keeps the lapsed', async () => {
      const at = '2026-06-01T00:00:00.000Z';
      await stores.certificates.upsertMany(
        [
          { scheme: 'QMS', issueDate: '2026-05-10', expiryDate: '2029-05-09' },
          { scheme: 'QMS', issueDate: '2026-05-31', expiryDate: '2029-05-30' },
          { scheme: 'QMS', issueDate: '2023-05-02', expiryDate: '2026-05-01' },
          { scheme: 'EMS', issueDate: '2026-04-01', expiryDate: '2029-03-31', status: 'suspended' as const },
          { scheme: 'CCC', issueDate: '2020-01-01', expiryDate: '2025-12-31', status: 'revoked' as const },
        ].map((c) => makeCertificate({ bodyCode: 'CQC', ...c })),
        at,
      );
      const key = (r: { scheme: string; status: string; issueMonth: string }) =>
        `${r.scheme} ${r.status} ${r.issueMonth}`;
      expect(byKey(await repo.certificateTallies(), key)).toEqual({
        'QMS valid 2026-05': 2,
        'QMS valid 2023-05': 1,
        'EMS suspended 2026-04': 1,
        'CCC revoked 2020-01': 1,
      });
      // Expiry before 1 June 2026: the QMS of 2023 and the revoked CCC (whose status the caller keeps).
      expect(byKey(await repo.certificateTallies('2026-06-01'), key)).toEqual({
        'QMS valid 2023-05': 1,
        'CCC revoked 2020-01': 1,
      });
      // The day of expiry itself is not yet past it.
      expect(byKey(await repo.certificateTallies('2026-05-01'), key)).toEqual({ 'CCC revoked 2020-01': 1 });
    });

    test('when tips and cases are counted, then by China-time month and state, from `since` on', async () => {
      for (const [receivedAt, state] of [
        ['2026-05-31T15:59:59.999Z', 'new'],
        ['2026-05-31T16:00:00.000Z', 'new'],
        ['2026-06-10T02:00:00.000Z', 'dismissed'],
        ['2026-06-11T02:00:00.000Z', 'dismissed'],
        ['2026-03-01T02:00:00.000Z', 'new'],
      ] as const) {
        await stores.tips.create(makeTip({ receivedAt, state }));
      }
      for (const [createdAt, state] of [
        ['2026-04-30T16:30:00.000Z', 'open'],
        ['2026-05-15T02:00:00.000Z', 'confirmed'],
      ] as const) {
        const record = makeCase({ createdAt, updatedAt: createdAt, state });
        await stores.cases.create(record, created(record));
      }
      const since = '2026-04-30T16:00:00.000Z';
      const key = (r: { month: string; state: string }) => `${r.month} ${r.state}`;
      expect(byKey(await repo.tipsByMonth(since), key)).toEqual({
        '2026-05 new': 1,
        '2026-06 new': 1,
        '2026-06 dismissed': 2,
      });
      expect(byKey(await repo.casesByMonth(since), key)).toEqual({
        '2026-05 open': 1,
        '2026-05 confirmed': 1,
      });
      await expect(repo.casesByMonth('2026-06-01T00:00:00.000Z')).resolves.toEqual([]);
    });

    test('when dishonesty records are counted, then by start month, subject kind and state, from `sinceDay` on', async () => {
      const body = { kind: 'body' as const, bodyCode: 'CQC', name: '某认证机构' };
      await stores.dishonesty.create(makeRecord({ startDate: '2026-05-01' }));
      await stores.dishonesty.create(makeRecord({ startDate: '2026-05-31' }));
      await stores.dishonesty.create(makeRecord({ startDate: '2026-05-20', subject: body }));
      await stores.dishonesty.create(makeRecord({ startDate: '2019-02-01', state: 'repaired' }));
      const key = (r: { month: string; kind: string; state: string }) => `${r.month} ${r.kind} ${r.state}`;
      expect(byKey(await repo.recordsByMonth(), key)).toEqual({
        '2026-05 organisation listed': 2,
        '2026-05 body listed': 1,
        '2019-02 organisation repaired': 1,
      });
      expect(byKey(await repo.recordsByMonth('2026-05-02'), key)).toEqual({
        '2026-05 organisation listed': 1,
        '2026-05 body listed': 1,
      });
    });
  });
}
