import type { Certificate } from '../../certificates/certificate-schema';
import { todayInChina } from '../../platform/china-time';
import type { ScanVerdict } from '../../qr/qr-schema';
import type { SignalSeverity } from '../signal-schema';
import type { ScanRule } from './rule';
import { certificateSubject } from './rule-facts';

/**
 * The status each verdict reports, and how serious using such a certificate is: revoked is withdrawn for
 * cause (冒用 at its plainest); suspended and withdrawn are not valid but may be an oversight (a certificate
 * left on a wall, on a tender file); expired is the commonest and the most innocent.
 */
const NON_VALID: Partial<Record<ScanVerdict, { status: string; severity: SignalSeverity }>> = {
  GENUINE_REVOKED: { status: 'revoked', severity: 'high' },
  GENUINE_SUSPENDED: { status: 'suspended', severity: 'medium' },
  GENUINE_WITHDRAWN: { status: 'withdrawn', severity: 'medium' },
  GENUINE_EXPIRED: { status: 'expired', severity: 'low' },
};

/** What the registry says of the certificate: an inspector's first check. */
function certificateFacts(cert: Certificate, status: string): Record<string, string> {
  const facts: Record<string, string> = {
    number: cert.number,
    holderName: cert.holder.name,
    holderCreditCode: cert.holder.creditCode,
  };
  // An expired certificate's stored status may still say valid: its date is the expiry date.
  if (status === 'expired') facts.statusDate = cert.expiryDate;
  else {
    if (cert.statusReason) facts.statusReason = cert.statusReason;
    if (cert.statusDate) facts.statusDate = cert.statusDate;
  }
  return facts;
}

/**
 * A suspended, revoked, withdrawn or expired certificate's printed code being scanned: someone is showing
 * it as if it were in force. Only signed codes of this portal count (the GENUINE_* verdicts): a typed
 * number or a link copied from the address bar says nothing about the paper being used. One signal per
 * certificate per day (China's date): a flood of scans is one signal whose occurrences rise.
 */
export const nonValidScannedRule: ScanRule = {
  id: 'non-valid-scanned',
  trigger: 'scan',
  title: { zh: '无效证书被扫码', en: 'Non-valid certificate scanned' },
  async evaluate(scan, context) {
    const kind = NON_VALID[scan.verdict];
    if (!kind || !scan.publicId) return [];
    const cert = await context.findCertificate(scan.publicId);
    const day = todayInChina(Date.parse(scan.at));
    const name = cert ? `${cert.number} (${cert.holder.name})` : scan.publicId;
    return [
      {
        ruleId: 'non-valid-scanned',
        severity: kind.severity,
        subject: cert ? certificateSubject(cert) : { kind: 'certificate', key: scan.publicId },
        dedupKey: `non-valid-scanned:${scan.publicId}:${day}`,
        summary: `The code of ${kind.status} certificate ${name} was scanned on ${day}.`,
        evidence: {
          verdict: scan.verdict,
          status: kind.status,
          day,
          lastScanAt: scan.at,
          ...(cert ? certificateFacts(cert, kind.status) : {}),
        },
        certificatePublicIds: [scan.publicId],
        ...(cert ? { bodyCode: cert.bodyCode } : {}),
      },
    ];
  },
};
