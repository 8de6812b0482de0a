import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../server/app';
import type { Role } from '../../server/platform/auth';
import { withCheckCharacter } from '../../server/platform/credit-code';
import {
  commitmentOf,
  createStream,
  inspectorPoolHashOf,
  populationHashOf,
  runDraw,
  sampleSize,
  tierSizes,
  type DrawEntity,
  type DrawInput,
} from '../../server/draws/draw-algorithm';
import type { DrawView, RiskTier } from '../../server/draws/draw-schema';
import { createDrawService, type DrawServiceDeps } from '../../server/draws/draw-service';
import { creditCode, seedBody, seedCertificates, unique } from '../helpers/factories';
import { TSX_ARGS } from '../helpers/cli';
import { createTestApp, tempDir, type TestApp } from '../helpers/test-app';

const ROOT = path.resolve(__dirname, '../..');
const HASH = /^[0-9a-f]{64}$/;
const UNIT = '重庆市沙坪坝区市场监督管理局';
/** Each run of the verify script is a process of its own (node with tsx's require hook): slow on a loaded machine. */
const CHILD_TIMEOUT = 90_000;

/** Three English words in a row: what a Chinese message must not hold. */
const ENGLISH_SENTENCE = /\b[a-z]+ [a-z]+ [a-z]+\b/i;

