/**
 * Dishonesty records (失信记录): who is listed, how gravely, on what legal basis, since when, and when
 * credit repair (信用修复) may first be asked for. A record is never edited or deleted: the one change it
 * ever undergoes is listed → repaired, made by an approved repair decision that supersedes it.
 */
import { z } from 'zod';
import { pageOf } from '../platform/paging';
import { bodyCodeSchema } from '../bodies/body-schema';
import { isValidCreditCode } from '../platform/credit-code';
import type { ErrorCode } from '../platform/errors';
import {
  hasForbiddenCharacters,
  normalizeIdentifier,
  normalizeProse,
  normalizeText,
} from '../platform/normalize';

/** Who a record is against: a holder organisation, a certifying body, or a named auditor of a body. */
export const SUBJECT_KINDS = ['organisation', 'body', 'auditor'] as const;
export const subjectKindSchema = z.enum(SUBJECT_KINDS);
export type SubjectKind = z.infer<typeof subjectKindSchema>;

/**
 * Severity classes and the years after the start date before credit repair may be asked for. CNCA's
 * rules use 1, 3, 5 or 6 years by severity (DOMAIN.md); the class names are ours.
 */
export const REPAIR_YEARS = { minor: 1, moderate: 3, serious: 5, grave: 6 } as const;
export type Severity = keyof typeof REPAIR_YEARS;
export const SEVERITIES = Object.keys(REPAIR_YEARS) as [Severity, ...Severity[]];
export const severitySchema = z.enum(SEVERITIES);

export const RECORD_STATES = ['listed', 'repaired'] as const;
export type RecordState = (typeof RECORD_STATES)[number];

export const REPAIR_OUTCOMES = ['approved', 'rejected'] as const;
export type RepairOutcome = (typeof REPAIR_OUTCOMES)[number];

/** Record and repair ids: 128 random bits, base64url, like certificate public ids (nothing to count up). */
export const dishonestyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'an id: 22 base64url characters');

/** Text without control or invisible characters, normalised by `normalize`, between min and max characters. */
const checkedText = (normalize: (value: string) => string) => (min: number, max: number) =>
  z
    .string()
    .max(max * 2)
    .refine((v) => !hasForbiddenCharacters(v), {
      message: 'must not contain control or invisible characters',
      params: { code: 'INVALID_CHARACTERS' },
    })
    .transform(normalize)
    .pipe(z.string().min(min).max(max));

/** A subject's name: half-width like the registry's names, so that listings and searches match them. */
const text = checkedText(normalizeText);
/** Prose as published (facts, basis, statements): full-width Chinese punctuation kept. */
const prose = checkedText(normalizeProse);

/** An identifier as typed: normalised (half-width, upper-case, no spaces) before its own check. */
const identifier = (max: number, code: ErrorCode = 'VALIDATION_FAILED') =>
  z
    .string()
    .refine((v) => v.length <= max, { message: `at most ${max} characters`, params: { code } })
    .refine((v) => !hasForbiddenCharacters(v), {
      message: 'must not contain control or invisible characters',
      params: { code: 'INVALID_CHARACTERS' },
    })
    .transform(normalizeIdentifier);

// Nested fields declare their codes on the check itself (`params.code`): parseInput reads `meta` of
// top-level fields only.
const creditCodeInput = identifier(64, 'INVALID_CREDIT_CODE').refine(isValidCreditCode, {
  message: 'not a valid unified social credit code (GB 32100 check character)',
  params: { code: 'INVALID_CREDIT_CODE' },
});
const bodyCodeInput = identifier(64, 'INVALID_BODY_CODE').refine((v) => bodyCodeSchema.safeParse(v).success, {
  message: 'body code: 2-32 of A-Z, 0-9, -',
  params: { code: 'INVALID_BODY_CODE' },
});
/** An auditor's registration number (CCAA), e.g. `2025-N1QMS-1234567`. */
const registrationNumberInput = identifier(64).pipe(
  z.string().regex(/^[A-Z0-9][A-Z0-9-]{3,63}$/, 'registration number: letters, digits and -'),
);

/**
 * The subject as stored. An auditor carries the body they worked for: "whoever signs is responsible",
 * and a body whose auditors are listed becomes a key supervision target.
 */
