import crypto from 'node:crypto';
import type { ScanEvent } from '../../server/qr/qr-schema';
import type { ScanRepository } from '../../server/qr/scan-repository';

export interface ScanRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: ScanRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

const publicId = () => crypto.randomBytes(16).toString('base64url');
const network = (n: number) => `net${String(n).padStart(19, '0')}`;

/** A scan at minute `minute` of a day of its own (ISO timestamps sort as they compare). */
function scanAt(minute: number, overrides: Partial<ScanEvent> = {}): ScanEvent {
  const at = new Date(Date.UTC(2026, 5, 1, 8, minute)).toISOString();
  return { at, verdict: 'GENUINE_VALID', networkHash: network(1), ...overrides };
}

/** The repository contract every ScanRepository adapter must pass. */
export function scanRepositoryContract(harness: ScanRepositoryHarness): void {
  describe(`ScanRepository contract: ${harness.name}`, () => {
    let repo: ScanRepository;
    let close: () => Promise<void>;

    beforeEach(async () => {
      ({ repo, close } = await harness.open());
    });
    afterEach(async () => {
      await close();
    });

    test('when scans are appended, then listing a certificate gives its scans newest first, as stored', async () => {
      const id = publicId();
      const other = publicId();
      await repo.append([
        scanAt(1, { publicId: id, networkHash: network(1) }),
        scanAt(2, { publicId: other }),
        scanAt(3, { publicId: id, verdict: 'SIGNATURE_INVALID', networkHash: network(2) }),
        scanAt(4, { verdict: 'NOT_CERTWATCH' }),
      ]);
      expect(await repo.listForCertificate(id, '2026-01-01T00:00:00.000Z', 10)).toEqual([
        scanAt(3, { publicId: id, verdict: 'SIGNATURE_INVALID', networkHash: network(2) }),
        scanAt(1, { publicId: id, networkHash: network(1) }),
      ]);
    });

    test('when a listing has a start and a limit, then it keeps the scans at or after the start, newest first', async () => {
      const id = publicId();
      await repo.append([1, 2, 3, 4, 5].map((m) => scanAt(m, { publicId: id, networkHash: network(m) })));
      const since = scanAt(2).at;
      expect((await repo.listForCertificate(id, since, 10)).map((e) => e.networkHash)).toEqual(
        [5, 4, 3, 2].map(network),
      );
      expect((await repo.listForCertificate(id, since, 2)).map((e) => e.networkHash)).toEqual(
        [5, 4].map(network),
      );
    });

    test('when scans share a time, then the one appended last comes first', async () => {
      const id = publicId();
      await repo.append([scanAt(7, { publicId: id, networkHash: network(1) })]);
      await repo.append([
        scanAt(7, { publicId: id, networkHash: network(2) }),
        scanAt(7, { publicId: id, networkHash: network(3) }),
      ]);
      expect((await repo.listForCertificate(id, scanAt(0).at, 10)).map((e) => e.networkHash)).toEqual(
        [3, 2, 1].map(network),
      );
    });

    test('when scans are appended in batches, then each China date counts its scans, days without any left out', async () => {
      const at = (iso: string, n = 1) => ({
        at: iso,
        verdict: 'GENUINE_VALID' as const,
        networkHash: network(n),
      });
      await repo.append([
        // 15:59 UTC is 23:59 in China: still 1 June; 16:00 UTC is already 2 June there.
        at('2026-06-01T15:59:59.999Z'),
        at('2026-06-01T16:00:00.000Z'),
        at('2026-06-01T00:30:00.000Z', 2),
        at('2026-05-31T16:10:00.000Z', 3),
      ]);
      await repo.append([at('2026-06-02T03:00:00.000Z'), at('2026-06-04T03:00:00.000Z')]);
      await repo.append([]);
      await expect(repo.countsByDay('2026-06-01', '2026-06-04')).resolves.toEqual([
        { day: '2026-06-01', scans: 3 },
        { day: '2026-06-02', scans: 2 },
        { day: '2026-06-04', scans: 1 },
      ]);
      await expect(repo.countsByDay('2026-06-02', '2026-06-03')).resolves.toEqual([
        { day: '2026-06-02', scans: 2 },
      ]);
      await expect(repo.countsByDay('2027-01-01', '2027-01-31')).resolves.toEqual([]);
    });

    test('when nothing is appended, then nothing is stored; an unknown certificate lists nothing', async () => {
      await repo.append([]);
      expect(await repo.listForCertificate(publicId(), '2000-01-01T00:00:00.000Z', 10)).toEqual([]);
    });

    test('when a scan names no certificate, then it is stored without one and counted for none', async () => {
      await repo.append([scanAt(1, { verdict: 'NOT_CERTWATCH', networkHash: network(9) })]);
      const spread = await repo.spreadSince(scanAt(0).at, 1, 1000);
      expect(spread.every((s) => typeof s.publicId === 'string' && s.publicId.length > 0)).toBe(true);
    });

    test('when certificates are scanned from many networks, then spreadSince ranks them by distinct networks', async () => {
      const wide = publicId();
      const narrow = publicId();
      const single = publicId();
      const day = (minute: number, overrides: Partial<ScanEvent>) =>
        scanAt(minute, { ...overrides, at: new Date(Date.UTC(2031, 0, 1, 9, minute)).toISOString() });
      await repo.append([
        day(0, { publicId: wide, networkHash: network(1) }),
        day(1, { publicId: wide, networkHash: network(2) }),
        day(2, { publicId: wide, networkHash: network(2) }),
        day(3, { publicId: wide, networkHash: network(3) }),
        day(4, { publicId: narrow, networkHash: network(1) }),
        day(5, { publicId: narrow, networkHash: network(4) }),
        day(6, { publicId: single, networkHash: network(5) }),
        day(7, { publicId: single, networkHash: network(5) }),
        // Before the window: not counted.
        {
          at: '2030-12-31T23:59:59.000Z',
          publicId: single,
          verdict: 'GENUINE_VALID',
          networkHash: network(6),
        },
      ]);
      const since = '2031-01-01T00:00:00.000Z';
      expect(await repo.spreadSince(since, 2, 10)).toEqual([
        { publicId: wide, networks: 3, scans: 4, firstAt: day(0, {}).at, lastAt: day(3, {}).at },
        { publicId: narrow, networks: 2, scans: 2, firstAt: day(4, {}).at, lastAt: day(5, {}).at },
      ]);
      expect((await repo.spreadSince(since, 1, 10)).map((s) => s.publicId)).toEqual([wide, narrow, single]);
      expect(await repo.spreadSince(since, 1, 1)).toHaveLength(1);
      expect(await repo.spreadSince('2031-01-02T00:00:00.000Z', 1, 10)).toEqual([]);
    });
  });
}
