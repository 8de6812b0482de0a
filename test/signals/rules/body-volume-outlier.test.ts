import type { CertificateInput } from '../../../server/certificates/certificate-schema';
import {
  bodyVolumeOutlierRule,
  createBodyVolumeOutlierRule,
} from '../../../server/signals/rules/body-volume-outlier';
import { createRuleContexts } from '../../../server/signals/rules/rule-engine';
import { unique } from '../../helpers/factories';
import { openRuleRegistry, type RuleRegistry } from '../../helpers/rule-registry';

// The registry's clock: 2026-06-15 in China; the period is the months 2025-07 to 2026-06.
const NOW = '2026-06-15T04:00:00.000Z';

interface Audit {
  /** Team members named on the audit. */
  team: number;
  /** Days on site, both ends counted. */
  days: number;
  /** The man-days the body reports. */
  manDays: number;
}

/** `count` certificates of a body, each from an audit of `audit`, issued on `issueDate`. */
function reports(bodyCode: string, count: number, audit: Audit, issueDate = '2026-01-10') {
  return Array.from({ length: count }, (): Partial<CertificateInput> => ({
    bodyCode,
    issueDate,
    expiryDate: '2029-01-09',
    audit: {
      startDate: '2025-12-01',
      endDate: `2025-12-${String(audit.days).padStart(2, '0')}`,
      manDays: audit.manDays,
      auditors: Array.from({ length: audit.team }, (_, i) => ({
        name: `审核员${i}`,
        registrationNumber: unique('2025-N1QMS-'),
      })),
    },
  }));
}

/** An honest audit: two auditors, two and a half days each, five days on site in all (0.2 per auditor-day). */
const HONEST: Audit = { team: 2, days: 3, manDays: 5 };

describe('rule body-volume-outlier', () => {
  // Each test has a registry of its own: the rule compares a body with every other body in it.
  let r: RuleRegistry;
  beforeEach(() => {
    r = openRuleRegistry(NOW);
  });
  afterEach(() => r.close());

  /** Peers issuing one certificate per audit of two auditors for three days: 1/6 per auditor-day. */
  async function peers(n = 3) {
    for (let i = 0; i < n; i += 1) await r.store(reports(unique('PEER').slice(0, 32), 30, HONEST));
  }
  const code = () => unique('OUT').slice(0, 32);

  test('when a body issues six times its peers’ certificates per auditor-day while reporting plausible man-days, then a signal gives the figures', async () => {
    await peers();
    const body = code();
    // One auditor for one day per certificate, yet five man-days reported: the man-days hide nothing.
    const batch = await r.store(reports(body, 30, { team: 1, days: 1, manDays: 5 }));
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
          auditorDays: 30,
          reportedManDays: 150,
          certificatesPerAuditorDay: 1,
          peerMedian: 0.1667,
          peers: 3,
          timesMedian: 6,
          factor: 3,
        },
      }),
    ]);
  });

  test('when it is more than six times the median (a mill at ten times its peers), then the signal is high', async () => {
    // Peers of larger organisations: two auditors for five days per certificate, 0.1 per auditor-day.
    for (let i = 0; i < 3; i += 1) {
      await r.store(reports(unique('PEER').slice(0, 32), 30, { team: 2, days: 5, manDays: 10 }));
    }
    // The mill: one auditor for one day per certificate, ten man-days reported all the same.
    const batch = await r.store(reports(code(), 30, { team: 1, days: 1, manDays: 10 }));
    await expect(r.evaluate(bodyVolumeOutlierRule, batch)).resolves.toMatchObject([
      { severity: 'high', evidence: { certificatesPerAuditorDay: 1, peerMedian: 0.1, timesMedian: 10 } },
    ]);
  });

  test('when a body is within three times the median, or reports few man-days on a full team, then nothing is raised', async () => {
    await peers();
    // Two auditors for one day: 0.5 per auditor-day, three times 1/6 exactly.
    const within = await r.store(reports(code(), 30, { team: 2, days: 1, manDays: 2 }));
    await expect(r.evaluate(bodyVolumeOutlierRule, within)).resolves.toEqual([]);
    // Man-days reported low, team and days honest: the volume is the peers' (the man-days rule judges the rest).
    const low = await r.store(reports(code(), 30, { ...HONEST, manDays: 1 }));
    await expect(r.evaluate(bodyVolumeOutlierRule, low)).resolves.toEqual([]);
  });

  test('when the body or its peers have too little volume, or there are too few peers, then nothing is judged', async () => {
    await peers(2);
    const mill = { team: 1, days: 1, manDays: 5 };
    const small = await r.store(reports(code(), 29, mill));
    const big = await r.store(reports(code(), 30, mill));
    await expect(r.evaluate(bodyVolumeOutlierRule, small)).resolves.toEqual([]);
    // Two peers of 30, the small body of 29 (not a peer), and the big one itself: two peers are not enough.
    await expect(r.evaluate(bodyVolumeOutlierRule, big)).resolves.toEqual([]);
    await expect(r.evaluate(createBodyVolumeOutlierRule({ minPeers: 2 }), big)).resolves.toHaveLength(1);
  });

  test('when audits name no team, then they count neither for the body nor for its peers', async () => {
    await peers();
    const body = code();
    const batch = await r.store(reports(body, 40, { team: 0, days: 1, manDays: 1 }));
    await expect(r.evaluate(bodyVolumeOutlierRule, batch)).resolves.toEqual([]);
  });

  test('when certificates were issued before the eleven months before this one, then they do not count', async () => {
    await peers();
    const body = code();
    const mill = { team: 1, days: 1, manDays: 5 };
    await r.store(reports(body, 20, mill, '2025-06-30'));
    const batch = await r.store(reports(body, 20, mill, '2025-07-01'));
    await expect(r.evaluate(bodyVolumeOutlierRule, batch)).resolves.toEqual([]);
    await expect(
      r.evaluate(createBodyVolumeOutlierRule({ minCertificates: 20 }), batch),
    ).resolves.toMatchObject([{ evidence: { certificates: 20 } }]);
  });

  test('when a fresh process judges a batch, then every batch stored before counts at once, whichever process stored it', async () => {
    const body = code();
    const mill = { team: 1, days: 1, manDays: 5 };
    // The first batch of a new registry: no peers yet, nothing to compare with.
    const first = await r.store(reports(body, 10, mill));
    await expect(r.evaluate(bodyVolumeOutlierRule, first)).resolves.toEqual([]);
    // Peers and more of the body's certificates arrive a minute later...
    await peers();
    const second = await r.store(reports(body, 30, mill));
    r.clock.now += 60_000;
    await expect(r.evaluate(bodyVolumeOutlierRule, second)).resolves.toMatchObject([
      { evidence: { certificates: 40 } },
    ]);
    // ...and a second instance over the same store (its own contexts) sees the same figures.
    const other = createRuleContexts({
      registry: r.stores.certificates,
      bodies: r.stores.bodies,
      now: () => r.clock.now,
    });
    await expect(
      bodyVolumeOutlierRule.evaluate({ bodyCode: body, certificates: second, at: NOW }, other()),
    ).resolves.toMatchObject([{ evidence: { certificates: 40, peers: 3 } }]);
  });
});
