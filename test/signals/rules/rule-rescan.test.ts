import { SYSTEM_ACTOR } from '../../../server/audit/audit-schema';
import { rescanRegistry } from '../../../server/signals/rules/rule-rescan';
import { creditCode, seedBody, seedCertificates, unique } from '../../helpers/factories';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/** A holder of ten people: an initial QMS audit of at least one man-day. */
const holder = () => ({ name: '重庆沙坪坝重扫机械有限公司', creditCode: creditCode(), employees: 10 });
const audit = (endDate: string) => ({
  startDate: '2025-01-06',
  endDate,
  manDays: 3,
  auditors: [{ name: '张伟', registrationNumber: unique('2025-N1QMS-') }],
});

describe('rules rescan', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp();
  });
  afterAll(() => t.close());

  const rescan = (bodyCode?: string, onProgress?: () => void) =>
    rescanRegistry({
      registry: t.stores.certificates,
      bodies: t.stores.bodies,
      signals: t.stores.signals,
      raise: t.services.signals.raise,
      logger: t.deps.logger,
      bodyCode,
      pageSize: 2,
      onProgress,
    });

  test('when certificates stored without the rules are rescanned, then what they show is raised once; a second rescan raises nothing and repeats nothing', async () => {
    const body = await seedBody(t.services, { code: unique('RS').slice(0, 32) });
    // Stored through the service alone (as before a rule existed): no rule ran on them.
    const [fast, ok1, ok2] = await seedCertificates(t.services, [
      { bodyCode: body.code, holder: holder(), issueDate: '2025-01-08', audit: audit('2025-01-08') },
      { bodyCode: body.code, holder: holder(), issueDate: '2025-02-20', audit: audit('2025-01-08') },
      { bodyCode: body.code, holder: holder(), issueDate: '2025-03-20', audit: audit('2025-01-08') },
    ]);
    expect(ok1 && ok2).toBeTruthy();
    let pages = 0;
    const first = await rescan(body.code, () => {
      pages += 1;
    });
    expect(first).toMatchObject({ bodies: 1, certificates: 3, raised: 1, failures: 0 });
    expect(pages).toBe(2);
    const { items } = await t.services.signals.list({ bodyCode: body.code }, { page: 1, pageSize: 10 });
    expect(items).toMatchObject([
      { ruleId: 'issued-before-audit-end', certificatePublicIds: [fast!.publicId], occurrences: 1 },
    ]);

    // Dismissed by an inspector: a rescan neither repeats nor reopens it.
    await t.services.signals.triage(items[0]!.id, { state: 'dismissed', note: '已核实' }, SYSTEM_ACTOR);
    const second = await rescan(body.code);
    expect(second).toMatchObject({ certificates: 3, drafts: 1, raised: 0 });
    await expect(t.services.signals.get(items[0]!.id)).resolves.toMatchObject({
      state: 'dismissed',
      occurrences: 1,
    });
  });

  test('when no body is named, then every body is rescanned', async () => {
    const before = (await t.stores.bodies.list()).length;
    const report = await rescan();
    expect(report.bodies).toBe(before);
    expect(report.raised).toBe(0);
  });
});
