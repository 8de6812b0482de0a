import { randomBytes } from 'node:crypto';
import type { CertificateRepository } from '../../server/certificates/certificate-repository';
import type { DrawRepository, HolderCertificate } from '../../server/draws/draw-repository';
import type { DrawExecution, DrawResult, DrawSnapshot, StoredDraw } from '../../server/draws/draw-schema';
import { creditCode, makeCertificate, unique } from '../helpers/factories';

export interface DrawRepositoryHarness {
  name: string;
  /**
   * A draw repository and the certificate registry of the same store (holder populations read it);
   * `close` releases them and removes what the run stored.
   */
  open(): Promise<{ repo: DrawRepository; certificates: CertificateRepository; close(): Promise<void> }>;
  /**
   * Not a backend difference (every adapter behaves the same): `holderPage` is the page (MongoDB: the
   * cursor batch) the harness opened the repository with for `holderCertificates`, small, so that
   * crossing pages takes hundreds of certificates rather than the default's thousands.
   */
  options: { holderPage: number };
}

const hex = () => randomBytes(32).toString('hex');
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** A draw id no other test uses. */
const drawId = () => `DR${[...randomBytes(16)].map((b) => BASE32[b % 32]).join('')}`;

export function makeDraw(overrides: Partial<StoredDraw> = {}): StoredDraw {
  return {
    id: drawId(),
    algorithm: 'certwatch-draw-v1',
    state: 'published',
    title: '2026 年第一批认证活动双随机抽查',
    createdAt: '2026-03-01T08:00:00.000Z',
    population: {
      filter: { kind: 'holders', statuses: ['suspended', 'valid'] },
      asOf: '2026-03-01',
      size: 2,
      hash: hex(),
      tiers: { A: { population: 1, sample: 1 }, D: { population: 1, sample: 1 } },
    },
    rates: { A: 1, D: 30 },
    inspectorsPerTarget: 2,
    inspectorPool: { size: 3, hash: hex() },
    commitment: hex(),
    planHash: hex(),
    seed: hex(),
    ...overrides,
  };
}

function makeSnapshot(): DrawSnapshot {
  return {
    population: [
      { id: creditCode(), name: '重庆嘉陵江船舶配件有限公司', tier: 'A' },
      { id: creditCode(), name: '重庆沙坪坝精密机械制造有限公司', tier: 'D' },
    ],
    inspectors: [
      { id: 'I-1', name: '王检查', unit: '沙坪坝区市场监督管理局' },
      { id: 'I-2', name: '李检查', unit: '沙坪坝区市场监督管理局' },
      { id: 'I-3', name: '赵检查', unit: '重庆市市场监督管理局' },
    ],
    recusals: [{ entityId: 'X', inspectorIds: ['I-1'] }],
  };
}

function makeExecution(draw: StoredDraw, snapshot: DrawSnapshot): DrawExecution {
  const target = snapshot.population[0] as DrawSnapshot['population'][number];
  return {
    executedAt: '2026-03-02T08:00:00.000Z',
    seed: draw.seed,
    targets: [{ id: target.id, name: target.name, tier: target.tier, inspectorIds: ['I-2', 'I-3'] }],
  };
}

const result = (targetId: string, outcome: DrawResult['outcome'], recordedAt: string): DrawResult => ({
  targetId,
  outcome,
  summary: '现场核查认证证书及审核记录',
  inspectedOn: '2026-03-10',
  recordedAt,
});

