import { randomBytes } from 'node:crypto';
import type { FlagRepository } from '../../server/cases/flag-repository';
import type { Flag } from '../../server/cases/flag-schema';

export interface FlagRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: FlagRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

const newId = () => randomBytes(16).toString('base64url');

export function makeFlag(overrides: Partial<Flag> = {}): Flag {
  return {
    id: newId(),
    publicId: newId(),
    reason: '证书上的审核日期与认证机构上报的不一致。',
    createdBy: 'inspector-token',
    createdAt: '2026-03-02T02:00:00.000Z',
    state: 'open',
    ...overrides,
  };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);

/** The behaviour every `FlagRepository` adapter must have; each adapter's test file calls this. */
export function flagRepositoryContract(harness: FlagRepositoryHarness): void {
  describe(`FlagRepository contract: ${harness.name}`, () => {
    let repo: FlagRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    test('when a flag is stored, then it is found by its id exactly as stored, with no case', async () => {
      const flag = makeFlag();
      await expect(repo.create(flag)).resolves.toEqual(flag);
      const found = await repo.findById(flag.id);
      expect(found).toEqual(flag);
      expect(found).not.toHaveProperty('caseId');
      await expect(repo.findById(newId())).resolves.toBeUndefined();
    });

    test('when a flag id is taken, then a second flag with it is refused and the first is kept', async () => {
      const first = makeFlag();
      await repo.create(first);
      const outcome = await repo.create(makeFlag({ id: first.id, reason: 'other' })).then(
        () => 'stored',
        () => 'refused',
      );
      expect(outcome).toBe('refused');
      await expect(repo.findById(first.id)).resolves.toEqual(first);
    });

    test('when flags move into a case and out again, then state and case follow and nothing else changes', async () => {
      const a = makeFlag();
      const b = makeFlag();
      const untouched = makeFlag();
      for (const f of [a, b, untouched]) await repo.create(f);
      const caseId = newId();
      const moved = await repo.setState([a.id, b.id, newId()], 'in-case', caseId);
      expect(moved.sort(byId)).toEqual(
        [
          { ...a, state: 'in-case', caseId },
          { ...b, state: 'in-case', caseId },
        ].sort(byId),
      );
      await expect(repo.setState([a.id], 'open')).resolves.toEqual([a]);
      await expect(repo.findById(a.id)).resolves.toEqual(a);
      await expect(repo.findById(b.id)).resolves.toEqual({ ...b, state: 'in-case', caseId });
      await expect(repo.findById(untouched.id)).resolves.toEqual(untouched);
      await expect(repo.setState([], 'open')).resolves.toEqual([]);
    });

    test('when flags are listed, then newest first, by state, with totals and pages', async () => {
      // A store of its own: the list is global, so other tests' flags must not be in it.
      const own = await harness.open();
      try {
        const at = (d: number) => `2026-03-0${d}T02:00:00.000Z`;
        const f1 = makeFlag({ createdAt: at(1) });
        const f2 = makeFlag({ createdAt: at(2) });
        const f3 = makeFlag({ createdAt: at(3) });
        for (const f of [f2, f3, f1]) await own.repo.create(f);
        const [f2InCase] = await own.repo.setState([f2.id], 'in-case', newId());

        await expect(own.repo.list({}, { offset: 0, limit: 10 })).resolves.toEqual({
          items: [f3, f2InCase, f1],
          total: 3,
        });
        await expect(own.repo.list({}, { offset: 1, limit: 1 })).resolves.toEqual({
          items: [f2InCase],
          total: 3,
        });
        await expect(own.repo.list({ state: 'open' }, { offset: 0, limit: 10 })).resolves.toEqual({
          items: [f3, f1],
          total: 2,
        });
        await expect(own.repo.list({ state: 'in-case' }, { offset: 0, limit: 10 })).resolves.toEqual({
          items: [f2InCase],
          total: 1,
        });
      } finally {
        await own.close();
      }
    });
  });
}
