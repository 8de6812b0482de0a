import type { CommitmentRepository } from '../../server/bodies/commitment-repository';
import type { Commitment } from '../../server/bodies/commitment-schema';
import { unique } from '../helpers/factories';

export interface CommitmentRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it. */
  open(): Promise<{ repo: CommitmentRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far. */
  options: Record<string, never>;
}

const bodyCode = () =>
  unique('CM')
    .replace(/[^A-Z0-9-]/gi, '')
    .toUpperCase()
    .slice(0, 32);

function commitment(code: string, version: number, overrides: Partial<Commitment> = {}): Commitment {
  return {
    bodyCode: code,
    version,
    text: `本机构承诺：依法独立开展认证活动，确保认证结果真实、准确。（第${version}版）\n第二行。`,
    dated: '2026-03-01',
    submittedAt: `2026-03-0${Math.min(version, 9)}T08:00:00.000Z`,
    ...overrides,
  };
}

/** The behaviour every `CommitmentRepository` adapter must have; each adapter's test file calls this. */
export function commitmentRepositoryContract(harness: CommitmentRepositoryHarness): void {
  describe(`CommitmentRepository contract: ${harness.name}`, () => {
    let repo: CommitmentRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    test('when a body has submitted nothing, then it has no latest version and an empty history', async () => {
      const code = bodyCode();
      await expect(repo.latest(code)).resolves.toBeUndefined();
      await expect(repo.history(code, 10)).resolves.toEqual([]);
    });

    test('when versions are added, then the latest is the highest and the history runs newest first', async () => {
      const code = bodyCode();
      const first = commitment(code, 1);
      const second = commitment(code, 2, { text: '第二版，全角标点：保留。', dated: '2026-04-02' });
      await expect(repo.add(first)).resolves.toEqual(first);
      await expect(repo.add(second)).resolves.toEqual(second);
      await repo.add(commitment(bodyCode(), 1));
      await expect(repo.latest(code)).resolves.toEqual(second);
      await expect(repo.history(code, 10)).resolves.toEqual([second, first]);
      await expect(repo.history(code, 1)).resolves.toEqual([second]);
    });

    test('when a version the body already has is added again, then nothing changes and undefined comes back', async () => {
      const code = bodyCode();
      const kept = commitment(code, 1);
      await repo.add(kept);
      await expect(repo.add(commitment(code, 1, { text: '另一个文本' }))).resolves.toBeUndefined();
      await expect(repo.history(code, 10)).resolves.toEqual([kept]);
    });
  });
}
