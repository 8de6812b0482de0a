import { randomUUID } from 'node:crypto';
import { nextCertificateRecord } from '../../../server/certificates/certificate-records';
import type { Certificate, CertificateInput } from '../../../server/certificates/certificate-schema';
import type { ScanEvent, ScanVerdict } from '../../../server/qr/qr-schema';
import type { ScanRuleContext } from '../../../server/signals/rules/rule';
import { makeCertificate } from '../../helpers/factories';

/** A registry record as an upload would store it. */
export function certificateRecord(overrides: Partial<CertificateInput> = {}): Certificate {
  const record = nextCertificateRecord(
    undefined,
    makeCertificate(overrides),
    new Date().toISOString(),
    randomUUID,
  );
  if (!record) throw new Error('a new certificate always makes a record');
  return record;
}

/** A scan context over a fixed registry (the certificates given), the counter given, and its reads counted. */
export function scanContext(
  certificates: readonly Certificate[],
  extra: Partial<ScanRuleContext> = {},
): ScanRuleContext & { reads: string[] } {
  const reads: string[] = [];
  return {
    now: new Date().toISOString(),
    async findCertificate(publicId) {
      reads.push(publicId);
      return certificates.find((c) => c.publicId === publicId);
    },
    reads,
    ...extra,
  };
}

/** A scan of `cert`'s code with `verdict`, from network `networkHash`, at `at`. */
export function scanOf(
  cert: Pick<Certificate, 'publicId'> | undefined,
  verdict: ScanVerdict,
  at = new Date().toISOString(),
  networkHash = 'network-hash-aaaaaaaaa',
): ScanEvent {
  return { at, verdict, networkHash, ...(cert ? { publicId: cert.publicId } : {}) };
}
