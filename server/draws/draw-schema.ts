import { z } from 'zod';
import { pageOf } from '../platform/paging';
import { APPROVAL_STATUSES, bodyCodeSchema } from '../bodies/body-schema';
import { STATUSES } from '../certificates/certificate-schema';
import { findScheme, SCHEME_CODES } from '../schemes/schemes';
import { hasForbiddenCharacters, normalizeIdentifier, normalizeText } from '../platform/normalize';
import { multiline, singleLine } from '../platform/text-input';
import { DRAW_ALGORITHM } from './draw-algorithm';

/**
 * Risk tiers (credit levels) a plan gives sampling rates for: A is the lowest risk (best credit), D the
 * highest. DOMAIN.md's example: D 30 %, C 10 %, B 2 %, A 1 %.
 */
export const RISK_TIERS = ['A', 'B', 'C', 'D'] as const;
export const riskTierSchema = z.enum(RISK_TIERS);
export type RiskTier = z.infer<typeof riskTierSchema>;
/** The tier of an entity no credit level is known for. */
export const LOWEST_RISK_TIER: RiskTier = 'A';

/** Draw ids: `DR` and 16 base32 characters (80 random bits); safe in URLs and as a CLI argument. */
export const drawIdSchema = z.string().regex(/^DR[A-Z2-7]{16}$/, 'draw id: DR and 16 of A-Z, 2-7');

/** What a plan's population is made of. */
export const POPULATION_KINDS = ['holders', 'bodies'] as const;
export type PopulationKind = (typeof POPULATION_KINDS)[number];

/**
 * A typed value that is mixed into the draw (the external entropy): no control or invisible characters,
 * half-width, trimmed, so that the same numbers typed in either width draw the same. Prose (a title, a
 * description, a result's summary) goes through `singleLine`/`multiline` and keeps its punctuation.
 */
const typedValue = (min: number, max: number) =>
  z
    .string()
    .max(max * 2)
    .refine((v) => !hasForbiddenCharacters(v), {
      message: 'must not contain control or invisible characters',
      params: { code: 'INVALID_CHARACTERS' },
    })
    .transform(normalizeText)
    .pipe(z.string().min(min).max(max));

/** A list given as a set: no repeats, in code-unit order, so equal filters publish (and hash) the same. */
const asSortedSet = <T extends string>(values: T[]): T[] =>
  [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const bodyCodesInput = z
  .array(
    z
      .string()
      .max(64)
      .transform(normalizeIdentifier)
      // A params code, not meta: parseInput finds meta codes only on top-level fields.
      .refine((v) => bodyCodeSchema.safeParse(v).success, {
        message: 'body code: 2-32 of A-Z, 0-9, -',
        params: { code: 'INVALID_BODY_CODE' },
      }),
  )
  .min(1)
  .max(200)
  .transform(asSortedSet);

const schemesInput = z
  .array(
    z
      .string()
      .max(32)
      .refine((v) => findScheme(v) !== undefined, {
        message: `scheme must be one of ${SCHEME_CODES.join(', ')}`,
        params: { code: 'UNKNOWN_SCHEME' },
      })
      .transform((v) => findScheme(v)?.code as string),
  )
  .min(1)
  .max(SCHEME_CODES.length * 2)
  .transform(asSortedSet);

/** Holders of certificates in the registry, narrowed by scheme, body, administrative division and status. */
const holdersFilterInput = z.strictObject({
  kind: z.literal('holders'),
  schemes: schemesInput.optional(),
  bodyCodes: bodyCodesInput.optional(),
  /**
   * Leading digits (2 to 6) of the administrative division in the credit code (its characters 3-8):
   * `50` is Chongqing, `500106` Shapingba District.
   */
  divisionPrefix: z
    .string()
    .regex(/^\d{2,6}$/, 'division prefix: 2 to 6 digits of the administrative division code')
    .optional(),
  /** Effective certificate statuses on the plan's date that make a holder part of the population. */
  statuses: z
    .array(z.enum(STATUSES))
    .min(1)
    .max(STATUSES.length * 2)
    .transform(asSortedSet)
    .default(['suspended', 'valid']),
});

/** Certifying bodies of the body register, narrowed by approval status and code. */
const bodiesFilterInput = z.strictObject({
  kind: z.literal('bodies'),
  bodyCodes: bodyCodesInput.optional(),
  approvalStatuses: z
    .array(z.enum(APPROVAL_STATUSES))
    .min(1)
    .max(APPROVAL_STATUSES.length * 2)
    .transform(asSortedSet)
    .default(['approved']),
});

export const populationFilterInput = z.discriminatedUnion('kind', [holdersFilterInput, bodiesFilterInput]);
export type PopulationFilter = z.output<typeof populationFilterInput>;

/** A sampling rate in percent, at most two decimals (0.5 = one in two hundred). */
const rateInput = z
  .number()
  .min(0)
  .max(100)
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) <= 1e-6, 'a percentage with at most two decimals');

