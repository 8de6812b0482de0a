/**
 * Re-checks a published random inspection draw from its published data alone, with the same algorithm
 * module the server draws with (server/draws/draw-algorithm.ts).
 *
 *   tsx scripts/verify-draw.ts DRAW_ID [--url BASE_URL]     fetch BASE_URL/api/v1/draws/DRAW_ID
 *   tsx scripts/verify-draw.ts FILE                         a saved copy of that document (JSON)
 *     [--expect-commitment HEX] [--expect-plan-hash HEX]    values you noted when the plan was published
 *
 * BASE_URL defaults to PUBLIC_BASE_URL, then http://localhost:3000. Checks: the population and the
 * inspector pool against their published hashes, the sample sizes per tier, the plan fingerprint; once
 * executed, the seed against the commitment, the whole draw re-run to the published targets and
 * inspectors, recusals honoured, results only for drawn targets.
 *
 * Exit status: 0 every check passes on an executed draw; 1 a check fails (each failure is named);
 * 2 usage, fetch or format error; 3 the plan checks out but has not been executed yet (seed still secret).
 */
import fs from 'node:fs';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import {
  commitmentOf,
  DrawError,
  inspectorPoolHashOf,
  planFingerprintOf,
  planHashOf,
  populationHashOf,
  runDraw,
  tierSizes,
  type DrawnTarget,
} from '../server/draws/draw-algorithm';
import { drawIdSchema, drawViewSchema, type DrawView } from '../server/draws/draw-schema';

class UsageError extends Error {}

const HEX64 = /^[0-9a-f]{64}$/;

interface Options {
  source: { file: string } | { url: string };
  expectCommitment?: string;
  expectPlanHash?: string;
}

function hexOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const hex = value.trim().toLowerCase();
  if (!HEX64.test(hex))
    throw new UsageError(`${name} must be a SHA-256 in hex (64 characters), not "${value}"`);
  return hex;
}

function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'expect-commitment': { type: 'string' },
      'expect-plan-hash': { type: 'string' },
    },
  });
  if (positionals.length !== 1) {
    throw new UsageError(
      'Usage: verify-draw DRAW_ID|FILE [--url BASE_URL] [--expect-commitment HEX] [--expect-plan-hash HEX]',
    );
  }
  const target = positionals[0] as string;
  const expectCommitment = hexOption(values['expect-commitment'], '--expect-commitment');
  const expectPlanHash = hexOption(values['expect-plan-hash'], '--expect-plan-hash');
  if (fs.existsSync(target)) {
    if (values.url !== undefined) throw new UsageError('--url goes with a draw id, not with a file');
    return { source: { file: target }, expectCommitment, expectPlanHash };
  }
  if (!drawIdSchema.safeParse(target).success) {
    throw new UsageError(`"${target}" is neither a file nor a draw id (DR and 16 of A-Z, 2-7)`);
  }
  const base = (values.url ?? process.env.PUBLIC_BASE_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) throw new UsageError(`--url must be an http(s) URL, not "${base}"`);
  return { source: { url: `${base}/api/v1/draws/${target}` }, expectCommitment, expectPlanHash };
}

