import type { Certificate, Status } from './certificate-schema';

import { todayInChina } from '../platform/china-time';

export interface EffectiveStatus {
  status: Status;
  reason?: string;
  date?: string;
}

/**
 * The status the public sees. Revoked and withdrawn are final whatever the dates say; otherwise a
 * certificate past its expiry date is expired, never trusting a stored flag.
 */
export function effectiveStatus(
  cert: Pick<Certificate, 'status' | 'statusReason' | 'statusDate' | 'expiryDate'>,
  today: string = todayInChina(),
): EffectiveStatus {
  if (cert.status === 'revoked' || cert.status === 'withdrawn') {
    return { status: cert.status, reason: cert.statusReason, date: cert.statusDate };
  }
  if (cert.expiryDate < today) return { status: 'expired', date: cert.expiryDate };
  if (cert.status === 'suspended')
    return { status: 'suspended', reason: cert.statusReason, date: cert.statusDate };
  return { status: 'valid' };
}