export const subjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('organisation'), creditCode: z.string(), name: z.string() }),
  z.object({ kind: z.literal('body'), bodyCode: z.string(), name: z.string() }),
  z.object({
    kind: z.literal('auditor'),
    registrationNumber: z.string(),
    name: z.string(),
    bodyCode: z.string(),
  }),
]);
export type Subject = z.infer<typeof subjectSchema>;

/** The subject as an inspector types it (checked codes, clean names). */
export const subjectInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('organisation'), creditCode: creditCodeInput, name: text(1, 200) }),
  z.strictObject({ kind: z.literal('body'), bodyCode: bodyCodeInput, name: text(1, 200) }),
  z.strictObject({
    kind: z.literal('auditor'),
    registrationNumber: registrationNumberInput,
    name: text(1, 100),
    bodyCode: bodyCodeInput,
  }),
]);

const isoDate = z.iso.date();

/** A dishonesty record as stored. */
export const dishonestyRecordSchema = z.object({
  id: dishonestyIdSchema,
  subject: subjectSchema,
  severity: severitySchema,
  /** The legal basis (articles of the rules applied). */
  basis: z.string(),
  /** The case that confirmed the facts (the case workflow links it later); optional for now. */
  caseRef: z.string().optional(),
  /** A summary of the facts, as published. */
  facts: z.string(),
  startDate: isoDate,
  /** startDate + REPAIR_YEARS[severity]: repair may not be asked for before this date. */
  earliestRepairDate: isoDate,
  state: z.enum(RECORD_STATES),
  /** Set, once, by the approved repair decision that superseded the record. */
  supersededBy: z.object({ repairId: dishonestyIdSchema, decidedAt: z.iso.datetime() }).optional(),
  createdAt: z.iso.datetime(),
  /** The actor id (token id) of whoever recorded it. */
  createdBy: z.string(),
});
export type DishonestyRecord = z.infer<typeof dishonestyRecordSchema>;

export const repairDecisionSchema = z.object({
  outcome: z.enum(REPAIR_OUTCOMES),
  reason: z.string(),
  decidedAt: z.iso.datetime(),
  decidedBy: z.string(),
});
export type RepairDecision = z.infer<typeof repairDecisionSchema>;

/**
 * A credit-repair procedure: the request, its public notice (5 working days, from the working day after
 * the request), and once the notice has run, the decision.
 */
export const repairSchema = z.object({
  id: dishonestyIdSchema,
  recordId: dishonestyIdSchema,
  /** What the subject did to put things right. */
  statement: z.string(),
  requestedAt: z.iso.datetime(),
  requestedBy: z.string(),
  /** First and last day of the public notice (China dates, both working days). */
  noticeStartDate: isoDate,
  noticeEndDate: isoDate,
  decision: repairDecisionSchema.optional(),
});
export type Repair = z.infer<typeof repairSchema>;

/** POST /dishonesty: a new record. Its start date cannot lie in the future (checked by the service). */
export const createRecordSchema = z.strictObject({
  subject: subjectInputSchema,
  severity: severitySchema.describe(
    'minor, moderate, serious or grave: repair possible after 1, 3, 5 or 6 years',
  ),
  basis: prose(1, 1000).describe('The legal basis (articles of the rules applied)'),
  caseRef: prose(1, 64).optional().describe('The case reference, when there is one'),
  facts: prose(1, 4000).describe('Summary of the facts, as published'),
  startDate: isoDate.describe('When the listing takes effect (China date, not in the future)'),
});
export type CreateRecordInput = z.output<typeof createRecordSchema>;

export const repairRequestSchema = z.strictObject({
  statement: prose(1, 4000).describe('What was done to put things right (published with the notice)'),
});
export type RepairRequestInput = z.output<typeof repairRequestSchema>;

export const repairDecisionInputSchema = z.strictObject({
  outcome: z.enum(REPAIR_OUTCOMES),
  reason: prose(1, 2000).describe('Why: objections received during the notice, evidence checked'),
});
export type RepairDecisionInput = z.output<typeof repairDecisionInputSchema>;

/**
 * What the public list shows of a subject. An auditor is a natural person: the list names them and
 * their body, as the credit rules publish offenders, but never their registration number (personal
 * data the public need not have; partner departments and inspectors see it).
 */