/** The behaviour every `DrawRepository` adapter must have; each adapter's test file calls this. */
export function drawRepositoryContract(harness: DrawRepositoryHarness): void {
  describe(`DrawRepository contract: ${harness.name}`, () => {
    let repo: DrawRepository;
    let certificates: CertificateRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, certificates, close } = await harness.open());
    });
    afterAll(async () => {
      await close();
    });

    test('when a plan is stored, then it and its snapshot read back exactly, with no execution or results', async () => {
      const draw = makeDraw({
        description: '按信用等级分类抽查',
        externalEntropySource: '福彩双色球 2026-03-05 开奖号码',
      });
      const snapshot = makeSnapshot();
      await repo.create(draw, snapshot);
      await expect(repo.findById(draw.id)).resolves.toEqual(draw);
      await expect(repo.snapshot(draw.id)).resolves.toEqual(snapshot);
      await expect(repo.results(draw.id)).resolves.toEqual([]);
    });

    test('when no plan has the id, then every read answers empty', async () => {
      const id = drawId();
      await expect(repo.findById(id)).resolves.toBeUndefined();
      await expect(repo.snapshot(id)).resolves.toBeUndefined();
      await expect(repo.results(id)).resolves.toEqual([]);
      await expect(repo.markExecuted(id, makeExecution(makeDraw(), makeSnapshot()))).resolves.toBe(false);
    });

    test('when a plan id is taken, then a second plan with it is refused and the first is kept', async () => {
      const first = makeDraw();
      await repo.create(first, makeSnapshot());
      const outcome = await repo.create({ ...makeDraw(), id: first.id, title: '冒名' }, makeSnapshot()).then(
        () => 'stored',
        () => 'refused',
      );
      expect(outcome).toBe('refused');
      await expect(repo.findById(first.id)).resolves.toEqual(first);
    });

    test('when plans are listed, then newest first (the later insert first within a millisecond), paged, counted', async () => {
      const before = await repo.count();
      const old = makeDraw({ createdAt: '2031-01-01T00:00:00.000Z' });
      const tieFirst = makeDraw({ createdAt: '2031-02-01T00:00:00.000Z' });
      const tieSecond = makeDraw({ createdAt: '2031-02-01T00:00:00.000Z' });
      for (const draw of [old, tieFirst, tieSecond]) await repo.create(draw, makeSnapshot());

      expect(await repo.count()).toBe(before + 3);
      await expect(repo.list({ limit: 3, offset: 0 })).resolves.toEqual([tieSecond, tieFirst, old]);
      await expect(repo.list({ limit: 1, offset: 1 })).resolves.toEqual([tieFirst]);
    });

    test('when plans are listed by state, then only plans in that state come, newest first, and are counted', async () => {
      const [published, executed] = [await repo.count('published'), await repo.count('executed')];
      const older = makeDraw({ createdAt: '2032-01-01T00:00:00.000Z' });
      const newer = makeDraw({ createdAt: '2032-02-01T00:00:00.000Z' });
      const planOnly = makeDraw({ createdAt: '2032-03-01T00:00:00.000Z' });
      for (const draw of [older, newer, planOnly]) await repo.create(draw, makeSnapshot());
      const runOf = (draw: StoredDraw) => makeExecution(draw, makeSnapshot());
      await repo.markExecuted(older.id, runOf(older));
      await repo.markExecuted(newer.id, runOf(newer));

      expect(await repo.count('executed')).toBe(executed + 2);
      expect(await repo.count('published')).toBe(published + 1);
      const listed = await repo.list({ limit: 2, offset: 0 }, 'executed');
      expect(listed.map((d) => [d.id, d.state])).toEqual([
        [newer.id, 'executed'],
        [older.id, 'executed'],
      ]);
      await expect(repo.list({ limit: 1, offset: 0 }, 'published')).resolves.toEqual([planOnly]);
    });

    test('when a plan is executed, then it reads back executed with its execution; a second execution changes nothing', async () => {
      const draw = makeDraw();
      const snapshot = makeSnapshot();
      await repo.create(draw, snapshot);
      const execution = makeExecution(draw, snapshot);
      await expect(repo.markExecuted(draw.id, execution)).resolves.toBe(true);
      const executed = { ...draw, state: 'executed', execution };
      await expect(repo.findById(draw.id)).resolves.toEqual(executed);

      const other = { ...execution, executedAt: '2026-03-03T08:00:00.000Z', externalEntropy: '09' };
      await expect(repo.markExecuted(draw.id, other)).resolves.toBe(false);
      await expect(repo.findById(draw.id)).resolves.toEqual(executed);
      await expect(repo.snapshot(draw.id)).resolves.toEqual(snapshot);
    });

    test('when results are appended, then they read back in the order appended, per plan', async () => {
      const draw = makeDraw();
      const other = makeDraw();
      await repo.create(draw, makeSnapshot());
      await repo.create(other, makeSnapshot());
      const first = result('T1', 'rectification_ordered', '2026-03-10T08:00:00.000Z');
      const second = result('T2', 'no_problem', '2026-03-09T08:00:00.000Z');
      const third = result('T1', 'case_opened', '2026-03-11T08:00:00.000Z');
      await repo.appendResult(draw.id, first);
      await repo.appendResult(other.id, second);
      await repo.appendResult(draw.id, second);
      await repo.appendResult(draw.id, third);
      await expect(repo.results(draw.id)).resolves.toEqual([first, second, third]);
      await expect(repo.results(other.id)).resolves.toEqual([second]);
    });

    test("when holder certificates are read, then every certificate comes once with its holder's fields, and a body filter narrows them", async () => {
      const bodyA = unique('DA').slice(0, 32);
      const bodyB = unique('DB').slice(0, 32);
      const revokedHolder = creditCode();
      const reports = [
        makeCertificate({ bodyCode: bodyA, scheme: 'QMS' }),
        makeCertificate({
          bodyCode: bodyA,
          scheme: 'EMS',
          status: 'revoked',
          statusDate: '2026-01-05',
          holder: { name: '重庆撤销测试有限公司', creditCode: revokedHolder },
        }),
        makeCertificate({
          bodyCode: bodyB,
          scheme: 'CCC',
          expiryDate: '2025-12-31',
          issueDate: '2023-01-01',
        }),
      ];
      const stored = (await certificates.upsertMany(reports, '2026-03-01T08:00:00.000Z')).map(
        (r) => r.certificate,
      );
      const expected: HolderCertificate[] = stored.map((c) => ({
        creditCode: c.holder.creditCode,
        holderName: c.holder.name,
        bodyCode: c.bodyCode,
        scheme: c.scheme,
        status: c.status,
        expiryDate: c.expiryDate,
        updatedAt: c.updatedAt,
      }));
      const read = async (filter: { bodyCodes?: string[] }) => {
        const out: HolderCertificate[] = [];
        for await (const c of repo.holderCertificates(filter)) out.push(c);
        return out;
      };
      const byCode = (a: HolderCertificate, b: HolderCertificate) =>
        a.creditCode < b.creditCode ? -1 : a.creditCode > b.creditCode ? 1 : 0;

      expect((await read({ bodyCodes: [bodyA] })).sort(byCode)).toEqual(expected.slice(0, 2).sort(byCode));
      expect((await read({ bodyCodes: [bodyA, bodyB] })).sort(byCode)).toEqual([...expected].sort(byCode));
      await expect(read({ bodyCodes: [unique('NONE').slice(0, 32)] })).resolves.toEqual([]);
      const all = await read({});
      expect(all).toEqual(expect.arrayContaining(expected));
    });

    // Two full pages and part of a third: both page boundaries and the short last page are crossed, as
    // with the default page (5,000), whose 5,050 certificates took seconds of CPU to write.
    test('when the registry holds more certificates than one page, then every one is read exactly once', async () => {
      const body = unique('PG').slice(0, 32);
      const count = 2 * harness.options.holderPage + 50;
      const reports = Array.from({ length: count }, (_, i) =>
        makeCertificate({ bodyCode: body, number: `PAGE-${i}` }),
      );
      await certificates.upsertMany(reports, '2026-03-01T08:00:00.000Z');
      const codes: string[] = [];
      for await (const c of repo.holderCertificates({ bodyCodes: [body] })) codes.push(c.creditCode);
      expect(codes).toHaveLength(count);
      expect(new Set(codes)).toEqual(new Set(reports.map((r) => r.holder.creditCode)));
    });

    // A population that MongoDB stores in many documents and reads back in several batches: the MongoDB
    // adapter keeps it apart from the plan's document, since 100,000 holders with long names (the most a
    // draw takes, about 25 MB) would pass the 16 MB one document may hold. LARGE_POPULATION says why a
    // smaller one proves the same here.
    test('when a large population of entities with long names is stored, then its snapshot reads back whole and in order', async () => {
      const draw = makeDraw();
      const snapshot = largeSnapshot();
      await repo.create(draw, snapshot);
      const read = await repo.snapshot(draw.id);
      expect(read?.population).toHaveLength(LARGE_POPULATION);
      expect(read?.population[0]).toEqual(snapshot.population[0]);
      expect(read?.population.at(-1)).toEqual(snapshot.population.at(-1));
      expect(read).toEqual(snapshot);
      await expect(repo.findById(draw.id)).resolves.toEqual(draw);
    }, 120_000);
  });
}

