import type { InspectorRepository } from '../../server/inspectors/inspector-repository';
import type { Inspector } from '../../server/inspectors/inspector-schema';
import { creditCode, unique } from '../helpers/factories';

export interface InspectorRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: InspectorRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

/** An inspector id no other test uses. */
const inspectorId = (prefix = 'INS') => unique(`${prefix}-`).slice(0, 32);

function makeInspector(overrides: Partial<Inspector> = {}): Inspector {
  return {
    id: inspectorId(),
    name: '王检查',
    unit: '重庆市沙坪坝区市场监督管理局',
    active: true,
    conflicts: [],
    createdAt: '2026-03-01T08:00:00.000Z',
    updatedAt: '2026-03-01T08:00:00.000Z',
    ...overrides,
  };
}

/** The behaviour every `InspectorRepository` adapter must have; each adapter's test file calls this. */
export function inspectorRepositoryContract(harness: InspectorRepositoryHarness): void {
  describe(`InspectorRepository contract: ${harness.name}`, () => {
    let repo: InspectorRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    test('when an inspector with conflicts is stored, then it is found by its id exactly as stored', async () => {
      const inspector = makeInspector({
        conflicts: [
          {
            kind: 'holder',
            code: creditCode(),
            reason: '配偶在该企业任职',
            declaredAt: '2026-03-01T08:00:00.000Z',
          },
          { kind: 'body', code: 'CQC', reason: '曾任该机构审核员', declaredAt: '2026-03-02T08:00:00.000Z' },
        ],
      });
      await expect(repo.create(inspector)).resolves.toEqual(inspector);
      await expect(repo.findById(inspector.id)).resolves.toEqual(inspector);
    });

    test('when no inspector has the id, then it answers undefined', async () => {
      await expect(repo.findById(inspectorId('NONE'))).resolves.toBeUndefined();
    });

    test('when an id is taken, then a second inspector with it is refused and the first is kept', async () => {
      const first = makeInspector();
      await repo.create(first);
      // Compared by outcome: a driver's error may come from another realm, which `toThrow` does not recognise.
      const outcome = await repo.create({ ...makeInspector(), id: first.id, name: '冒名' }).then(
        () => 'stored',
        () => 'refused',
      );
      expect(outcome).toBe('refused');
      await expect(repo.findById(first.id)).resolves.toEqual(first);
    });

    test('when inspectors are listed, then they come in id order, filtered by the active flag when asked', async () => {
      const prefix = unique('L').slice(0, 20);
      const b = makeInspector({ id: `${prefix}-B` });
      const a = makeInspector({ id: `${prefix}-A`, active: false });
      const c = makeInspector({ id: `${prefix}-C` });
      for (const inspector of [b, a, c]) await repo.create(inspector);
      const mine = (list: Inspector[]) => list.filter((i) => i.id.startsWith(prefix));

      expect(mine(await repo.list({}))).toEqual([a, b, c]);
      expect(mine(await repo.list({ active: true }))).toEqual([b, c]);
      expect(mine(await repo.list({ active: false }))).toEqual([a]);
      const all = (await repo.list({})).map((i) => i.id);
      expect(all).toEqual([...all].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    });

    test('when an inspector is replaced, then the new version is read back and the active filter follows it', async () => {
      const inspector = makeInspector();
      await repo.create(inspector);
      const next: Inspector = {
        ...inspector,
        active: false,
        unit: '重庆市市场监督管理局',
        conflicts: [
          { kind: 'body', code: 'B0107', reason: '近亲属任职', declaredAt: '2026-04-01T00:00:00.000Z' },
        ],
        updatedAt: '2026-04-01T00:00:00.000Z',
      };
      await expect(repo.replace(next)).resolves.toEqual(next);
      await expect(repo.findById(inspector.id)).resolves.toEqual(next);
      expect((await repo.list({ active: true })).map((i) => i.id)).not.toContain(inspector.id);
      expect((await repo.list({ active: false })).map((i) => i.id)).toContain(inspector.id);
    });

    test('when an unknown inspector is replaced, then it answers undefined and creates nothing', async () => {
      const ghost = makeInspector();
      await expect(repo.replace(ghost)).resolves.toBeUndefined();
      await expect(repo.findById(ghost.id)).resolves.toBeUndefined();
    });
  });
}
