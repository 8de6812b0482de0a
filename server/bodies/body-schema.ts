import { z } from 'zod';

/** A certifying body's CNCA approval state. */
export const APPROVAL_STATUSES = ['approved', 'suspended', 'withdrawn'] as const;
export const approvalStatusSchema = z.enum(APPROVAL_STATUSES);
export type ApprovalStatus = z.infer<typeof approvalStatusSchema>;

/** Body codes are short upper-case identifiers chosen at registration (e.g. `CQC`, `B0107`). */
export const bodyCodeSchema = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'body code: 2-32 of A-Z, 0-9, -');

const isoDate = z.iso.date();

/**
 * One change of a body's approval, effective from a date: the approval history is the list of them, and
 * the periods of approval run from one change to the next (body-approval.ts). A change recorded late keeps
 * its own effective date: it splits the period it falls in.
 */
export const approvalChangeSchema = z.object({
  status: approvalStatusSchema,
  /** Effective from this day (YYYY-MM-DD, China). */
  from: isoDate,
  /** When it was recorded (ISO timestamp); absent for history imported with the body. */
  recordedAt: z.iso.datetime().optional(),
});
export type ApprovalChange = z.infer<typeof approvalChangeSchema>;

/** A certifying body (认证机构) as stored. */
export const bodySchema = z.object({
  code: bodyCodeSchema,
  name: z.string().min(1).max(200),
  nameEn: z.string().max(200).optional(),
  /** The body's public telephone for questions about its certificates (shown on result pages). */
  phone: z
    .string()
    .regex(/^[0-9+() -]{5,30}$/, 'a telephone number: digits, spaces, +, - and brackets')
    .optional(),
  /** The body's public website (http or https). */
  website: z
    .url({ protocol: /^https?$/ })
    .max(200)
    .optional(),
  /** CNCA approval number, e.g. `CNCA-R-2002-001`. */
  approvalNumber: z.string().regex(/^CNCA-[A-Z]+-\d{4}-\d{3}$/),
  approvalStatus: approvalStatusSchema,
  /** When the approval status last changed (YYYY-MM-DD). */
  approvalStatusDate: isoDate.optional(),
  /**
   * The changes of approval, ordered by effective date (body-approval.ts reads them as periods). Absent
   * for a body registered before the history was kept: its status and date then stand for it.
   */
  approvalHistory: z.array(approvalChangeSchema).max(1000).optional(),
  /** Scheme codes the body is approved to certify. */
  approvedSchemes: z.array(z.string()).default([]),
  /** Industry codes (management systems) within the approved scope. */
  approvedIndustryCodes: z.array(z.string()).default([]),
  /** When the body last reported data (an upload or a "nothing changed" confirmation), ISO timestamp. */
  lastReportedAt: z.iso.datetime().optional(),
});
export type Body = z.infer<typeof bodySchema>;
export type BodyInput = z.input<typeof bodySchema>;

/** What the public sees of a body: its identity, approval state and public contact points (no person's). */
export const publicBodySchema = bodySchema
  .pick({
    code: true,
    name: true,
    nameEn: true,
    phone: true,
    website: true,
    approvalNumber: true,
    approvalStatus: true,
    approvalStatusDate: true,
    lastReportedAt: true,
  })
  .meta({ id: 'PublicBody' });
export type PublicBody = z.infer<typeof publicBodySchema>;

export function toPublicBody(body: Body): PublicBody {
  const { code, name, nameEn, phone, website, approvalNumber, approvalStatus, approvalStatusDate } = body;
  return {
    code,
    name,
    nameEn,
    phone,
    website,
    approvalNumber,
    approvalStatus,
    approvalStatusDate,
    lastReportedAt: body.lastReportedAt,
  };
}
