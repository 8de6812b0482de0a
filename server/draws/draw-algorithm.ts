/**
 * The random inspection draw ("double random, one public", 双随机、一公开), version `certwatch-draw-v1`.
 * Pure functions over published data, no I/O: the server runs them to draw, and
 * `scripts/verify-draw.ts` runs the same module to re-check a published draw. Anyone can re-implement
 * it from this description:
 *
 * 1. **Seed and commitment.** The server draws a secret seed of 32 random bytes when the plan is
 *    published, and publishes `commitment = SHA-256(seed)` (hex of the hash of the 32 raw bytes). The
 *    seed (hex) is revealed when the draw is executed; anyone checks it against the commitment.
 * 2. **Key.** `K = seed` (32 bytes). When the plan named an external entropy source (a public value
 *    not known when the plan was published, e.g. a lottery result), the value given at execution is
 *    mixed in: `K = HMAC-SHA256(key = seed, message = UTF-8("entropy/" + value))`. Then not even the
 *    server, which knows the seed all along, can foresee the draw when it publishes the plan.
 * 3. **Streams.** A stream has a label; its block `i` (i = 0, 1, 2, ...) is
 *    `HMAC-SHA256(key = K, message = UTF-8(label + "/" + i))` with `i` in decimal. Each block gives one
 *    48-bit number `x`: its first 6 bytes, big-endian. A uniform integer in `[0, n)` is `x mod n` for the
 *    first block with `x < 2^48 - (2^48 mod n)` (rejection sampling: no modulo bias); rejected blocks
 *    are skipped, and the next draw from the stream continues with the next block.
 * 4. **Population.** Entities `{ id, name, tier }` sorted by `id` (plain code-unit order; ids are ASCII:
 *    credit codes or body codes). `populationHash = SHA-256(canonical JSON of that array)`, where
 *    canonical JSON is JSON without whitespace and with object keys sorted (Python:
 *    `json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`), hashed as UTF-8.
 * 5. **Sample sizes.** A rate is a percentage with at most two decimals; `bp = round(rate * 100)` basis
 *    points; a tier of `n` entities gives `m = ceil(bp * n / 10000)` targets (integer arithmetic).
 * 6. **Targets.** Tiers in code-unit order of their names; for each tier with `m > 0`, its members
 *    (population order) are shuffled by a partial Fisher-Yates on the stream labelled
 *    `targets/<tier>`: for `j = 0 .. m-1`, `r = j + uniform(n - j)`, swap positions `j` and `r`. The
 *    first `m` positions, in that order, are the tier's targets. The published list is tier by tier.
 * 7. **Inspectors.** The pool (active inspectors `{ id, name, unit }` sorted by id) and the recusals
 *    (`{ entityId, inspectorIds }` for entities of the population with a declared conflict, sorted)
 *    are fixed when the plan is published: `inspectorPoolHash = SHA-256(canonical JSON of
 *    { inspectors, recusals })`. For each target in published order, its eligible inspectors are the
 *    pool (in order) minus those recused from it; `k` of them are drawn by the same partial
 *    Fisher-Yates on the stream labelled `inspectors/<target id>`.
 * 8. **Plan fingerprint.** `planHash = SHA-256(canonical JSON of the plan as published)`: see
 *    `PlanFingerprint` for the exact members. Whoever notes it at publication can later prove that
 *    nothing of the plan changed.
 */
import { createHash, createHmac } from 'node:crypto';

export const DRAW_ALGORITHM = 'certwatch-draw-v1';

/** A supervised entity of the population: a certificate holder (credit code) or a certifying body (code). */
export interface DrawEntity {
  id: string;
  name: string;
  /** Risk tier (credit level): A lowest risk ... D highest. */
  tier: string;
}

/** An inspector of the pool, as published. */
export interface DrawInspector {
  id: string;
  name: string;
  unit: string;
}

/** The inspectors who must not inspect one entity (declared conflicts of interest). */
export interface DrawRecusal {
  entityId: string;
  inspectorIds: string[];
}

/** Everything the draw depends on besides the seed: fixed and published with the plan. */
export interface DrawInput {
  /** Sorted by id, ids unique. */
  population: DrawEntity[];
  /** Sampling rate per tier, in percent (at most two decimals). */
  rates: Record<string, number>;
  inspectorsPerTarget: number;
  /** Sorted by id, ids unique. */
  inspectors: DrawInspector[];
  /** Sorted by entityId, each inspectorIds sorted. */
  recusals: DrawRecusal[];
}

/** One drawn target and its inspectors, in draw order. */
export interface DrawnTarget {
  id: string;
  tier: string;
  inspectorIds: string[];
}

/** Why a draw cannot be run on its input. */
export type DrawProblem =
  | { kind: 'seed'; message: string }
  | { kind: 'input'; message: string }
  | { kind: 'rate-missing'; tiers: string[] }
  | { kind: 'too-few-inspectors'; entityId: string; eligible: number; required: number };

