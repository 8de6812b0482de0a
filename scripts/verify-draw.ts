/**
 * Re-checks a published random inspection draw from its published data alone, with the same algorithm
 * module the server draws with (server/draws/draw-algorithm.ts).
 *
 *   tsx scripts/verify-draw.ts DRAW_ID [--url BASE_URL]     fetch BASE_URL/api/v1/draws/DRAW_ID
 *   tsx scripts/verify-draw.ts FILE                         a saved copy of that document (JSON)
 *     [--expect-commitment HEX] [--expect-plan-hash HEX]    values you noted when the plan was published
 *     [--lang zh|en] [--help]                               its language (default: the system locale)
 *
 * BASE_URL defaults to PUBLIC_BASE_URL, then http://localhost:3000. Checks: the population and the
 * inspector pool against their published hashes, the sample sizes per tier, the plan fingerprint; once
 * executed, the seed against the commitment, the whole draw re-run to the published targets and
 * inspectors, recusals honoured, results only for drawn targets.
 *
 * Every verdict, check and error is in Chinese or English (server/draws/draw-verify-texts.ts).
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
import { DRAW_VERIFY_TEXTS, type DrawCheck } from '../server/draws/draw-verify-texts';
import { fieldIssue } from '../server/platform/http';
import { fieldIssueZh } from '../server/platform/i18n';
import { cliLanguage } from './cli-lang';

class UsageError extends Error {}

// A --lang naming neither language is refused as a usage error, in the locale's language.
const { lang, valid: langValid } = cliLanguage();
const T = DRAW_VERIFY_TEXTS[lang];

const HEX64 = /^[0-9a-f]{64}$/;

interface Options {
  source: { file: string } | { url: string } | { help: true };
  expectCommitment?: string;
  expectPlanHash?: string;
}

function hexOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const hex = value.trim().toLowerCase();
  if (!HEX64.test(hex)) throw new UsageError(T.badHex(name, value));
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
      lang: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (!langValid) throw new UsageError(T.badLang);
  if (values.help) return { source: { help: true } };
  if (positionals.length !== 1) throw new UsageError(T.usage);
  const target = positionals[0] as string;
  const expectCommitment = hexOption(values['expect-commitment'], '--expect-commitment');
  const expectPlanHash = hexOption(values['expect-plan-hash'], '--expect-plan-hash');
  if (fs.existsSync(target)) {
    if (values.url !== undefined) throw new UsageError(T.urlWithFile);
    return { source: { file: target }, expectCommitment, expectPlanHash };
  }
  if (!drawIdSchema.safeParse(target).success) {
    throw new UsageError(T.notDrawId(target));
  }
  const base = (values.url ?? process.env.PUBLIC_BASE_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) throw new UsageError(T.badUrl(base));
  return { source: { url: `${base}/api/v1/draws/${target}` }, expectCommitment, expectPlanHash };
}

/** Why reading or fetching failed: the system's error code, else (in English only) its message. */
function why(error: unknown, fallback: string): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = (error as { code?: unknown }).code ?? cause?.code;
  if (typeof code === 'string') return code;
  return lang === 'en' ? (error as Error).message : fallback;
}

async function load(source: { file: string } | { url: string }): Promise<unknown> {
  if ('file' in source) {
    try {
      return JSON.parse(fs.readFileSync(source.file, 'utf8'));
    } catch (error) {
      throw new UsageError(T.cannotRead(source.file, why(error, T.notJson)));
    }
  }
  let res: Response;
  try {
    // A refusal's detail in the reader's language.
    res = await fetch(source.url, { headers: { accept: 'application/json', 'accept-language': lang } });
  } catch (error) {
    throw new UsageError(T.cannotFetch(source.url, why(error, String(error))));
  }
  if (!res.ok) throw new UsageError(T.answered(source.url, res.status, await res.text()));
  return res.json();
}