async function load(source: Options['source']): Promise<unknown> {
  if ('file' in source) {
    try {
      return JSON.parse(fs.readFileSync(source.file, 'utf8'));
    } catch (error) {
      throw new UsageError(`Cannot read ${source.file} as JSON: ${(error as Error).message}`);
    }
  }
  let res: Response;
  try {
    res = await fetch(source.url, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new UsageError(`Cannot fetch ${source.url}: ${(error as Error).message}`);
  }
  if (!res.ok) throw new UsageError(`GET ${source.url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** The checks of one draw, in order; each failure is named. */
function verify(draw: DrawView, options: Options): { failures: string[]; executed: boolean } {
  const failures: string[] = [];
  const check = (ok: boolean, what: string, detail = '') => {
    console.log(`${ok ? 'ok      ' : 'MISMATCH'} ${what}${!ok && detail ? `: ${detail}` : ''}`);
    if (!ok) failures.push(what);
  };
  const { snapshot } = draw;

  if (options.expectCommitment) {
    check(draw.commitment === options.expectCommitment, 'commitment is the one noted at publication');
  }
  if (options.expectPlanHash) {
    check(draw.planHash === options.expectPlanHash, 'plan hash is the one noted at publication');
  }
  const planHash = planHashOf(planFingerprintOf(draw));
  check(planHash === draw.planHash, 'plan fingerprint matches planHash', `computed ${planHash}`);

  const populationHash = populationHashOf(snapshot.population);
  check(populationHash === draw.population.hash, 'population matches its hash', `computed ${populationHash}`);
  check(
    snapshot.population.length === draw.population.size,
    'population size',
    `${snapshot.population.length}`,
  );
  const poolHash = inspectorPoolHashOf(snapshot.inspectors, snapshot.recusals);
  check(
    poolHash === draw.inspectorPool.hash,
    'inspector pool and recusals match their hash',
    `computed ${poolHash}`,
  );
  check(snapshot.inspectors.length === draw.inspectorPool.size, 'inspector pool size');
  try {
    const sizes = tierSizes(snapshot.population, draw.rates);
    check(isDeepStrictEqual(sizes, draw.population.tiers), 'sample size per tier', JSON.stringify(sizes));
  } catch (error) {
    check(false, 'sample size per tier', (error as Error).message);
  }

  const execution = draw.execution;
  if (draw.state !== 'executed' || !execution) {
    console.log(`not executed yet: seed secret, commitment ${draw.commitment}`);
    return { failures, executed: false };
  }

  check(
    commitmentOf(execution.seed) === draw.commitment,
    'seed matches the commitment (SHA-256 of the seed)',
  );
  check(
    (draw.externalEntropySource === undefined) === (execution.externalEntropy === undefined),
    'external entropy given exactly when the plan names a source',
  );

  let rerun: DrawnTarget[] | undefined;
  try {
    rerun = runDraw(
      {
        population: snapshot.population,
        rates: draw.rates,
        inspectorsPerTarget: draw.inspectorsPerTarget,
        inspectors: snapshot.inspectors,
        recusals: snapshot.recusals,
      },
      execution.seed,
      execution.externalEntropy,
    );
  } catch (error) {
    check(false, 're-run of the draw', error instanceof DrawError ? error.message : String(error));
  }
  if (rerun) {
    const published = execution.targets.map(({ id, tier, inspectorIds }) => ({ id, tier, inspectorIds }));
    const firstDiff = rerun.findIndex((t, i) => !isDeepStrictEqual(t, published[i]));
    check(
      rerun.length === published.length && firstDiff === -1,
      're-run gives the published targets and inspectors',
      firstDiff === -1
        ? `${rerun.length} targets re-drawn, ${published.length} published`
        : `position ${firstDiff}: re-drawn ${JSON.stringify(rerun[firstDiff])}, published ${JSON.stringify(published[firstDiff])}`,
    );
  }

  const names = new Map(snapshot.population.map((e) => [e.id, e.name]));
  check(
    execution.targets.every((t) => names.get(t.id) === t.name),
    'targets carry their names from the population',
  );
  const pool = new Set(snapshot.inspectors.map((i) => i.id));
  const recused = new Map(snapshot.recusals.map((r) => [r.entityId, new Set(r.inspectorIds)]));
  const violation = execution.targets.find((t) => t.inspectorIds.some((i) => recused.get(t.id)?.has(i)));
  check(violation === undefined, 'no inspector drawn for a target they are recused from', violation?.id);
  check(
    execution.targets.every(
      (t) =>
        t.inspectorIds.length === draw.inspectorsPerTarget &&
        new Set(t.inspectorIds).size === t.inspectorIds.length &&
        t.inspectorIds.every((i) => pool.has(i)),
    ),
    `${draw.inspectorsPerTarget} distinct inspectors of the pool per target`,
  );
  const drawn = new Set(execution.targets.map((t) => t.id));
  check(
    draw.results.every((r) => drawn.has(r.targetId)),
    'results only for drawn targets',
  );
  return { failures, executed: true };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const parsed = drawViewSchema.safeParse(await load(options.source));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `Not a published draw document (${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  const draw = parsed.data;
  console.log(`draw ${draw.id} (${draw.algorithm}): ${draw.title}`);
  console.log(`state ${draw.state}; population ${draw.population.size}; plan hash ${draw.planHash}`);
  const { failures, executed } = verify(draw, options);
  if (failures.length > 0) {
    console.log(`FAILED: ${failures.length} check(s) do not hold: ${failures.join('; ')}`);
    return 1;
  }
  if (!executed) {
    console.log('PLAN OK: the published plan checks out; re-run the check after the draw is executed.');
    return 3;
  }
  console.log(
    `OK: the draw re-runs to the published result (${draw.execution?.targets.length ?? 0} targets).`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    console.error(usage ? (error as Error).message : error);
    process.exitCode = 2;
  },
);
