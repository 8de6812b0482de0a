/** What several upload rules say the same way: a certificate as a signal's subject, and day counts. */
import type { Certificate } from '../../certificates/certificate-schema';
import type { SignalSubject } from '../signal-schema';

/** A certificate as a signal's subject: its public id, shown by its number. */
export function certificateSubject(cert: Pick<Certificate, 'publicId' | 'number'>): SignalSubject {
  return { kind: 'certificate', key: cert.publicId, label: cert.number };
}

/** Whole days from `from` to `to` (YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
