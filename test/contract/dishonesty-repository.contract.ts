import { randomBytes } from 'node:crypto';
import type { DishonestyRepository } from '../../server/dishonesty/dishonesty-repository';
import {
  earliestRepairDate,
  type DishonestyRecord,
  type Repair,
  type RepairDecision,
  type Subject,
} from '../../server/dishonesty/dishonesty-schema';
import { creditCode, unique } from '../helpers/factories';

export interface DishonestyRepositoryHarness {
  name: string;
  /** A repository on a store of its own; `close` releases it and removes what the run stored. */
  open(): Promise<{ repo: DishonestyRepository; close(): Promise<void> }>;
  /** Backend differences the suite allows for: none so far, every adapter behaves the same. */
  options: Record<string, never>;
}

const newId = () => randomBytes(16).toString('base64url');
const bodyCode = (prefix = 'DB') => unique(prefix).slice(0, 32);

export function organisation(code = creditCode()): Subject {
  return { kind: 'organisation', creditCode: code, name: '重庆某某机械有限公司' };
}

export function makeRecord(overrides: Partial<DishonestyRecord> = {}): DishonestyRecord {
  const startDate = overrides.startDate ?? '2020-03-01';
  const severity = overrides.severity ?? 'serious';
  return {
    id: newId(),
    subject: organisation(),
    severity,
    basis: '《认证认可条例》第六十二条',
    caseRef: '渝沙市监处罚〔2020〕12号',
    facts: '伪造认证证书并用于投标。',
    startDate,
    earliestRepairDate: earliestRepairDate(startDate, severity),
    state: 'listed',
    createdAt: '2020-03-01T02:00:00.000Z',
    createdBy: 'inspector-token',
    ...overrides,
  };
}

export function makeRepair(recordId: string, overrides: Partial<Repair> = {}): Repair {
  return {
    id: newId(),
    recordId,
    statement: '已完成整改，撤回全部伪造证书。',
    requestedAt: '2025-03-03T02:00:00.000Z',
    requestedBy: 'body-token',
    noticeStartDate: '2025-03-04',
    noticeEndDate: '2025-03-10',
    ...overrides,
  };
}

const decision = (outcome: RepairDecision['outcome'], decidedAt = '2025-03-11T02:00:00.000Z') => ({
  outcome,
  reason: outcome === 'approved' ? '公示期内无异议。' : '整改材料不实。',
  decidedAt,
  decidedBy: 'inspector-token',
});

