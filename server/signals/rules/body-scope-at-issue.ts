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
 * Whether the body was already approved on the issue date. The registry keeps the approval number (its
 * year is the year of approval) and the date of the last change of approval state: a certificate dated
 * before the approval year is certain (high); one dated before the body became approved again is likely,
 * but the date may be a reinstatement after an earlier approved spell (medium).
 */
function approvalFindings(body: Body, cert: Certificate): Finding[] {
  const year = /^CNCA-[A-Z]+-(\d{4})-/.exec(body.approvalNumber)?.[1];
  if (year !== undefined && cert.issueDate.slice(0, 4) < year) {
    return [
      {
        kind: 'not-yet-approved',
        severity: 'high',
        message: `issued on ${cert.issueDate}, before ${body.code} was approved (${body.approvalNumber}, ${year})`,
      },
    ];
  }
  const since = body.approvalStatusDate;
  if (body.approvalStatus === 'approved' && since !== undefined && cert.issueDate < since) {
    return [
      {
        kind: 'not-yet-approved',
        severity: 'medium',
        message: `issued on ${cert.issueDate}, but ${body.code} has been approved only since ${since}`,
      },
    ];
  }
  return [];
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
