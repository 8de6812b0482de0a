import type { Certificate } from '../../certificates/certificate-schema';
import { addYears } from '../../dishonesty/dishonesty-schema';
import type { SignalDraft } from '../signal-schema';
import type { UploadRule } from './rule';

const ID = 'ban-period-hopping';

export interface BanPeriodOptions {
  /** Years after a suspension or revocation during which no other body may certify the holder for the scheme. */
  banYears?: number;
}

/** The suspensions and revocations in a certificate's history, with the date each took effect. */
function sanctionsOf(cert: Certificate) {
  return cert.statusHistory.filter((c) => c.status === 'suspended' || c.status === 'revoked');
}

/**
 * A holder certified by another body for the same scheme within the ban period after a suspension or
 * revocation (暂禁期换证): the sanction is escaped by changing bodies. Read both ways, so the order of the
 * reports does not matter: a batch's new certificate against the holder's sanctioned ones elsewhere, and
 * a batch's sanction against the holder's certificates from other bodies issued within the period after
 * it. High after a revocation, medium after a suspension. One signal per sanction and certificate.
 */
export function createBanPeriodHoppingRule(options: BanPeriodOptions = {}): UploadRule {
  const banYears = options.banYears ?? 1;

  /** The draft when `issued` (another body's) falls in the ban period of a sanction of `sanctioned`. */
  function hopping(sanctioned: Certificate, issued: Certificate): SignalDraft[] {
    return sanctionsOf(sanctioned)
      .filter((s) => s.date <= issued.issueDate && issued.issueDate < addYears(s.date, banYears))
      .map((sanction) => ({
        ruleId: ID,
        severity: sanction.status === 'revoked' ? 'high' : 'medium',
        subject: { kind: 'organisation', key: issued.holder.creditCode, label: issued.holder.name },
        dedupKey: `${ID}:${sanctioned.publicId}:${sanction.status}:${sanction.date}:${issued.publicId}`,
        summary: `${issued.bodyCode} certified ${issued.holder.name} for ${issued.scheme} on ${issued.issueDate} (${issued.number}), within ${banYears} year(s) of its ${sanction.status === 'revoked' ? 'revocation' : 'suspension'} by ${sanctioned.bodyCode} on ${sanction.date} (${sanctioned.number}).`,
        evidence: {
          holderCreditCode: issued.holder.creditCode,
          scheme: issued.scheme,
          banYears,
          banEnds: addYears(sanction.date, banYears),
          sanctioned: {
            publicId: sanctioned.publicId,
            number: sanctioned.number,
            bodyCode: sanctioned.bodyCode,
            status: sanction.status,
            date: sanction.date,
          },
          issued: {
            publicId: issued.publicId,
            number: issued.number,
            bodyCode: issued.bodyCode,
            issueDate: issued.issueDate,
          },
        },
        certificatePublicIds: [sanctioned.publicId, issued.publicId],
        bodyCode: issued.bodyCode,
      }));
  }

  return {
    id: ID,
    trigger: 'upload',
    title: { zh: '暂禁期内换机构获证', en: 'Certified by another body within the ban period' },
    async evaluate(batch, context) {
      const drafts = new Map<string, SignalDraft>();
      const add = (sanctioned: Certificate, issued: Certificate) => {
        if (sanctioned.scheme !== issued.scheme || sanctioned.bodyCode === issued.bodyCode) return;
        for (const draft of hopping(sanctioned, issued)) drafts.set(draft.dedupKey, draft);
      };
      // The batch's certificates after a sanction elsewhere: only the holders' sanctioned certificates
      // are read, in one go (most holders have none).
      const sanctioned = await context.sanctionedCertificatesOfHolders(
        batch.certificates.map((c) => c.holder.creditCode),
      );
      for (const cert of batch.certificates) {
        for (const other of sanctioned.get(cert.holder.creditCode) ?? []) add(other, cert);
      }
      // The batch's own sanctions (rare): the holder's certificates from other bodies issued after them.
      const sanctionedHere = batch.certificates.filter((c) => sanctionsOf(c).length > 0);
      if (sanctionedHere.length > 0) {
        const holders = await context.certificatesOfHolders(sanctionedHere.map((c) => c.holder.creditCode));
        for (const cert of sanctionedHere) {
          for (const other of holders.get(cert.holder.creditCode) ?? []) add(cert, other);
        }
      }
      return [...drafts.values()];
    },
  };
}

export const banPeriodHoppingRule = createBanPeriodHoppingRule();
