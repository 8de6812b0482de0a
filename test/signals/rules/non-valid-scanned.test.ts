import { SCAN_VERDICTS, type ScanVerdict } from '../../../server/qr/qr-schema';
import { nonValidScannedRule } from '../../../server/signals/rules/non-valid-scanned';
import { signalDraftSchema } from '../../../server/signals/signal-schema';
import { certificateRecord, scanContext, scanOf } from './scan-rule-fixtures';

const revoked = certificateRecord({
  status: 'revoked',
  statusReason: '暂停期满未整改',
  statusDate: '2026-03-01',
  bodyCode: 'CQC',
});

describe('rule non-valid-scanned', () => {
  test.each([
    ['GENUINE_REVOKED', 'revoked', 'high'],
    ['GENUINE_SUSPENDED', 'suspended', 'medium'],
    ['GENUINE_WITHDRAWN', 'withdrawn', 'medium'],
    ['GENUINE_EXPIRED', 'expired', 'low'],
  ] as const)(
    'when a signed code scans as %s, then it raises a %s-certificate signal of severity %s',
    async (verdict, status, severity) => {
      const drafts = await nonValidScannedRule.evaluate(
        scanOf(revoked, verdict, '2026-05-01T10:00:00.000Z'),
        scanContext([revoked]),
      );
      expect(drafts).toHaveLength(1);
      const draft = signalDraftSchema.parse(drafts[0]);
      expect(draft).toMatchObject({
        ruleId: 'non-valid-scanned',
        severity,
        subject: { kind: 'certificate', key: revoked.publicId, label: revoked.number },
        certificatePublicIds: [revoked.publicId],
        bodyCode: 'CQC',
        evidence: { verdict, status, day: '2026-05-01', lastScanAt: '2026-05-01T10:00:00.000Z' },
      });
      expect(draft.summary).toContain(revoked.number);
    },
  );

  test('when a revoked certificate is scanned, then the evidence carries its registry facts: number, holder, reason and date', async () => {
    const [draft] = await nonValidScannedRule.evaluate(
      scanOf(revoked, 'GENUINE_REVOKED'),
      scanContext([revoked]),
    );
    expect(draft?.evidence).toMatchObject({
      number: revoked.number,
      holderName: revoked.holder.name,
      holderCreditCode: revoked.holder.creditCode,
      statusReason: '暂停期满未整改',
      statusDate: '2026-03-01',
    });
  });

  test('when an expired certificate is scanned, then its date is the expiry date, whatever the stored status says', async () => {
    const expired = certificateRecord({ issueDate: '2020-01-10', expiryDate: '2023-01-09' });
    const [draft] = await nonValidScannedRule.evaluate(
      scanOf(expired, 'GENUINE_EXPIRED'),
      scanContext([expired]),
    );
    expect(draft?.evidence).toMatchObject({ status: 'expired', statusDate: '2023-01-09' });
    expect(draft?.evidence).not.toHaveProperty('statusReason');
  });

  test('when the same certificate is scanned many times on one day in China, then every draft has one dedup key; the next day another', async () => {
    const keyAt = async (at: string) =>
      (await nonValidScannedRule.evaluate(scanOf(revoked, 'GENUINE_REVOKED', at), scanContext([revoked])))[0]
        ?.dedupKey;
    // 2026-05-01 in China runs from 2026-04-30T16:00Z to 2026-05-01T16:00Z.
    const morning = await keyAt('2026-04-30T16:00:00.000Z');
    expect(await keyAt('2026-05-01T15:59:59.999Z')).toBe(morning);
    expect(morning).toBe(`non-valid-scanned:${revoked.publicId}:2026-05-01`);
    expect(await keyAt('2026-05-01T16:00:00.000Z')).toBe(`non-valid-scanned:${revoked.publicId}:2026-05-02`);
  });

  test('when two certificates are scanned on one day, then their dedup keys differ', async () => {
    const other = certificateRecord({ status: 'revoked', statusReason: '伪造', statusDate: '2026-03-02' });
    const context = scanContext([revoked, other]);
    const at = '2026-05-01T10:00:00.000Z';
    const [a] = await nonValidScannedRule.evaluate(scanOf(revoked, 'GENUINE_REVOKED', at), context);
    const [b] = await nonValidScannedRule.evaluate(scanOf(other, 'GENUINE_REVOKED', at), context);
    expect(a?.dedupKey).not.toBe(b?.dedupKey);
  });

  const nearMisses = SCAN_VERDICTS.filter((v) => !/^GENUINE_(REVOKED|SUSPENDED|WITHDRAWN|EXPIRED)$/.test(v));
  test.each(nearMisses.map((v) => [v] as [ScanVerdict]))(
    'when a scan of the certificate is %s, then nothing is raised and the registry is not read',
    async (verdict) => {
      const context = scanContext([revoked]);
      await expect(nonValidScannedRule.evaluate(scanOf(revoked, verdict), context)).resolves.toEqual([]);
      expect(context.reads).toEqual([]);
    },
  );

  test('when a non-valid verdict comes without a public id, then nothing is raised', async () => {
    await expect(
      nonValidScannedRule.evaluate(scanOf(undefined, 'GENUINE_REVOKED'), scanContext([revoked])),
    ).resolves.toEqual([]);
  });

  test('when the registry no longer has the certificate, then the signal still names it by public id', async () => {
    const [draft] = await nonValidScannedRule.evaluate(scanOf(revoked, 'GENUINE_SUSPENDED'), scanContext([]));
    expect(signalDraftSchema.parse(draft)).toMatchObject({
      subject: { kind: 'certificate', key: revoked.publicId },
      certificatePublicIds: [revoked.publicId],
    });
    expect(draft?.bodyCode).toBeUndefined();
    expect(draft?.summary).toContain(revoked.publicId);
  });
});
