/**
 * What the three auditor register rules share (auditor-unregistered, auditor-expired,
 * auditor-unqualified): the audited certificates of a batch, their team members as the register knows
 * them, and the evidence every such signal carries.
 */
import type { Auditor } from '../../auditors/auditor-schema';
import { normalizeRegistrationNumber } from '../../auditors/auditor-schema';
import type { Certificate } from '../../certificates/certificate-schema';
import type { SignalDraft } from '../signal-schema';
import type { RuleContext, StoredBatch } from './rule';

type Audited = Certificate & { audit: NonNullable<Certificate['audit']> };

/** One auditor of one certificate's audit team, with the register's entry (undefined: not registered). */
export interface TeamMember {
  cert: Audited;
  /** Normalised (the register's form). */
  registrationNumber: string;
  /** The name the body reported. */
  reportedName: string;
  registration: Auditor | undefined;
}

/**
 * The batch's audit team members the register speaks about: every auditor of every certificate with an
 * audit, except technical experts (专家: they advise the team and need no auditor registration), once
 * per certificate and registration number. Empty when no register was ever imported: then every auditor
 * would look unregistered, and the rules stay silent.
 */
export async function teamMembersOf(batch: StoredBatch, context: RuleContext): Promise<TeamMember[]> {
  const members: Omit<TeamMember, 'registration'>[] = [];
  for (const cert of batch.certificates) {
    if (!cert.audit || cert.audit.auditors.length === 0) continue;
    const seen = new Set<string>();
    for (const auditor of cert.audit.auditors) {
      if (auditor.role === 'expert') continue;
      const registrationNumber = normalizeRegistrationNumber(auditor.registrationNumber);
      if (seen.has(registrationNumber)) continue;
      seen.add(registrationNumber);
      members.push({ cert: cert as Audited, registrationNumber, reportedName: auditor.name });
    }
  }
  if (members.length === 0) return [];
  const view = await context.auditorRegister(members.map((m) => m.registrationNumber));
  if (!view.imported) return [];
  return members.map((m) => ({ ...m, registration: view.registrations.get(m.registrationNumber) }));
}

/** The facts every register signal carries: the audit, the auditor as reported, the registration as registered. */
export function memberEvidence(m: TeamMember): Record<string, unknown> {
  const { cert, registration } = m;
  return {
    registrationNumber: m.registrationNumber,
    reportedName: m.reportedName,
    certificateNumber: cert.number,
    publicId: cert.publicId,
    scheme: cert.scheme,
    audit: { startDate: cert.audit.startDate, endDate: cert.audit.endDate },
    ...(registration
      ? {
          registration: {
            name: registration.name,
            schemes: registration.schemes,
            validFrom: registration.validFrom,
            validTo: registration.validTo,
            ...(registration.level ? { level: registration.level } : {}),
          },
        }
      : {}),
  };
}

/** A register signal about one auditor on one certificate's audit: deduplicated per rule, auditor and certificate. */
export function memberDraft(
  ruleId: string,
  m: TeamMember,
  severity: SignalDraft['severity'],
  summary: string,
  evidence: Record<string, unknown>,
): SignalDraft {
  return {
    ruleId,
    severity,
    subject: { kind: 'auditor', key: m.registrationNumber, label: m.registration?.name ?? m.reportedName },
    dedupKey: `${ruleId}:${m.registrationNumber}:${m.cert.publicId}`,
    summary,
    evidence: { ...memberEvidence(m), ...evidence },
    certificatePublicIds: [m.cert.publicId],
    bodyCode: m.cert.bodyCode,
  };
}