export class DrawError extends Error {
  readonly problem: DrawProblem;
  constructor(problem: DrawProblem, message: string) {
    super(message);
    this.name = 'DrawError';
    this.problem = problem;
  }
}

/** JSON without whitespace, object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const SEED_HEX = /^[0-9a-f]{64}$/;

function seedBytes(seedHex: string): Buffer {
  if (!SEED_HEX.test(seedHex)) {
    throw new DrawError({ kind: 'seed', message: 'not 64 hex digits' }, 'The seed must be 32 bytes in hex.');
  }
  return Buffer.from(seedHex, 'hex');
}

/** The published commitment to a seed: SHA-256 of its 32 raw bytes, in hex. */
export function commitmentOf(seedHex: string): string {
  return sha256Hex(seedBytes(seedHex));
}

/** SHA-256 of the canonical JSON of the (sorted) population. */
export function populationHashOf(population: readonly DrawEntity[]): string {
  return sha256Hex(canonicalJson(population.map(({ id, name, tier }) => ({ id, name, tier }))));
}

/** SHA-256 of the canonical JSON of `{ inspectors, recusals }`. */
export function inspectorPoolHashOf(
  inspectors: readonly DrawInspector[],
  recusals: readonly DrawRecusal[],
): string {
  return sha256Hex(
    canonicalJson({
      inspectors: inspectors.map(({ id, name, unit }) => ({ id, name, unit })),
      recusals: recusals.map(({ entityId, inspectorIds }) => ({ entityId, inspectorIds })),
    }),
  );
}

/** What the plan fingerprint covers: every member of the plan published before the draw. */
export interface PlanFingerprint {
  algorithm: string;
  id: string;
  title: string;
  description: string | null;
  createdAt: string;
  population: { filter: unknown; asOf: string; size: number; hash: string };
  rates: Record<string, number>;
  inspectorsPerTarget: number;
  inspectorPool: { size: number; hash: string };
  commitment: string;
  externalEntropySource: string | null;
}

/** The fingerprint of a plan as published (extra members, such as its execution, are left out). */
export function planFingerprintOf(plan: {
  algorithm: string;
  id: string;
  title: string;
  description?: string;
  createdAt: string;
  population: { filter: unknown; asOf: string; size: number; hash: string };
  rates: Record<string, number>;
  inspectorsPerTarget: number;
  inspectorPool: { size: number; hash: string };
  commitment: string;
  externalEntropySource?: string;
}): PlanFingerprint {
  const { filter, asOf, size, hash } = plan.population;
  return {
    algorithm: plan.algorithm,
    id: plan.id,
    title: plan.title,
    description: plan.description ?? null,
    createdAt: plan.createdAt,
    population: { filter, asOf, size, hash },
    rates: plan.rates,
    inspectorsPerTarget: plan.inspectorsPerTarget,
    inspectorPool: { size: plan.inspectorPool.size, hash: plan.inspectorPool.hash },
    commitment: plan.commitment,
    externalEntropySource: plan.externalEntropySource ?? null,
  };
}

/** SHA-256 of the canonical JSON of the plan fingerprint. */
export function planHashOf(plan: PlanFingerprint): string {
  return sha256Hex(canonicalJson(plan));
}

/** Basis points of a percentage with at most two decimals (0.5 % = 50 bp). */
export function basisPoints(ratePercent: number): number {
  const bp = Math.round(ratePercent * 100);
  if (!Number.isFinite(ratePercent) || bp < 0 || bp > 10_000 || Math.abs(ratePercent * 100 - bp) > 1e-6) {
    throw new DrawError(
      { kind: 'input', message: `rate ${ratePercent}` },
      `A rate must be a percentage from 0 to 100 with at most two decimals, not ${ratePercent}.`,
    );
  }
  return bp;
}

/** Targets drawn from a tier of `n` entities at `ratePercent`: ceil(rate * n), in integer arithmetic. */
export function sampleSize(ratePercent: number, n: number): number {
  return Math.floor((basisPoints(ratePercent) * n + 9_999) / 10_000);
}

const TWO_48 = 2 ** 48;

/** The deterministic random stream labelled `label` under key `key` (see step 3 above). */
export function createStream(key: Buffer, label: string): { uniform(n: number): number } {
  let counter = 0;
  return {
    uniform(n) {
      if (!Number.isSafeInteger(n) || n < 1 || n > TWO_48) throw new RangeError(`uniform(${n})`);
      // Exact in doubles: every value involved is an integer below 2^53.
      const limit = TWO_48 - (TWO_48 % n);
      for (;;) {
        const block = createHmac('sha256', key).update(`${label}/${counter}`, 'utf8').digest();
        counter += 1;
        const x = block.readUIntBE(0, 6);
        if (x < limit) return x % n;
      }
    },
  };
}

/** The first `m` items of `items` after a partial Fisher-Yates shuffle on `stream` (step 6). */
function pick<T>(items: readonly T[], m: number, stream: { uniform(n: number): number }): T[] {
  const a = [...items];
  for (let j = 0; j < m; j += 1) {
    const r = j + stream.uniform(a.length - j);
    const held = a[j] as T;
    a[j] = a[r] as T;
    a[r] = held;
  }
  return a.slice(0, m);
}

