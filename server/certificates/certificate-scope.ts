/**
 * Whether a certificate lies within its body's approved scope: the scheme, the industry codes (management
 * systems) and the approval on the issue date. Uploads refuse rows outside it (uploads/upload-rows.ts);
 * the body-scope-at-issue rule raises a signal for any stored certificate outside it.
 */
import type { CertificateData } from './certificate-schema';
import { findScheme } from '../schemes/schemes';
import type { Body } from '../bodies/body-schema';
import { approvalOn } from '../bodies/body-approval';

export interface ScopeBreach {
  kind: 'scheme' | 'industry-codes' | 'approval';
  /** The certificate field at fault. */
  field: 'scheme' | 'industryCodes' | 'issueDate';
  message: string;
  /** The industry codes outside the scope (kind industry-codes). */
  codes?: string[];
}

/** `approved` covers `code` when equal or a dotted prefix of it (`18` covers `18.01.02`). */
function covers(approved: string, code: string): boolean {
  return code === approved || code.startsWith(`${approved}.`);
}

/**
 * The ways `cert` falls outside `body`'s scope: a scheme the body is not approved for; for management
 * systems, when the body lists approved industry codes, any industry code under none of them; and an issue
 * date within a period of the body's approval history (bodies/body-approval.ts) when it was suspended or
 * withdrawn. An issue date before the body was approved at all is the body-scope-at-issue rule's to judge
 * (an upload takes it: the history of an old body may be incomplete). Empty when within scope.
 */
export function scopeBreaches(
  body: Body,
  cert: Pick<CertificateData, 'scheme' | 'industryCodes' | 'issueDate'>,
): ScopeBreach[] {
  const breaches: ScopeBreach[] = [];
  if (!body.approvedSchemes.includes(cert.scheme)) {
    breaches.push({
      kind: 'scheme',
      field: 'scheme',
      message: `scheme ${cert.scheme} is outside the approved scope of ${body.code} (${body.approvedSchemes.join(', ') || 'none'})`,
    });
  }
  const scheme = findScheme(cert.scheme);
  if (scheme?.kind === 'management' && body.approvedIndustryCodes.length > 0) {
    const outside = (cert.industryCodes ?? []).filter(
      (code) => !body.approvedIndustryCodes.some((approved) => covers(approved, code)),
    );
    if (outside.length > 0) {
      breaches.push({
        kind: 'industry-codes',
        field: 'industryCodes',
        message: `industry codes ${outside.join(', ')} are outside the approved scope of ${body.code}`,
        codes: outside,
      });
    }
  }
  const approval = approvalOn(body, cert.issueDate);
  if (approval.status === 'suspended' || approval.status === 'withdrawn') {
    const { since } = approval;
    breaches.push({
      kind: 'approval',
      field: 'issueDate',
      message: `issued on ${cert.issueDate}, while the approval of ${body.code} was ${approval.status}${since ? ` (since ${since})` : ''}`,
    });
  }
  return breaches;
}
