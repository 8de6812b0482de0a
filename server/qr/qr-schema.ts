import { z } from 'zod';
import { publicCertificateSchema } from '../certificates/certificate-schema';

/**
 * The one verdict of a scan. Stable codes (a published contract, like the API's error codes): the page
 * and partners' apps map them to text, and the supervision issue's clone detection reads them.
 *
 * For a signed CertWatch code on this portal's origin:
 *  - GENUINE_VALID: the signature verifies and the registry holds the certificate, valid, with the signed
 *    holder and scope.
 *  - GENUINE_SUSPENDED / GENUINE_REVOKED / GENUINE_WITHDRAWN / GENUINE_EXPIRED: the signature verifies; the
 *    registry's effective status says otherwise (reason and date in `certificate`). A status verdict wins
 *    over REGISTRY_MISMATCH; `differences` still lists what changed.
 *  - REGISTRY_MISMATCH: the signature verifies, the certificate is valid, but the registry's number, holder
 *    (name, credit code), scheme or body now differ from what was signed (`differences` names them): the
 *    printed certificate no longer matches the registry. Changed dates alone do not make a mismatch (a
 *    renewal extends the expiry); they are listed in `differences`.
 *  - NOT_FOUND: the signature verifies but the registry has no certificate with this public id.
 *  - SIGNATURE_INVALID: the code was altered (or damaged): the signature does not verify, or the signed
 *    part is malformed or of an unknown version.
 *  - UNKNOWN_KEY: signed by a key this portal does not know (forged, or a key removed from a key list).
 *  - REMOVED_KEY: signed by a key this portal withdrew (removed after rotation): no longer accepted.
 * Other inputs:
 *  - FOREIGN_HOST: a CertWatch-shaped code (`/v/{publicId}`) on another origin: a possible phishing copy.
 *    `signature` says whether its signature would verify with this portal's keys; `foreignOrigin` names it.
 *  - UNSIGNED_LINK: a plain link to a result page of this portal (`/v/{publicId}`, no signature, e.g. one
 *    copied from the address bar): `certificate` is the registry's answer, but nothing printed was checked.
 *    NOT_FOUND when the id is unknown.
 *  - NUMBER_LOOKUP: a bare certificate number (typed, or read from a barcode): `matches` are the registry's
 *    certificates with that number (numbers are unique per body only); no signature was involved.
 *  - NOT_CERTWATCH: anything else (another site's link, plain text, binary content).
 */
export const SCAN_VERDICTS = [
  'GENUINE_VALID',
  'GENUINE_SUSPENDED',
  'GENUINE_REVOKED',
  'GENUINE_WITHDRAWN',
  'GENUINE_EXPIRED',
  'REGISTRY_MISMATCH',
  'NOT_FOUND',
  'SIGNATURE_INVALID',
  'UNKNOWN_KEY',
  'REMOVED_KEY',
  'FOREIGN_HOST',
  'UNSIGNED_LINK',
  'NUMBER_LOOKUP',
  'NOT_CERTWATCH',
] as const;
export const scanVerdictSchema = z.enum(SCAN_VERDICTS);
export type ScanVerdict = z.infer<typeof scanVerdictSchema>;

/** Whether the code's signature was checked and how it came out. */
export const SIGNATURE_STATES = ['valid', 'invalid', 'unknown-key', 'removed-key', 'absent'] as const;
export const signatureStateSchema = z.enum(SIGNATURE_STATES);
export type SignatureState = z.infer<typeof signatureStateSchema>;

/** The fields a QR signature binds (qr-payload.ts SignedFields), by name. */
export const SIGNED_FIELD_NAMES = [
  'number',
  'holderName',
  'holderCreditCode',
  'scheme',
  'bodyCode',
  'issueDate',
  'expiryDate',
] as const;
export type SignedFieldName = (typeof SIGNED_FIELD_NAMES)[number];

/** The fields whose change makes a REGISTRY_MISMATCH (holder and scope); dates are only reported. */
export const IDENTITY_FIELDS: readonly SignedFieldName[] = [
  'number',
  'holderName',
  'holderCreditCode',
  'scheme',
  'bodyCode',
];

export const signedFieldsSchema = z
  .object({
    number: z.string(),
    holderName: z
      .string()
      .describe(
        'As signed: the whole name up to 60 UTF-8 bytes; a longer one as its first ≤ 40 bytes, `…#` and a ' +
          '16-character SHA-256 fingerprint of the whole name (docs/qr-format.md §3). Codes printed before ' +
          'shortening carry the whole name.',
      ),
    holderCreditCode: z.string(),
    scheme: z.string(),
    bodyCode: z.string(),
    issueDate: z.iso.date(),
    expiryDate: z.iso.date(),
  })
  .meta({ id: 'SignedFields' });

/** Longest text a scan takes: more than any QR code holds in byte mode (2,953 bytes). */
export const MAX_SCAN_TEXT = 4096;

export const scanRequestSchema = z
  .strictObject({
    text: z
      .string()
      .refine((v) => v.trim().length > 0, { message: 'empty', params: { code: 'SCAN_TEXT_EMPTY' } })
      .refine((v) => v.length <= MAX_SCAN_TEXT, {
        message: `at most ${MAX_SCAN_TEXT} characters`,
        params: { code: 'SCAN_TEXT_TOO_LONG' },
      })
      .describe('The raw text a scanner read from a code, or a certificate number typed in'),
  })
  .meta({ id: 'ScanRequest' });

export const scanAnswerSchema = z
  .object({
    verdict: scanVerdictSchema,
    signature: signatureStateSchema,
    /** The kid the code names, when it names one. */
    keyId: z.string().optional(),
    /** The public id the code carries (shape-checked), when it carries one. */
    publicId: z.string().optional(),
    /** The registry's public view of that certificate, when it has one (status, reason and date included). */
    certificate: publicCertificateSchema.optional(),
    /** What the code's signature binds: only when the signature verified. */
    signedFields: signedFieldsSchema.optional(),
    /** Signed fields that differ from the registry's record now (empty when all match). */
    differences: z.array(z.enum(SIGNED_FIELD_NAMES)).optional(),
    /** FOREIGN_HOST: the origin the code points to. */
    foreignOrigin: z.string().optional(),
    /** NUMBER_LOOKUP: the normalised number and the registry's certificates with it (at most 20). */
    number: z.string().optional(),
    matches: z.array(publicCertificateSchema).optional(),
    checkedAt: z.iso.datetime(),
  })
  .meta({ id: 'ScanAnswer' });
export type ScanAnswer = z.infer<typeof scanAnswerSchema>;

export const jwksSchema = z
  .object({
    keys: z.array(
      z.object({
        kty: z.literal('OKP'),
        crv: z.literal('Ed25519'),
        x: z.string(),
        kid: z.string(),
        alg: z.literal('EdDSA'),
        use: z.literal('sig'),
      }),
    ),
    /** Keys withdrawn from the ring: codes they signed answer REMOVED_KEY (an extension member). */
    removed: z.array(z.object({ kid: z.string(), removedAt: z.iso.datetime() })),
  })
  .meta({ id: 'Jwks' });

/** One recorded scan (see ScanRepository). */
export interface ScanEvent {
  /** ISO timestamp. */
  at: string;
  /** The certificate the code names (its public id), when it names one. */
  publicId?: string;
  verdict: ScanVerdict;
  /** HMAC of the client's network prefix (/24, /48): equal for one network, never the address. */
  networkHash: string;
}
