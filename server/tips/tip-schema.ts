/**
 * Public tips (举报线索): anyone may report a suspect certificate, or one that is not in the registry,
 * without logging in. A tip keeps what the reporter saw and the context of the report (the verdict on a
 * scanned code, the certificate it resolved to, a keyed hash of the reporter's network — never the
 * address). Contact data is for inspectors only: never in a public answer, a log line or the audit log.
 */
import { z } from 'zod';
import { bodyCodeSchema } from '../bodies/body-schema';
import { certificateNumberSchema, publicIdSchema, statusSchema } from '../certificates/certificate-schema';
import { hasForbiddenCharacters, normalizeIdentifier } from '../platform/normalize';
import { scanRequestSchema, scanVerdictSchema } from '../qr/qr-schema';
import { pageOf, pagingQuery } from '../platform/paging';
import { multiline, singleLine, workflowIdSchema } from '../platform/text-input';

export const TIP_CATEGORIES = ['forged', 'altered', 'misused', 'not-in-registry', 'other'] as const;
export const tipCategorySchema = z.enum(TIP_CATEGORIES);
export type TipCategory = z.infer<typeof tipCategorySchema>;

/** new: to triage; in-case: linked to a case (the case decides); dismissed: its case was dismissed. */
export const TIP_STATES = ['new', 'in-case', 'dismissed'] as const;
export const tipStateSchema = z.enum(TIP_STATES);
export type TipState = z.infer<typeof tipStateSchema>;

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const photoTypeSchema = z.enum(PHOTO_TYPES);
export type PhotoType = z.infer<typeof photoTypeSchema>;
/** The longest scanned text a tip keeps (a scan itself takes more: a tip keeps what a real code holds). */
export const MAX_TIP_SCAN_TEXT = 2048;
/** The largest photo accepted, decoded. */
export const MAX_PHOTO_BYTES = 1024 * 1024;

/** `T-YYYYMMDD-` (China date of receipt) and 8 random Crockford base32 characters: nothing to count. */
export const tipReferenceSchema = z.string().regex(/^T-\d{8}-[0-9A-HJKMNP-TV-Z]{8}$/);

/** The certificate a tip resolved to when it was received (its status then, for the inspector). */
export const tipCertificateSchema = z.object({
  publicId: z.string(),
  number: z.string(),
  bodyCode: z.string().optional(),
  holderName: z.string(),
  holderCreditCode: z.string(),
  status: statusSchema,
});
export type TipCertificate = z.infer<typeof tipCertificateSchema>;

/** A tip as stored and as inspectors see it. The photo is stored apart (`hasPhoto` says whether there is one). */
export const tipSchema = z
  .object({
    id: workflowIdSchema,
    reference: tipReferenceSchema,
    category: tipCategorySchema,
    /** The certificate the tip is about: as the reporter gave it, else the one the scanned code names. */
    publicId: z.string().optional(),
    certificateNumber: z.string().optional(),
    bodyCode: z.string().optional(),
    /** The verdict on the scanned text when the reporter sent one, and the text itself (the evidence). */
    scan: z.object({ verdict: scanVerdictSchema, text: z.string() }).optional(),
    /** The registry's certificate the tip resolved to at receipt, when it resolved to one. */
    certificate: tipCertificateSchema.optional(),
    description: z.string(),
    place: z.string().optional(),
    /** Inspectors and admins only. */
    contact: z.string().optional(),
    hasPhoto: z.boolean(),
    state: tipStateSchema,
    caseId: z.string().optional(),
    receivedAt: z.iso.datetime(),
    /** Keyed hash of the reporter's network (/24, /48): many tips from one network show. Never the address. */
    networkHash: z.string(),
  })
  .meta({ id: 'Tip' });
export type Tip = z.infer<typeof tipSchema>;

/** The normalised identifier, then its own check (with its own error code). */
const identifier = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !hasForbiddenCharacters(v), 'must not contain control or invisible characters')
    .transform(normalizeIdentifier);

