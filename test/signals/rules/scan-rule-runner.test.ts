import { Writable } from 'node:stream';
import { createLogger } from '../../../server/platform/logger';
import { createMetrics } from '../../../server/platform/metrics';
import type { ScanRule } from '../../../server/signals/rules/rule';
import { createScanRuleRunner } from '../../../server/signals/rules/scan-rule-runner';
import type { SignalDraft } from '../../../server/signals/signal-schema';
import { metricValue } from '../../helpers/factories';
import { scanOf } from './scan-rule-fixtures';

const silent = createLogger('silent');
const cert = { publicId: 'AAAAAAAAAAAAAAAAAAAAAA' };

/** A rule raising one draft per scan, keyed by the scan's certificate (a flood shares one key). */
const echoRule: ScanRule = {
  id: 'echo',
  trigger: 'scan',
  title: { zh: '回声', en: 'Echo' },
  async evaluate(scan) {
    return [
      {
        ruleId: 'echo',
        severity: 'low',
        subject: { kind: 'certificate', key: scan.publicId ?? '-' },
        dedupKey: `echo:${scan.publicId}`,
        summary: 'echo',
        evidence: { at: scan.at },
      },
    ];
  },
};

const failingRule: ScanRule = {
  id: 'broken',
  trigger: 'scan',
  title: { zh: '坏', en: 'Broken' },
  async evaluate() {
    throw new Error('rule bug');
  },
};

/** A raise function that records its calls. */
function recordingRaise() {
  const calls: SignalDraft[][] = [];
  return {
    calls,
    raise: async (drafts: SignalDraft[]) => {
      calls.push(drafts);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

const context = { findCertificate: async () => undefined };

describe('scan rule runner', () => {
  test('when a scan is handed in, then onScan returns before any rule has finished, and idle() waits for the signals', async () => {
    const { calls, raise } = recordingRaise();
    const runner = createScanRuleRunner({ rules: [echoRule], context, raise, logger: silent });
    runner.onScan(scanOf(cert, 'GENUINE_REVOKED'));
    expect(calls).toEqual([]);
    await runner.idle();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual([
      expect.objectContaining({ ruleId: 'echo', dedupKey: `echo:${cert.publicId}` }),
    ]);
  });

  test('when 1,000 scans come at once, then every draft is raised, in far fewer raise calls than scans', async () => {
    const { calls, raise } = recordingRaise();
    const runner = createScanRuleRunner({ rules: [echoRule], context, raise, logger: silent });
    for (let i = 0; i < 1000; i += 1) runner.onScan(scanOf(cert, 'GENUINE_REVOKED'));
    await runner.idle();
    expect(calls.flat()).toHaveLength(1000);
    expect(calls.length).toBeLessThanOrEqual(10);
    expect(Math.max(...calls.map((c) => c.length))).toBeLessThanOrEqual(500);
  });

  test('when a rule throws, then the others still raise, nothing reaches the scan, and the failure is logged and counted', async () => {
    const { calls, raise } = recordingRaise();
    const metrics = createMetrics();
    const lines: string[] = [];
    const logger = createLogger(
      'warn',
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const runner = createScanRuleRunner({ rules: [failingRule, echoRule], context, raise, logger, metrics });
    expect(() => runner.onScan(scanOf(cert, 'GENUINE_VALID'))).not.toThrow();
    runner.onScan(scanOf(cert, 'GENUINE_VALID'));
    await runner.idle();
    expect(calls.flat()).toHaveLength(2);
    const exposition = await metrics.registry.metrics();
    expect(metricValue(exposition, 'scan_rule_errors_total', { rule: 'broken' })).toBe(2);
    expect(metricValue(exposition, 'scan_rule_errors_total', { rule: 'echo' })).toBe(0);
    // Throttled: one line for the two failures.
    expect(lines.filter((l) => l.includes('scan rule failed'))).toHaveLength(1);
    expect(lines[0]).toContain('rule bug');
  });

  test("when a rule returns a malformed draft, then it counts as that rule failing and the other rules' drafts are still raised", async () => {
    const { calls, raise } = recordingRaise();
    const metrics = createMetrics();
    const sloppy: ScanRule = {
      ...echoRule,
      id: 'sloppy',
      evaluate: async (scan, ctx) => [
        { ...(await echoRule.evaluate(scan, ctx))[0], severity: 'urgent' } as never,
      ],
    };
    const runner = createScanRuleRunner({
      rules: [sloppy, echoRule],
      context,
      raise,
      logger: silent,
      metrics,
    });
    runner.onScan(scanOf(cert, 'GENUINE_REVOKED'));
    await runner.idle();
    expect(calls.flat()).toEqual([expect.objectContaining({ ruleId: 'echo', severity: 'low' })]);
    expect(metricValue(await metrics.registry.metrics(), 'scan_rule_errors_total', { rule: 'sloppy' })).toBe(
      1,
    );
  });

  test('when storing the signals fails, then it is counted under rule "raise" and later scans are raised again', async () => {
    const metrics = createMetrics();
    const calls: SignalDraft[][] = [];
    let fail = true;
    const raise = async (drafts: SignalDraft[]) => {
      if (fail) throw new Error('store down');
      calls.push(drafts);
    };
    const runner = createScanRuleRunner({ rules: [echoRule], context, raise, logger: silent, metrics });
    runner.onScan(scanOf(cert, 'GENUINE_REVOKED'));
    await runner.idle();
    expect(metricValue(await metrics.registry.metrics(), 'scan_rule_errors_total', { rule: 'raise' })).toBe(
      1,
    );
    fail = false;
    runner.onScan(scanOf(cert, 'GENUINE_REVOKED'));
    await runner.idle();
    expect(calls.flat()).toHaveLength(1);
  });

  test('when more scans wait than maxPending, then the newest are skipped and counted, and the rest are raised', async () => {
    const metrics = createMetrics();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowRule: ScanRule = {
      ...echoRule,
      evaluate: async (scan, ctx) => (await gate, echoRule.evaluate(scan, ctx)),
    };
    const { calls, raise } = recordingRaise();
    const runner = createScanRuleRunner({
      rules: [slowRule],
      context,
      raise,
      logger: silent,
      metrics,
      maxPending: 3,
    });
    for (let i = 0; i < 5; i += 1) runner.onScan(scanOf(cert, 'GENUINE_REVOKED'));
    release();
    await runner.idle();
    expect(calls.flat()).toHaveLength(3);
    expect(metricValue(await metrics.registry.metrics(), 'scan_rules_skipped_total')).toBe(2);
  });

  test('when every rule finds nothing, then raise is never called', async () => {
    const { calls, raise } = recordingRaise();
    const quiet: ScanRule = { ...echoRule, evaluate: async () => [] };
    const runner = createScanRuleRunner({ rules: [quiet], context, raise, logger: silent });
    for (let i = 0; i < 10; i += 1) runner.onScan(scanOf(cert, 'GENUINE_VALID'));
    await runner.idle();
    expect(calls).toEqual([]);
  });
});
