import { randomBytes } from 'node:crypto';
import type { Actor } from '../audit/audit-schema';
import type { AuditService } from '../audit/audit-service';
import type { BodyService } from '../bodies/body-service';
import type { StoredStatus } from '../certificates/certificate-schema';
import { effectiveStatus } from '../certificates/certificate-status';
import { todayInChina } from '../platform/china-time';
import { AppError } from '../platform/errors';
import { createKeyedLock } from '../platform/keyed-lock';
import {
  commitmentOf,
  DRAW_ALGORITHM,
  DrawError,
  inspectorPoolHashOf,
  inspectorShortfall,
  planFingerprintOf,
  planHashOf,
  populationHashOf,
  runDraw,
  tierSizes,
  type DrawEntity,
  type DrawInspector,
  type DrawnTarget,
  type DrawRecusal,
} from './draw-algorithm';
import type { DrawRepository } from './draw-repository';
import {
  drawResultSchema,
  LOWEST_RISK_TIER,
  RISK_TIERS,
  type CreateDrawRequest,
  type DrawExecution,
  type DrawResult,
  type DrawResultRequest,
  type DrawView,
  type PopulationFilter,
  type PublicDraw,
  type RiskTier,
  type StoredDraw,
} from './draw-schema';
import { subjectRef, type CreditService, type CreditSubject } from '../dishonesty/credit-service';
import type { InspectorService } from '../inspectors/inspector-service';
import { pageWindow } from '../platform/paging';

/** An entity a tier is asked for. */
export interface EntityRef {
  kind: 'holder' | 'body';
  /** Credit code (holder) or body code (body). */
  id: string;
}

/**
 * The risk tiers (credit levels) of many entities at once, by id; an entity left out gets the lowest
 * risk tier. `tiersFromCredit` is the real one; `lowestTierForAll` makes every entity tier A.
 */
export type TierSource = (entities: readonly EntityRef[]) => Promise<ReadonlyMap<string, RiskTier>>;

export const lowestTierForAll: TierSource = async () => new Map();

/** The tier source backed by the credit service: an entity's risk tier is its credit level (A-D). */
export function tiersFromCredit(credit: Pick<CreditService, 'assess'>): TierSource {
  return async (entities) => {
    const subjects: CreditSubject[] = entities.map((e) =>
      e.kind === 'holder' ? { kind: 'organisation', creditCode: e.id } : { kind: 'body', bodyCode: e.id },
    );
    const assessed = await credit.assess(subjects);
    const tiers = new Map<string, RiskTier>();
    subjects.forEach((subject, i) => {
      const level = assessed.get(subjectRef(subject))?.level;
      if (level) tiers.set((entities[i] as EntityRef).id, level);
    });
    return tiers;
  };
}

/** Above this many entities a plan is refused: its snapshot is published whole with the plan. */
export const DEFAULT_MAX_POPULATION = 100_000;

export interface DrawService {
  /** Published plans, newest first, without their snapshots. */
  list(page: number, pageSize: number): Promise<{ items: PublicDraw[]; total: number }>;
  /** Executed draws only, newest plan first, without their snapshots: the public `/draws` page. */
  listExecuted(page: number, pageSize: number): Promise<{ items: PublicDraw[]; total: number }>;
  /** The published plan with its snapshot and results; the seed only once executed. DRAW_NOT_FOUND otherwise. */
  get(id: string): Promise<DrawView>;
  /**
   * Publishes a plan: takes the population and its tiers, fixes the inspector pool and recusals, draws
   * the secret seed and publishes its commitment. Audited.
   */
  create(request: CreateDrawRequest, actor: Actor): Promise<DrawView>;
  /** Reveals the seed and runs the draw (once). Audited. */
  execute(id: string, input: { externalEntropy?: string }, actor: Actor): Promise<DrawView>;
  /** Publishes the outcome of one target's inspection. Audited. */
  addResult(id: string, input: DrawResultRequest, actor: Actor): Promise<DrawResult>;
}

