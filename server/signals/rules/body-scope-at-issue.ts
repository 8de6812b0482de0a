import { approvalHistoryOf, approvalOn } from '../../bodies/body-approval';
import type { Body } from '../../bodies/body-schema';
import { scopeBreaches, type ScopeBreach } from '../../certificates/certificate-scope';
import type { Certificate } from '../../certificates/certificate-schema';
import type { SignalDraft, SignalSeverity } from '../signal-schema';
import { certificateSubject } from './rule-facts';
import type { UploadRule } from './rule';

const ID = 'body-scope-at-issue';

interface Finding {
  kind: ScopeBreach['kind'] | 'not-yet-approved' | 'unknown-body';
  severity: SignalSeverity;
  message: string;
  codes?: string[];
}

/** Industry codes are a matter of mapping and can be argued; the rest cannot. */
const SEVERITY: Record<ScopeBreach['kind'], SignalSeverity> = {
  scheme: 'high',
  'industry-codes': 'medium',
  approval: 'high',
};

/**
 * Whether the body was already approved on the issue date, from its approval history
 * (bodies/body-approval.ts): before its first approval (the year of its approval number for a body whose
 * history was not kept) it was not. A suspended spell that ended in a reinstatement leaves the
 * certificates of the approved periods around it alone. High: a certificate of a body not yet approved.
 */
function approvalFindings(body: Body, cert: Certificate): Finding[] {
  const approval = approvalOn(body, cert.issueDate);
  if (approval.status !== 'not-yet-approved') return [];
  return [
    {
      kind: 'not-yet-approved',
      severity: 'high',
      message: `issued on ${cert.issueDate}, before ${body.code} was approved (${body.approvalNumber}, from ${approval.approvedFrom})`,
    },
  ];
}

function findingsOf(body: Body | undefined, cert: Certificate): Finding[] {
  if (!body) {
    return [
      {
        kind: 'unknown-body',
        severity: 'high',
        message: `issuer ${cert.bodyCode} is not in the body registry`,
      },
    ];
  }
  const breaches: Finding[] = scopeBreaches(body, cert).map(({ kind, message, codes }) => ({
    kind,
    severity: SEVERITY[kind],
    message,
    ...(codes ? { codes } : {}),
  }));
  return [...breaches, ...approvalFindings(body, cert)];
}

/**
 * A certificate outside its body's approved scope (超范围认证: a scheme or industry code the body is not
 * approved for), or issued when the body was not approved (假机构: suspended or withdrawn by the issue
 * date, not yet approved, or not in the body registry at all). Uploads refuse most of these rows; the
 * rule also catches what they cannot judge (approval dates) and records stored by other paths. One
 * signal per certificate and issue date, listing every finding; its severity is the worst one's.
 */
export const bodyScopeAtIssueRule: UploadRule = {
  id: ID,
  trigger: 'upload',
  title: { zh: '超出机构批准范围或机构未获批准', en: 'Outside the body’s approved scope or approval' },
  async evaluate(batch, context) {
    const drafts: SignalDraft[] = [];
    for (const cert of batch.certificates) {
      const body = await context.body(cert.bodyCode);
      const findings = findingsOf(body, cert);
      if (findings.length === 0) continue;
      const high = findings.some((f) => f.severity === 'high');
      drafts.push({
        ruleId: ID,
        severity: high ? 'high' : 'medium',
        subject: certificateSubject(cert),
        dedupKey: `${ID}:${cert.publicId}:${cert.issueDate}`,
        summary: `Certificate ${cert.number} of ${cert.bodyCode}: ${findings.map((f) => f.message).join('; ')}.`,
        evidence: {
          certificateNumber: cert.number,
          scheme: cert.scheme,
          industryCodes: cert.industryCodes ?? [],
          issueDate: cert.issueDate,
          findings,
          ...(body
            ? {
                body: {
                  approvalNumber: body.approvalNumber,
                  approvalStatus: body.approvalStatus,
                  approvalStatusDate: body.approvalStatusDate ?? null,
                  approvalHistory: approvalHistoryOf(body),
                  approvedSchemes: body.approvedSchemes,
                  approvedIndustryCodes: body.approvedIndustryCodes,
                },
              }
            : {}),
        },
        certificatePublicIds: [cert.publicId],
        bodyCode: cert.bodyCode,
      });
    }
    return drafts;
  },
};
