import type { Certificate, Status } from './certificate-schema';

import { todayInChina } from '../platform/china-time';
import { AppError } from '../platform/errors';

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

/** Revoked and withdrawn are final; every other move between stored statuses is allowed. */
export function isLegalTransition(from: Certificate['status'], to: Certificate['status']): boolean {
  if (from === 'revoked' || from === 'withdrawn') return false;
  return from !== to;
}

/** The statuses no certificate leaves: a store refuses a write that would move one elsewhere. */
export const FINAL_STATUSES = ['revoked', 'withdrawn'] as const;

/** The 409 a store answers when the status it holds cannot become `to`. */
export function illegalTransition(
  from: Certificate['status'],
  to: Certificate['status'],
  number?: string,
): AppError {
  return new AppError(
    'ILLEGAL_STATUS_TRANSITION',
    `A ${from} certificate cannot become ${to}${number === undefined ? '' : ` (certificate ${number})`}.`,
    { details: { from, to, ...(number === undefined ? {} : { number }) } },
  );
}

/**
 * The day of a certificate's last status change: the latest date of its status history (the first entry
 * is the report at issue) and of its current status. Undefined for a certificate with neither.
 */
export function lastStatusChangeDate(
  cert: Pick<Certificate, 'statusDate' | 'statusHistory'>,
): string | undefined {
  let last = cert.statusDate;
  for (const change of cert.statusHistory ?? [])
    if (last === undefined || change.date > last) last = change.date;
  return last;
}

/**
 * The 409 for an effective date that comes before the certificate was issued or before its last status
 * change (a history must read in order), or undefined when the date is fine.
 */
export function statusDateConflict(
  cert: Pick<Certificate, 'issueDate' | 'statusDate' | 'statusHistory'>,
  date: string,
): AppError | undefined {
  if (date < cert.issueDate) {
    return new AppError(
      'STATUS_DATE_BEFORE_ISSUE',
      `The effective date ${date} is before the certificate was issued (${cert.issueDate}).`,
      { details: { effectiveDate: date, issueDate: cert.issueDate } },
    );
  }
  const last = lastStatusChangeDate(cert);
  if (last !== undefined && date < last) {
    return new AppError(
      'STATUS_DATE_BEFORE_LAST_CHANGE',
      `The effective date ${date} is before the certificate's last status change (${last}).`,
      { details: { effectiveDate: date, lastChangeDate: last } },
    );
  }
  return undefined;
}