/** Base64 (standard alphabet, padded) of at most MAX_PHOTO_BYTES; the decoded bytes are checked by the service. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export const photoInputSchema = z.strictObject({
  contentType: photoTypeSchema,
  base64: z
    .string()
    .refine((v) => v.length <= Math.ceil(MAX_PHOTO_BYTES / 3) * 4, {
      message: `at most ${MAX_PHOTO_BYTES} bytes decoded`,
      params: { code: 'PHOTO_TOO_LARGE' },
    })
    .refine((v) => v.length > 0 && v.length % 4 === 0 && BASE64.test(v), {
      message: 'base64 (standard alphabet, padded; no data: URL prefix)',
      params: { code: 'INVALID_PHOTO' },
    }),
});

/** POST /tips. */
export const submitTipSchema = z
  .strictObject({
    category: tipCategorySchema.describe('forged, altered, misused, not-in-registry or other'),
    publicId: publicIdSchema.optional().meta({ errorCode: 'INVALID_PUBLIC_ID' }),
    certificateNumber: certificateNumberSchema.optional().meta({ errorCode: 'INVALID_CERTIFICATE_NUMBER' }),
    bodyCode: identifier(64).pipe(bodyCodeSchema).optional().meta({ errorCode: 'INVALID_BODY_CODE' }),
    scanText: scanRequestSchema.shape.text
      .refine((v) => v.length <= MAX_TIP_SCAN_TEXT, {
        message: `at most ${MAX_TIP_SCAN_TEXT} characters`,
        params: { code: 'SCAN_TEXT_TOO_LONG' },
      })
      .optional()
      .describe('The raw text a scanner read from the code (at most 2048 characters)'),
    description: multiline(10, 2000).describe('What was seen (10 to 2000 characters)'),
    place: singleLine(1, 200).optional().describe('Where it was seen'),
    contact: singleLine(1, 200).optional().describe('How to reach the reporter (inspectors only)'),
    photo: photoInputSchema
      .optional()
      .meta({ errorCode: 'INVALID_PHOTO' })
      .describe('A photo (JPEG, PNG or WebP, at most 1 MiB decoded)'),
  })
  .meta({ id: 'TipSubmission' });
export type SubmitTipInput = z.output<typeof submitTipSchema>;

export const tipReceiptSchema = z
  .object({ reference: tipReferenceSchema, receivedAt: z.iso.datetime() })
  .meta({ id: 'TipReceipt' });
export type TipReceipt = z.infer<typeof tipReceiptSchema>;

/**
 * A reference as a person may type it: any case, full-width, with spaces; in its random part O for 0
 * and I or L for 1 (Crockford base32 reads them so). Normalised to the stored form, or undefined when it
 * cannot be a reference.
 */
export function normalizeTipReference(value: string): string | undefined {
  const compact = normalizeIdentifier(value);
  const match = /^T-?(\d{8})-?([0-9A-Z]{8})$/.exec(compact);
  if (!match) return undefined;
  const random = (match[2] as string).replace(/O/g, '0').replace(/[IL]/g, '1');
  const reference = `T-${match[1]}-${random}`;
  return tipReferenceSchema.safeParse(reference).success ? reference : undefined;
}

/** GET /tips/status: the reference, nothing else. */
export const tipStatusQuerySchema = z.strictObject({
  reference: z
    .string()
    .max(64)
    .refine((v) => !hasForbiddenCharacters(v))
    .meta({ errorCode: 'INVALID_TIP_REFERENCE' })
    .describe('The reference the report was given, e.g. T-20261203-7KQ2M9XD'),
});

/** What the public sees of a tip's handling: received, under review (in a case), closed. */
export const TIP_PUBLIC_STATES = ['received', 'under-review', 'closed'] as const;
export type TipPublicState = (typeof TIP_PUBLIC_STATES)[number];

/** The public answer about a tip: its state and dates (China), never its contents, contact, photo or ids. */
export const tipStatusSchema = z
  .object({
    reference: tipReferenceSchema,
    state: z.enum(TIP_PUBLIC_STATES),
    receivedOn: z.iso.date(),
    /** When its case was decided (closed only, when known). */
    closedOn: z.iso.date().optional(),
  })
  .meta({ id: 'TipStatus' });
export type TipStatus = z.infer<typeof tipStatusSchema>;

export const tipParamsSchema = z.strictObject({
  id: workflowIdSchema.meta({ errorCode: 'INVALID_TIP_ID' }),
});

/** POST /tips/{id}/dismissal: why there is nothing to take up (kept in the audit log with the change). */
export const dismissTipSchema = z
  .strictObject({ reason: multiline(1, 1000).describe('Why the tip needs no case') })
  .meta({ id: 'TipDismissal' });
export type DismissTipInput = z.output<typeof dismissTipSchema>;

export const tipListQuerySchema = z.strictObject({
  state: tipStateSchema.optional(),
  ...pagingQuery,
});

export const tipListSchema = pageOf(tipSchema).meta({ id: 'TipList' });
