import { z } from 'zod';
import { severitySchema, subjectSchema } from './dishonesty-schema';

/**
 * Credit levels, best first. They drive supervision intensity (sampling rates of random inspections)
 * and what partner departments do (joint punishment): A good credit, B watch, C dishonest, D gravely
 * dishonest.
 */
export const CREDIT_LEVELS = ['A', 'B', 'C', 'D'] as const;
export const creditLevelSchema = z.enum(CREDIT_LEVELS);
export type CreditLevel = z.infer<typeof creditLevelSchema>;

/** The rules a level comes from (stable codes: clients explain them in their own words). */
export const CREDIT_RULES = [
  'NO_ACTIVE_RECORDS',
  'MINOR_RECORD',
  'REPEATED_MINOR_RECORDS',
  'MODERATE_RECORD',
  'SERIOUS_RECORD',
  'AUDITORS_LISTED',
  'HIGH_RISK_SIGNALS',
] as const;
export type CreditRule = (typeof CREDIT_RULES)[number];

export const creditReasonSchema = z
  .object({
    rule: z.enum(CREDIT_RULES),
    /** The level this rule alone leads to (HIGH_RISK_SIGNALS: the level after its one step down). */
    level: creditLevelSchema,
    description: z.string(),
    recordIds: z.array(z.string()),
    signalIds: z.array(z.string()).optional(),
  })
  .meta({ id: 'CreditReason' });
export type CreditReason = z.infer<typeof creditReasonSchema>;

/** A listed record as a partner department sees it (auditors with their registration number). */
export const creditRecordSummarySchema = z
  .object({
    id: z.string(),
    subject: subjectSchema,
    severity: severitySchema,
    basis: z.string(),
    caseRef: z.string().optional(),
    startDate: z.iso.date(),
    earliestRepairDate: z.iso.date(),
  })
  .meta({ id: 'CreditRecordSummary' });
export type CreditRecordSummary = z.infer<typeof creditRecordSummarySchema>;

export const creditAssessmentSchema = z.object({
  level: creditLevelSchema,
  /** Whether the subject itself is on the dishonesty list. */
  listed: z.boolean(),
  /** Key supervision target (重点监管对象): level C or D, or a body whose auditors are listed. */
  keySupervisionTarget: z.boolean(),
  reasons: z.array(creditReasonSchema),
  /** Listed records of the subject (for a body: its own, then its auditors'). */
  records: z.array(creditRecordSummarySchema),
});
export type CreditAssessment = z.infer<typeof creditAssessmentSchema>;

export const MAX_CREDIT_QUERY_CODES = 1000;

/**
 * POST /partner/credit-queries. Codes are checked one by one: an invalid one is reported in its own
 * result, never failing the rest. Only the number of codes is checked for the whole request.
 */
export const creditQuerySchema = z
  .strictObject({
    creditCodes: z.array(z.unknown()).optional().describe('Unified social credit codes of organisations'),
    bodyCodes: z.array(z.unknown()).optional().describe('Codes of certifying bodies'),
  })
  .refine((q) => (q.creditCodes?.length ?? 0) + (q.bodyCodes?.length ?? 0) > 0, {
    message: 'give at least one code in creditCodes or bodyCodes',
  })
  .refine((q) => (q.creditCodes?.length ?? 0) + (q.bodyCodes?.length ?? 0) <= MAX_CREDIT_QUERY_CODES, {
    message: `at most ${MAX_CREDIT_QUERY_CODES} codes per request`,
    params: { code: 'TOO_MANY_CODES' },
  });
export type CreditQuery = z.output<typeof creditQuerySchema>;

const resultBase = {
  /** Position in its input array (`creditCodes` or `bodyCodes`). */
  index: z.number().int(),
  kind: z.enum(['organisation', 'body']),
};

export const creditQueryResultSchema = z
  .object({
    /** When the answer was computed (records change only through audited decisions). */
    asOf: z.iso.datetime(),
    results: z.array(
      z.union([
        z.object({
          ...resultBase,
          /** The code, normalised (trimmed, half-width, upper-case). */
          code: z.string(),
          /** Bodies: whether the code is in the register of certifying bodies. */
          registered: z.boolean().optional(),
          ...creditAssessmentSchema.shape,
        }),
        z.object({
          ...resultBase,
          /** The item as given (strings only, cut at 64 characters). */
          input: z.string().nullable(),
          error: z.object({ code: z.enum(['INVALID_CREDIT_CODE', 'INVALID_BODY_CODE']), detail: z.string() }),
        }),
      ]),
    ),
  })
  .meta({ id: 'CreditQueryResult' });
export type CreditQueryResult = z.infer<typeof creditQueryResultSchema>;
export type CreditQueryItem = CreditQueryResult['results'][number];