/** The key the streams run under: the seed, or the seed mixed with the external entropy (step 2). */
export function drawKey(seedHex: string, externalEntropy?: string): Buffer {
  const seed = seedBytes(seedHex);
  if (externalEntropy === undefined) return seed;
  return createHmac('sha256', seed).update(`entropy/${externalEntropy}`, 'utf8').digest();
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Tiers present in the population, in code-unit order, with their members in population order. */
function tiersOf(population: readonly DrawEntity[]): Map<string, DrawEntity[]> {
  const tiers = new Map<string, DrawEntity[]>();
  for (const tier of [...new Set(population.map((e) => e.tier))].sort(byCodeUnits)) tiers.set(tier, []);
  for (const entity of population) tiers.get(entity.tier)?.push(entity);
  return tiers;
}

function assertSortedUnique(ids: readonly string[], what: string): void {
  for (let i = 1; i < ids.length; i += 1) {
    if (!((ids[i - 1] as string) < (ids[i] as string))) {
      throw new DrawError(
        { kind: 'input', message: `${what} not sorted` },
        `The ${what} must be sorted by id without repeats (at "${ids[i]}").`,
      );
    }
  }
}

/** Population and sample size per tier; throws `rate-missing` when a populated tier has no rate. */
export function tierSizes(
  population: readonly DrawEntity[],
  rates: Record<string, number>,
): Record<string, { population: number; sample: number }> {
  const tiers = tiersOf(population);
  const missing = [...tiers.keys()].filter((t) => rates[t] === undefined);
  if (missing.length > 0) {
    throw new DrawError(
      { kind: 'rate-missing', tiers: missing },
      `The plan has no sampling rate for tier ${missing.join(', ')}, which the population has.`,
    );
  }
  const sizes: Record<string, { population: number; sample: number }> = {};
  for (const tier of Object.keys(rates).sort(byCodeUnits)) {
    const n = tiers.get(tier)?.length ?? 0;
    sizes[tier] = { population: n, sample: sampleSize(rates[tier] as number, n) };
  }
  return sizes;
}

/**
 * The first entity (population order) that has fewer eligible inspectors than the plan needs, or
 * undefined when every entity has enough. Checked when a plan is published, so that its execution
 * cannot fail whichever entities the seed picks.
 */
export function inspectorShortfall(
  input: DrawInput,
): { entityId: string; eligible: number; required: number } | undefined {
  const recused = new Map(input.recusals.map((r) => [r.entityId, new Set(r.inspectorIds)]));
  const pool = new Set(input.inspectors.map((i) => i.id));
  for (const entity of input.population) {
    const excluded = [...(recused.get(entity.id) ?? [])].filter((id) => pool.has(id)).length;
    const eligible = input.inspectors.length - excluded;
    if (eligible < input.inspectorsPerTarget) {
      return { entityId: entity.id, eligible, required: input.inspectorsPerTarget };
    }
  }
  return undefined;
}

/** Runs the draw: the targets, tier by tier in draw order, each with its inspectors. */
export function runDraw(input: DrawInput, seedHex: string, externalEntropy?: string): DrawnTarget[] {
  assertSortedUnique(
    input.population.map((e) => e.id),
    'population',
  );
  assertSortedUnique(
    input.inspectors.map((i) => i.id),
    'inspectors',
  );
  if (!Number.isInteger(input.inspectorsPerTarget) || input.inspectorsPerTarget < 1) {
    throw new DrawError(
      { kind: 'input', message: 'inspectorsPerTarget' },
      'inspectorsPerTarget must be a whole number of at least 1.',
    );
  }
  const key = drawKey(seedHex, externalEntropy);
  const sizes = tierSizes(input.population, input.rates);
  const recused = new Map(input.recusals.map((r) => [r.entityId, new Set(r.inspectorIds)]));
  const targets: DrawnTarget[] = [];
  for (const [tier, members] of tiersOf(input.population)) {
    const m = sizes[tier]?.sample ?? 0;
    if (m === 0) continue;
    for (const entity of pick(members, m, createStream(key, `targets/${tier}`))) {
      const excluded = recused.get(entity.id);
      const eligible = input.inspectors.filter((i) => !excluded?.has(i.id));
      if (eligible.length < input.inspectorsPerTarget) {
        throw new DrawError(
          {
            kind: 'too-few-inspectors',
            entityId: entity.id,
            eligible: eligible.length,
            required: input.inspectorsPerTarget,
          },
          `Only ${eligible.length} inspectors may inspect ${entity.id}; the plan needs ${input.inspectorsPerTarget}.`,
        );
      }
      const drawn = pick(eligible, input.inspectorsPerTarget, createStream(key, `inspectors/${entity.id}`));
      targets.push({ id: entity.id, tier, inspectorIds: drawn.map((i) => i.id) });
    }
  }
  return targets;
}