/**
 * 32,500 entities (about 9 MB; was 100,000, whose writes, reads and comparisons cost tens of seconds of CPU):
 * the MongoDB adapter stores a population in slices of 1,000 (POPULATION_CHUNK) and reads them back 16 at a
 * time, so this crosses slice boundaries, two read batches and a short last slice, as 100,000 did; neither
 * size depends on the population's. The test server does not enforce the 16 MB document limit, so 100,000
 * proved no more here: mongo-draw-repository.test.ts measures the plan's document instead, which holds no
 * entity at any size. SQLite keeps the snapshot as one JSON text, whatever its size.
 */
export const LARGE_POPULATION = 32_500;

/** A snapshot of LARGE_POPULATION holders, each name 80 Chinese characters (240 bytes of UTF-8). */
export function largeSnapshot(): DrawSnapshot {
  const longName = '重庆市沙坪坝区嘉陵江畔精密机械制造与船舶配件综合服务有限责任公司第'.repeat(2);
  return {
    ...makeSnapshot(),
    population: Array.from({ length: LARGE_POPULATION }, (_, i) => ({
      id: `91500106${String(i).padStart(10, '0')}`,
      name: `${longName}${String(i).padStart(6, '0')}分公司`.slice(0, 80),
      tier: 'ABCD'[i % 4] as string,
    })),
  };
}