/** The behaviour every `DishonestyRepository` adapter must have; each adapter's test file calls this. */
export function dishonestyRepositoryContract(harness: DishonestyRepositoryHarness): void {
  describe(`DishonestyRepository contract: ${harness.name}`, () => {
    let repo: DishonestyRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    test('when a record is stored, then it is found by its id exactly as stored', async () => {
      const record = makeRecord();
      await expect(repo.create(record)).resolves.toEqual(record);
      await expect(repo.findById(record.id)).resolves.toEqual(record);
    });

    test('when a record of each subject kind is stored, then each comes back with its subject whole', async () => {
      const code = bodyCode();
      const subjects: Subject[] = [
        { kind: 'body', bodyCode: code, name: '某认证有限公司' },
        { kind: 'auditor', registrationNumber: '2025-N1QMS-1234567', name: '张伟', bodyCode: code },
      ];
      for (const subject of subjects) {
        const record = makeRecord({ subject });
        await repo.create(record);
        await expect(repo.findById(record.id)).resolves.toEqual(record);
      }
    });

    test('when a record has no case reference, then none appears on it', async () => {
      const { caseRef: _c, ...record } = makeRecord();
      await repo.create(record);
      const found = await repo.findById(record.id);
      expect(found).toEqual(record);
      expect(found).not.toHaveProperty('caseRef');
      expect(found).not.toHaveProperty('supersededBy');
    });

    test('when a record id is taken, then a second record with it is refused and the first is kept', async () => {
      const first = makeRecord();
      await repo.create(first);
      const outcome = await repo.create({ ...makeRecord(), id: first.id }).then(
        () => 'stored',
        () => 'refused',
      );
      expect(outcome).toBe('refused');
      await expect(repo.findById(first.id)).resolves.toEqual(first);
    });

    test('when no record has the id, then it answers undefined', async () => {
      await expect(repo.findById(newId())).resolves.toBeUndefined();
    });

    test('when records concern organisations and bodies, then each query finds exactly its listed ones', async () => {
      const code = bodyCode('CON');
      const otherBody = bodyCode('OTH');
      const holder = creditCode();
      const other = creditCode();
      const ofHolder = makeRecord({ subject: organisation(holder) });
      const ofHolder2 = makeRecord({ subject: organisation(holder), severity: 'minor' });
      const ofOther = makeRecord({ subject: organisation(other) });
      const ofBody = makeRecord({ subject: { kind: 'body', bodyCode: code, name: '某认证有限公司' } });
      const ofAuditor = makeRecord({
        subject: { kind: 'auditor', registrationNumber: '2024-N2EMS-1112223', name: '李娜', bodyCode: code },
      });
      const ofOtherBody = makeRecord({ subject: { kind: 'body', bodyCode: otherBody, name: '另一机构' } });
      for (const r of [ofHolder, ofHolder2, ofOther, ofBody, ofAuditor, ofOtherBody]) await repo.create(r);
      const ids = async (creditCodes: string[], bodyCodes: string[]) =>
        (await repo.findListedConcerning({ creditCodes, bodyCodes })).map((r) => r.id).sort();

      expect(await ids([holder], [])).toEqual([ofHolder.id, ofHolder2.id].sort());
      expect(await ids([], [code])).toEqual([ofBody.id, ofAuditor.id].sort());
      expect(await ids([holder, other], [code])).toEqual(
        [ofHolder.id, ofHolder2.id, ofOther.id, ofBody.id, ofAuditor.id].sort(),
      );
      expect(await ids([], [])).toEqual([]);
      expect(await ids([creditCode()], [bodyCode('NONE')])).toEqual([]);
      // A credit code is never taken for a body code, nor the other way round.
      expect(await ids([code], [holder])).toEqual([]);
      expect(await ids([code], [])).toEqual([]);
      expect(await ids([other], [])).toEqual([ofOther.id]);
    });

    test('when many codes are asked at once, then one call answers them all', async () => {
      const codes = Array.from({ length: 1000 }, () => creditCode());
      const listed = makeRecord({ subject: organisation(codes[737] as string) });
      await repo.create(listed);
      const found = await repo.findListedConcerning({ creditCodes: codes, bodyCodes: [] });
      expect(found.map((r) => r.id)).toEqual([listed.id]);
    });

    test('when the listed records are paged, then newest start first, totals by kind, and repaired ones never', async () => {
      // A store of its own: the list is global, so other tests' records must not be in it.
      const own = await harness.open();
      try {
        const a = makeRecord({ startDate: '2021-01-01' });
        const b = makeRecord({
          startDate: '2023-05-01',
          subject: { kind: 'body', bodyCode: bodyCode(), name: 'B' },
        });
        const c = makeRecord({ startDate: '2022-07-01' });
        const sameDayOld = makeRecord({ startDate: '2024-01-01', createdAt: '2024-01-01T01:00:00.000Z' });
        const sameDayNew = makeRecord({ startDate: '2024-01-01', createdAt: '2024-01-01T05:00:00.000Z' });
        for (const r of [a, b, c, sameDayOld, sameDayNew]) await own.repo.create(r);

        const all = await own.repo.listListed({ offset: 0, limit: 10 });
        expect(all.total).toBe(5);
        expect(all.items.map((r) => r.id)).toEqual([sameDayNew.id, sameDayOld.id, b.id, c.id, a.id]);
        const second = await own.repo.listListed({ offset: 2, limit: 2 });
        expect(second).toEqual({ items: [b, c], total: 5 });
        await expect(own.repo.listListed({ kind: 'body', offset: 0, limit: 10 })).resolves.toEqual({
          items: [b],
          total: 1,
        });
        await expect(own.repo.listListed({ kind: 'auditor', offset: 0, limit: 10 })).resolves.toEqual({
          items: [],
          total: 0,
        });
        await expect(own.repo.listListed({ offset: 10, limit: 10 })).resolves.toEqual({
          items: [],
          total: 5,
        });

        const repair = makeRepair(c.id);
        await own.repo.createRepair(repair);
        await own.repo.decideRepair(c.id, repair.id, decision('approved'));
        const after = await own.repo.listListed({ offset: 0, limit: 10 });
        expect(after.total).toBe(4);
        expect(after.items.map((r) => r.id)).not.toContain(c.id);
      } finally {
        await own.close();
      }
    });

    test('when the list is searched, then a credit code finds that organisation and a name part any subject, repaired never', async () => {
      const own = await harness.open();
      try {
        const code = creditCode();
        const mark = unique('Mk').toLowerCase();
        const older = makeRecord({
          startDate: '2021-01-01',
          subject: { kind: 'organisation', creditCode: code, name: `重庆${mark}嘉陵机械有限公司` },
        });
        const newer = makeRecord({
          startDate: '2023-01-01',
          subject: { kind: 'organisation', creditCode: code, name: `重庆${mark}嘉陵机械有限公司` },
        });
        const body = makeRecord({
          startDate: '2022-01-01',
          subject: { kind: 'body', bodyCode: bodyCode(), name: `嘉陵${mark.toUpperCase()}认证中心` },
        });
        const auditor = makeRecord({
          startDate: '2022-06-01',
          subject: {
            kind: 'auditor',
            registrationNumber: '2025-N1QMS-7654321',
            name: '李嘉陵',
            bodyCode: bodyCode(),
          },
        });
        const other = makeRecord({ subject: organisation() });
        const repaired = makeRecord({
          startDate: '2024-01-01',
          subject: { kind: 'organisation', creditCode: code, name: `重庆${mark}嘉陵机械有限公司` },
        });
        for (const r of [older, newer, body, auditor, other, repaired]) await own.repo.create(r);
        const repair = makeRepair(repaired.id);
        await own.repo.createRepair(repair);
        await own.repo.decideRepair(repaired.id, repair.id, decision('approved'));
        const ids = (page: { items: DishonestyRecord[] }) => page.items.map((r) => r.id);

        const byCode = await own.repo.listListed({ match: { creditCode: code }, offset: 0, limit: 10 });
        expect(byCode).toEqual({ items: [newer, older], total: 2 });
        await expect(
          own.repo.listListed({ match: { creditCode: code }, offset: 1, limit: 1 }),
        ).resolves.toEqual({ items: [older], total: 2 });
        await expect(
          own.repo.listListed({ kind: 'body', match: { creditCode: code }, offset: 0, limit: 10 }),
        ).resolves.toEqual({ items: [], total: 0 });

        // Names are compared lower-cased: the body's upper-case mark is found by the lower-case one.
        const byMark = await own.repo.listListed({ match: { name: mark }, offset: 0, limit: 10 });
        expect(ids(byMark)).toEqual([newer.id, body.id, older.id]);
        expect(byMark.total).toBe(3);
        const byName = await own.repo.listListed({ match: { name: '嘉陵' }, offset: 0, limit: 10 });
        expect(ids(byName)).toEqual([newer.id, auditor.id, body.id, older.id]);
        await expect(
          own.repo.listListed({ kind: 'auditor', match: { name: '嘉陵' }, offset: 0, limit: 10 }),
        ).resolves.toEqual({ items: [auditor], total: 1 });
        await expect(own.repo.listListed({ match: { name: '嘉陵' }, offset: 3, limit: 2 })).resolves.toEqual({
          items: [older],
          total: 4,
        });
        await expect(
          own.repo.listListed({ match: { name: '没有这个名字' }, offset: 0, limit: 10 }),
        ).resolves.toEqual({ items: [], total: 0 });
        // Regular-expression and LIKE characters are plain text.
        await expect(own.repo.listListed({ match: { name: '.*' }, offset: 0, limit: 10 })).resolves.toEqual({
          items: [],
          total: 0,
        });
        await expect(own.repo.listListed({ match: { name: '%' }, offset: 0, limit: 10 })).resolves.toEqual({
          items: [],
          total: 0,
        });
      } finally {
        await own.close();
      }
    });

    test('when a repair is requested, then it is stored as given and listed as the open one', async () => {
      const record = makeRecord();
      await repo.create(record);
      const repair = makeRepair(record.id);
      await expect(repo.createRepair(repair)).resolves.toEqual(repair);
      await expect(repo.listRepairs(record.id)).resolves.toEqual([repair]);
      await expect(repo.findOpenRepairs([record.id, newId()])).resolves.toEqual([repair]);
      await expect(repo.listRepairs(newId())).resolves.toEqual([]);
      await expect(repo.findOpenRepairs([])).resolves.toEqual([]);
    });

    test('when a repair already awaits its decision, then a second one is refused without storing it', async () => {
      const record = makeRecord();
      await repo.create(record);
      const first = makeRepair(record.id);
      await repo.createRepair(first);
      await expect(repo.createRepair(makeRepair(record.id))).resolves.toBeUndefined();
      await expect(repo.listRepairs(record.id)).resolves.toEqual([first]);
    });

    test('when two repairs are requested at the same time, then exactly one is stored', async () => {
      const record = makeRecord();
      await repo.create(record);
      const answers = await Promise.all([
        repo.createRepair(makeRepair(record.id)),
        repo.createRepair(makeRepair(record.id)),
      ]);
      expect(answers.filter((a) => a !== undefined)).toHaveLength(1);
      await expect(repo.listRepairs(record.id)).resolves.toHaveLength(1);
    });

    test('when a repair is requested for no record, then it is refused', async () => {
      const outcome = await repo.createRepair(makeRepair(newId())).then(
        (r) => (r ? 'stored' : 'undefined'),
        () => 'refused',
      );
      expect(outcome).toBe('refused');
    });

    test('when a repair is rejected, then the record stays listed and a new repair may be asked for', async () => {
      const record = makeRecord();
      await repo.create(record);
      const first = makeRepair(record.id);
      await repo.createRepair(first);
      const decided = await repo.decideRepair(record.id, first.id, decision('rejected'));
      expect(decided).toEqual({ record, repair: { ...first, decision: decision('rejected') } });
      await expect(repo.findById(record.id)).resolves.toEqual(record);
      await expect(repo.findOpenRepairs([record.id])).resolves.toEqual([]);
      const second = makeRepair(record.id, { requestedAt: '2025-04-01T02:00:00.000Z' });
      await expect(repo.createRepair(second)).resolves.toEqual(second);
      await expect(repo.listRepairs(record.id)).resolves.toEqual([
        { ...first, decision: decision('rejected') },
        second,
      ]);
    });

    test('when a repair is approved, then the record is repaired, superseded by it, and nothing else of it changes', async () => {
      const record = makeRecord();
      await repo.create(record);
      const repair = makeRepair(record.id);
      await repo.createRepair(repair);
      const approved = decision('approved');
      const repaired = {
        ...record,
        state: 'repaired',
        supersededBy: { repairId: repair.id, decidedAt: approved.decidedAt },
      };
      await expect(repo.decideRepair(record.id, repair.id, approved)).resolves.toEqual({
        record: repaired,
        repair: { ...repair, decision: approved },
      });
      await expect(repo.findById(record.id)).resolves.toEqual(repaired);
      await expect(
        repo.findListedConcerning({
          creditCodes: [(record.subject as { creditCode: string }).creditCode],
          bodyCodes: [],
        }),
      ).resolves.toEqual([]);
    });

    test('when a repair is decided twice, then the second decision changes nothing', async () => {
      const record = makeRecord();
      await repo.create(record);
      const repair = makeRepair(record.id);
      await repo.createRepair(repair);
      await repo.decideRepair(record.id, repair.id, decision('rejected'));
      await expect(
        repo.decideRepair(record.id, repair.id, decision('approved', '2025-03-12T02:00:00.000Z')),
      ).resolves.toBeUndefined();
      await expect(repo.findById(record.id)).resolves.toEqual(record);
      await expect(repo.listRepairs(record.id)).resolves.toEqual([
        { ...repair, decision: decision('rejected') },
      ]);
    });

    test('when an unknown repair, or a repair of another record, is decided, then nothing changes', async () => {
      const record = makeRecord();
      const other = makeRecord();
      await repo.create(record);
      await repo.create(other);
      const repair = makeRepair(other.id);
      await repo.createRepair(repair);
      await expect(repo.decideRepair(record.id, newId(), decision('approved'))).resolves.toBeUndefined();
      await expect(repo.decideRepair(record.id, repair.id, decision('approved'))).resolves.toBeUndefined();
      await expect(repo.findById(record.id)).resolves.toEqual(record);
      await expect(repo.findById(other.id)).resolves.toEqual(other);
      await expect(repo.findOpenRepairs([other.id])).resolves.toEqual([repair]);
    });
  });
}
