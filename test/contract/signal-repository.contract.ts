import { randomBytes } from 'node:crypto';
import type { SignalRepository } from '../../server/signals/signal-repository';
import type { Signal, SignalDraft } from '../../server/signals/signal-schema';
import { unique } from '../helpers/factories';

export interface SignalRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: SignalRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

const newId = () => randomBytes(16).toString('base64url');

/** A draft of a rule no other test uses (so filters by rule see only this test's signals). */
function makeDraft(overrides: Partial<SignalDraft> = {}): SignalDraft {
  const publicId = newId();
  return {
    ruleId: unique('contract-rule-').toLowerCase(),
    severity: 'medium',
    subject: { kind: 'certificate', key: publicId, label: '00124Q30001R0M' },
    dedupKey: unique('key:'),
    summary: 'Certificate 00124Q30001R0M was issued on the day its audit ended.',
    evidence: { issueDate: '2025-01-08', auditEndDate: '2025-01-08', nested: { days: [0, 1] } },
    certificatePublicIds: [publicId],
    bodyCode: 'CQC',
    ...overrides,
  };
}

/** Distinct ISO timestamps, later with each call. */
let clock = Date.parse('2026-03-01T00:00:00.000Z');
function at(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

/** The behaviour every `SignalRepository` adapter must have; each adapter's test file calls this. */
export function signalRepositoryContract(harness: SignalRepositoryHarness): void {
  describe(`SignalRepository contract: ${harness.name}`, () => {
    let repo: SignalRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    /** Raises one draft and answers the stored signal. */
    async function raiseOne(draft: SignalDraft, when = at(), id = newId()): Promise<Signal> {
      const [result] = await repo.raise([{ id, draft }], when);
      if (!result) throw new Error('raise answered nothing');
      return result.signal;
    }

    describe('raise', () => {
      test('when dedup keys are asked for, then exactly the stored ones come back, each once', async () => {
        const [a, b] = [makeDraft(), makeDraft()];
        await repo.raise(
          [
            { id: newId(), draft: a },
            { id: newId(), draft: b },
          ],
          at(),
        );
        const missing = unique('key:');
        const found = await repo.findDedupKeys([a.dedupKey, missing, b.dedupKey, a.dedupKey]);
        expect([...found].sort()).toEqual([a.dedupKey, b.dedupKey].sort());
        await expect(repo.findDedupKeys([])).resolves.toEqual([]);
      });

      test('when a draft is new, then it is stored open with its id, once raised, and found by id exactly so', async () => {
        const draft = makeDraft();
        const id = newId();
        const t = at();
        const results = await repo.raise([{ id, draft }], t);
        const expected: Signal = {
          ...(draft as Signal),
          id,
          state: 'open',
          firstRaisedAt: t,
          lastRaisedAt: t,
          occurrences: 1,
        };
        expect(results).toEqual([{ signal: expected, created: true }]);
        await expect(repo.findById(id)).resolves.toEqual(expected);
      });

      test('when a draft leaves out its certificates and body, then the signal has no certificates and no body', async () => {
        const { certificatePublicIds: _c, bodyCode: _b, ...bare } = makeDraft();
        const signal = await raiseOne(bare);
        expect(signal.certificatePublicIds).toEqual([]);
        expect(signal).not.toHaveProperty('bodyCode');
        await expect(repo.findById(signal.id)).resolves.toEqual(signal);
      });

      test('when a stored key is raised again, then the same signal counts it and takes the new facts', async () => {
        const first = makeDraft();
        const created = await raiseOne(first);
        const { bodyCode: _dropped, ...rest } = makeDraft({ ruleId: first.ruleId, dedupKey: first.dedupKey });
        const again: SignalDraft = {
          ...rest,
          severity: 'high',
          summary: 'Seen again, worse.',
          evidence: { count: 2 },
          certificatePublicIds: [newId(), newId()],
        };
        const t = at();
        const [result] = await repo.raise([{ id: newId(), draft: again }], t);

        const expected: Signal = {
          ...(again as Signal),
          id: created.id,
          state: 'open',
          firstRaisedAt: created.firstRaisedAt,
          lastRaisedAt: t,
          occurrences: 2,
        };
        expect(result).toEqual({ signal: expected, created: false });
        await expect(repo.findById(created.id)).resolves.toEqual(expected);
      });

      test('when drafts of one call share a key, then they are one signal raised twice, the first creating it', async () => {
        const draft = makeDraft();
        const other = makeDraft();
        const ids = [newId(), newId(), newId()];
        const results = await repo.raise(
          [
            { id: ids[0] as string, draft },
            { id: ids[1] as string, draft: other },
            { id: ids[2] as string, draft: { ...draft, severity: 'high' } },
          ],
          at(),
        );
        expect(results.map((r) => r.created)).toEqual([true, true, false]);
        expect(results.map((r) => r.signal.id)).toEqual([ids[0], ids[1], ids[0]]);
        expect(results[0]?.signal).toEqual(results[2]?.signal);
        expect(results[0]?.signal).toMatchObject({ occurrences: 2, severity: 'high' });
        await expect(repo.findById(ids[2] as string)).resolves.toBeUndefined();
      });

      test('when a dismissed or case-linked signal is raised again, then it keeps its state and case', async () => {
        const dismissed = await raiseOne(makeDraft());
        const linked = await raiseOne(makeDraft());
        await repo.setState([dismissed.id], 'dismissed');
        await repo.setState([linked.id], 'in-case', 'CASE-1');

        const again = await repo.raise(
          [
            { id: newId(), draft: makeDraft({ ruleId: dismissed.ruleId, dedupKey: dismissed.dedupKey }) },
            { id: newId(), draft: makeDraft({ ruleId: linked.ruleId, dedupKey: linked.dedupKey }) },
          ],
          at(),
        );
        expect(again.map((r) => [r.signal.state, r.signal.caseId, r.signal.occurrences])).toEqual([
          ['dismissed', undefined, 2],
          ['in-case', 'CASE-1', 2],
        ]);
      });

      test('when one key is raised by many concurrent calls, then there is one signal counting every raise', async () => {
        const draft = makeDraft();
        const results = await Promise.all(
          Array.from({ length: 8 }, () => repo.raise([{ id: newId(), draft }], at())),
        );
        const ids = new Set(results.map(([r]) => r?.signal.id));
        expect(ids.size).toBe(1);
        expect(results.filter(([r]) => r?.created)).toHaveLength(1);
        await expect(repo.findById([...ids][0] as string)).resolves.toMatchObject({ occurrences: 8 });
      });

      test('when nothing is raised, then nothing is stored', async () => {
        await expect(repo.raise([], at())).resolves.toEqual([]);
      });
    });

    describe('findById', () => {
      test('when no signal has the id, then it answers undefined', async () => {
        await expect(repo.findById(newId())).resolves.toBeUndefined();
      });
    });

    describe('list', () => {
      test('when signals are listed, then the most recently raised come first, equal times by greater id', async () => {
        const ruleId = unique('order-').toLowerCase();
        const same = at();
        const ids = [newId(), newId()].sort();
        const oldest = await raiseOne(makeDraft({ ruleId }));
        await raiseOne(makeDraft({ ruleId }), same, ids[0]);
        await raiseOne(makeDraft({ ruleId }), same, ids[1]);
        const newest = await raiseOne(makeDraft({ ruleId }));
        // Raising the oldest again makes it the most recent.
        await raiseOne(makeDraft({ ruleId, dedupKey: oldest.dedupKey }));

        const { items, total } = await repo.list({ ruleId }, { offset: 0, limit: 10 });
        expect(total).toBe(4);
        expect(items.map((s) => s.id)).toEqual([oldest.id, newest.id, ids[1], ids[0]]);
      });

      test('when a page is asked for, then offset and limit walk the order and total counts every match', async () => {
        const ruleId = unique('page-').toLowerCase();
        const raised: Signal[] = [];
        for (let i = 0; i < 5; i += 1) raised.unshift(await raiseOne(makeDraft({ ruleId })));
        const first = await repo.list({ ruleId }, { offset: 0, limit: 2 });
        const second = await repo.list({ ruleId }, { offset: 2, limit: 2 });
        const last = await repo.list({ ruleId }, { offset: 4, limit: 2 });
        expect([first, second, last].map((p) => p.total)).toEqual([5, 5, 5]);
        expect([...first.items, ...second.items, ...last.items].map((s) => s.id)).toEqual(
          raised.map((s) => s.id),
        );
      });

      test('when filters are given, then each narrows the queue and they combine', async () => {
        const ruleId = unique('filter-').toLowerCase();
        const bodyCode = unique('FB').slice(0, 32);
        const publicId = newId();
        const a = await raiseOne(makeDraft({ ruleId, severity: 'high', bodyCode }));
        const b = await raiseOne(
          makeDraft({ ruleId, severity: 'low', certificatePublicIds: [publicId, newId()] }),
        );
        const since = at();
        const c = await raiseOne(
          makeDraft({ ruleId, severity: 'high', bodyCode, certificatePublicIds: [publicId] }),
        );
        await repo.setState([a.id], 'dismissed');
        const ids = async (filter: Parameters<SignalRepository['list']>[0]) =>
          (await repo.list(filter, { offset: 0, limit: 10 })).items.map((s) => s.id);

        expect(await ids({ ruleId })).toEqual([c.id, b.id, a.id]);
        expect(await ids({ ruleId, severity: 'high' })).toEqual([c.id, a.id]);
        expect(await ids({ ruleId, state: 'open' })).toEqual([c.id, b.id]);
        expect(await ids({ ruleId, state: 'dismissed' })).toEqual([a.id]);
        expect(await ids({ bodyCode })).toEqual([c.id, a.id]);
        expect(await ids({ certificatePublicId: publicId })).toEqual([c.id, b.id]);
        expect(await ids({ ruleId, since })).toEqual([c.id]);
        expect(await ids({ bodyCode, state: 'open', certificatePublicId: publicId })).toEqual([c.id]);
        expect((await repo.list({ ruleId, severity: 'medium' }, { offset: 0, limit: 10 })).total).toBe(0);
      });

      test('when a signal is raised again with other certificates, then it is found by the new ones only', async () => {
        const before = newId();
        const after = newId();
        const signal = await raiseOne(makeDraft({ certificatePublicIds: [before] }));
        await raiseOne(
          makeDraft({ ruleId: signal.ruleId, dedupKey: signal.dedupKey, certificatePublicIds: [after] }),
        );
        const page = { offset: 0, limit: 10 };
        expect((await repo.list({ certificatePublicId: before }, page)).items).toEqual([]);
        expect((await repo.list({ certificatePublicId: after }, page)).items.map((s) => s.id)).toEqual([
          signal.id,
        ]);
      });
    });

    describe('setState', () => {
      test('when signals move into a case, then they are in-case with its id; out of it, the case is gone', async () => {
        const one = await raiseOne(makeDraft());
        const two = await raiseOne(makeDraft());
        const moved = await repo.setState([one.id, two.id], 'in-case', 'CASE-7');
        expect(moved.map((s) => [s.id, s.state, s.caseId])).toEqual([
          [one.id, 'in-case', 'CASE-7'],
          [two.id, 'in-case', 'CASE-7'],
        ]);
        await expect(repo.findById(one.id)).resolves.toEqual({ ...one, state: 'in-case', caseId: 'CASE-7' });

        const dismissed = await repo.setState([one.id], 'dismissed');
        expect(dismissed).toEqual([{ ...one, state: 'dismissed' }]);
        await expect(repo.findById(one.id)).resolves.toEqual({ ...one, state: 'dismissed' });
      });

      test('when ids are unknown, then they are ignored', async () => {
        const known = await raiseOne(makeDraft());
        const moved = await repo.setState([newId(), known.id], 'dismissed');
        expect(moved.map((s) => s.id)).toEqual([known.id]);
      });

      test('when onlyFrom is given, then only signals in one of those states move', async () => {
        const open = await raiseOne(makeDraft());
        const linked = await raiseOne(makeDraft());
        await repo.setState([linked.id], 'in-case', 'CASE-9');

        const moved = await repo.setState([open.id, linked.id], 'dismissed', undefined, ['open']);
        expect(moved.map((s) => s.id)).toEqual([open.id]);
        await expect(repo.findById(linked.id)).resolves.toMatchObject({ state: 'in-case', caseId: 'CASE-9' });
        await expect(repo.findById(open.id)).resolves.toMatchObject({ state: 'dismissed' });
      });
    });

    describe('findOpenConcerning', () => {
      test('when a subject is asked about, then its open signals come back, never those in a case, dismissed ones or others', async () => {
        const holder = unique('9150').toUpperCase();
        const body = unique('B-').toUpperCase();
        const aboutHolder = await raiseOne(
          makeDraft({ subject: { kind: 'organisation', key: holder }, bodyCode: unique('X-') }),
        );
        const inCase = await raiseOne(makeDraft({ subject: { kind: 'organisation', key: holder } }));
        await repo.setState([inCase.id], 'in-case', 'CASE-1');
        const dismissed = await raiseOne(makeDraft({ subject: { kind: 'organisation', key: holder } }));
        await repo.setState([dismissed.id], 'dismissed');
        const ofBody = await raiseOne(makeDraft({ subject: { kind: 'body', key: body }, bodyCode: body }));
        const ofBodysAuditor = await raiseOne(
          makeDraft({ subject: { kind: 'auditor', key: unique('2025-N1QMS-') }, bodyCode: body }),
        );
        // A certificate subject whose key happens to equal the credit code is not about the organisation.
        await raiseOne(makeDraft({ subject: { kind: 'certificate', key: holder } }));
        const ids = async (creditCodes: string[], bodyCodes: string[]) =>
          (await repo.findOpenConcerning({ creditCodes, bodyCodes })).map((s) => s.id).sort();

        expect(await ids([holder], [])).toEqual([aboutHolder.id]);
        expect(await ids([], [body])).toEqual([ofBody.id, ofBodysAuditor.id].sort());
        expect(await ids([holder], [body])).toEqual([aboutHolder.id, ofBody.id, ofBodysAuditor.id].sort());
        expect(await ids([], [])).toEqual([]);
        expect(await ids([unique('9150')], [unique('B-')])).toEqual([]);
        await expect(
          repo.findOpenConcerning({ creditCodes: [holder], bodyCodes: [] }),
        ).resolves.toContainEqual(aboutHolder);
      });
    });
  });
}
