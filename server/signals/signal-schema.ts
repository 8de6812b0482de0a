/**
 * Risk signals: what the rules engine raises when a certificate, a body, a holder or an auditor looks
 * like one of DOMAIN.md's fraud patterns. A signal is deduplicated by its key (one rule, one subject,
 * one occurrence of the pattern): raising it again updates the same signal (last seen, count, evidence)
 * instead of adding another. Inspectors triage signals (with public tips) and open cases from them.
 */
import { z } from 'zod';
import { bodyCodeSchema } from '../bodies/body-schema';
import { publicIdSchema } from '../certificates/certificate-schema';
import { normalizeIdentifier } from '../platform/normalize';
import { pageOf, pagingQuery } from '../platform/paging';
import { multiline } from '../platform/text-input';

export const SIGNAL_SEVERITIES = ['low', 'medium', 'high'] as const;
export const signalSeveritySchema = z.enum(SIGNAL_SEVERITIES);
export type SignalSeverity = z.infer<typeof signalSeveritySchema>;

/**
 * open: to triage; in-case: linked to a case (the case decides); dismissed: looked at, nothing in it
 * (raising it again does not reopen it; a new occurrence has a new dedup key).
 */
export const SIGNAL_STATES = ['open', 'in-case', 'dismissed'] as const;
export const signalStateSchema = z.enum(SIGNAL_STATES);
export type SignalState = z.infer<typeof signalStateSchema>;

/** What a signal is about. Keys: a certificate's public id, a body code, a credit code, a registration number. */
export const SIGNAL_SUBJECT_KINDS = ['certificate', 'body', 'organisation', 'auditor'] as const;
export const signalSubjectSchema = z.object({
  kind: z.enum(SIGNAL_SUBJECT_KINDS),
  key: z.string(),
  /** A readable name (holder name, body name, certificate number). */
  label: z.string().optional(),
});
export type SignalSubject = z.infer<typeof signalSubjectSchema>;

/** Signal ids: 128 random bits, base64url. */
export const signalIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a signal id: 22 base64url characters');

/** What a rule produces: the engine turns drafts into stored (deduplicated) signals. */
export const signalDraftSchema = z.object({
  ruleId: z.string(),
  severity: signalSeveritySchema,
  subject: signalSubjectSchema,
  /**
   * Deduplication key, unique per occurrence of the pattern, e.g. `auditor-overlap:<reg>:<certA>:<certB>`.
   * Raising a draft whose key is stored updates that signal.
   */
  dedupKey: z.string().min(1).max(500),
  /** One sentence for the queue (English; the console shows the rule's localised title beside it). */
  summary: z.string(),
  /** The facts the rule saw (ids, dates, counts): what an inspector checks first. No personal contact data. */
  evidence: z.record(z.string(), z.unknown()),
  /** The certificates and the body concerned, for filtering the queue. */
  certificatePublicIds: z.array(z.string()).default([]),
  bodyCode: z.string().optional(),
});
export type SignalDraft = z.input<typeof signalDraftSchema>;

export const signalSchema = signalDraftSchema
  .extend({
    id: signalIdSchema,
    state: signalStateSchema,
    /** The case this signal is part of (state in-case). */
    caseId: z.string().optional(),
    firstRaisedAt: z.iso.datetime(),
    lastRaisedAt: z.iso.datetime(),
    /** How many times the rule raised it (1 when first stored). */
    occurrences: z.number().int().positive(),
  })
  .meta({ id: 'Signal' });
export type Signal = z.infer<typeof signalSchema>;

// ---------------------------------------------------------------------------------------------------
// The queue's API (signal-routes.ts)

/** A signal as the queue shows it: with its rule's localised title and its sentence in both languages. */
export const signalViewSchema = signalSchema
  .extend({
    rule: z.object({ id: z.string(), title: z.object({ zh: z.string(), en: z.string() }) }),
    /** The signal in a sentence, in Chinese and English, written from its data when read (signal-summaries.ts). */
    text: z.object({ zh: z.string(), en: z.string() }),
  })
  .meta({ id: 'SignalView' });
export type SignalView = z.infer<typeof signalViewSchema>;

export const signalListSchema = pageOf(signalViewSchema).meta({ id: 'SignalList' });

/** GET /signals/rules: every rule that raises signals (the queue's rule filter offers these). */
export const ruleListSchema = z
  .object({
    items: z.array(z.object({ id: z.string(), title: z.object({ zh: z.string(), en: z.string() }) })),
  })
  .meta({ id: 'RuleList' });

export const signalParamsSchema = z.strictObject({
  id: signalIdSchema.meta({ errorCode: 'INVALID_SIGNAL_ID' }),
});

/** What an inspector does with a signal by hand: dismiss it (nothing in it) or open it again. */
export const TRIAGE_STATES = ['dismissed', 'open'] as const;
export type TriageState = (typeof TRIAGE_STATES)[number];

/** PATCH /signals/:id: the new state and why (the note goes into the audit log with the change). */
export const triageSignalSchema = z.strictObject({
  state: z.enum(TRIAGE_STATES),
  note: multiline(1, 2000),
});
export type TriageSignalRequest = z.output<typeof triageSignalSchema>;

/** A date is the start of that day in China; a timestamp may carry any offset. Both end up UTC ISO. */
const sinceQuery = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00+08:00` : v).toISOString());

/** GET /signals: every filter optional, combined with AND. */
export const signalListQuerySchema = z.strictObject({
  ruleId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a rule id: lower-case letters, digits and -')
    .optional(),
  severity: signalSeveritySchema.optional(),
  state: signalStateSchema.optional(),
  bodyCode: z
    .string()
    .max(64)
    .transform(normalizeIdentifier)
    .pipe(bodyCodeSchema)
    .optional()
    .meta({ errorCode: 'INVALID_BODY_CODE' }),
  publicId: publicIdSchema
    .optional()
    .describe('Signals naming this certificate')
    .meta({ errorCode: 'INVALID_PUBLIC_ID' }),
  since: sinceQuery
    .optional()
    .describe('Last raised at or after: a date (from its start in China) or an ISO timestamp'),
  ...pagingQuery,
});
export type SignalListQuery = z.output<typeof signalListQuerySchema>;
