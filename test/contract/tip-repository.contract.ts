import { randomBytes } from 'node:crypto';
import type { TipRepository } from '../../server/tips/tip-repository';
import type { TipPhoto } from '../../server/tips/tip-repository';
import type { Tip } from '../../server/tips/tip-schema';

export interface TipRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: TipRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

const newId = () => randomBytes(16).toString('base64url');
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const reference = () => `T-20260302-${Array.from(randomBytes(8), (b) => CROCKFORD[b & 31]).join('')}`;

/** A PNG's signature and a few bytes: what the adapters store is bytes, whatever they are. */
export const PNG_BYTES = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  randomBytes(64),
]);

export function makeTip(overrides: Partial<Tip> = {}): Tip {
  return {
    id: newId(),
    reference: reference(),
    category: 'forged',
    publicId: newId(),
    certificateNumber: 'CQC-2025-0001',
    bodyCode: 'CQC',
    scan: { verdict: 'SIGNATURE_INVALID', text: 'https://certwatch.example/v/x#p=1' },
    certificate: {
      publicId: newId(),
      number: 'CQC-2025-0001',
      bodyCode: 'CQC',
      holderName: '重庆某某机械有限公司',
      holderCreditCode: '91500106MA5U8XKX2B',
      status: 'valid',
    },
    description: '在招标文件中看到该证书，\n证书上的公司名称与注册信息不符。',
    place: '重庆市沙坪坝区公共资源交易中心',
    contact: '138 0000 0000',
    hasPhoto: false,
    state: 'new',
    receivedAt: '2026-03-02T02:00:00.000Z',
    networkHash: 'a9Xk3pQ0-Zr8bWc1Lm5Ntw',
    ...overrides,
  };
}

