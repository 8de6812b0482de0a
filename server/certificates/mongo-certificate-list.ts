/**
 * A body's list of its own certificates in MongoDB (listByBody, countByBody of the certificate port), and
 * the effective-status clauses every filtered read shares. Kept apart from mongo-certificate-repository.ts,
 * which builds the adapter with these methods.
 */
import type { Model } from 'mongoose';
import type { BodyCertificateFilter, CertificateRepository } from './certificate-repository';
import type { Certificate, Status } from './certificate-schema';
import type { CertificateDoc } from './mongo-certificate-repository';

/**
 * The query clauses of an effective status on `today`, derived as effectiveStatus does: revoked and
 * withdrawn are final, otherwise a certificate past its expiry date is expired.
 */
export function effectiveStatusClauses(status: Status | undefined, today: string): Record<string, unknown> {
  if (status === undefined) return {};
  if (status === 'revoked' || status === 'withdrawn') return { status };
  if (status === 'expired') return { status: { $in: ['valid', 'suspended'] }, expiryDate: { $lt: today } };
  return { status, expiryDate: { $gte: today } };
}

/** Sorts after every certificate number (they are ASCII): the end of an open range. */
const AFTER_EVERY_NUMBER = '\u{10FFFF}';

/** The body's range of the unique { bodyCode, number } index that the filter covers. */
function bodyRange(filter: BodyCertificateFilter, after?: string): Record<string, unknown> {
  const prefix = filter.numberPrefix ?? '';
  const number: Record<string, string> = { $gte: prefix, $lt: prefix + AFTER_EVERY_NUMBER };
  if (after !== undefined) number.$gt = after;
  return { bodyCode: filter.bodyCode, number, ...effectiveStatusClauses(filter.status, filter.today) };
}

const BODY_NUMBER_INDEX = { bodyCode: 1, number: 1 } as const;

/** listByBody and countByBody over the Certificate model, each one range of the { bodyCode, number } index. */
export function mongoBodyCertificateList(
  Certificates: Model<CertificateDoc>,
  toCertificate: (doc: CertificateDoc) => Certificate,
): Pick<CertificateRepository, 'listByBody' | 'countByBody'> {
  return {
    async listByBody(filter, { after, limit }) {
      const docs = await Certificates.find(bodyRange(filter, after))
        .sort({ number: 1 })
        .hint(BODY_NUMBER_INDEX)
        .limit(Math.max(1, Math.floor(limit)))
        .lean<CertificateDoc[]>();
      return docs.map(toCertificate);
    },

    async countByBody(filter, limit) {
      return Certificates.countDocuments(bodyRange(filter)).hint(BODY_NUMBER_INDEX).limit(limit);
    },
  };
}
