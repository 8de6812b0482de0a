import { z } from 'zod';
import { bodyCodeSchema, publicBodySchema } from '../bodies/body-schema';
import { isValidCreditCode } from '../platform/credit-code';
import { hasForbiddenCharacters, normalizeIdentifier, normalizeText } from '../platform/normalize';
import { findScheme, SCHEME_CODES } from '../schemes/schemes';
import { publicListingSchema } from '../dishonesty/dishonesty-schema';

/** Statuses a body can report. `expired` is never stored: it is derived from the expiry date. */
export const STORED_STATUSES = ['valid', 'suspended', 'revoked', 'withdrawn'] as const;
export const STATUSES = [...STORED_STATUSES, 'expired'] as const;
export const storedStatusSchema = z.enum(STORED_STATUSES);
export const statusSchema = z.enum(STATUSES);
export type StoredStatus = z.infer<typeof storedStatusSchema>;
export type Status = z.infer<typeof statusSchema>;

const isoDate = z.iso.date();

/** Free text: no control or invisible characters, half-width, trimmed. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !hasForbiddenCharacters(v), 'must not contain control or invisible characters')
    .transform(normalizeText);

/** Certificate numbers: opaque per body, normalised (half-width, upper-case, no spaces). */
export const certificateNumberSchema = z
  .string()
  .max(64)
  .refine((v) => !hasForbiddenCharacters(v), 'must not contain control or invisible characters')
  .transform(normalizeIdentifier)
  .pipe(
    z
      .string()
      .regex(/^[A-Z0-9][A-Z0-9\-/().#_]{0,63}$/, 'certificate number: letters, digits and - / ( ) . # _'),
  );

/** Unified social credit code, normalised then checked by its GB 32100 check character. */
export const creditCodeSchema = z
  .string()
  .max(64)
  .transform(normalizeIdentifier)
  .refine(isValidCreditCode, 'not a valid unified social credit code (GB 32100 check character)');

export const auditorSchema = z.object({
  name: text(100).pipe(z.string().min(1)),
  /** As the auditor register writes it: half-width, upper-case, no spaces (normalizeIdentifier). */
  registrationNumber: text(64).transform(normalizeIdentifier).pipe(z.string().min(1)),
  role: z.enum(['leader', 'member', 'expert']).optional(),
});

/** Kinds of audit (IAF MD5): the audit time each needs differs (an initial audit the most). */
export const AUDIT_TYPES = ['initial', 'surveillance', 'recertification'] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

/** What bodies write for each kind of audit, in either language (any case, width or spacing). */
const AUDIT_TYPE_WORDS: Readonly<Record<string, AuditType>> = {
  initial: 'initial',
  初次认证: 'initial',
  初次审核: 'initial',
  初审: 'initial',
  初次: 'initial',
  surveillance: 'surveillance',
  监督: 'surveillance',
  监督审核: 'surveillance',
  recertification: 'recertification',
  再认证: 'recertification',
  再认证审核: 'recertification',
  复评: 'recertification',
  换证: 'recertification',
};

/** An audit type word as its code; the text itself when unknown (the enum then refuses it). */
function auditTypeOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const key = normalizeText(value)
    .toLowerCase()
    .replace(/[\s\-_]+/g, '');
  return AUDIT_TYPE_WORDS[key] ?? value;
}

/** The audit that led to the certificate. Personal data: never part of a public answer. */
export const auditSchema = z.object({
  startDate: isoDate,
  endDate: isoDate,
  manDays: z.number().positive().max(10000),
  auditors: z.array(auditorSchema).max(50).default([]),
  /** Initial, surveillance or recertification; absent: initial (the man-days rule reads it so). */
  type: z
    .preprocess(
      auditTypeOf,
      z.enum(AUDIT_TYPES, {
        error: 'audit type: initial (初次认证), surveillance (监督) or recertification (再认证)',
      }),
    )
    .optional(),
});

export const statusChangeSchema = z.object({
  status: storedStatusSchema,
  reason: z.string().optional(),
  date: isoDate,
  /** When the change was recorded (ISO timestamp). */
  recordedAt: z.iso.datetime(),
});
export type StatusChange = z.infer<typeof statusChangeSchema>;

/** What a certifying body reports for one certificate (an upload row, an API call, the seed). */
export const certificateInputSchema = z
  .object({
    number: certificateNumberSchema,
    bodyCode: bodyCodeSchema,
    scheme: z
      .string()
      .refine((v) => findScheme(v) !== undefined, `scheme must be one of ${SCHEME_CODES.join(', ')}`)
      .transform((v) => findScheme(v)?.code as string),
    holder: z.object({
      name: text(200).pipe(z.string().min(1)),
      creditCode: creditCodeSchema,
      address: text(300).optional(),
      /**
       * Effective number of personnel (IAF MD5: everyone working under the organisation's control, part
       * time counted pro rata): what the minimum audit time depends on. Never part of a public answer.
       */
      employees: z.number().int().positive().max(10_000_000).optional(),
    }),
    scope: text(4000).pipe(z.string().min(1)),
    productModels: z.array(text(200)).max(500).optional(),
    industryCodes: z.array(text(16)).max(100).optional(),
    sites: z
      .array(z.object({ name: text(200).optional(), address: text(300) }))
      .max(100)
      .optional(),
    issueDate: isoDate,
    expiryDate: isoDate,
    status: storedStatusSchema.default('valid'),
    statusReason: text(1000).optional(),
    statusDate: isoDate.optional(),
    audit: auditSchema.optional(),
  })
  .refine((c) => c.expiryDate > c.issueDate, {
    message: 'expiry date must be after the issue date',
    path: ['expiryDate'],
  });
export type CertificateInput = z.input<typeof certificateInputSchema>;
export type CertificateData = z.output<typeof certificateInputSchema>;

/** A certificate as stored. `id` is internal and never leaves the service; `publicId` goes in URLs. */
export interface Certificate extends CertificateData {
  id: string;
  publicId: string;
  statusHistory: StatusChange[];
  createdAt: string;
  updatedAt: string;
}

/** 128 random bits, base64url: the only identifier a URL ever carries. */
export const publicIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'public id: 22 base64url characters');

