import type { ScanVerdict } from '../../qr/qr-schema';
import type { ScanRule } from './rule';
import { certificateSubject } from './rule-facts';

/**
 * Verdicts of a code signed by this portal: what a clone of a printed code reads as. Altered, foreign or
 * unsigned codes are other patterns (their own verdicts say so), and a typed number is no copy of a code.
 */
const SIGNED_CODE_VERDICTS: ReadonlySet<ScanVerdict> = new Set<ScanVerdict>([
  'GENUINE_VALID',
  'GENUINE_SUSPENDED',
  'GENUINE_REVOKED',
  'GENUINE_WITHDRAWN',
  'GENUINE_EXPIRED',
  'REGISTRY_MISMATCH',
]);

/**
 * Cloned QR (克隆): one certificate's code scanned from many distinct networks (keyed hashes of /24 or /48
 * prefixes) within a short window, as when a genuine code is copied onto goods sold widely. The tally is
 * `context.clonedQr` (thresholds CLONED_QR_MIN_NETWORKS, default 20, over CLONED_QR_WINDOW_MINUTES,
 * default 60): a real certificate is checked by a few parties (buyer, procurement officer, inspector), each
 * from one or two networks, so twenty networks in an hour is far beyond its audience, while a clone on
 * goods in shops reaches it within hours. Every scan counts its network; the certificate is read only once
 * the threshold is met. One signal per certificate per window (windows aligned on the epoch): while the
 * code keeps being scanned its occurrences and network count rise.
 */
export const clonedQrRule: ScanRule = {
  id: 'cloned-qr',
  trigger: 'scan',
  title: { zh: '疑似克隆二维码', en: 'Cloned QR code suspected' },
  async evaluate(scan, context) {
    const tally = context.clonedQr;
    if (!tally || !scan.publicId || !SIGNED_CODE_VERDICTS.has(scan.verdict)) return [];
    const networks = await tally.networks.add(scan.publicId, scan.networkHash, scan.at);
    if (networks < tally.minNetworks) return [];
    const { windowSeconds } = tally.networks.window;
    const windowStart = new Date(
      Math.floor(Date.parse(scan.at) / (windowSeconds * 1000)) * windowSeconds * 1000,
    ).toISOString();
    const cert = await context.findCertificate(scan.publicId);
    const windowMinutes = Math.round(windowSeconds / 60);
    return [
      {
        ruleId: 'cloned-qr',
        severity: 'medium',
        subject: cert ? certificateSubject(cert) : { kind: 'certificate', key: scan.publicId },
        dedupKey: `cloned-qr:${scan.publicId}:${windowStart}`,
        summary:
          `The code of certificate ${cert ? `${cert.number} (${cert.holder.name})` : scan.publicId} was ` +
          `scanned from at least ${networks} distinct networks within ${windowMinutes} minutes.`,
        evidence: {
          networks,
          minNetworks: tally.minNetworks,
          windowMinutes,
          windowStart,
          lastScanAt: scan.at,
          lastVerdict: scan.verdict,
          ...(cert ? { number: cert.number, holderName: cert.holder.name } : {}),
        },
        certificatePublicIds: [scan.publicId],
        ...(cert ? { bodyCode: cert.bodyCode } : {}),
      },
    ];
  },
};