/** Runs scripts/verify-draw.ts as its own process, in an English locale unless `--lang` says otherwise; never rejects. */
function verifyDraw(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...TSX_ARGS, 'scripts/verify-draw.ts', ...args],
      { cwd: ROOT, env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const sha256 = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const seedOf = (n: number) => n.toString(16).padStart(64, '0');

// ---------------------------------------------------------------------------------------------------
// The algorithm alone: pure, so thousands of seeds cost milliseconds.

/** Entities `prefix-000`... of one tier, in canonical order. */
function entities(prefix: string, n: number, tier: string): DrawEntity[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${String(i).padStart(3, '0')}`,
    name: `企业${i}`,
    tier,
  }));
}

function inspectorsNamed(...ids: string[]) {
  return ids.map((id) => ({ id, name: `检查员${id}`, unit: UNIT }));
}

describe('draw algorithm (certwatch-draw-v1)', () => {
  test('when sample sizes are computed, then each is ceil(rate x n) in exact arithmetic', () => {
    expect(sampleSize(30, 10)).toBe(3);
    // 0.1 * 30 is 3.0000000000000004 in floating point: a naive ceil would draw 4.
    expect(sampleSize(10, 30)).toBe(3);
    expect(sampleSize(1, 1)).toBe(1);
    expect(sampleSize(1, 101)).toBe(2);
    expect(sampleSize(0.5, 200)).toBe(1);
    expect(sampleSize(0.5, 201)).toBe(2);
    expect(sampleSize(2, 0)).toBe(0);
    expect(sampleSize(0, 50)).toBe(0);
    expect(sampleSize(100, 7)).toBe(7);
    expect(() => sampleSize(33.333, 10)).toThrow(/two decimals/);
  });

  test("when DOMAIN.md's rates (D 30 %, C 10 %, B 2 %, A 1 %) are applied, then each tier gives its own sample", () => {
    const population = [
      ...entities('A', 250, 'A'),
      ...entities('B', 120, 'B'),
      ...entities('C', 30, 'C'),
      ...entities('D', 11, 'D'),
    ].sort((a, b) => (a.id < b.id ? -1 : 1));
    const rates = { A: 1, B: 2, C: 10, D: 30 };
    expect(tierSizes(population, rates)).toEqual({
      A: { population: 250, sample: 3 },
      B: { population: 120, sample: 3 },
      C: { population: 30, sample: 3 },
      D: { population: 11, sample: 4 },
    });
    const input: DrawInput = {
      population,
      rates,
      inspectorsPerTarget: 2,
      inspectors: inspectorsNamed('I1', 'I2'),
      recusals: [],
    };
    for (let s = 1; s <= 20; s += 1) {
      const targets = runDraw(input, seedOf(s));
      const perTier = targets.reduce<Record<string, number>>(
        (acc, t) => ({ ...acc, [t.tier]: (acc[t.tier] ?? 0) + 1 }),
        {},
      );
      expect(perTier).toEqual({ A: 3, B: 3, C: 3, D: 4 });
      expect(targets.every((t) => t.id.startsWith(`${t.tier}-`))).toBe(true);
      expect(new Set(targets.map((t) => t.id)).size).toBe(targets.length);
    }
  });

  test('when a tier the population has no rate for, then the draw refuses to guess', () => {
    expect(() => tierSizes([...entities('A', 2, 'A'), ...entities('D', 1, 'D')], { A: 5 })).toThrow(/tier D/);
  });

  const base: DrawInput = {
    population: entities('E', 200, 'A'),
    rates: { A: 10 },
    inspectorsPerTarget: 2,
    inspectors: inspectorsNamed('I1', 'I2', 'I3', 'I4', 'I5', 'I6'),
    recusals: [],
  };

  test('when the same published data is drawn twice, then the result is the same', () => {
    const seed = 'c0ffee'.padEnd(64, '7');
    expect(runDraw(base, seed)).toEqual(runDraw(structuredClone(base), seed));
    expect(runDraw(base, seed, '03 07 12')).toEqual(runDraw(base, seed, '03 07 12'));
  });

  test('when the seed, the external entropy or the population changes, then the result changes', () => {
    const seed = seedOf(42);
    const reference = runDraw(base, seed);
    expect(reference).toHaveLength(20);
    expect(runDraw(base, seedOf(43))).not.toEqual(reference);
    expect(runDraw(base, seed, '03 07 12')).not.toEqual(reference);
    // One entity fewer: a different shuffle of a different list.
    const shrunk = { ...base, population: base.population.filter((e) => e.id !== 'E-100') };
    expect(runDraw(shrunk, seed)).not.toEqual(reference);
    // One more inspector: the targets stay, the inspectors drawn change.
    const morePool = { ...base, inspectors: inspectorsNamed('I0', 'I1', 'I2', 'I3', 'I4', 'I5', 'I6') };
    const redrawn = runDraw(morePool, seed);
    expect(redrawn.map((t) => t.id)).toEqual(reference.map((t) => t.id));
    expect(redrawn.map((t) => t.inspectorIds)).not.toEqual(reference.map((t) => t.inspectorIds));
  });

  test('when an entity has declared conflicts, then across 2,000 seeds no recused inspector is ever drawn for it', () => {
    const input: DrawInput = {
      population: entities('E', 5, 'A'),
      rates: { A: 100 },
      inspectorsPerTarget: 2,
      inspectors: inspectorsNamed('I1', 'I2', 'I3', 'I4', 'I5'),
      recusals: [
        { entityId: 'E-001', inspectorIds: ['I1', 'I2', 'I3'] },
        { entityId: 'E-003', inspectorIds: ['I5'] },
      ],
    };
    const drawnFor = new Map<string, Set<string>>();
    for (let s = 0; s < 2000; s += 1) {
      for (const target of runDraw(input, seedOf(s))) {
        expect(target.inspectorIds).toHaveLength(2);
        expect(new Set(target.inspectorIds).size).toBe(2);
        const seen = drawnFor.get(target.id) ?? new Set();
        for (const id of target.inspectorIds) seen.add(id);
        drawnFor.set(target.id, seen);
      }
    }
    expect([...(drawnFor.get('E-001') ?? [])].sort()).toEqual(['I4', 'I5']);
    expect([...(drawnFor.get('E-003') ?? [])].sort()).toEqual(['I1', 'I2', 'I3', 'I4']);
    // Recusal is per target: the same inspectors are drawn for the others.
    expect([...(drawnFor.get('E-000') ?? [])].sort()).toEqual(['I1', 'I2', 'I3', 'I4', 'I5']);
  });

  test('when recusals leave fewer eligible inspectors than the plan needs, then the draw names the target', () => {
    const input: DrawInput = {
      ...base,
      population: entities('E', 3, 'A'),
      rates: { A: 100 },
      inspectors: inspectorsNamed('I1', 'I2', 'I3'),
      recusals: [{ entityId: 'E-002', inspectorIds: ['I1', 'I3'] }],
    };
    expect(() => runDraw(input, seedOf(1))).toThrow(/E-002/);
  });

  test('when many seeds draw one of ten entities, then each entity is picked about equally often', () => {
    const input: DrawInput = { ...base, population: entities('E', 10, 'A'), rates: { A: 10 } };
    const counts = new Map<string, number>();
    for (let s = 0; s < 3000; s += 1) {
      const [target] = runDraw(input, seedOf(s));
      counts.set(target!.id, (counts.get(target!.id) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    // Expected 300 each; the bounds are about six standard deviations wide.
    for (const n of counts.values()) expect(n).toBeGreaterThan(200);
    for (const n of counts.values()) expect(n).toBeLessThan(400);
  });

  test('when the stream is asked for numbers below n, then it answers only those, starting at block 0', () => {
    const stream = createStream(Buffer.alloc(32), 'targets/A');
    const values = Array.from({ length: 500 }, () => stream.uniform(7));
    expect(values.every((v) => Number.isInteger(v) && v >= 0 && v < 7)).toBe(true);
    expect(new Set(values).size).toBe(7);
    expect(createStream(Buffer.alloc(32), 'x').uniform(1)).toBe(0);
  });

  test('when the published known-answer vector is re-run, then it gives the same answer (cross-checked by an independent Python implementation of the documented algorithm)', () => {
    const input: DrawInput = {
      population: ['E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8'].map((id, i) => ({
        id,
        name: `企业${i + 1}`,
        tier: i < 3 ? 'D' : 'A',
      })),
      rates: { A: 40, D: 50 },
      inspectorsPerTarget: 2,
      inspectors: inspectorsNamed('I1', 'I2', 'I3', 'I4').map((i) => ({
        ...i,
        unit: '沙坪坝区市场监督管理局',
      })),
      recusals: [{ entityId: 'E2', inspectorIds: ['I1', 'I3'] }],
    };
    const seed = `${'00'.repeat(31)}01`;
    expect(commitmentOf('00'.repeat(32))).toBe(
      '66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925',
    );
    expect(commitmentOf(seed)).toBe('ec4916dd28fc4c10d78e287ca5d9cc51ee1ae73cbfde08c6b37324cbfaac8bc5');
    expect(populationHashOf(input.population)).toBe(
      '5e4d976afaec63780f6dfcc6b4e15cbcbc7f2239af4c98c765c56140dafa5791',
    );
    expect(inspectorPoolHashOf(input.inspectors, input.recusals)).toBe(
      'c9293102fca9884c6299d09be34354fd6da8c51a1525677a31e62bc07cad4c5a',
    );
    expect(runDraw(input, seed)).toEqual([
      { id: 'E6', tier: 'A', inspectorIds: ['I4', 'I3'] },
      { id: 'E4', tier: 'A', inspectorIds: ['I1', 'I3'] },
      { id: 'E1', tier: 'D', inspectorIds: ['I4', 'I2'] },
      { id: 'E2', tier: 'D', inspectorIds: ['I2', 'I4'] },
    ]);
    expect(runDraw(input, seed, '2026-06-02 双色球 03 07 12 19 25 31 + 09')).toEqual([
      { id: 'E7', tier: 'A', inspectorIds: ['I3', 'I4'] },
      { id: 'E6', tier: 'A', inspectorIds: ['I4', 'I3'] },
      { id: 'E1', tier: 'D', inspectorIds: ['I1', 'I4'] },
      { id: 'E2', tier: 'D', inspectorIds: ['I4', 'I2'] },
    ]);
  });

  test('when the input is not in canonical order, then the draw refuses it instead of drawing something else', () => {
    const unsorted = { ...base, population: [...base.population].reverse() };
    expect(() => runDraw(unsorted, seedOf(1))).toThrow(/sorted/);
    expect(() => runDraw(base, 'not-a-seed')).toThrow(/32 bytes/);
  });
});

// ---------------------------------------------------------------------------------------------------
// Through the API.

interface Harness {
  t: TestApp;
  app: ReturnType<typeof createApp>;
  /** Tiers the injected tier source answers, by credit code or body code (others: A). */
  tiers: Map<string, RiskTier>;
  auth: Record<Role, string>;
}

/** The real app, with the draw service's tier source (and limits) replaced as the credit service will. */
async function harness(extra: Partial<DrawServiceDeps> = {}): Promise<Harness> {
  const t = createTestApp();
  const tiers = new Map<string, RiskTier>();
  const draws = createDrawService({
    draws: t.stores.draws,
    bodies: t.services.bodies,
    inspectors: t.services.inspectors,
    audit: t.services.audit,
    tiers: async (refs) =>
      new Map(refs.flatMap((r) => (tiers.has(r.id) ? [[r.id, tiers.get(r.id) as RiskTier]] : []))),
    ...extra,
  });
  const app = createApp(t.deps, { ...t.services, draws });
  const body = await seedBody(t.services);
  const auth = {
    admin: `Bearer ${await t.tokenFor('admin')}`,
    inspector: `Bearer ${await t.tokenFor('inspector')}`,
    partner: `Bearer ${await t.tokenFor('partner')}`,
    body: `Bearer ${await t.tokenFor('body', body.code)}`,
  };
  return { t, app, tiers, auth };
}

async function addInspectors(
  h: Harness,
  ids: string[],
  conflicts: Record<string, string[]> = {},
): Promise<void> {
  for (const id of ids) {
    const res = await request(h.app)
      .post('/api/v1/inspectors')
      .set('Authorization', h.auth.admin)
      .send({
        id,
        name: `检查员${id}`,
        unit: UNIT,
        conflicts: (conflicts[id] ?? []).map((code) => ({
          kind: /^[0-9A-Z]{18}$/.test(code) ? 'holder' : 'body',
          code,
          reason: '近亲属在该单位任职',
        })),
      });
    expect(res.status).toBe(201);
  }
}

/** Holders of `n` certificates of a new body; their credit codes in canonical order. */
async function addHolders(h: Harness, n: number, overrides: { scheme?: string; bodyCode?: string } = {}) {
  const bodyCode = overrides.bodyCode ?? (await seedBody(h.t.services)).code;
  const certs = await seedCertificates(
    h.t.services,
    Array.from({ length: n }, () => ({ bodyCode, scheme: overrides.scheme ?? 'QMS' })),
  );
  return { bodyCode, codes: certs.map((c) => c.holder.creditCode).sort() };
}

const plan = (overrides: Record<string, unknown> = {}) => ({
  title: '2026 年认证活动双随机抽查（第一批）',
  population: { kind: 'holders' },
  rates: { A: 10 },
  ...overrides,
});

async function createPlan(h: Harness, overrides: Record<string, unknown> = {}, who: Role = 'admin') {
  return request(h.app).post('/api/v1/draws').set('Authorization', h.auth[who]).send(plan(overrides));
}

async function execute(h: Harness, id: string, body?: Record<string, unknown>, who: Role = 'admin') {
  const req = request(h.app).post(`/api/v1/draws/${id}/execution`).set('Authorization', h.auth[who]);
  return body ? req.send(body) : req;
}

describe('POST /api/v1/draws, then execution: the commitment comes first, the seed after', () => {
  let h: Harness;
  let holders: string[];
  let bodyCode: string;
  beforeAll(async () => {
    h = await harness();
    ({ codes: holders, bodyCode } = await addHolders(h, 40));
    await addInspectors(h, ['CQ-001', 'CQ-002', 'CQ-003', 'CQ-004']);
  });
  afterAll(() => h.t.close());

  test('when a plan is published, then plan, population snapshot, pool and commitment are public but not the seed', async () => {
    const created = await createPlan(
      h,
      { population: { kind: 'holders', bodyCodes: [bodyCode.toLowerCase()] } },
      'inspector',
    );
    expect(created).toMatchObject({
      status: 201,
      body: {
        id: expect.stringMatching(/^DR[A-Z2-7]{16}$/),
        algorithm: 'certwatch-draw-v1',
        state: 'published',
        commitment: expect.stringMatching(HASH),
        planHash: expect.stringMatching(HASH),
        rates: { A: 10 },
        inspectorsPerTarget: 2,
        inspectorPool: { size: 4, hash: expect.stringMatching(HASH) },
        snapshot: { recusals: [] },
        results: [],
      },
    });
    expect(created.body.execution).toBeUndefined();
    expect(created.body.seed).toBeUndefined();
    const { id } = created.body as DrawView;

    const stored = await h.t.stores.draws.findById(id);
    expect(sha256(stored!.seed)).toBe(created.body.commitment);
    const responses = [
      created,
      await request(h.app).get(`/api/v1/draws/${id}`),
      await request(h.app).get('/api/v1/draws'),
    ];
    for (const res of responses) {
      expect(res.status).toBeLessThan(300);
      expect(res.text).not.toContain(stored!.seed);
    }
    const audit = await h.t.services.audit.forTarget('draw', id, 10);
    expect(audit).toMatchObject([{ action: 'draw.create', actor: { role: 'inspector' } }]);
    expect(JSON.stringify(audit)).not.toContain(stored!.seed);
  });

  test('when a plan is executed, then the committed seed is revealed and every target has two distinct inspectors', async () => {
    const created = await createPlan(h, { rates: { A: 25 } });
    const { id, commitment } = created.body as DrawView;
    const res = await execute(h, id, undefined, 'inspector');
    expect(res).toMatchObject({
      status: 200,
      body: { id, state: 'executed', execution: { seed: expect.stringMatching(HASH) } },
    });
    const execution = (res.body as DrawView).execution!;
    expect(sha256(execution.seed)).toBe(commitment);
    expect(execution.targets).toHaveLength(10);
    for (const target of execution.targets) {
      expect(holders).toContain(target.id);
      expect(target).toMatchObject({ tier: 'A', name: expect.any(String) });
      expect(new Set(target.inspectorIds).size).toBe(2);
    }
    await expect(request(h.app).get(`/api/v1/draws/${id}`)).resolves.toMatchObject({
      status: 200,
      body: { execution },
    });
    const audit = await h.t.services.audit.forTarget('draw', id, 10);
    expect(audit.map((e) => e.action)).toEqual(['draw.execute', 'draw.create']);
  });

  test('when a plan is executed twice, then the second is refused and the first result stays', async () => {
    const { id } = (await createPlan(h)).body as DrawView;
    const first = await execute(h, id);
    expect(first.status).toBe(200);
    await expect(execute(h, id)).resolves.toMatchObject({
      status: 409,
      body: { code: 'DRAW_ALREADY_EXECUTED' },
    });
    await expect(request(h.app).get(`/api/v1/draws/${id}`)).resolves.toMatchObject({
      body: { execution: first.body.execution },
    });
    expect(await h.t.services.audit.forTarget('draw', id, 10)).toHaveLength(2);
  });

  test('when executions of one plan race, then exactly one succeeds', async () => {
    const { id } = (await createPlan(h)).body as DrawView;
    const answers = await Promise.all([execute(h, id), execute(h, id), execute(h, id)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
  });

  test('when plans are listed, then newest first, paged, without snapshots, seeds only of executed plans', async () => {
    const older = (await createPlan(h, { title: '较早的计划' })).body as DrawView;
    const newer = (await createPlan(h, { title: '较新的计划' })).body as DrawView;
    await execute(h, older.id);
    const res = await request(h.app).get('/api/v1/draws?pageSize=2');
    expect(res).toMatchObject({ status: 200, body: { page: 1, pageSize: 2, total: expect.any(Number) } });
    expect(res.body.items.map((d: DrawView) => d.id)).toEqual([newer.id, older.id]);
    expect(res.body.items[0]).not.toHaveProperty('snapshot');
    expect(res.body.items[0]).not.toHaveProperty('execution');
    expect(res.body.items[1].execution.seed).toMatch(HASH);
    const second = await request(h.app).get('/api/v1/draws?page=2&pageSize=1');
    expect(second.body.items.map((d: DrawView) => d.id)).toEqual([older.id]);
  });
});

describe('verify-draw: the published data alone re-runs to the published result', () => {
  let h: Harness;
  let baseUrl: string;
  let server: ReturnType<ReturnType<typeof createApp>['listen']>;
  let executed: DrawView;
  let dir: string;
  beforeAll(async () => {
    h = await harness();
    const { codes } = await addHolders(h, 30);
    h.tiers.set(codes[0]!, 'D');
    h.tiers.set(codes[1]!, 'D');
    h.tiers.set(codes[2]!, 'C');
    await addInspectors(h, ['V-1', 'V-2', 'V-3', 'V-4'], { 'V-1': [codes[0]!], 'V-2': [codes[0]!] });
    const created = await createPlan(h, { rates: { A: 10, C: 100, D: 50 }, inspectorsPerTarget: 2 });
    expect(created.status).toBe(201);
    executed = (await execute(h, created.body.id)).body as DrawView;
    server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = tempDir('certwatch-draw-');
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
    await h.t.close();
  });

  /** The draw as published, saved to a file after `edit`. */
  function dump(edit: (d: DrawView) => void = () => undefined): string {
    const copy = structuredClone(executed);
    edit(copy);
    const file = path.join(dir, `${unique('draw')}.json`);
    fs.writeFileSync(file, JSON.stringify(copy));
    return file;
  }

  test(
    'when the script fetches an executed draw from the running server, then every check passes',
    async () => {
      const res = await verifyDraw(
        executed.id,
        '--url',
        baseUrl,
        '--expect-commitment',
        executed.commitment,
        '--expect-plan-hash',
        executed.planHash,
      );
      expect(res).toMatchObject({ code: 0, stderr: '' });
      expect(res.stdout).toContain('OK: the draw re-runs to the published result (5 targets)');
      expect(res.stdout).not.toContain('MISMATCH');
    },
    CHILD_TIMEOUT,
  );

  test(
    'when the script reads a saved copy with --lang zh, then every check passes too, said in Chinese',
    async () => {
      const res = await verifyDraw(dump(), '--lang', 'zh');
      expect(res).toMatchObject({ code: 0, stderr: '' });
      expect(res.stdout).toContain('通过 种子与承诺值一致');
      expect(res.stdout).toContain('全部通过：重新运行得到公布的结果（5 个对象）。');
      expect(res.stdout).not.toMatch(ENGLISH_SENTENCE);
    },
    CHILD_TIMEOUT,
  );

  test.each([
    [
      'another seed',
      (d: DrawView) => void (d.execution!.seed = 'ab'.repeat(32)),
      'seed matches the commitment',
    ],
    [
      'a seed that fits another commitment',
      (d: DrawView) => {
        d.execution!.seed = seedOf(7);
        d.commitment = commitmentOf(seedOf(7));
      },
      're-run gives the published targets',
    ],
    [
      'a swapped target',
      (d: DrawView) => {
        const outsider = d.snapshot.population.find((e) => !d.execution!.targets.some((t) => t.id === e.id))!;
        d.execution!.targets[0] = { ...d.execution!.targets[0]!, id: outsider.id, name: outsider.name };
      },
      're-run gives the published targets',
    ],
    [
      'a swapped inspector',
      (d: DrawView) => {
        const target = d.execution!.targets[0]!;
        target.inspectorIds = [...target.inspectorIds].reverse();
      },
      're-run gives the published targets',
    ],
    [
      'an entity dropped from the population',
      (d: DrawView) => void d.snapshot.population.pop(),
      'population matches its hash',
    ],
    [
      'a tier changed in the population',
      (d: DrawView) => void (d.snapshot.population[5]!.tier = 'D'),
      'population matches its hash',
    ],
    [
      'a recusal removed',
      (d: DrawView) => void (d.snapshot.recusals = []),
      'inspector pool and recusals match their hash',
    ],
    ['a changed rate', (d: DrawView) => void (d.rates.A = 20), 'plan fingerprint matches planHash'],
  ])(
    'when the saved copy has %s, then the script names the mismatch and fails',
    async (_what, edit, check) => {
      const res = await verifyDraw(dump(edit));
      expect(res.code).toBe(1);
      expect(res.stdout).toContain(`MISMATCH ${check}`);
      expect(res.stdout).toContain('FAILED');
    },
    CHILD_TIMEOUT,
  );

  test(
    'when a plan is not executed yet, then the script checks the plan and says the seed is still secret',
    async () => {
      const created = await createPlan(h, { rates: { A: 10, C: 10, D: 10 } });
      const res = await verifyDraw(created.body.id, '--url', baseUrl);
      expect(res.code).toBe(3);
      expect(res.stdout).toContain(`not executed yet: seed secret, commitment ${created.body.commitment}`);
    },
    CHILD_TIMEOUT,
  );

  test(
    'when the noted commitment differs, or the arguments are wrong, then the script fails with its own status',
    async () => {
      const wrong = await verifyDraw(dump(), '--expect-commitment', 'f'.repeat(64));
      expect(wrong.code).toBe(1);
      expect(wrong.stdout).toContain('MISMATCH commitment is the one noted at publication');
      const junk = path.join(dir, 'junk.json');
      fs.writeFileSync(junk, '{"id": 1}');
      const [none, notADraw, unknown, notADocument] = await Promise.all([
        verifyDraw(),
        verifyDraw('not-a-draw', '--lang', 'zh'),
        verifyDraw(`DR${'A'.repeat(16)}`, '--url', baseUrl),
        verifyDraw(junk),
      ]);
      expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage') });
      expect(notADraw).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('“not-a-draw”既不是文件，也不是抽查编号'),
      });
      expect(notADraw.stderr).not.toMatch(ENGLISH_SENTENCE);
      expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('404') });
      expect(notADocument).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('Not a published draw'),
      });
    },
    CHILD_TIMEOUT,
  );
});

describe('sampling by risk tier, recusal and eligibility through the API', () => {
  let h: Harness;
  let codes: string[];
  beforeAll(async () => {
    h = await harness();
    ({ codes } = await addHolders(h, 190));
    // 10 D, 30 C, 50 B, the other 100 A (the default tier).
    codes.slice(0, 10).forEach((c) => h.tiers.set(c, 'D'));
    codes.slice(10, 40).forEach((c) => h.tiers.set(c, 'C'));
    codes.slice(40, 90).forEach((c) => h.tiers.set(c, 'B'));
    await addInspectors(h, ['T-1', 'T-2', 'T-3']);
  });
  afterAll(() => h.t.close());

  test('when the tiers come from the tier source, then each tier is sampled at its own rate', async () => {
    const created = await createPlan(h, { rates: { A: 1, B: 2, C: 10, D: 30 } });
    expect(created).toMatchObject({
      status: 201,
      body: {
        population: {
          size: 190,
          tiers: {
            A: { population: 100, sample: 1 },
            B: { population: 50, sample: 1 },
            C: { population: 30, sample: 3 },
            D: { population: 10, sample: 3 },
          },
        },
      },
    });
    const { execution } = (await execute(h, created.body.id)).body as DrawView;
    const tierOf = (id: string) => h.tiers.get(id) ?? 'A';
    expect(execution!.targets.map((t) => t.tier)).toEqual(['A', 'B', 'C', 'C', 'C', 'D', 'D', 'D']);
    for (const target of execution!.targets) expect(tierOf(target.id)).toBe(target.tier);
  });

  test('when a tier of the population has no rate, then 422 DRAW_RATE_MISSING names it', async () => {
    await expect(createPlan(h, { rates: { A: 1, B: 2, C: 10 } })).resolves.toMatchObject({
      status: 422,
      body: { code: 'DRAW_RATE_MISSING', tiers: ['D'] },
    });
  });

  test('when the pool has fewer inspectors than a target needs, then 422 DRAW_TOO_FEW_INSPECTORS, and nothing is stored', async () => {
    const before = await h.t.stores.draws.count();
    await expect(
      createPlan(h, { rates: { A: 1, B: 1, C: 1, D: 1 }, inspectorsPerTarget: 4 }),
    ).resolves.toMatchObject({
      status: 422,
      body: { code: 'DRAW_TOO_FEW_INSPECTORS', eligible: 3, required: 4, activeInspectors: 3 },
    });
    expect(await h.t.stores.draws.count()).toBe(before);
  });
});

describe('recusal through the API', () => {
  let h: Harness;
  let codes: string[];
  beforeAll(async () => {
    h = await harness();
    let bodyCode: string;
    ({ codes, bodyCode } = await addHolders(h, 6));
    h.tiers.set(codes[0]!, 'D');
    // declared a conflict with holder 0; R-3 with the body (which only a body population has).
    await addInspectors(h, ['R-1', 'R-2', 'R-3', 'R-4', 'R-5'], {
      'R-1': [codes[0]!],
      'R-2': [codes[0]!],
      'R-3': [bodyCode],
    });
  });
  afterAll(() => h.t.close());

  test('when 25 plans are drawn, then the holder with declared conflicts never gets a recused inspector', async () => {
    const drawnFor0 = new Set<string>();
    for (let i = 0; i < 25; i += 1) {
      const created = await createPlan(h, { rates: { A: 50, D: 100 } });
      expect(created.body.snapshot.recusals).toEqual([{ entityId: codes[0], inspectorIds: ['R-1', 'R-2'] }]);
      const { execution } = (await execute(h, created.body.id)).body as DrawView;
      const target = execution!.targets.find((t) => t.id === codes[0]);
      expect(target).toBeDefined();
      target!.inspectorIds.forEach((id) => drawnFor0.add(id));
      for (const t of execution!.targets) expect(new Set(t.inspectorIds).size).toBe(2);
    }
    expect([...drawnFor0].sort()).toEqual(['R-3', 'R-4', 'R-5']);
  }, 180_000);

  test('when recusals leave too few inspectors for a drawable holder, then 422 DRAW_TOO_FEW_INSPECTORS names it', async () => {
    await expect(createPlan(h, { rates: { A: 50, D: 100 }, inspectorsPerTarget: 4 })).resolves.toMatchObject({
      status: 422,
      body: { code: 'DRAW_TOO_FEW_INSPECTORS', entityId: codes[0], eligible: 3, required: 4 },
    });
  });

  test('when that holder cannot be drawn (its tier is sampled at 0 %), then the plan is accepted', async () => {
    await expect(createPlan(h, { rates: { A: 50, D: 0 }, inspectorsPerTarget: 4 })).resolves.toMatchObject({
      status: 201,
      body: { population: { tiers: { D: { population: 1, sample: 0 } } } },
    });
  });

  test('when an inspector is deactivated, then later plans leave them out of the pool', async () => {
    await request(h.app)
      .patch('/api/v1/inspectors/R-5')
      .set('Authorization', h.auth.admin)
      .send({ active: false });
    const created = await createPlan(h, { rates: { A: 50, D: 100 } });
    expect(created.body.snapshot.inspectors.map((i: { id: string }) => i.id)).toEqual([
      'R-1',
      'R-2',
      'R-3',
      'R-4',
    ]);
    await request(h.app)
      .patch('/api/v1/inspectors/R-5')
      .set('Authorization', h.auth.admin)
      .send({ active: true });
  });

  test('when the population is certifying bodies, then body conflicts recuse and only approved bodies count by default', async () => {
    const withdrawn = await seedBody(h.t.services, {
      approvalStatus: 'withdrawn',
      approvalStatusDate: '2026-01-01',
    });
    const created = await createPlan(h, { population: { kind: 'bodies' }, rates: { A: 100 } });
    expect(created.status).toBe(201);
    const ids = created.body.snapshot.population.map((e: { id: string }) => e.id);
    expect(ids).not.toContain(withdrawn.code);
    const conflicted = (await h.t.services.inspectors.get('R-3')).conflicts[0]!.code;
    expect(created.body.snapshot.recusals).toEqual([{ entityId: conflicted, inspectorIds: ['R-3'] }]);
    const { execution } = (await execute(h, created.body.id)).body as DrawView;
    expect(execution!.targets.find((t) => t.id === conflicted)!.inspectorIds).not.toContain('R-3');
  });
});

describe('population filters', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await addInspectors(h, ['P-1', 'P-2']);
  });
  afterAll(() => h.t.close());

  const sizeOf = async (population: Record<string, unknown>) => {
    const res = await createPlan(h, { population, rates: { A: 1 } });
    return res.status === 201 ? (res.body.population.size as number) : res.body.code;
  };

  test('when a plan narrows by body, scheme, division and status, then the population follows, one entry per holder', async () => {
    const body = (await seedBody(h.t.services)).code;
    const beijing = withCheckCharacter('91110000A0000000X'.slice(0, 17));
    const shared = creditCode();
    await seedCertificates(h.t.services, [
      { bodyCode: body, scheme: 'QMS', holder: { name: '甲公司', creditCode: shared } },
      { bodyCode: body, scheme: 'EMS', holder: { name: '甲公司', creditCode: shared } },
      { bodyCode: body, scheme: 'EMS', holder: { name: '北京乙公司', creditCode: beijing } },
      {
        bodyCode: body,
        scheme: 'QMS',
        status: 'revoked',
        statusDate: '2026-01-02',
        statusReason: '虚假认证',
      },
      { bodyCode: body, scheme: 'QMS', issueDate: '2020-01-01', expiryDate: '2023-01-01' },
      {
        bodyCode: body,
        scheme: 'QMS',
        status: 'suspended',
        statusDate: '2026-02-01',
        statusReason: '监督审核逾期',
      },
    ]);
    expect(await sizeOf({ kind: 'holders', bodyCodes: [body] })).toBe(3);
    expect(await sizeOf({ kind: 'holders', bodyCodes: [body], schemes: ['ems'] })).toBe(2);
    expect(await sizeOf({ kind: 'holders', bodyCodes: [body], divisionPrefix: '11' })).toBe(1);
    expect(await sizeOf({ kind: 'holders', bodyCodes: [body], divisionPrefix: '500106' })).toBe(2);
    expect(await sizeOf({ kind: 'holders', bodyCodes: [body], statuses: ['valid'] })).toBe(2);
    expect(await sizeOf({ kind: 'holders', bodyCodes: [body], statuses: ['revoked', 'expired'] })).toBe(2);
    expect(await sizeOf({ kind: 'holders', bodyCodes: [body], schemes: ['CCC'] })).toBe(
      'DRAW_POPULATION_EMPTY',
    );
  });

  test('when a filter is given in another order or case, then it is published the same way', async () => {
    const body = (await seedBody(h.t.services)).code;
    await seedCertificates(h.t.services, [{ bodyCode: body }]);
    const a = await createPlan(h, {
      population: { kind: 'holders', bodyCodes: [body], schemes: ['QMS', 'ems', 'QMS'] },
    });
    expect(a.body.population.filter).toEqual({
      kind: 'holders',
      bodyCodes: [body],
      schemes: ['EMS', 'QMS'],
      statuses: ['suspended', 'valid'],
    });
  });

  test('when the population is larger than the service allows, then 422 DRAW_POPULATION_TOO_LARGE', async () => {
    const small = await harness({ maxPopulation: 3 });
    try {
      await addHolders(small, 4);
      await addInspectors(small, ['S-1', 'S-2']);
      await expect(createPlan(small)).resolves.toMatchObject({
        status: 422,
        body: { code: 'DRAW_POPULATION_TOO_LARGE' },
      });
    } finally {
      await small.t.close();
    }
  });
});

describe('external entropy: a public value mixed in at execution', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await addHolders(h, 12);
    await addInspectors(h, ['X-1', 'X-2', 'X-3']);
  });
  afterAll(() => h.t.close());

  test('when a plan names a source, then execution needs its value, and the value changes the draw reproducibly', async () => {
    const source = '中国福利彩票双色球 2026 年第 60 期开奖号码（计划公布后开奖）';
    const created = await createPlan(h, { rates: { A: 50 }, externalEntropySource: source });
    // Published as typed: prose keeps its full-width brackets (only identifiers go half-width).
    expect(created.body.externalEntropySource).toBe(source);
    const { id } = created.body;
    await expect(execute(h, id)).resolves.toMatchObject({
      status: 400,
      body: { code: 'DRAW_ENTROPY_MISMATCH' },
    });
    const res = await execute(h, id, { externalEntropy: '03 07 12 19 25 31 + 09' });
    expect(res).toMatchObject({
      status: 200,
      body: { execution: { externalEntropy: '03 07 12 19 25 31 + 09' } },
    });
    const { snapshot, execution, rates, inspectorsPerTarget } = res.body as DrawView;
    const input = {
      population: snapshot.population,
      rates,
      inspectorsPerTarget,
      inspectors: snapshot.inspectors,
      recusals: snapshot.recusals,
    };
    const published = execution!.targets.map(({ id: t, tier, inspectorIds }) => ({
      id: t,
      tier,
      inspectorIds,
    }));
    expect(runDraw(input, execution!.seed, '03 07 12 19 25 31 + 09')).toEqual(published);
    expect(runDraw(input, execution!.seed)).not.toEqual(published);
  });

  test('when a plan names no source, then entropy at execution is refused', async () => {
    const { id } = (await createPlan(h)).body;
    await expect(execute(h, id, { externalEntropy: '09' })).resolves.toMatchObject({
      status: 400,
      body: { code: 'DRAW_ENTROPY_MISMATCH' },
    });
  });
});

describe('POST /api/v1/draws/:id/results: inspection outcomes are published', () => {
  let h: Harness;
  let draw: DrawView;
  let pending: DrawView;
  beforeAll(async () => {
    h = await harness();
    await addHolders(h, 10);
    await addInspectors(h, ['O-1', 'O-2']);
    draw = (await execute(h, (await createPlan(h, { rates: { A: 20 } })).body.id)).body;
    pending = (await createPlan(h)).body;
  });
  afterAll(() => h.t.close());

  const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  const post = (id: string, body: Record<string, unknown>, who: Role = 'inspector') =>
    request(h.app).post(`/api/v1/draws/${id}/results`).set('Authorization', h.auth[who]).send(body);
  const outcome = (targetId: string, overrides: Record<string, unknown> = {}) => ({
    targetId,
    outcome: 'rectification_ordered',
    summary: '审核记录与现场情况不符，已责令认证机构整改',
    inspectedOn: today(),
    ...overrides,
  });

  test('when an inspector records an outcome for a drawn target, then it is published with the draw, and a later one supersedes it', async () => {
    const target = draw.execution!.targets[0]!.id;
    const first = await post(draw.id, outcome(target.toLowerCase()));
    expect(first).toMatchObject({
      status: 201,
      body: { targetId: target, outcome: 'rectification_ordered', recordedAt: expect.any(String) },
    });
    const second = await post(
      draw.id,
      outcome(target, { outcome: 'no_problem', summary: '整改完成，复查未发现问题' }),
      'admin',
    );
    expect(second.status).toBe(201);
    const res = await request(h.app).get(`/api/v1/draws/${draw.id}`);
    expect(res.body.results).toEqual([first.body, second.body]);
    const actions = (await h.t.services.audit.forTarget('draw', draw.id, 10)).map((e) => e.action);
    expect(actions).toEqual(['draw.result', 'draw.result', 'draw.execute', 'draw.create']);
  });

  test.each([
    [
      'a plan not executed yet',
      () => pending.id,
      () => outcome(draw.execution!.targets[0]!.id),
      409,
      'DRAW_NOT_EXECUTED',
    ],
    ['an entity that was not drawn', () => draw.id, () => outcome(creditCode()), 422, 'DRAW_NOT_A_TARGET'],
    ['an unknown draw', () => `DR${'B'.repeat(16)}`, () => outcome(creditCode()), 404, 'DRAW_NOT_FOUND'],
    ['a malformed draw id', () => 'DR-1', () => outcome(creditCode()), 400, 'INVALID_DRAW_ID'],
    [
      'an unknown outcome',
      () => draw.id,
      () => outcome(draw.execution!.targets[0]!.id, { outcome: 'fine' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an inspection date in the future',
      () => draw.id,
      () => outcome(draw.execution!.targets[0]!.id, { inspectedOn: '2999-01-01' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an inspection before the draw',
      () => draw.id,
      () => outcome(draw.execution!.targets[0]!.id, { inspectedOn: '2000-01-01' }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a summary with control characters',
      () => draw.id,
      () => outcome(draw.execution!.targets[0]!.id, { summary: 'ok\u0000' }),
      400,
      'INVALID_CHARACTERS',
    ],
    [
      'an unknown field',
      () => draw.id,
      () => ({ ...outcome(draw.execution!.targets[0]!.id), inspectorIds: ['O-1'] }),
      400,
      'VALIDATION_FAILED',
    ],
  ])(
    'when a result is posted for %s, then %i %s and nothing is stored',
    async (_what, id, body, status, code) => {
      const before = await h.t.stores.draws.results(draw.id);
      await expect(post(id(), body())).resolves.toMatchObject({ status, body: { code } });
      await expect(h.t.stores.draws.results(draw.id)).resolves.toEqual(before);
    },
  );
});

describe('inspector directory', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.t.close());

  const post = (body: Record<string, unknown>) =>
    request(h.app).post('/api/v1/inspectors').set('Authorization', h.auth.admin).send(body);

  test('when an admin registers an inspector with conflicts, then it is stored normalised, audited, and readable by inspectors', async () => {
    const holder = creditCode();
    const res = await post({
      id: ' cq-spb-0012 ',
      name: '刘　检查',
      unit: UNIT,
      conflicts: [
        { kind: 'holder', code: holder.toLowerCase(), reason: '配偶任该公司财务负责人' },
        { kind: 'body', code: 'cqc', reason: '曾在该机构任审核员' },
      ],
    });
    expect(res).toMatchObject({
      status: 201,
      body: {
        id: 'CQ-SPB-0012',
        // The id is an identifier (half-width, upper-case); the name is prose, kept as typed.
        name: '刘　检查',
        active: true,
        conflicts: [
          { kind: 'holder', code: holder, declaredAt: expect.any(String) },
          { kind: 'body', code: 'CQC' },
        ],
      },
    });
    await expect(
      request(h.app).get('/api/v1/inspectors/cq-spb-0012').set('Authorization', h.auth.inspector),
    ).resolves.toMatchObject({
      status: 200,
      body: res.body,
    });
    const list = await request(h.app)
      .get('/api/v1/inspectors?active=true')
      .set('Authorization', h.auth.inspector);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain('CQ-SPB-0012');
    expect(await h.t.services.audit.forTarget('inspector', 'CQ-SPB-0012', 5)).toMatchObject([
      { action: 'inspector.create' },
    ]);
    await expect(post({ id: 'CQ-SPB-0012', name: '另一人', unit: UNIT })).resolves.toMatchObject({
      status: 409,
      body: { code: 'INSPECTOR_EXISTS' },
    });
  });

  test('when conflicts are replaced, then a conflict declared before keeps its time, and the same values again change nothing', async () => {
    const holder = creditCode();
    const created = await post({
      id: 'CQ-0100',
      name: '周检查',
      unit: UNIT,
      conflicts: [{ kind: 'holder', code: holder, reason: '亲属' }],
    });
    const declaredAt = created.body.conflicts[0].declaredAt;
    const patch = {
      conflicts: [
        { kind: 'holder', code: holder, reason: '亲属' },
        { kind: 'body', code: 'B0107', reason: '曾任职' },
      ],
    };
    const patched = await request(h.app)
      .patch('/api/v1/inspectors/CQ-0100')
      .set('Authorization', h.auth.admin)
      .send(patch);
    expect(patched).toMatchObject({
      status: 200,
      body: { conflicts: [{ code: holder, declaredAt }, { code: 'B0107' }] },
    });
    const again = await request(h.app)
      .patch('/api/v1/inspectors/CQ-0100')
      .set('Authorization', h.auth.admin)
      .send(patch);
    expect(again.body).toEqual(patched.body);
    expect((await h.t.services.audit.forTarget('inspector', 'CQ-0100', 5)).map((e) => e.action)).toEqual([
      'inspector.update',
      'inspector.create',
    ]);
  });

  test.each([
    ['a malformed id', { id: '张三', name: '张三', unit: UNIT }, 'INVALID_INSPECTOR_ID'],
    [
      'a holder conflict with a bad credit code',
      {
        id: 'CQ-0200',
        name: '张三',
        unit: UNIT,
        conflicts: [{ kind: 'holder', code: '91500106ABCDEFGHIJ', reason: 'x' }],
      },
      'INVALID_CREDIT_CODE',
    ],
    [
      'a body conflict with a bad body code',
      { id: 'CQ-0201', name: '张三', unit: UNIT, conflicts: [{ kind: 'body', code: 'C', reason: 'x' }] },
      'INVALID_BODY_CODE',
    ],
    [
      'the same conflict twice',
      {
        id: 'CQ-0202',
        name: '张三',
        unit: UNIT,
        conflicts: [
          { kind: 'body', code: 'CQC', reason: 'x' },
          { kind: 'body', code: 'cqc', reason: 'y' },
        ],
      },
      'VALIDATION_FAILED',
    ],
    [
      'a conflict without a reason',
      { id: 'CQ-0203', name: '张三', unit: UNIT, conflicts: [{ kind: 'body', code: 'CQC' }] },
      'VALIDATION_FAILED',
    ],
    [
      'a name with an invisible character',
      { id: 'CQ-0204', name: '张\u200b三', unit: UNIT },
      'INVALID_CHARACTERS',
    ],
    ['an unknown field', { id: 'CQ-0205', name: '张三', unit: UNIT, role: 'admin' }, 'VALIDATION_FAILED'],
    ['no unit', { id: 'CQ-0206', name: '张三' }, 'VALIDATION_FAILED'],
  ])('when an inspector is registered with %s, then 400 %s', async (_what, body, code) => {
    await expect(post(body)).resolves.toMatchObject({ status: 400, body: { code } });
  });

  test('when an unknown inspector is read or changed, or a change is empty or malformed, then a stable code', async () => {
    await expect(
      request(h.app).get('/api/v1/inspectors/NOBODY-1').set('Authorization', h.auth.admin),
    ).resolves.toMatchObject({
      status: 404,
      body: { code: 'INSPECTOR_NOT_FOUND' },
    });
    await expect(
      request(h.app)
        .patch('/api/v1/inspectors/NOBODY-1')
        .set('Authorization', h.auth.admin)
        .send({ active: false }),
    ).resolves.toMatchObject({ status: 404, body: { code: 'INSPECTOR_NOT_FOUND' } });
    await post({ id: 'CQ-0300', name: '郑检查', unit: UNIT });
    for (const body of [{}, { active: 'no' }, { id: 'CQ-0301' }]) {
      await expect(
        request(h.app).patch('/api/v1/inspectors/CQ-0300').set('Authorization', h.auth.admin).send(body),
      ).resolves.toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
    await expect(
      request(h.app).get('/api/v1/inspectors?active=yes').set('Authorization', h.auth.admin),
    ).resolves.toMatchObject({
      status: 400,
      body: { code: 'INVALID_QUERY' },
    });
  });
});

describe('bad plan inputs get stable codes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await addHolders(h, 3);
    await addInspectors(h, ['B-1', 'B-2']);
  });
  afterAll(() => h.t.close());

  test.each([
    ['a rate with three decimals', { rates: { A: 33.333 } }, 'VALIDATION_FAILED'],
    ['a rate above 100 %', { rates: { A: 101 } }, 'VALIDATION_FAILED'],
    ['an unknown tier', { rates: { E: 5 } }, 'VALIDATION_FAILED'],
    ['no rate at all', { rates: {} }, 'VALIDATION_FAILED'],
    ['one inspector per target', { inspectorsPerTarget: 1 }, 'VALIDATION_FAILED'],
    ['an unknown scheme', { population: { kind: 'holders', schemes: ['XYZ'] } }, 'UNKNOWN_SCHEME'],
    ['a malformed body code', { population: { kind: 'holders', bodyCodes: ['!'] } }, 'INVALID_BODY_CODE'],
    [
      'a malformed division prefix',
      { population: { kind: 'holders', divisionPrefix: '5' } },
      'VALIDATION_FAILED',
    ],
    ['an unknown population kind', { population: { kind: 'people' } }, 'VALIDATION_FAILED'],
    [
      'a holder field in a body population',
      { population: { kind: 'bodies', schemes: ['QMS'] } },
      'VALIDATION_FAILED',
    ],
    ['a title with a control character', { title: 'a\u0007b' }, 'INVALID_CHARACTERS'],
    ['a seed chosen by the caller', { seed: 'ab'.repeat(32) }, 'VALIDATION_FAILED'],
  ])('when a plan has %s, then 400 %s', async (_what, overrides, code) => {
    await expect(createPlan(h, overrides)).resolves.toMatchObject({ status: 400, body: { code } });
  });

  test('when the draw routes get malformed ids, queries or bodies, then stable codes', async () => {
    await expect(request(h.app).get('/api/v1/draws/123')).resolves.toMatchObject({
      status: 400,
      body: { code: 'INVALID_DRAW_ID' },
    });
    await expect(request(h.app).get(`/api/v1/draws/DR${'A'.repeat(16)}`)).resolves.toMatchObject({
      status: 404,
      body: { code: 'DRAW_NOT_FOUND' },
    });
    await expect(request(h.app).get('/api/v1/draws?page=0')).resolves.toMatchObject({
      status: 400,
      body: { code: 'INVALID_PAGE' },
    });
    await expect(request(h.app).get('/api/v1/draws?pageSize=1000')).resolves.toMatchObject({
      status: 400,
      body: { code: 'INVALID_PAGE' },
    });
    await expect(request(h.app).get('/api/v1/draws?state[$ne]=x')).resolves.toMatchObject({
      status: 400,
      body: { code: 'INVALID_QUERY' },
    });
    await expect(execute(h, `DR${'A'.repeat(16)}`)).resolves.toMatchObject({
      status: 404,
      body: { code: 'DRAW_NOT_FOUND' },
    });
    const { id } = (await createPlan(h)).body;
    await expect(execute(h, id, { externalEntropy: '' })).resolves.toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    await expect(execute(h, id, { seed: 'ab'.repeat(32) })).resolves.toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    await expect(
      request(h.app)
        .post('/api/v1/draws')
        .set('Authorization', h.auth.admin)
        .set('Content-Type', 'application/json')
        .send('{"title":'),
    ).resolves.toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
  });
});

describe('authorization for every draw and inspector route', () => {
  let h: Harness;
  let published: string;
  let executedId: string;
  let target: string;
  beforeAll(async () => {
    h = await harness();
    await addHolders(h, 5);
    await addInspectors(h, ['Z-1', 'Z-2']);
    published = (await createPlan(h)).body.id;
    const executed = await execute(h, (await createPlan(h)).body.id);
    executedId = executed.body.id;
    target = executed.body.execution.targets[0].id;
  });
  afterAll(() => h.t.close());

  type Caller = Role | 'anonymous';
  interface Route {
    name: string;
    allowed: Caller[];
    send(auth: string | undefined): request.Test;
  }
  const withAuth = (req: request.Test, auth: string | undefined) =>
    auth ? req.set('Authorization', auth) : req;
  const routes: Route[] = [
    {
      name: 'GET /api/v1/draws',
      allowed: ['anonymous', 'admin', 'inspector', 'partner', 'body'],
      send: (a) => withAuth(request(h.app).get('/api/v1/draws'), a),
    },
    {
      name: 'GET /api/v1/draws/{id}',
      allowed: ['anonymous', 'admin', 'inspector', 'partner', 'body'],
      send: (a) => withAuth(request(h.app).get(`/api/v1/draws/${published}`), a),
    },
    {
      name: 'POST /api/v1/draws',
      allowed: ['admin', 'inspector'],
      send: (a) => withAuth(request(h.app).post('/api/v1/draws'), a).send(plan()),
    },
    {
      name: 'POST /api/v1/draws/{id}/execution',
      allowed: ['admin', 'inspector'],
      send: (a) => withAuth(request(h.app).post(`/api/v1/draws/${published}/execution`), a),
    },
    {
      name: 'POST /api/v1/draws/{id}/results',
      allowed: ['admin', 'inspector'],
      send: (a) =>
        withAuth(request(h.app).post(`/api/v1/draws/${executedId}/results`), a).send({
          targetId: target,
          outcome: 'no_problem',
          summary: '未发现问题',
          inspectedOn: new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10),
        }),
    },
    {
      name: 'GET /api/v1/inspectors',
      allowed: ['admin', 'inspector'],
      send: (a) => withAuth(request(h.app).get('/api/v1/inspectors'), a),
    },
    {
      name: 'GET /api/v1/inspectors/{id}',
      allowed: ['admin', 'inspector'],
      send: (a) => withAuth(request(h.app).get('/api/v1/inspectors/Z-1'), a),
    },
    {
      name: 'POST /api/v1/inspectors',
      allowed: ['admin'],
      send: (a) =>
        withAuth(request(h.app).post('/api/v1/inspectors'), a).send({
          id: unique('Z-').slice(0, 32),
          name: '新检查员',
          unit: UNIT,
        }),
    },
    {
      name: 'PATCH /api/v1/inspectors/{id}',
      allowed: ['admin'],
      send: (a) =>
        withAuth(request(h.app).patch('/api/v1/inspectors/Z-2'), a).send({ unit: `${UNIT}${unique()}` }),
    },
  ];
  const callers: Caller[] = ['anonymous', 'body', 'partner', 'inspector', 'admin'];
  const refusals = routes.flatMap((route) =>
    callers.filter((c) => !route.allowed.includes(c)).map((caller) => [route.name, caller, route] as const),
  );

  test.each(refusals)(
    'when %s is called by %s, then it is refused and nothing is written',
    async (_name, caller, route) => {
      const before = await h.t.services.audit.head();
      const res = await route.send(caller === 'anonymous' ? undefined : h.auth[caller]);
      expect(res).toMatchObject(
        caller === 'anonymous'
          ? { status: 401, body: { code: 'UNAUTHENTICATED' } }
          : { status: 403, body: { code: 'FORBIDDEN' } },
      );
      expect(await h.t.services.audit.head()).toEqual(before);
    },
  );

  test.each(routes.map((r) => [r.name, r] as const))(
    'when %s is called by each allowed caller, then it succeeds',
    async (_name, route) => {
      for (const caller of route.allowed) {
        // The execution succeeds once; later allowed callers get past authorization to the state check.
        const res = await route.send(caller === 'anonymous' ? undefined : h.auth[caller]);
        expect([200, 201, ...(route.name.endsWith('/execution') ? [409] : [])]).toContain(res.status);
      }
    },
  );

  test('when the OpenAPI description is read, then every draw and inspector route is there with its roles', async () => {
    const doc = await request(h.app).get('/api/v1/openapi.json');
    for (const route of routes) {
      const [method, p] = route.name.split(' ') as [string, string];
      const op = doc.body.paths[p]?.[method.toLowerCase()];
      expect(op).toBeDefined();
      if (route.allowed.includes('anonymous')) expect(op['x-roles']).toBeUndefined();
      else expect([...op['x-roles']].sort()).toEqual([...route.allowed].sort());
    }
  });
});

describe('risk tiers from the credit service (the wiring createServices does)', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp();
  });
  afterAll(() => t.close());

  test('when a holder is on the dishonesty list, then its credit level is its tier in the next plan', async () => {
    const admin = `Bearer ${await t.tokenFor('admin')}`;
    const body = await seedBody(t.services);
    const certs = await seedCertificates(
      t.services,
      Array.from({ length: 4 }, () => ({ bodyCode: body.code })),
    );
    const listed = certs[0]!.holder;
    const record = await request(t.app)
      .post('/api/v1/dishonesty')
      .set('Authorization', admin)
      .send({
        subject: { kind: 'organisation', creditCode: listed.creditCode, name: listed.name },
        severity: 'serious',
        basis: '《认证认可条例》第六十二条',
        facts: '未经审核出具认证证书',
        startDate: '2026-01-05',
      });
    expect(record.status).toBe(201);
    for (const id of ['K-1', 'K-2']) {
      await request(t.app)
        .post('/api/v1/inspectors')
        .set('Authorization', admin)
        .send({ id, name: '检查员', unit: UNIT });
    }
    const created = await request(t.app)
      .post('/api/v1/draws')
      .set('Authorization', admin)
      .send(plan({ rates: { A: 1, D: 100 } }));
    expect(created).toMatchObject({
      status: 201,
      body: { population: { tiers: { A: { population: 3, sample: 1 }, D: { population: 1, sample: 1 } } } },
    });
    const tiers = new Map(created.body.snapshot.population.map((e: DrawEntity) => [e.id, e.tier]));
    expect(tiers.get(listed.creditCode)).toBe('D');
    const executed = await request(t.app)
      .post(`/api/v1/draws/${created.body.id}/execution`)
      .set('Authorization', admin);
    expect(executed.body.execution.targets.filter((x: { tier: string }) => x.tier === 'D')).toMatchObject([
      { id: listed.creditCode },
    ]);
  });
});
