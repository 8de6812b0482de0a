import { demoBodies, demoRegistrations, generateCertificates } from '../../scripts/demo-data';
import { createUploadRuleRunner } from '../../server/signals/rules/rule-engine';
import type { SignalDraft } from '../../server/signals/signal-schema';
import { openRuleRegistry, type RuleRegistry } from '../helpers/rule-registry';

/**
 * The generated demo world is honest (audit data by IAF MD5 and team × days, auditors never in two places
 * at once, certificates only while the body is approved and within its scope, every auditor in the
 * auditor register, registered for the scheme they audit and valid on the audit days): the upload rules
 * must raise nothing on it. The benchmark (npm run bench:rules) runs the same at 100,000 and more.
 */
const COUNT = 4_000;

describe('an honest generated registry', () => {
  let r: RuleRegistry;
  beforeAll(() => {
    r = openRuleRegistry(new Date().toISOString());
  });
  afterAll(() => r.close());

  test(`when ${COUNT} honest certificates go through the upload rules batch by batch, then no rule raises anything`, async () => {
    for (const body of demoBodies()) await r.stores.bodies.upsert(body);
    const raised: SignalDraft[] = [];
    const runner = createUploadRuleRunner({
      registry: r.stores.certificates,
      bodies: r.stores.bodies,
      auditors: r.stores.auditors,
      raise: async (drafts) => raised.push(...drafts),
      logger: { error: () => undefined } as never,
      now: () => r.clock.now,
    });
    let failures = 0;
    let seen = 0;
    const ran = new Set<string>();
    const today = new Date(r.clock.now).toISOString().slice(0, 10);
    for (const batch of generateCertificates({ count: COUNT, batchSize: 500, today })) {
      // The register knows the batch's auditors before their certificates arrive, as the admin's import does.
      await r.stores.auditors.upsertMany(demoRegistrations(batch, { today }));
      // One body per stored batch, as uploads store them.
      const byBody = new Map<string, typeof batch>();
      for (const data of batch) byBody.set(data.bodyCode, [...(byBody.get(data.bodyCode) ?? []), data]);
      for (const [bodyCode, reports] of byBody) {
        const at = new Date(r.clock.now).toISOString();
        const stored = (await r.stores.certificates.upsertMany(reports, at)).map((x) => x.certificate);
        const report = await runner.run({ bodyCode, certificates: stored, at });
        failures += report.failures;
        seen += report.certificates;
        for (const rule of report.rules) ran.add(rule.id);
      }
    }
    expect(seen).toBe(COUNT);
    // The register rules had a register to check every auditor against (they stay silent without one).
    expect(await r.stores.auditors.count()).toBeGreaterThan(100);
    expect([...ran]).toEqual(
      expect.arrayContaining(['auditor-unregistered', 'auditor-expired', 'auditor-unqualified']),
    );
    expect(failures).toBe(0);
    const byRule = raised.reduce<Record<string, number>>((acc, d) => {
      acc[`${d.ruleId}/${d.severity}`] = (acc[`${d.ruleId}/${d.severity}`] ?? 0) + 1;
      return acc;
    }, {});
    expect({ byRule, first: raised.slice(0, 3).map((d) => d.summary) }).toEqual({ byRule: {}, first: [] });
  });
});
