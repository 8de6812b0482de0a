import type { Certificate, Status } from './certificate-schema';

/** Today's date in China (UTC+8, no daylight saving), as YYYY-MM-DD: expiry is judged by the local date. */
let memo = { minute: -1, date: '' };

export function todayInChina(now: number = Date.now()): string {
  // Every lookup asks; the answer changes once a day, so compute it at most once a minute.
  const minute = Math.floor(now / 60_000);
  if (minute !== memo.minute)
    memo = { minute, date: new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10) };
  return memo.date;
}

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
