import { seedAnomalies } from '../../scripts/demo-anomalies';
import { demoBodies } from '../../scripts/demo-data';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = createTestApp();
  for (const body of demoBodies()) await t.services.bodies.upsert(body);
});
afterAll(() => t.close());

test('when the demo seed adds its risk samples, then the inspectors queue holds a signal of each pattern and a tip', async () => {
  const raised = await seedAnomalies(t.services, t.stores, t.deps.logger, new Date().toISOString());

  const { items } = await t.services.signals.list({ state: 'open' }, { page: 1, pageSize: 50 });
  expect(raised).toBe(items.length);
  expect(items.map((s) => s.ruleId).sort()).toEqual([
    'auditor-overlap',
    'issued-before-audit-end',
    'man-days-minimum',
  ]);
  const tips = await t.services.tips.list({ page: 1, pageSize: 10 });
  expect(tips.items).toHaveLength(1);
  expect(tips.items[0]).toMatchObject({ category: 'misused', state: 'new' });
});