export const publicSubjectSchema = z.object({
  kind: subjectKindSchema,
  name: z.string(),
  creditCode: z.string().optional(),
  bodyCode: z.string().optional(),
});
export type PublicSubject = z.infer<typeof publicSubjectSchema>;

export const repairNoticeSchema = z
  .object({
    repairId: dishonestyIdSchema,
    statement: z.string(),
    noticeStartDate: isoDate,
    noticeEndDate: isoDate,
  })
  .meta({ id: 'RepairNotice' });

/** A record on the public list (listed records only). */
export const publicRecordSchema = z
  .object({
    id: dishonestyIdSchema,
    subject: publicSubjectSchema,
    severity: severitySchema,
    basis: z.string(),
    caseRef: z.string().optional(),
    facts: z.string(),
    startDate: isoDate,
    earliestRepairDate: isoDate,
    /** A repair under public notice (anyone may object until its end date). */
    repairNotice: repairNoticeSchema.optional(),
    logEntry: z
      .object({
        seq: z.number().int().describe('The `dishonesty.create` entry of this record in the audit log'),
        index: z.number().int().describe('Its Merkle leaf index (seq − 1)'),
        size: z.number().int().describe('The log’s size when this answer was made'),
        inclusionProof: z
          .string()
          .describe('GET this for the RFC 9162 inclusion proof; verify against GET /api/v1/audit/checkpoint'),
      })
      .optional()
      .describe('Where the record was written into the transparency log, and the link to its proof'),
  })
  .meta({ id: 'PublicDishonestyRecord' });
export type PublicRecord = z.infer<typeof publicRecordSchema>;

export const publicRecordListSchema = pageOf(publicRecordSchema).meta({ id: 'PublicDishonestyList' });
export type PublicRecordList = z.infer<typeof publicRecordListSchema>;

/** An inspector's view: the whole record, with every repair procedure and its decision. */
export const recordViewSchema = dishonestyRecordSchema
  .extend({ repairs: z.array(repairSchema) })
  .meta({ id: 'DishonestyRecord' });
export type RecordView = z.infer<typeof recordViewSchema>;

/** What a certificate lookup shows about a listed holder or body ("one answer per scan"). */
export const publicListingSchema = z
  .object({
    /** `holder`: the certificate's holder organisation; `body`: its certifying body. */
    subject: z.enum(['holder', 'body']),
    recordId: dishonestyIdSchema,
    name: z.string(),
    severity: severitySchema,
    startDate: isoDate,
  })
  .meta({ id: 'Listing' });
export type PublicListing = z.infer<typeof publicListingSchema>;

/** The index key of a subject: one subject, one key, whatever the record. */
export function subjectKey(subject: Subject): string {
  switch (subject.kind) {
    case 'organisation':
      return subject.creditCode;
    case 'body':
      return subject.bodyCode;
    case 'auditor':
      return subject.registrationNumber;
  }
}

/** The body a record concerns: the body itself, or the body of a listed auditor. */
export function bodyCodeOf(subject: Subject): string | undefined {
  return subject.kind === 'organisation' ? undefined : subject.bodyCode;
}

/** `date` (YYYY-MM-DD) plus whole years; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const year = y + years;
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** The first day credit repair may be asked for. */
export function earliestRepairDate(startDate: string, severity: Severity): string {
  return addYears(startDate, REPAIR_YEARS[severity]);
}

export function toPublicSubject(subject: Subject): PublicSubject {
  switch (subject.kind) {
    case 'organisation':
      return { kind: 'organisation', name: subject.name, creditCode: subject.creditCode };
    case 'body':
      return { kind: 'body', name: subject.name, bodyCode: subject.bodyCode };
    case 'auditor':
      return { kind: 'auditor', name: subject.name, bodyCode: subject.bodyCode };
  }
}

export function toPublicRecord(record: DishonestyRecord, openRepair?: Repair): PublicRecord {
  return {
    id: record.id,
    subject: toPublicSubject(record.subject),
    severity: record.severity,
    basis: record.basis,
    caseRef: record.caseRef,
    facts: record.facts,
    startDate: record.startDate,
    earliestRepairDate: record.earliestRepairDate,
    repairNotice: openRepair
      ? {
          repairId: openRepair.id,
          statement: openRepair.statement,
          noticeStartDate: openRepair.noticeStartDate,
          noticeEndDate: openRepair.noticeEndDate,
        }
      : undefined,
  };
}
