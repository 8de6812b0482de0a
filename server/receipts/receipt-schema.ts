/**
 * Verification receipts: the signed record of one check of one certificate (docs/receipt-format.md).
 * The receipt object is what is signed (its JCS bytes, see receipt-codec.ts); the envelope around it
 * carries the key id, the signature and the compact form, and (later) the transparency-log proof.
 */
import { z } from 'zod';
import { ENTRY_PROOF_VERDICTS, entryProofSchema } from '../audit/witness-schema';
import { approvalStatusSchema } from '../bodies/body-schema';
import { publicIdSchema, statusSchema } from '../certificates/certificate-schema';
import { severitySchema } from '../dishonesty/dishonesty-schema';
import { MAX_RECEIPT_TEXT, RECEIPT_TYPE } from './receipt-codec';

/** Free texts longer than this many characters (code points) are cut in a receipt, ending with `…`. */
export const RECEIPT_TEXT_LIMIT = 200;
export const RECEIPT_FORMAT_VERSION = 1;

const isoDate = z.iso.date();
/** UTC, whole seconds: `2026-12-03T08:05:53Z`. */
const utcSeconds = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'UTC time in whole seconds');

export const receiptCertificateSchema = z.strictObject({
  publicId: publicIdSchema,
  number: z.string().min(1),
  holderName: z.string().min(1),
  holderCreditCode: z.string().min(1),
  scheme: z.string().min(1).describe('Scheme code of the catalogue (e.g. QMS)'),
  scope: z.string().describe(`Cut at ${RECEIPT_TEXT_LIMIT} characters (then listed in truncated)`),
  bodyCode: z.string().min(1),
  bodyName: z.string().optional().describe('Absent when the body is not in the registry'),
  issueDate: isoDate,
  expiryDate: isoDate,
});

export const receiptSchema = z
  .strictObject({
    type: z.literal(RECEIPT_TYPE),
    v: z.literal(RECEIPT_FORMAT_VERSION),
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{22}$/)
      .describe('128 random bits: the receipt number'),
    issuer: z.string().describe('PUBLIC_BASE_URL of the portal that signed'),
    checkedAt: utcSeconds,
    certificate: receiptCertificateSchema,
    status: z.strictObject({
      code: statusSchema.describe('Effective status at checkedAt (expired derived in China time)'),
      date: isoDate.optional(),
      reason: z.string().optional(),
    }),
    registry: z.strictObject({
      recordUpdatedAt: z.iso.datetime().describe('When the registry record last changed'),
      body: z
        .strictObject({
          approvalStatus: approvalStatusSchema,
          approvalStatusDate: isoDate.optional(),
          lastReportedAt: z.iso.datetime().optional(),
        })
        .nullable()
        .describe('The certifying body as the registry knew it; null: not in the registry'),
      listings: z
        .array(
          z.strictObject({
            subject: z.enum(['holder', 'body']),
            severity: severitySchema,
            startDate: isoDate,
          }),
        )
        .describe('Dishonesty-list entries of the holder and the body at that moment'),
      statusEntry: z
        .strictObject({
          seq: z.number().int().min(1),
          leafHash: z.string().describe('Base64 Merkle leaf hash of that audit entry'),
        })
        .optional()
        .describe(
          "The certificate's latest status entry in the audit log (absent when it has none: a certificate only " +
            'ever reported in bulk uploads); the envelope’s `log` proves it is in a signed checkpoint',
        ),
    }),
    truncated: z
      .array(z.enum(['scope', 'statusReason']))
      .optional()
      .describe('Texts cut at the limit'),
  })
  .meta({ id: 'Receipt' });
export type Receipt = z.infer<typeof receiptSchema>;

/** What POST .../receipts answers, and what POST /receipts/verify takes (receipt, kid, signature). */
export const issuedReceiptSchema = z
  .object({
    receipt: receiptSchema,
    kid: z.string().describe('Key id of the receipt key that signed (see /.well-known/receipt-jwks.json)'),
    signature: z.string().describe('base64url Ed25519 signature over the JCS bytes of `receipt`'),
    compact: z.string().describe('r1.{kid}.{base64url of the signed bytes}.{signature}'),
    verifyUrl: z.string().describe('The printable page that verifies this receipt (its QR code carries it)'),
    log: entryProofSchema
      .optional()
      .describe(
        'The inclusion proof of `receipt.registry.statusEntry` in the audit log and the signed checkpoint it ' +
          'is proven against. Outside `receipt`: the checkpoint is signed by the log key, not the receipt key. ' +
          'Absent when the certificate has no status entry.',
      ),
  })
  .meta({ id: 'IssuedReceipt' });
export type IssuedReceipt = z.infer<typeof issuedReceiptSchema>;

export const issueReceiptRequestSchema = z.strictObject({});

const receiptText = z
  .string()
  .max(MAX_RECEIPT_TEXT, `at most ${MAX_RECEIPT_TEXT} characters`)
  .meta({ errorCode: 'RECEIPT_MALFORMED' });

export const verifyReceiptRequestSchema = z
  .strictObject({
    compact: receiptText
      .optional()
      .describe('The compact receipt, or a link holding it in `?r=` (what its QR code carries)'),
    receipt: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('The receipt object, with kid and signature'),
    kid: z.string().max(64).optional(),
    signature: z.string().max(128).optional(),
    log: entryProofSchema
      .optional()
      .meta({ errorCode: 'RECEIPT_MALFORMED' })
      .describe('The envelope’s `log`: checked against the receipt’s status entry and the log’s keys'),
  })
  .refine((b) => (b.compact !== undefined) !== (b.receipt !== undefined), {
    message: 'give either `compact`, or `receipt` with `kid` and `signature`',
    params: { code: 'RECEIPT_MALFORMED' },
  })
  .refine((b) => b.receipt === undefined || (b.kid !== undefined && b.signature !== undefined), {
    message: '`receipt` needs `kid` and `signature`',
    params: { code: 'RECEIPT_MALFORMED' },
  });
export type VerifyReceiptRequest = z.infer<typeof verifyReceiptRequestSchema>;

export const RECEIPT_VERDICTS = ['VALID', 'SIGNATURE_INVALID', 'UNKNOWN_KEY', 'REMOVED_KEY'] as const;
export type ReceiptVerdict = (typeof RECEIPT_VERDICTS)[number];

export const receiptVerificationSchema = z
  .object({
    verdict: z
      .enum(RECEIPT_VERDICTS)
      .describe(
        'VALID: signed by this portal, unchanged. SIGNATURE_INVALID: changed. UNKNOWN_KEY: no such kid. ' +
          'REMOVED_KEY: signed by a receipt key the portal withdrew',
      ),
    valid: z.boolean(),
    kid: z.string(),
    receipt: receiptSchema.optional().describe('The verified receipt (VALID only)'),
    log: z
      .object({
        verdict: z
          .enum(ENTRY_PROOF_VERDICTS)
          .describe(
            'PROVEN: the checkpoint is signed by the audit log’s key and the proof leads from the receipt’s ' +
              'status entry to its root. CHECKPOINT_INVALID: not a checkpoint this log signed. PROOF_INVALID: ' +
              'the proof does not lead to the root, or is not of this receipt’s status entry',
          ),
        seq: z.number().int().optional(),
        size: z.number().int().optional(),
      })
      .optional()
      .describe('With `log` in the request, for a VALID receipt'),
  })
  .meta({ id: 'ReceiptVerification' });
export type ReceiptVerification = z.infer<typeof receiptVerificationSchema>;