export const ratesInput = z
  .strictObject({
    A: rateInput.optional(),
    B: rateInput.optional(),
    C: rateInput.optional(),
    D: rateInput.optional(),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), 'give a rate for at least one tier')
  .transform((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Rates);
export type Rates = Partial<Record<RiskTier, number>>;

/** POST /draws: a plan. The population is taken, and the inspector pool fixed, when it is published. */
export const createDrawSchema = z.strictObject({
  title: singleLine(1, 200),
  description: multiline(1, 2000).optional(),
  population: populationFilterInput,
  /** Sampling rate (percent) per risk tier; every tier the population has needs one. */
  rates: ratesInput,
  inspectorsPerTarget: z.number().int().min(2).max(10).default(2),
  /**
   * The public value to be mixed into the seed at execution, described so anyone can look it up later
   * (e.g. the winning numbers of a named lottery draw after the plan's publication). Optional.
   */
  externalEntropySource: singleLine(1, 500).optional(),
});
export type CreateDrawRequest = z.output<typeof createDrawSchema>;

/** POST /draws/:id/execution. */
export const executeDrawSchema = z.strictObject({
  /** The value of the plan's external entropy source; required exactly when the plan names one. */
  externalEntropy: typedValue(1, 500).optional(),
});

export const INSPECTION_OUTCOMES = [
  'no_problem',
  'rectification_ordered',
  'case_opened',
  'not_located',
] as const;

/** POST /draws/:id/results: the outcome of the inspection of one drawn target. */
export const drawResultInput = z.strictObject({
  /** The target's credit code (holders) or body code (bodies). */
  targetId: z.string().max(64).transform(normalizeIdentifier).pipe(z.string().min(2).max(32)),
  outcome: z.enum(INSPECTION_OUTCOMES),
  /** What was found, as published (no personal data). */
  summary: multiline(1, 2000),
  inspectedOn: z.iso.date(),
});
export type DrawResultRequest = z.output<typeof drawResultInput>;

export const drawParamsSchema = z.strictObject({
  id: z.string().max(64).pipe(drawIdSchema).meta({ errorCode: 'INVALID_DRAW_ID' }),
});

/** A whole decimal number in a query string (no hex, exponents or signs). */
const queryInteger = z
  .string()
  .regex(/^\d{1,6}$/, 'a whole number')
  .transform(Number);

export const drawListQuerySchema = z.strictObject({
  page: queryInteger.pipe(z.number().min(1)).default(1).meta({ errorCode: 'INVALID_PAGE' }),
  pageSize: queryInteger.pipe(z.number().min(1).max(100)).default(20).meta({ errorCode: 'INVALID_PAGE' }),
});

// ---------------------------------------------------------------------------------------------------
// Stored and published shapes.

const hashHex = z.string().regex(/^[0-9a-f]{64}$/);

const entitySchema = z.object({ id: z.string(), name: z.string(), tier: z.string() });
const poolInspectorSchema = z.object({ id: z.string(), name: z.string(), unit: z.string() });
const recusalSchema = z.object({ entityId: z.string(), inspectorIds: z.array(z.string()) });

/** What the draw runs on, fixed when the plan is published: population with tiers, inspector pool, recusals. */
export const drawSnapshotSchema = z
  .object({
    population: z.array(entitySchema),
    inspectors: z.array(poolInspectorSchema),
    /** Who may not inspect whom (declared conflicts); the reasons stay in the directory. */
    recusals: z.array(recusalSchema),
  })
  .meta({ id: 'DrawSnapshot' });
export type DrawSnapshot = z.infer<typeof drawSnapshotSchema>;

const tierSizeSchema = z.object({ population: z.number().int(), sample: z.number().int() });

export const drawTargetSchema = z.object({
  id: z.string(),
  name: z.string(),
  tier: z.string(),
  inspectorIds: z.array(z.string()),
});
export type DrawTarget = z.infer<typeof drawTargetSchema>;

/** The published execution: the seed, the entropy mixed in, the targets with their inspectors. */
export const drawExecutionSchema = z.object({
  executedAt: z.iso.datetime(),
  /** The seed committed to when the plan was published (32 bytes, hex). */
  seed: hashHex,
  externalEntropy: z.string().optional(),
  targets: z.array(drawTargetSchema),
});
export type DrawExecution = z.infer<typeof drawExecutionSchema>;

/** The plan as published before the draw (plus its execution once there is one). */
export const publicDrawSchema = z
  .object({
    id: drawIdSchema,
    algorithm: z.literal(DRAW_ALGORITHM),
    state: z.enum(['published', 'executed']),
    title: z.string(),
    description: z.string().optional(),
    createdAt: z.iso.datetime(),
    population: z.object({
      filter: z.record(z.string(), z.unknown()),
      /** The date effective certificate statuses were judged on (China time). */
      asOf: z.iso.date(),
      size: z.number().int(),
      hash: hashHex,
      tiers: z.record(z.string(), tierSizeSchema),
    }),
    rates: z.record(z.string(), z.number()),
    inspectorsPerTarget: z.number().int(),
    inspectorPool: z.object({ size: z.number().int(), hash: hashHex }),
    /** SHA-256 of the secret seed: published now, the seed itself at execution. */
    commitment: hashHex,
    externalEntropySource: z.string().optional(),
    /** SHA-256 of the canonical JSON of the plan's fingerprint (see draw-algorithm.ts). */
    planHash: hashHex,
    execution: drawExecutionSchema.optional(),
  })
  .meta({ id: 'DrawSummary' });
export type PublicDraw = z.infer<typeof publicDrawSchema>;

/** A draw as stored: the public plan and the secret seed (revealed in `execution` only). */
export const storedDrawSchema = publicDrawSchema.extend({ seed: hashHex });
export type StoredDraw = z.infer<typeof storedDrawSchema>;

export const drawResultSchema = z
  .object({
    targetId: z.string(),
    outcome: z.enum(INSPECTION_OUTCOMES),
    summary: z.string(),
    inspectedOn: z.iso.date(),
    recordedAt: z.iso.datetime(),
  })
  .meta({ id: 'DrawResult' });
export type DrawResult = z.infer<typeof drawResultSchema>;

/** GET /draws/:id: everything needed to re-run the draw, and the inspection results. */
export const drawViewSchema = publicDrawSchema
  .extend({
    snapshot: drawSnapshotSchema,
    /** Inspection outcomes in the order recorded; a later one for the same target supersedes, both stay. */
    results: z.array(drawResultSchema),
  })
  .meta({ id: 'Draw' });
export type DrawView = z.infer<typeof drawViewSchema>;

export const drawListSchema = pageOf(publicDrawSchema).meta({ id: 'DrawList' });