export const publicCertificateSchema = z
  .object({
    publicId: publicIdSchema,
    number: z.string(),
    scheme: z.object({ code: z.string(), zh: z.string(), en: z.string(), standard: z.string().optional() }),
    holder: z.object({ name: z.string(), creditCode: z.string(), address: z.string().optional() }),
    scope: z.string(),
    productModels: z.array(z.string()).optional(),
    industryCodes: z.array(z.string()).optional(),
    sites: z.array(z.object({ name: z.string().optional(), address: z.string() })).optional(),
    issueDate: isoDate,
    expiryDate: isoDate,
    status: statusSchema.describe('Effective status: expired is derived from the expiry date'),
    statusReason: z.string().optional(),
    statusDate: isoDate.optional(),
    statusHistory: z
      .array(z.object({ status: storedStatusSchema, date: isoDate, reason: z.string().optional() }))
      .describe('The reported statuses in the order reported: the first at issue, then each change')
      .optional(),
    body: publicBodySchema.nullable(),
    listings: z
      .array(publicListingSchema)
      .describe(
        'Dishonesty-list entries of the holder and of the certifying body (empty when neither is listed)',
      ),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'PublicCertificate' });
export type PublicCertificate = z.infer<typeof publicCertificateSchema>;

/** One row of a body's list of its own certificates: enough to find it and open its status change. */
export const bodyCertificateItemSchema = z
  .object({
    publicId: publicIdSchema,
    number: z.string(),
    scheme: z.object({ code: z.string(), zh: z.string(), en: z.string() }),
    holder: z.object({ name: z.string(), creditCode: z.string() }),
    issueDate: isoDate,
    expiryDate: isoDate,
    status: statusSchema.describe('Effective status: expired is derived from the expiry date'),
    statusDate: isoDate.optional(),
  })
  .meta({ id: 'BodyCertificateItem' });
export type BodyCertificateItem = z.infer<typeof bodyCertificateItemSchema>;
