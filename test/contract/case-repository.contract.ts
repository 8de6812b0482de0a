import { randomBytes } from 'node:crypto';
import type { CaseRepository } from '../../server/cases/case-repository';
import type { Case, CaseEvent, CaseRecord } from '../../server/cases/case-schema';

export interface CaseRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: CaseRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

const newId = () => randomBytes(16).toString('base64url');
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const reference = () => `C-2026-${Array.from(randomBytes(8), (b) => CROCKFORD[b & 31]).join('')}`;

export function makeCase(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: newId(),
    reference: reference(),
    title: '某机械公司疑似伪造质量管理体系认证证书',
    summary: '群众举报，经核查证书编号不在名录中。',
    state: 'open',
    publicIds: [newId()],
    tipIds: [newId()],
    signalIds: [],
    flagIds: [newId()],
    createdAt: '2026-03-02T02:00:00.000Z',
    createdBy: 'inspector-token',
    updatedAt: '2026-03-02T02:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

export const created = (record: CaseRecord): CaseEvent => ({
  at: record.createdAt,
  by: record.createdBy,
  action: 'create',
  publicIds: record.publicIds,
  tipIds: record.tipIds,
  signalIds: record.signalIds,
  flagIds: record.flagIds,
});

/** The next version of a case with `changes`, and the event saying so. */
function next(c: Case, changes: Partial<CaseRecord>, event: CaseEvent): [CaseRecord, CaseEvent] {
  const { events: _events, ...record } = c;
  return [{ ...record, ...changes, updatedAt: event.at, version: record.version + 1 }, event];
}

const note = (text: string, at = '2026-03-03T02:00:00.000Z'): CaseEvent => ({
  at,
  by: 'inspector-token',
  action: 'note',
  text,
});

/** The behaviour every `CaseRepository` adapter must have; each adapter's test file calls this. */
export function caseRepositoryContract(harness: CaseRepositoryHarness): void {
  describe(`CaseRepository contract: ${harness.name}`, () => {
    let repo: CaseRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    test('when a case is opened, then it is found by its id as stored, with its first event', async () => {
      const record = makeCase();
      const stored = await repo.create(record, created(record));
      expect(stored).toEqual({ ...record, events: [created(record)] });
      await expect(repo.findById(record.id)).resolves.toEqual(stored);
      await expect(repo.findById(newId())).resolves.toBeUndefined();
    });

    test('when a case has no summary, assignee or decision, then none appears on it', async () => {
      const { summary: _s, ...record } = makeCase();
      await repo.create(record, created(record));
      const found = await repo.findById(record.id);
      for (const key of ['summary', 'assignee', 'decision']) expect(found).not.toHaveProperty(key);
    });

    test('when the id or the reference of a case is taken, then a second case is refused and nothing of it stored', async () => {
      const first = makeCase();
      await repo.create(first, created(first));
      const sameId = makeCase({ id: first.id, title: 'other' });
      const sameReference = makeCase({ reference: first.reference });
      for (const record of [sameId, sameReference]) {
        const outcome = await repo.create(record, created(record)).then(
          () => 'stored',
          () => 'refused',
        );
        expect(outcome).toBe('refused');
      }
      await expect(repo.findById(first.id)).resolves.toEqual({ ...first, events: [created(first)] });
      await expect(repo.findById(sameReference.id)).resolves.toBeUndefined();
    });

    test('when an open case is changed version by version, then each change is kept with its event, in order', async () => {
      const record = makeCase();
      const opened = await repo.create(record, created(record));
      const assign: CaseEvent = {
        at: '2026-03-02T03:00:00.000Z',
        by: 'inspector-token',
        action: 'assign',
        assignee: 'CQ-SPB-0012',
      };
      const assigned = await repo.update(...next(opened, { assignee: 'CQ-SPB-0012' }, assign));
      expect(assigned).toEqual({
        ...record,
        assignee: 'CQ-SPB-0012',
        updatedAt: assign.at,
        version: 2,
        events: [created(record), assign],
      });
      const noted = await repo.update(...next(assigned as Case, {}, note('已调取投标文件。')));
      expect(noted?.version).toBe(3);
      expect(noted?.events.map((e) => e.action)).toEqual(['create', 'assign', 'note']);
      await expect(repo.findById(record.id)).resolves.toEqual(noted);
    });

    test('when a change is based on a version that is not the stored one, then nothing changes', async () => {
      const record = makeCase();
      const opened = await repo.create(record, created(record));
      const first = await repo.update(...next(opened, {}, note('第一条')));
      // A second writer read the case before the first change: its version is taken.
      await expect(repo.update(...next(opened, { title: 'stale' }, note('第二条')))).resolves.toBeUndefined();
      await expect(repo.findById(record.id)).resolves.toEqual(first);
      const [ahead, event] = next(opened, {}, note('跳号'));
      await expect(repo.update({ ...ahead, version: 5 }, event)).resolves.toBeUndefined();
      await expect(repo.findById(record.id)).resolves.toEqual(first);
      await expect(
        repo.update(...next({ ...opened, id: newId() }, {}, note('无此案件'))),
      ).resolves.toBeUndefined();
    });

    test('when two changes race on one version, then exactly one is kept', async () => {
      const record = makeCase();
      const opened = await repo.create(record, created(record));
      const answers = await Promise.all([
        repo.update(...next(opened, {}, note('甲'))),
        repo.update(...next(opened, {}, note('乙'))),
      ]);
      expect(answers.filter((a) => a !== undefined)).toHaveLength(1);
      const found = await repo.findById(record.id);
      expect(found?.version).toBe(2);
      expect(found?.events).toHaveLength(2);
    });

    test('when a case is decided, then it is final: no later change is kept', async () => {
      const record = makeCase();
      const opened = await repo.create(record, created(record));
      const decide: CaseEvent = {
        at: '2026-03-04T02:00:00.000Z',
        by: 'inspector-token',
        action: 'decide',
        outcome: 'confirmed',
      };
      const decision = {
        outcome: 'confirmed' as const,
        basis: '《认证认可条例》第六十九条',
        facts: '伪造认证证书。',
        decidedAt: decide.at,
        decidedBy: 'inspector-token',
        statusChange: {
          publicId: record.publicIds[0] as string,
          status: 'revoked' as const,
          reason: '伪造',
          date: '2026-03-04',
        },
        recordIds: [newId()],
      };
      const decided = await repo.update(...next(opened, { state: 'confirmed', decision }, decide));
      expect(decided).toMatchObject({ state: 'confirmed', decision, version: 2 });
      await expect(repo.update(...next(decided as Case, {}, note('之后')))).resolves.toBeUndefined();
      await expect(
        repo.update(...next(decided as Case, { state: 'open' }, note('重开'))),
      ).resolves.toBeUndefined();
      await expect(repo.findById(record.id)).resolves.toEqual(decided);
    });

    test('when cases are listed, then newest opened first, by state and assignee, with totals and events', async () => {
      // A store of its own: the list is global, so other tests' cases must not be in it.
      const own = await harness.open();
      try {
        const at = (d: number) => `2026-03-0${d}T02:00:00.000Z`;
        const c1 = makeCase({ createdAt: at(1), updatedAt: at(1), assignee: 'CQ-A' });
        const c2 = makeCase({ createdAt: at(2), updatedAt: at(2) });
        const c3 = makeCase({ createdAt: at(3), updatedAt: at(3), assignee: 'CQ-A' });
        const stored: Case[] = [];
        for (const c of [c2, c3, c1]) stored.push(await own.repo.create(c, created(c)));
        const [s2, s3, s1] = stored as [Case, Case, Case];
        const dismissed = (await own.repo.update(
          ...next(s3, { state: 'dismissed' }, { at: at(4), by: 'x', action: 'decide', outcome: 'dismissed' }),
        )) as Case;

        await expect(own.repo.list({}, { offset: 0, limit: 10 })).resolves.toEqual({
          items: [dismissed, s2, s1],
          total: 3,
        });
        await expect(own.repo.list({}, { offset: 1, limit: 1 })).resolves.toEqual({ items: [s2], total: 3 });
        await expect(own.repo.list({ state: 'open' }, { offset: 0, limit: 10 })).resolves.toEqual({
          items: [s2, s1],
          total: 2,
        });
        await expect(own.repo.list({ assignee: 'CQ-A' }, { offset: 0, limit: 10 })).resolves.toEqual({
          items: [dismissed, s1],
          total: 2,
        });
        await expect(
          own.repo.list({ state: 'open', assignee: 'CQ-A' }, { offset: 0, limit: 10 }),
        ).resolves.toEqual({ items: [s1], total: 1 });
        await expect(own.repo.list({ assignee: 'CQ-B' }, { offset: 0, limit: 10 })).resolves.toEqual({
          items: [],
          total: 0,
        });
      } finally {
        await own.close();
      }
    });
  });
}