export interface DrawServiceDeps {
  draws: DrawRepository;
  bodies: Pick<BodyService, 'list'>;
  inspectors: Pick<InspectorService, 'list'>;
  audit: Pick<AuditService, 'record'>;
  tiers?: TierSource;
  maxPopulation?: number;
  now?: () => Date;
  /** 32 random bytes (tests may fix them; production never does). */
  randomSeed?: () => Buffer;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** 80 random bits as `DR` + 16 base32 characters. */
function newDrawId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = 'DR';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** The published face of a stored plan: everything but the secret seed (which `execution` carries once run). */
function toPublicDraw(stored: StoredDraw): PublicDraw {
  const { seed: _secret, ...published } = stored;
  return published;
}

function populationTooLarge(max: number): AppError {
  return new AppError(
    'DRAW_POPULATION_TOO_LARGE',
    `The population has more than ${max} entities; narrow it (schemes, bodies, division) or split the plan.`,
  );
}

export function createDrawService(deps: DrawServiceDeps): DrawService {
  const { draws, bodies, inspectors, audit } = deps;
  const tiers = deps.tiers ?? lowestTierForAll;
  const maxPopulation = deps.maxPopulation ?? DEFAULT_MAX_POPULATION;
  const now = deps.now ?? (() => new Date());
  const randomSeed = deps.randomSeed ?? (() => randomBytes(32));
  // Execution and result recording of one plan run one at a time in this process.
  const lock = createKeyedLock();

  async function existing(id: string): Promise<StoredDraw> {
    const stored = await draws.findById(id);
    if (!stored) throw new AppError('DRAW_NOT_FOUND', `No draw has the id ${id}.`);
    return stored;
  }

  async function view(stored: StoredDraw): Promise<DrawView> {
    const [snapshot, results] = await Promise.all([draws.snapshot(stored.id), draws.results(stored.id)]);
    if (!snapshot) throw new AppError('DRAW_NOT_FOUND', `No draw has the id ${stored.id}.`);
    return { ...toPublicDraw(stored), snapshot, results };
  }

  /** Holders with at least one certificate the filter keeps; the name from their latest such certificate. */
  async function holders(
    filter: Extract<PopulationFilter, { kind: 'holders' }>,
    asOf: string,
  ): Promise<{ id: string; name: string }[]> {
    const statuses = new Set<string>(filter.statuses);
    const schemes = filter.schemes ? new Set(filter.schemes) : undefined;
    const found = new Map<string, { name: string; updatedAt: string }>();
    for await (const c of draws.holderCertificates({ bodyCodes: filter.bodyCodes })) {
      if (schemes && !schemes.has(c.scheme)) continue;
      if (filter.divisionPrefix && !c.creditCode.slice(2, 8).startsWith(filter.divisionPrefix)) continue;
      // Stored statuses come from the registry, whose schema admits only the four stored ones.
      const status = effectiveStatus(
        { status: c.status as StoredStatus, expiryDate: c.expiryDate },
        asOf,
      ).status;
      if (!statuses.has(status)) continue;
      const seen = found.get(c.creditCode);
      // The latest report names the holder; equal times fall to the smaller name, so every backend agrees.
      if (
        !seen ||
        c.updatedAt > seen.updatedAt ||
        (c.updatedAt === seen.updatedAt && c.holderName < seen.name)
      ) {
        found.set(c.creditCode, { name: c.holderName, updatedAt: c.updatedAt });
        if (found.size > maxPopulation) throw populationTooLarge(maxPopulation);
      }
    }
    return [...found].map(([id, { name }]) => ({ id, name }));
  }

  async function certifyingBodies(
    filter: Extract<PopulationFilter, { kind: 'bodies' }>,
  ): Promise<{ id: string; name: string }[]> {
    const statuses = new Set<string>(filter.approvalStatuses);
    const codes = filter.bodyCodes ? new Set(filter.bodyCodes) : undefined;
    const found = (await bodies.list())
      .filter((b) => statuses.has(b.approvalStatus) && (!codes || codes.has(b.code)))
      .map((b) => ({ id: b.code, name: b.name }));
    if (found.length > maxPopulation) throw populationTooLarge(maxPopulation);
    return found;
  }

  /** The active inspectors (id order) and, for entities of the population, who is recused from whom. */
  async function pool(
    kind: EntityRef['kind'],
    population: readonly DrawEntity[],
  ): Promise<{ inspectors: DrawInspector[]; recusals: DrawRecusal[] }> {
    const active = await inspectors.list({ active: true });
    const ids = new Set(population.map((e) => e.id));
    const recused = new Map<string, string[]>();
    for (const inspector of active) {
      for (const conflict of inspector.conflicts) {
        if (conflict.kind !== kind || !ids.has(conflict.code)) continue;
        const list = recused.get(conflict.code) ?? [];
        if (!list.includes(inspector.id)) list.push(inspector.id);
        recused.set(conflict.code, list);
      }
    }
    return {
      inspectors: active
        .map(({ id, name, unit }) => ({ id, name, unit }))
        .sort((a, b) => byCodeUnits(a.id, b.id)),
      recusals: [...recused]
        .sort(([a], [b]) => byCodeUnits(a, b))
        .map(([entityId, inspectorIds]) => ({ entityId, inspectorIds: inspectorIds.sort(byCodeUnits) })),
    };
  }

  return {
    async list(page, pageSize) {
      const [items, total] = await Promise.all([draws.list(pageWindow({ page, pageSize })), draws.count()]);
      return { items: items.map(toPublicDraw), total };
    },

    async listExecuted(page, pageSize) {
      const [items, total] = await Promise.all([
        draws.list(pageWindow({ page, pageSize }), 'executed'),
        draws.count('executed'),
      ]);
      return { items: items.map(toPublicDraw), total };
    },

    async get(id) {
      return view(await existing(id));
    },

    async create(request, actor) {
      const at = now();
      const createdAt = at.toISOString();
      const asOf = todayInChina(at.getTime());
      const filter = request.population;
      const kind: EntityRef['kind'] = filter.kind === 'holders' ? 'holder' : 'body';
      const members =
        filter.kind === 'holders' ? await holders(filter, asOf) : await certifyingBodies(filter);
      if (members.length === 0) {
        throw new AppError('DRAW_POPULATION_EMPTY', 'No entity matches the population filter.');
      }
      const tierOf = await tiers(members.map((m) => ({ kind, id: m.id })));
      const population: DrawEntity[] = members
        .map((m) => {
          const tier = tierOf.get(m.id) ?? LOWEST_RISK_TIER;
          // A tier source answering outside the known tiers is a programming error, not bad input.
          if (!(RISK_TIERS as readonly string[]).includes(tier)) throw new Error(`unknown risk tier ${tier}`);
          return { id: m.id, name: m.name, tier };
        })
        .sort((a, b) => byCodeUnits(a.id, b.id));

      let sizes: Record<string, { population: number; sample: number }>;
      try {
        sizes = tierSizes(population, request.rates);
      } catch (error) {
        if (error instanceof DrawError && error.problem.kind === 'rate-missing') {
          throw new AppError('DRAW_RATE_MISSING', error.message, { details: { tiers: error.problem.tiers } });
        }
        throw error;
      }

      const { inspectors: poolInspectors, recusals } = await pool(kind, population);
      // Only entities of tiers that are sampled can be drawn; each of them needs enough inspectors.
      const drawable = population.filter((e) => (sizes[e.tier]?.sample ?? 0) > 0);
      const shortfall = inspectorShortfall({
        population: drawable,
        rates: request.rates,
        inspectorsPerTarget: request.inspectorsPerTarget,
        inspectors: poolInspectors,
        recusals,
      });
      if (shortfall) {
        throw new AppError(
          'DRAW_TOO_FEW_INSPECTORS',
          `Only ${shortfall.eligible} active inspectors without a declared conflict may inspect ${shortfall.entityId}; ` +
            `the plan needs ${shortfall.required} per target. Add or activate inspectors, or lower inspectorsPerTarget.`,
          { details: { ...shortfall, activeInspectors: poolInspectors.length } },
        );
      }

      const seed = randomSeed().toString('hex');
      const published: Omit<PublicDraw, 'planHash'> = {
        id: newDrawId(),
        algorithm: DRAW_ALGORITHM,
        state: 'published',
        title: request.title,
        ...(request.description === undefined ? {} : { description: request.description }),
        createdAt,
        population: {
          filter: { ...filter },
          asOf,
          size: population.length,
          hash: populationHashOf(population),
          tiers: sizes,
        },
        rates: request.rates,
        inspectorsPerTarget: request.inspectorsPerTarget,
        inspectorPool: { size: poolInspectors.length, hash: inspectorPoolHashOf(poolInspectors, recusals) },
        commitment: commitmentOf(seed),
        ...(request.externalEntropySource === undefined
          ? {}
          : { externalEntropySource: request.externalEntropySource }),
      };
      const plan: PublicDraw = { ...published, planHash: planHashOf(planFingerprintOf(published)) };
      const snapshot = { population, inspectors: poolInspectors, recusals };
      await draws.create({ ...plan, seed }, snapshot);
      // The entry fixes the commitment in the hash chain before anyone can see the seed (never logged here).
      await audit.record(actor, 'draw.create', { type: 'draw', id: plan.id }, plan);
      return { ...plan, snapshot, results: [] };
    },

    execute(id, input, actor) {
      return lock.run(id, async () => {
        const stored = await existing(id);
        if (stored.state === 'executed') {
          throw new AppError(
            'DRAW_ALREADY_EXECUTED',
            `The draw ${id} was executed on ${stored.execution?.executedAt}.`,
          );
        }
        if ((stored.externalEntropySource === undefined) !== (input.externalEntropy === undefined)) {
          throw new AppError(
            'DRAW_ENTROPY_MISMATCH',
            stored.externalEntropySource === undefined
              ? 'This plan names no external entropy source: execute it without externalEntropy.'
              : `This plan mixes in a public value: give externalEntropy, the value of "${stored.externalEntropySource}".`,
          );
        }
        const snapshot = await draws.snapshot(id);
        if (!snapshot) throw new AppError('DRAW_NOT_FOUND', `No draw has the id ${id}.`);
        let drawn: DrawnTarget[];
        try {
          drawn = runDraw(
            {
              population: snapshot.population,
              rates: stored.rates,
              inspectorsPerTarget: stored.inspectorsPerTarget,
              inspectors: snapshot.inspectors,
              recusals: snapshot.recusals,
            },
            stored.seed,
            input.externalEntropy,
          );
        } catch (error) {
          // Checked when the plan was published; kept for a snapshot written by an older version.
          if (error instanceof DrawError && error.problem.kind === 'too-few-inspectors') {
            throw new AppError('DRAW_TOO_FEW_INSPECTORS', error.message, { details: { ...error.problem } });
          }
          throw error;
        }
        const names = new Map(snapshot.population.map((e) => [e.id, e.name]));
        const execution: DrawExecution = {
          executedAt: now().toISOString(),
          seed: stored.seed,
          ...(input.externalEntropy === undefined ? {} : { externalEntropy: input.externalEntropy }),
          targets: drawn.map((t) => ({
            id: t.id,
            name: names.get(t.id) ?? '',
            tier: t.tier,
            inspectorIds: t.inspectorIds,
          })),
        };
        if (!(await draws.markExecuted(id, execution))) {
          throw new AppError('DRAW_ALREADY_EXECUTED', `The draw ${id} was executed already.`);
        }
        await audit.record(actor, 'draw.execute', { type: 'draw', id }, execution);
        return view({ ...stored, state: 'executed', execution });
      });
    },

    addResult(id, input, actor) {
      return lock.run(id, async () => {
        const stored = await existing(id);
        if (stored.state !== 'executed' || !stored.execution) {
          throw new AppError(
            'DRAW_NOT_EXECUTED',
            `The draw ${id} has not been executed yet: it has no targets.`,
          );
        }
        if (!stored.execution.targets.some((t) => t.id === input.targetId)) {
          throw new AppError('DRAW_NOT_A_TARGET', `${input.targetId} was not drawn in ${id}.`);
        }
        const today = todayInChina(now().getTime());
        const executedOn = todayInChina(Date.parse(stored.execution.executedAt));
        if (input.inspectedOn > today || input.inspectedOn < executedOn) {
          throw new AppError(
            'VALIDATION_FAILED',
            `inspectedOn: must be between the draw (${executedOn}) and today (${today})`,
            { details: { errors: [{ field: 'inspectedOn', message: 'outside the inspection period' }] } },
          );
        }
        const result = drawResultSchema.parse({ ...input, recordedAt: now().toISOString() });
        await draws.appendResult(id, result);
        await audit.record(actor, 'draw.result', { type: 'draw', id }, result);
        return result;
      });
    },
  };
}
