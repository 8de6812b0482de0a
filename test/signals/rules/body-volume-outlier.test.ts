import type { CertificateInput } from '../../../server/certificates/certificate-schema';
import {
  bodyVolumeOutlierRule,
  createBodyVolumeOutlierRule,
} from '../../../server/signals/rules/body-volume-outlier';
import { unique } from '../../helpers/factories';
import { openRuleRegistry, type RuleRegistry } from '../../helpers/rule-registry';

// The registry's clock: 2026-06-15 in China; the period is the months 2025-07 to 2026-06.
const NOW = '2026-06-15T04:00:00.000Z';

/** `count` certificates of a body, each audited `manDays`, issued on `issueDate`. */
function reports(bodyCode: string, count: number, manDays: number, issueDate = '2026-01-10') {
  return Array.from({ length: count }, (): Partial<CertificateInput> => ({
    bodyCode,
    issueDate,
    expiryDate: '2029-01-09',
    audit: { startDate: '2025-12-01', endDate: '2025-12-03', manDays, auditors: [] },
  }));
}

describe('rule body-volume-outlier', () => {
  // Each test has a registry of its own: the rule compares a body with every other body in it.
  let r: RuleRegistry;
  beforeEach(() => {
    r = openRuleRegistry(NOW);
  });
  afterEach(() => r.close());

  /** Three peers issuing one certificate per 5 audit man-days (0.2 per man-day). */
  async function peers(n = 3) {
    for (let i = 0; i < n; i += 1) await r.store(reports(unique('PEER').slice(0, 32), 30, 5));
  }
  const code = () => unique('OUT').slice(0, 32);

  test('when a body issues five times its peers’ certificates per audit man-day, then a medium signal gives the figures', async () => {
    await peers();
    const body = code();
    const batch = await r.store(reports(body, 30, 1));
    const drafts = await r.evaluate(bodyVolumeOutlierRule, batch);
    expect(drafts).toEqual([
      expect.objectContaining({
        ruleId: 'body-volume-outlier',
        severity: 'medium',
        subject: { kind: 'body', key: body },
        dedupKey: `body-volume-outlier:${body}:2026-06`,
        certificatePublicIds: [],
        bodyCode: body,
        evidence: {
          period: { fromMonth: '2025-07', toMonth: '2026-06' },
          certificates: 30,
          manDays: 30,
          certificatesPerManDay: 1,
          peerMedian: 0.2,
          peers: 3,
          timesMedian: 5,
          factor: 3,
        },
      }),
    ]);
  });

  test('when it is more than six times the median, then the signal is high', async () => {
    await peers();
    const batch = await r.store(reports(code(), 30, 0.5));
    await expect(r.evaluate(bodyVolumeOutlierRule, batch)).resolves.toMatchObject([
      { severity: 'high', evidence: { timesMedian: 10 } },
    ]);
  });

  test('when a body is within three times the median, then nothing is raised', async () => {
    await peers();
    // 0.5 per man-day: two and a half times the median.
    const batch = await r.store(reports(code(), 30, 2));
    await expect(r.evaluate(bodyVolumeOutlierRule, batch)).resolves.toEqual([]);
  });

  test('when the body or its peers have too little volume, or there are too few peers, then nothing is judged', async () => {
    await peers(2);
    const small = await r.store(reports(code(), 29, 0.5));
    const big = await r.store(reports(code(), 30, 0.5));
    await expect(r.evaluate(bodyVolumeOutlierRule, small)).resolves.toEqual([]);
    // Two peers of 30, the small body of 29 (not a peer), and the big one itself: two peers are not enough.
    await expect(r.evaluate(bodyVolumeOutlierRule, big)).resolves.toEqual([]);
    await expect(r.evaluate(createBodyVolumeOutlierRule({ minPeers: 2 }), big)).resolves.toHaveLength(1);
  });

  test('when certificates were issued before the eleven months before this one, then they do not count', async () => {
    await peers();
    const body = code();
    await r.store(reports(body, 20, 0.5, '2025-06-30'));
    const batch = await r.store(reports(body, 20, 0.5, '2025-07-01'));
    await expect(r.evaluate(bodyVolumeOutlierRule, batch)).resolves.toEqual([]);
    await expect(
      r.evaluate(createBodyVolumeOutlierRule({ minCertificates: 20 }), batch),
    ).resolves.toMatchObject([{ evidence: { certificates: 20 } }]);
  });

  test('when batches follow within the hour, then the peer statistics are reused; an hour later they are read again', async () => {
    await peers();
    const body = code();
    const first = await r.store(reports(body, 10, 0.5));
    // Too little volume yet: nothing, and the statistics are now held for an hour.
    await expect(r.evaluate(bodyVolumeOutlierRule, first)).resolves.toEqual([]);
    const second = await r.store(reports(body, 30, 0.5));
    r.clock.now += 59 * 60_000;
    await expect(r.evaluate(bodyVolumeOutlierRule, second)).resolves.toEqual([]);
    r.clock.now += 60_000;
    await expect(r.evaluate(bodyVolumeOutlierRule, second)).resolves.toMatchObject([
      { evidence: { certificates: 40 } },
    ]);
  });
});
