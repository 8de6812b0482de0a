import type { Certificate } from '../../certificates/certificate-schema';
import { addYears } from '../../dishonesty/dishonesty-schema';
import type { SignalDraft } from '../signal-schema';
import type { UploadRule } from './rule';

const ID = 'ban-period-hopping';

export interface BanPeriodOptions {
  /** Years after a suspension or revocation during which no other body may certify the holder for the scheme. */
  banYears?: number;
}

/** A suspension or revocation in a certificate's history, and the day its ban ends (excluded). */
interface Ban {
  status: 'suspended' | 'revoked';
  date: string;
  until: string;
  /** The day a suspension was lifted (the certificate reinstated), which ended its ban early. */
  liftedOn?: string;
}

/** The certificate's changes of status in date order (one day's changes in the order recorded). */
function historyOf(cert: Certificate) {
  return cert.statusHistory
    .map((change, i) => ({ change, i }))
    .sort((a, b) => (a.change.date < b.change.date ? -1 : a.change.date > b.change.date ? 1 : a.i - b.i))
    .map(({ change }) => change);
}

/**
 * The bans a certificate's history starts: a revocation bans for `banYears`; a suspension bans while it
 * is in force, at most `banYears`: once lifted (the certificate valid again) it bans nothing more.
 */
function bansOf(cert: Certificate, banYears: number): Ban[] {
  const history = historyOf(cert);
  const bans: Ban[] = [];
  history.forEach((change, i) => {
    if (change.status !== 'suspended' && change.status !== 'revoked') return;
    const end = addYears(change.date, banYears);
    const lifted =
      change.status === 'suspended'
        ? history.slice(i + 1).find((later) => later.status === 'valid')
        : undefined;
    const until = lifted && lifted.date < end ? lifted.date : end;
    bans.push({
      status: change.status,
      date: change.date,
      until,
      ...(lifted ? { liftedOn: lifted.date } : {}),
    });
  });
  return bans;
}

/**
 * A holder certified for the same scheme within the ban period after a sanction (暂禁期换证): by another
 * body while a suspension is in force (a suspension lifted by reinstatement bans no more) or within
 * `banYears` of a revocation, or by the same body with a new certificate within `banYears` of revoking
 * the old one. Read both ways, so the order of the reports does not matter: a batch's new certificate
 * against the holder's sanctioned ones, and a batch's sanction against the holder's other certificates
 * issued after it. High after a revocation, medium during a suspension. One signal per sanction and
 * certificate.
 */
export function createBanPeriodHoppingRule(options: BanPeriodOptions = {}): UploadRule {
  const banYears = options.banYears ?? 1;

  /**
   * The drafts when `issued` falls in a ban of `sanctioned`: another body's certificate during any ban,
   * or the same body's new certificate after it revoked the old one.
   */
  function hopping(sanctioned: Certificate, issued: Certificate): SignalDraft[] {
    const sameBody = sanctioned.bodyCode === issued.bodyCode;
    return bansOf(sanctioned, banYears)
      .filter((s) => !sameBody || s.status === 'revoked')
      .filter((s) => s.date <= issued.issueDate && issued.issueDate < s.until)
      .map((sanction) => ({
        ruleId: ID,
        severity: sanction.status === 'revoked' ? 'high' : 'medium',
        subject: { kind: 'organisation', key: issued.holder.creditCode, label: issued.holder.name },
        dedupKey: `${ID}:${sanctioned.publicId}:${sanction.status}:${sanction.date}:${issued.publicId}`,
        summary: sameBody
          ? `${issued.bodyCode} certified ${issued.holder.name} for ${issued.scheme} again on ${issued.issueDate} (${issued.number}), within ${banYears} year(s) of revoking its certificate on ${sanction.date} (${sanctioned.number}).`
          : `${issued.bodyCode} certified ${issued.holder.name} for ${issued.scheme} on ${issued.issueDate} (${issued.number}), ${sanction.status === 'revoked' ? `within ${banYears} year(s) of its revocation` : 'while its suspension was in force'} by ${sanctioned.bodyCode} on ${sanction.date} (${sanctioned.number}).`,
        evidence: {
          holderCreditCode: issued.holder.creditCode,
          scheme: issued.scheme,
          banYears,
          banEnds: sanction.until,
          sameBody,
          ...(sanction.liftedOn ? { suspensionLiftedOn: sanction.liftedOn } : {}),
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
    title: { zh: '暂禁期内换机构或重新获证', en: 'Certified again within the ban period' },
    async evaluate(batch, context) {
      const drafts = new Map<string, SignalDraft>();
      const add = (sanctioned: Certificate, issued: Certificate) => {
        if (sanctioned.scheme !== issued.scheme || sanctioned.publicId === issued.publicId) return;
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
      const sanctionedHere = batch.certificates.filter((c) => bansOf(c, banYears).length > 0);
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
