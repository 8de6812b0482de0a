import { Writable } from 'node:stream';
import { createAuditService } from '../../../server/audit/audit-service';
import type { UpsertResult } from '../../../server/certificates/certificate-repository';
import { createLogger } from '../../../server/platform/logger';
import { createMetrics } from '../../../server/platform/metrics';
import { UPLOAD_RULES } from '../../../server/signals/rules';
import type { UploadRule } from '../../../server/signals/rules/rule';
import {
  createUploadRuleRunner,
  type UploadRuleRunner,
  type UploadRuleRunnerDeps,
} from '../../../server/signals/rules/rule-engine';
import { createSignalService } from '../../../server/signals/signal-service';
import { metricValue, unique } from '../../helpers/factories';
import { openRuleRegistry, type RuleRegistry } from '../../helpers/rule-registry';

/** A rule raising one low signal per certificate it is shown, and remembering what it was shown. */
function recordingRule(id = unique('rec-').toLowerCase()) {
  const seen: string[] = [];
  const rule: UploadRule = {
    id,
    trigger: 'upload',
    title: { zh: '测试规则', en: 'Test rule' },
    async evaluate(batch) {
      seen.push(...batch.certificates.map((c) => c.publicId));
      return batch.certificates.map((c) => ({
        ruleId: id,
        severity: 'low' as const,
        subject: { kind: 'certificate' as const, key: c.publicId },
        dedupKey: `${id}:${c.publicId}`,
        summary: 'seen',
        evidence: {},
        certificatePublicIds: [c.publicId],
        bodyCode: c.bodyCode,
      }));
    },
  };
  return { rule, seen };
}

const failing = (id: string, evaluate: UploadRule['evaluate']): UploadRule => ({
  id,
  trigger: 'upload',
  title: { zh: '故障规则', en: 'Failing rule' },
  evaluate,
});

describe('upload rules engine', () => {
  let r: RuleRegistry;
  let lines: string[];
  let runner: (rules: readonly UploadRule[], raise?: UploadRuleRunnerDeps['raise']) => UploadRuleRunner;
  let metrics: ReturnType<typeof createMetrics>;
  beforeEach(() => {
    r = openRuleRegistry();
    lines = [];
    metrics = createMetrics();
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const signals = createSignalService({
      signals: r.stores.signals,
      audit: createAuditService({ audit: r.stores.audit }),
    });
    runner = (rules, raise = signals.raise) =>
      createUploadRuleRunner({
        registry: r.stores.certificates,
        bodies: r.stores.bodies,
        raise,
        logger,
        metrics,
        rules,
        now: () => r.clock.now,
      });
  });
  afterEach(() => r.close());

  const page = { offset: 0, limit: 100 };

  test('when a batch is stored, then the rules see its created and updated certificates, never the unchanged ones', async () => {
    const { rule, seen } = recordingRule();
    const [created, updated, unchanged] = await r.store([{}, {}, {}]);
    const results: UpsertResult[] = [
      { outcome: 'created', certificate: created! },
      { outcome: 'updated', certificate: updated! },
      { outcome: 'unchanged', certificate: unchanged! },
    ];
    await runner([rule]).onStored({ jobId: 'job', bodyCode: 'CQC', results, at: '2026-06-15T04:00:00.000Z' });
    expect(seen).toEqual([created!.publicId, updated!.publicId]);
    const stored = await r.stores.signals.list({ ruleId: rule.id }, page);
    expect(stored.total).toBe(2);

    // A batch of nothing but unchanged rows runs no rule at all.
    await runner([rule]).onStored({
      jobId: 'job',
      bodyCode: 'CQC',
      results: [{ outcome: 'unchanged', certificate: created! }],
      at: '2026-06-15T04:00:00.000Z',
    });
    expect(seen).toHaveLength(2);
  });

  test('when a rule throws, then it is logged and counted, the other rules still raise, and the run resolves', async () => {
    const { rule } = recordingRule();
    const broken = failing('broken-rule', async () => {
      throw new Error('index unavailable');
    });
    const batch = await r.store([{}]);
    const report = await runner([broken, rule]).run({
      bodyCode: 'CQC',
      jobId: 'job-7',
      certificates: batch,
      at: '2026-06-15T04:00:00.000Z',
    });

    expect(report).toMatchObject({
      certificates: 1,
      raised: 1,
      failures: 1,
      rules: [
        { id: 'broken-rule', drafts: 0, error: 'index unavailable' },
        { id: rule.id, drafts: 1 },
      ],
    });
    expect((await r.stores.signals.list({ ruleId: rule.id }, page)).total).toBe(1);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 50, rule: 'broken-rule', jobId: 'job-7', err: 'index unavailable' }),
    );
    const exposition = await metrics.registry.metrics();
    expect(metricValue(exposition, 'upload_rule_errors_total', { rule: 'broken-rule' })).toBe(1);
  });

  test('when a rule returns a malformed draft, then that rule alone fails', async () => {
    const { rule } = recordingRule();
    const sloppy = failing('sloppy-rule', async () => [
      {
        ruleId: 'sloppy-rule',
        severity: 'severe' as never,
        subject: { kind: 'certificate', key: 'x' },
        dedupKey: 'k',
        summary: 's',
        evidence: {},
      },
    ]);
    const batch = await r.store([{}]);
    const report = await runner([sloppy, rule]).run({
      bodyCode: 'CQC',
      certificates: batch,
      at: '2026-06-15T04:00:00.000Z',
    });
    expect(report).toMatchObject({
      raised: 1,
      failures: 1,
      rules: [{ id: 'sloppy-rule', drafts: 0 }, { drafts: 1 }],
    });
    expect((await r.stores.signals.list({ ruleId: 'sloppy-rule' }, page)).total).toBe(0);
  });

  test('when the signals cannot be stored, then that is logged and counted, and the run resolves', async () => {
    const { rule } = recordingRule();
    const batch = await r.store([{}]);
    const report = await runner([rule], async () => {
      throw new Error('signal store down');
    }).run({ bodyCode: 'CQC', certificates: batch, at: '2026-06-15T04:00:00.000Z' });
    expect(report).toMatchObject({ raised: 0, failures: 1 });
    expect(lines.join('')).toContain('signal store down');
    expect(metricValue(await metrics.registry.metrics(), 'upload_rule_errors_total', { rule: 'raise' })).toBe(
      1,
    );
  });

  test('when no rules are given, then every registered upload rule runs', async () => {
    const batch = await r.store([{}]);
    const report = await createUploadRuleRunner({
      registry: r.stores.certificates,
      bodies: r.stores.bodies,
      raise: async () => [],
      logger: createLogger('silent'),
    }).run({ bodyCode: 'CQC', certificates: batch, at: '2026-06-15T04:00:00.000Z' });
    expect(report.rules.map((x) => x.id)).toEqual(UPLOAD_RULES.map((rule) => rule.id));
    expect(report.failures).toBe(0);
  });
});
