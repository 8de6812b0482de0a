import type { WitnessRepository } from '../../server/audit/witness-repository';
import type { Cosignature, Witness } from '../../server/audit/witness-schema';

export interface WitnessRepositoryHarness {
  name: string;
  /** A repository on an empty store of its own; `close` releases it and removes what the test stored. */
  open(): Promise<{ repo: WitnessRepository; close(): Promise<void> }>;
}

const witness = (name: string): Witness => ({
  name,
  vkey: `${name}+0011aabb+BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
  label: `区发展改革委 ${name}`,
  registeredAt: '2026-12-01T02:00:00.000Z',
});

const cosig = (
  w: string,
  size: number,
  timestamp = 1_790_000_000,
  rootHash = `root-${size}`,
): Cosignature => ({
  witness: w,
  size,
  rootHash,
  timestamp,
  signature: Buffer.from(`${w}:${size}:${timestamp}`).toString('base64'),
  receivedAt: '2026-12-01T03:00:00.000Z',
});

/** The behaviour every `WitnessRepository` adapter must have; each adapter's test file calls this. */
export function witnessRepositoryContract(harness: WitnessRepositoryHarness): void {
  describe(`WitnessRepository contract: ${harness.name}`, () => {
    let repo: WitnessRepository;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ repo, close } = await harness.open());
    });
    afterEach(async () => {
      await close();
    });

    test('when witnesses are added, then they are listed by name and a second one of a name is refused', async () => {
      await expect(repo.list()).resolves.toEqual([]);
      await expect(repo.add(witness('w2.example'))).resolves.toBe(true);
      await expect(repo.add(witness('w1.example'))).resolves.toBe(true);
      await expect(repo.add({ ...witness('w1.example'), label: 'other' })).resolves.toBe(false);
      await expect(repo.list()).resolves.toEqual([witness('w1.example'), witness('w2.example')]);
      await expect(repo.get('w1.example')).resolves.toEqual(witness('w1.example'));
      await expect(repo.get('nobody')).resolves.toBeUndefined();
    });

    test('when cosignatures arrive, then only a newer one replaces the kept one, per witness', async () => {
      await repo.add(witness('w1'));
      await repo.add(witness('w2'));
      await expect(repo.saveCosignature(cosig('w1', 10))).resolves.toBe(true);
      await expect(repo.saveCosignature(cosig('w1', 9, 1_800_000_000))).resolves.toBe(false);
      await expect(repo.saveCosignature(cosig('w1', 10, 1_790_000_000))).resolves.toBe(false);
      await expect(repo.saveCosignature(cosig('w1', 10, 1_790_000_060))).resolves.toBe(true);
      await expect(repo.saveCosignature(cosig('w2', 10))).resolves.toBe(true);
      await expect(repo.cosignaturesOf(10, 'root-10')).resolves.toEqual([
        cosig('w1', 10, 1_790_000_060),
        cosig('w2', 10),
      ]);
      await expect(repo.saveCosignature(cosig('w2', 12))).resolves.toBe(true);
      await expect(repo.cosignaturesOf(10, 'root-10')).resolves.toEqual([cosig('w1', 10, 1_790_000_060)]);
      await expect(repo.cosignaturesOf(10, 'other-root')).resolves.toEqual([]);
      await expect(repo.latestCosignatures()).resolves.toEqual([
        cosig('w1', 10, 1_790_000_060),
        cosig('w2', 12),
      ]);
    });

    test('when a witness is removed, then it and its cosignature are gone and it cannot cosign', async () => {
      await repo.add(witness('w1'));
      await repo.saveCosignature(cosig('w1', 3));
      await expect(repo.remove('w1')).resolves.toBe(true);
      await expect(repo.remove('w1')).resolves.toBe(false);
      await expect(repo.list()).resolves.toEqual([]);
      await expect(repo.latestCosignatures()).resolves.toEqual([]);
      await expect(repo.saveCosignature(cosig('w1', 4))).resolves.toBe(false);
      await expect(repo.saveCosignature(cosig('never-registered', 4))).resolves.toBe(false);
      await expect(repo.latestCosignatures()).resolves.toEqual([]);
    });
  });
}
