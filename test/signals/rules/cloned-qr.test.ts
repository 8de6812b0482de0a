import type { ScanVerdict } from '../../../server/qr/qr-schema';
import { createMemoryDistinctCounter } from '../../../server/signals/memory-distinct-counter';
import { clonedQrRule } from '../../../server/signals/rules/cloned-qr';
import type { ScanRuleContext } from '../../../server/signals/rules/rule';
import { signalDraftSchema, type SignalDraft } from '../../../server/signals/signal-schema';
import { certificateRecord, scanContext, scanOf } from './scan-rule-fixtures';

const HOUR = { windowSeconds: 3600, buckets: 6 };
/** 10:00 UTC, the start of an hourly window. */
const T0 = Date.parse('2026-05-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const cert = certificateRecord({ bodyCode: 'CQC' });

/** A context with a fresh tally: threshold `minNetworks` over one hour. */
function tallyContext(minNetworks = 5): ScanRuleContext & { reads: string[] } {
  const networks = createMemoryDistinctCounter({ window: HOUR, maxValuesPerKey: minNetworks });
  return scanContext([cert], { clonedQr: { networks, minNetworks } });
}

/** Scans of `cert` from networks `net-<from>` .. `net-<to - 1>`, one a minute from `start`; every draft. */
async function scanFrom(
  context: ScanRuleContext,
  from: number,
  to: number,
  start = 0,
  verdict: ScanVerdict = 'GENUINE_VALID',
): Promise<SignalDraft[][]> {
  const out: SignalDraft[][] = [];
  for (let n = from; n < to; n += 1) {
    out.push(await clonedQrRule.evaluate(scanOf(cert, verdict, at(start + n - from), `net-${n}`), context));
  }
  return out;
}

describe('rule cloned-qr', () => {
  test('when a code is scanned from as many distinct networks as the threshold within the window, then the scan that reaches it raises a signal', async () => {
    const context = tallyContext(5);
    const drafts = await scanFrom(context, 0, 5);
    expect(drafts.slice(0, 4)).toEqual([[], [], [], []]);
    expect(drafts[4]).toHaveLength(1);
    expect(signalDraftSchema.parse(drafts[4]?.[0])).toMatchObject({
      ruleId: 'cloned-qr',
      severity: 'medium',
      subject: { kind: 'certificate', key: cert.publicId, label: cert.number },
      dedupKey: `cloned-qr:${cert.publicId}:2026-05-01T10:00:00.000Z`,
      certificatePublicIds: [cert.publicId],
      bodyCode: 'CQC',
      evidence: {
        networks: 5,
        minNetworks: 5,
        windowMinutes: 60,
        windowStart: '2026-05-01T10:00:00.000Z',
        lastScanAt: at(4),
        lastVerdict: 'GENUINE_VALID',
        number: cert.number,
      },
    });
    expect(drafts[4]?.[0]?.summary).toContain('at least 5 distinct networks within 60 minutes');
  });

  test('when scans go on past the threshold within the window, then each raises the same signal again (its occurrences rise)', async () => {
    const context = tallyContext(5);
    const drafts = (await scanFrom(context, 0, 8)).slice(4);
    expect(drafts.map((d) => d[0]?.dedupKey)).toEqual(
      Array(4).fill(`cloned-qr:${cert.publicId}:2026-05-01T10:00:00.000Z`),
    );
  });

  test('when the burst spans two fixed windows, then it is still caught (the count slides), under the later window', async () => {
    const context = tallyContext(5);
    // Three networks at 10:50-10:52, two at 11:05-11:06: five within 16 minutes, across 11:00.
    await scanFrom(context, 0, 3, 50);
    const drafts = await scanFrom(context, 3, 5, 65);
    expect(drafts[1]?.[0]?.dedupKey).toBe(`cloned-qr:${cert.publicId}:2026-05-01T11:00:00.000Z`);
  });

  test.each(['GENUINE_REVOKED', 'GENUINE_EXPIRED', 'REGISTRY_MISMATCH'] as const)(
    'when the scans of a signed code read %s, then they count as well',
    async (verdict) => {
      const drafts = await scanFrom(tallyContext(3), 0, 3, 0, verdict);
      expect(drafts[2]?.[0]).toMatchObject({ ruleId: 'cloned-qr', evidence: { lastVerdict: verdict } });
    },
  );

  test('when one network less than the threshold scans it, then nothing is raised and the registry is not read', async () => {
    const context = tallyContext(5);
    const drafts = await scanFrom(context, 0, 4);
    expect(drafts.flat()).toEqual([]);
    expect(context.reads).toEqual([]);
  });

  test('when one network scans it many times, then it is one network: nothing is raised', async () => {
    const context = tallyContext(5);
    for (let i = 0; i < 50; i += 1) {
      await expect(
        clonedQrRule.evaluate(scanOf(cert, 'GENUINE_VALID', at(i), 'net-same'), context),
      ).resolves.toEqual([]);
    }
  });

  test('when the networks are spread over more than the window, then nothing is raised', async () => {
    const context = tallyContext(5);
    // One new network every 20 minutes: never more than three within an hour.
    for (let n = 0; n < 10; n += 1) {
      await expect(
        clonedQrRule.evaluate(scanOf(cert, 'GENUINE_VALID', at(n * 20), `net-${n}`), context),
      ).resolves.toEqual([]);
    }
  });

  test.each([
    'SIGNATURE_INVALID',
    'UNKNOWN_KEY',
    'FOREIGN_HOST',
    'UNSIGNED_LINK',
    'NUMBER_LOOKUP',
    'NOT_FOUND',
  ] as const)(
    'when the scans read %s (not a signed code of this portal), then they are not counted',
    async (verdict) => {
      const context = tallyContext(3);
      expect((await scanFrom(context, 0, 10, 0, verdict)).flat()).toEqual([]);
      // Not counted at all: two signed scans afterwards stay below three networks.
      expect((await scanFrom(context, 10, 12, 10)).flat()).toEqual([]);
    },
  );

  test('when clone detection is off (no tally), then nothing is counted or raised', async () => {
    const context = scanContext([cert]);
    for (let n = 0; n < 30; n += 1) {
      await expect(
        clonedQrRule.evaluate(scanOf(cert, 'GENUINE_VALID', at(0), `net-${n}`), context),
      ).resolves.toEqual([]);
    }
  });

  test('when a scan names no certificate, then nothing is counted', async () => {
    const context = tallyContext(1);
    await expect(clonedQrRule.evaluate(scanOf(undefined, 'GENUINE_VALID'), context)).resolves.toEqual([]);
  });
});