/** The checks of one draw, in order; each failure is named. */
function verify(draw: DrawView, options: Options): { failures: string[]; executed: boolean } {
  const failures: string[] = [];
  const check = (ok: boolean, key: DrawCheck, detail = '') => {
    const what =
      key === 'inspectorsPerTarget' ? T.checks.inspectorsPerTarget(draw.inspectorsPerTarget) : T.checks[key];
    console.log(`${ok ? T.ok : T.mismatch} ${!ok && detail ? T.detail(what, detail) : what}`);
    if (!ok) failures.push(what);
  };
  const { snapshot } = draw;

  if (options.expectCommitment) {
    check(draw.commitment === options.expectCommitment, 'commitmentNoted');
  }
  if (options.expectPlanHash) {
    check(draw.planHash === options.expectPlanHash, 'planHashNoted');
  }
  const planHash = planHashOf(planFingerprintOf(draw));
  check(planHash === draw.planHash, 'planFingerprint', T.computed(planHash));

  const populationHash = populationHashOf(snapshot.population);
  check(populationHash === draw.population.hash, 'populationHash', T.computed(populationHash));
  check(
    snapshot.population.length === draw.population.size,
    'populationSize',
    `${snapshot.population.length}`,
  );
  const poolHash = inspectorPoolHashOf(snapshot.inspectors, snapshot.recusals);
  check(poolHash === draw.inspectorPool.hash, 'poolHash', T.computed(poolHash));
  check(snapshot.inspectors.length === draw.inspectorPool.size, 'poolSize');
  try {
    const sizes = tierSizes(snapshot.population, draw.rates);
    check(isDeepStrictEqual(sizes, draw.population.tiers), 'tierSizes', JSON.stringify(sizes));
  } catch (error) {
    check(false, 'tierSizes', (error as Error).message);
  }

  const execution = draw.execution;
  if (draw.state !== 'executed' || !execution) {
    console.log(T.notExecuted(draw.commitment));
    return { failures, executed: false };
  }

  check(commitmentOf(execution.seed) === draw.commitment, 'seedCommitment');
  check(
    (draw.externalEntropySource === undefined) === (execution.externalEntropy === undefined),
    'externalEntropy',
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
    check(false, 'rerun', error instanceof DrawError ? error.message : String(error));
  }
  if (rerun) {
    const published = execution.targets.map(({ id, tier, inspectorIds }) => ({ id, tier, inspectorIds }));
    const firstDiff = rerun.findIndex((t, i) => !isDeepStrictEqual(t, published[i]));
    check(
      rerun.length === published.length && firstDiff === -1,
      'rerunResult',
      firstDiff === -1
        ? T.rerunCount(rerun.length, published.length)
        : T.rerunAt(firstDiff, JSON.stringify(rerun[firstDiff]), JSON.stringify(published[firstDiff])),
    );
  }

  const names = new Map(snapshot.population.map((e) => [e.id, e.name]));
  check(
    execution.targets.every((t) => names.get(t.id) === t.name),
    'targetNames',
  );
  const pool = new Set(snapshot.inspectors.map((i) => i.id));
  const recused = new Map(snapshot.recusals.map((r) => [r.entityId, new Set(r.inspectorIds)]));
  const violation = execution.targets.find((t) => t.inspectorIds.some((i) => recused.get(t.id)?.has(i)));
  check(violation === undefined, 'recusals', violation?.id);
  check(
    execution.targets.every(
      (t) =>
        t.inspectorIds.length === draw.inspectorsPerTarget &&
        new Set(t.inspectorIds).size === t.inspectorIds.length &&
        t.inspectorIds.every((i) => pool.has(i)),
    ),
    'inspectorsPerTarget',
  );
  const drawn = new Set(execution.targets.map((t) => t.id));
  check(
    draw.results.every((r) => drawn.has(r.targetId)),
    'results',
  );
  return { failures, executed: true };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if ('help' in options.source) {
    console.log(T.usage);
    return 0;
  }
  const parsed = drawViewSchema.safeParse(await load(options.source));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || (lang === 'zh' ? '文档' : 'document');
    const reason = !issue ? '' : lang === 'zh' ? fieldIssueZh(fieldIssue(issue)) : issue.message;
    throw new UsageError(T.notDocument(where, reason));
  }
  const draw = parsed.data;
  console.log(T.header(draw.id, draw.algorithm, draw.title));
  console.log(T.state(T.states[draw.state] ?? draw.state, draw.population.size, draw.planHash));
  const { failures, executed } = verify(draw, options);
  if (failures.length > 0) {
    console.log(T.failed(failures.length, failures.join(lang === 'zh' ? '；' : '; ')));
    return 1;
  }
  if (!executed) {
    console.log(T.planOk);
    return 3;
  }
  console.log(T.allOk(draw.execution?.targets.length ?? 0));
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = (error as Error).message;
    if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'))
      console.error(T.badCommandLine(/'([^']+)'/.exec(message)?.[1], message));
    else console.error(error instanceof UsageError ? message : error);
    process.exitCode = 2;
  },
);
