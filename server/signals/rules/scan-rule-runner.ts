import type { Redis } from 'ioredis';
import client from 'prom-client';
import type { Logger } from '../../platform/logger';
import type { Metrics } from '../../platform/metrics';
import { errorFields, throttledLog } from '../../platform/redis';
import type { ScanEvent } from '../../qr/qr-schema';
import type { DistinctWindow } from '../distinct-counter';
import { createMemoryDistinctCounter } from '../memory-distinct-counter';
import { createRedisDistinctCounter } from '../redis-distinct-counter';
import { signalDraftSchema, type SignalDraft } from '../signal-schema';
import type { ScanRule, ScanRuleContext } from './rule';

/** Scans being evaluated at once past which new ones are skipped (and counted): the backend is too slow. */
const DEFAULT_MAX_PENDING = 10_000;
/** Drafts raised in one call at most; more wait for the next. */
const MAX_RAISE_BATCH = 500;
/** The clone window slides in steps of a sixth: a count covers the last 50 to 60 minutes of an hour. */
const CLONE_WINDOW_BUCKETS = 6;

export interface ScanRuleRunner {
  /** Hands a recorded scan to the scan rules (qr-service's onScan): returns at once, never throws. */
  onScan(event: ScanEvent): void;
  /** Resolves once every scan handed in so far is evaluated and its signals raised (tests, shutdown). */
  idle(): Promise<void>;
}

/** One counter per metrics registry (two service sets may share one, as tests do). */
function counter<L extends string>(metrics: Metrics | undefined, name: string, help: string, labels: L[]) {
  if (!metrics) return undefined;
  return (
    (metrics.registry.getSingleMetric(name) as client.Counter<L> | undefined) ??
    new client.Counter({ name, help, labelNames: labels, registers: [metrics.registry] })
  );
}

/**
 * Runs the scan rules beside the scans: a scan never waits for them and never fails because of them.
 * Each scan's rules run at once (concurrently); what they raise is queued and stored in batches, one
 * `raise` call at a time, so that a flood of scans of one revoked certificate becomes a few writes that
 * each count many occurrences, not one write per scan. A rule that throws or returns a malformed draft,
 * or a raise that fails, is logged (throttled) and counted in `scan_rule_errors_total{rule}` (rule `raise` for storing); past
 * `maxPending` scans in evaluation, or drafts waiting, the newest scans are skipped and counted in
 * `scan_rules_skipped_total`.
 */
export function createScanRuleRunner(deps: {
  rules: readonly ScanRule[];
  context: Omit<ScanRuleContext, 'now'>;
  /** Stores drafts as deduplicated signals (services.signals.raise). */
  raise: (drafts: SignalDraft[]) => Promise<unknown>;
  logger: Logger;
  metrics?: Metrics;
  /** The clock, ms since the epoch. */
  now?: () => number;
  maxPending?: number;
}): ScanRuleRunner {
  const { rules, raise } = deps;
  const now = deps.now ?? Date.now;
  const maxPending = deps.maxPending ?? DEFAULT_MAX_PENDING;
  const errors = counter(deps.metrics, 'scan_rule_errors_total', 'Scan rule failures by rule', ['rule']);
  const skipped = counter(
    deps.metrics,
    'scan_rules_skipped_total',
    'Scans not evaluated by the scan rules because too many were pending',
    [],
  );
  const logError = throttledLog(deps.logger, 'warn');
  const logSkip = throttledLog(deps.logger, 'warn');
  const evaluating = new Set<Promise<void>>();
  let queued: SignalDraft[] = [];
  let raising: Promise<void> | undefined;

  function failed(rule: string, error: unknown) {
    errors?.inc({ rule });
    logError({ rule, error: errorFields(error) }, 'scan rule failed; the scan itself was answered');
  }

  async function drain() {
    while (queued.length > 0) {
      const batch = queued.slice(0, MAX_RAISE_BATCH);
      queued = queued.slice(batch.length);
      try {
        await raise(batch);
      } catch (error) {
        failed('raise', error);
      }
    }
    raising = undefined;
  }

  async function evaluate(event: ScanEvent) {
    const context: ScanRuleContext = { ...deps.context, now: new Date(now()).toISOString() };
    const results = await Promise.allSettled(rules.map((rule) => rule.evaluate(event, context)));
    results.forEach((result, i) => {
      const rule = rules[i]?.id ?? 'unknown';
      if (result.status === 'rejected') return failed(rule, result.reason);
      // A malformed draft is its rule's failure: it must not sink the others' drafts of the batch.
      for (const draft of result.value) {
        const checked = signalDraftSchema.safeParse(draft);
        if (checked.success) queued.push(draft);
        else failed(rule, new Error(`malformed signal draft: ${checked.error.message}`));
      }
    });
    if (queued.length > 0 && !raising) raising = drain();
  }

  return {
    onScan(event) {
      if (evaluating.size >= maxPending || queued.length >= maxPending) {
        skipped?.inc();
        logSkip({ pending: evaluating.size, queued: queued.length }, 'scan rules behind; scans skipped');
        return;
      }
      const run: Promise<void> = evaluate(event)
        .catch((error: unknown) => failed('runner', error))
        .finally(() => evaluating.delete(run));
      evaluating.add(run);
    },
    async idle() {
      while (evaluating.size > 0 || raising) {
        await Promise.all([...evaluating]);
        await raising;
      }
    },
  };
}

/**
 * Clone detection's tally from the configuration: off when CLONED_QR_MIN_NETWORKS is 0; counted on the
 * shared Redis when there is one (cluster mode: every instance counts into the same HyperLogLogs), else
 * in this process, keeping no more networks per certificate than the threshold needs.
 */
export function clonedQrTally(
  config: { CLONED_QR_MIN_NETWORKS: number; CLONED_QR_WINDOW_MINUTES: number; REDIS_KEY_PREFIX: string },
  redis: Redis | undefined,
): ScanRuleContext['clonedQr'] {
  const minNetworks = config.CLONED_QR_MIN_NETWORKS;
  if (minNetworks === 0) return undefined;
  const window: DistinctWindow = {
    windowSeconds: config.CLONED_QR_WINDOW_MINUTES * 60,
    buckets: CLONE_WINDOW_BUCKETS,
  };
  const networks = redis
    ? createRedisDistinctCounter(redis, { prefix: `${config.REDIS_KEY_PREFIX}scan-networks:`, window })
    : createMemoryDistinctCounter({ window, maxValuesPerKey: minNetworks });
  return { networks, minNetworks };
}