/** The behaviour every `TipRepository` adapter must have; each adapter's test file calls this. */
export function tipRepositoryContract(harness: TipRepositoryHarness): void {
  describe(`TipRepository contract: ${harness.name}`, () => {
    let repo: TipRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    test('when a tip is stored, then it is found by its id exactly as stored', async () => {
      const tip = makeTip();
      await expect(repo.create(tip)).resolves.toEqual(tip);
      await expect(repo.findById(tip.id)).resolves.toEqual(tip);
    });

    test('when a tip has only what is required, then no optional member appears on it', async () => {
      const tip: Tip = {
        id: newId(),
        reference: reference(),
        category: 'not-in-registry',
        description: '扫码后显示不在名录中的证书。',
        hasPhoto: false,
        state: 'new',
        receivedAt: '2026-03-02T03:00:00.000Z',
        networkHash: 'b9Xk3pQ0-Zr8bWc1Lm5Ntw',
      };
      await repo.create(tip);
      const found = await repo.findById(tip.id);
      expect(found).toEqual(tip);
      for (const key of ['publicId', 'scan', 'certificate', 'place', 'contact', 'caseId']) {
        expect(found).not.toHaveProperty(key);
      }
    });

    test('when a tip comes with a photo, then the photo is found byte for byte, apart from the tip', async () => {
      const tip = makeTip({ hasPhoto: true });
      const photo: TipPhoto = { contentType: 'image/png', data: PNG_BYTES };
      await repo.create(tip, photo);
      await expect(repo.findById(tip.id)).resolves.toEqual(tip);
      const found = await repo.findPhoto(tip.id);
      expect(found?.contentType).toBe('image/png');
      expect(Buffer.compare(found?.data ?? Buffer.alloc(0), PNG_BYTES)).toBe(0);
    });

    test('when a tip has no photo, or there is no such tip, then no photo is found', async () => {
      const tip = makeTip();
      await repo.create(tip);
      await expect(repo.findPhoto(tip.id)).resolves.toBeUndefined();
      await expect(repo.findPhoto(newId())).resolves.toBeUndefined();
      await expect(repo.findById(newId())).resolves.toBeUndefined();
    });

    test('when a tip is looked up by its reference, then exactly that tip comes back, in its current state', async () => {
      const tip = makeTip();
      const other = makeTip();
      await repo.create(tip);
      await repo.create(other);
      await expect(repo.findByReference(tip.reference)).resolves.toEqual(tip);
      await repo.setState([tip.id], 'in-case', { caseId: 'case-1' });
      await expect(repo.findByReference(tip.reference)).resolves.toEqual({
        ...tip,
        state: 'in-case',
        caseId: 'case-1',
      });
      await expect(repo.findByReference(reference())).resolves.toBeUndefined();
      // Exactly as stored: normalising what a person typed is the service's concern.
      await expect(repo.findByReference(tip.reference.toLowerCase())).resolves.toBeUndefined();
    });

    test('when the id or the reference of a tip is taken, then a second tip is refused and nothing of it stored', async () => {
      const first = makeTip();
      await repo.create(first);
      const sameId = makeTip({ id: first.id, hasPhoto: true });
      const sameReference = makeTip({ reference: first.reference, hasPhoto: true });
      for (const tip of [sameId, sameReference]) {
        const outcome = await repo.create(tip, { contentType: 'image/png', data: PNG_BYTES }).then(
          () => 'stored',
          () => 'refused',
        );
        expect(outcome).toBe('refused');
      }
      await expect(repo.findById(first.id)).resolves.toEqual(first);
      await expect(repo.findById(sameReference.id)).resolves.toBeUndefined();
      await expect(repo.findPhoto(first.id)).resolves.toBeUndefined();
      await expect(repo.findPhoto(sameReference.id)).resolves.toBeUndefined();
    });

    test('when tips move into a case and out again, then state and case follow and nothing else changes', async () => {
      const a = makeTip();
      const b = makeTip();
      const untouched = makeTip();
      for (const t of [a, b, untouched]) await repo.create(t);
      const caseId = newId();

      const moved = await repo.setState([a.id, b.id, newId()], 'in-case', { caseId });
      expect(moved.sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(
        [
          { ...a, state: 'in-case', caseId },
          { ...b, state: 'in-case', caseId },
        ].sort((x, y) => (x.id < y.id ? -1 : 1)),
      );
      await expect(repo.findById(a.id)).resolves.toEqual({ ...a, state: 'in-case', caseId });

      await expect(repo.setState([a.id], 'dismissed')).resolves.toEqual([{ ...a, state: 'dismissed' }]);
      await expect(repo.findById(a.id)).resolves.toEqual({ ...a, state: 'dismissed' });
      await expect(repo.setState([b.id], 'new')).resolves.toEqual([b]);
      await expect(repo.findById(untouched.id)).resolves.toEqual(untouched);
      await expect(repo.setState([], 'dismissed')).resolves.toEqual([]);
    });

    test('when a move is only from a state, then only tips now in it move, and only they are answered', async () => {
      const fresh = makeTip();
      const inCase = makeTip();
      const dismissed = makeTip();
      for (const t of [fresh, inCase, dismissed]) await repo.create(t);
      await repo.setState([inCase.id], 'in-case', { caseId: 'case-2' });
      await repo.setState([dismissed.id], 'dismissed');

      const moved = await repo.setState([fresh.id, inCase.id, dismissed.id, newId()], 'in-case', {
        caseId: 'case-3',
        onlyFrom: 'new',
      });
      expect(moved).toEqual([{ ...fresh, state: 'in-case', caseId: 'case-3' }]);
      await expect(repo.findById(inCase.id)).resolves.toEqual({
        ...inCase,
        state: 'in-case',
        caseId: 'case-2',
      });
      await expect(repo.findById(dismissed.id)).resolves.toEqual({ ...dismissed, state: 'dismissed' });

      // Back from the case: only what is in a case goes back to new.
      await expect(repo.setState([fresh.id, dismissed.id], 'new', { onlyFrom: 'in-case' })).resolves.toEqual([
        fresh,
      ]);
      await expect(repo.findById(dismissed.id)).resolves.toEqual({ ...dismissed, state: 'dismissed' });
    });

    test('when two moves from new race for one tip, then exactly one moves it and the tip shows that one', async () => {
      const tip = makeTip();
      await repo.create(tip);
      const [dismissal, taking] = await Promise.all([
        repo.setState([tip.id], 'dismissed', { onlyFrom: 'new' }),
        repo.setState([tip.id], 'in-case', { caseId: 'case-4', onlyFrom: 'new' }),
      ]);
      expect(dismissal.length + taking.length).toBe(1);
      const stored = await repo.findById(tip.id);
      expect(stored).toEqual(
        dismissal.length === 1
          ? { ...tip, state: 'dismissed' }
          : { ...tip, state: 'in-case', caseId: 'case-4' },
      );
      // The loser, tried again, still finds it moved.
      await expect(repo.setState([tip.id], 'dismissed', { onlyFrom: 'new' })).resolves.toEqual([]);
    });

    test('when tips are listed, then newest received first, by state, with totals and pages', async () => {
      // A store of its own: the list is global, so other tests' tips must not be in it.
      const own = await harness.open();
      try {
        const at = (h: number) => `2026-03-0${h}T02:00:00.000Z`;
        const t1 = makeTip({ receivedAt: at(1) });
        const t2 = makeTip({ receivedAt: at(2) });
        const t3 = makeTip({ receivedAt: at(3) });
        const t4 = makeTip({ receivedAt: at(4) });
        for (const t of [t2, t4, t1, t3]) await own.repo.create(t);
        const [t3InCase] = await own.repo.setState([t3.id], 'in-case', { caseId: newId() });

        await expect(own.repo.list({}, { offset: 0, limit: 10 })).resolves.toEqual({
          items: [t4, t3InCase, t2, t1],
          total: 4,
        });
        await expect(own.repo.list({}, { offset: 1, limit: 2 })).resolves.toEqual({
          items: [t3InCase, t2],
          total: 4,
        });
        await expect(own.repo.list({ state: 'new' }, { offset: 0, limit: 10 })).resolves.toEqual({
          items: [t4, t2, t1],
          total: 3,
        });
        await expect(own.repo.list({ state: 'in-case' }, { offset: 0, limit: 10 })).resolves.toEqual({
          items: [t3InCase],
          total: 1,
        });
        await expect(own.repo.list({ state: 'dismissed' }, { offset: 0, limit: 10 })).resolves.toEqual({
          items: [],
          total: 0,
        });
        await expect(own.repo.list({}, { offset: 10, limit: 10 })).resolves.toEqual({ items: [], total: 4 });
      } finally {
        await own.close();
      }
    });
  });
}
