/**
 * Cases (案件): an inspector opens one from tips, risk signals, flags and certificates, has it assigned
 * (with recusal for declared conflicts of interest), adds notes and evidence, and decides it with the
 * legal basis. A confirmed case can order a certificate's status change and creates dishonesty records;
 * a dismissed one dismisses its tips and signals. Every step is an event, appended and never changed;
 * a decided case is final.
 */
import { z } from 'zod';
import { publicIdSchema } from '../certificates/certificate-schema';
import { createRecordSchema, severitySchema, subjectInputSchema } from '../dishonesty/dishonesty-schema';
import { inspectorIdInput } from '../platform/inspector-id';
import { signalIdSchema } from '../signals/signal-schema';
import { pageOf, pagingQuery } from '../platform/paging';
import { attachmentSchema } from './attachment-schema';
import { multiline, singleLine, workflowIdSchema } from '../platform/text-input';

export const CASE_STATES = ['open', 'confirmed', 'dismissed'] as const;
export const caseStateSchema = z.enum(CASE_STATES);
export type CaseState = z.infer<typeof caseStateSchema>;

export const OUTCOMES = ['confirmed', 'dismissed'] as const;
export const outcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof outcomeSchema>;

/** The statuses a confirmed case may order (reinstating is the body's matter, not a sanction). */
export const ORDERED_STATUSES = ['suspended', 'revoked', 'withdrawn'] as const;

/** `C-YYYY-` (year opened, China) and 8 random Crockford base32 characters: nothing to count. */
export const caseReferenceSchema = z.string().regex(/^C-\d{4}-[0-9A-HJKMNP-TV-Z]{8}$/);

/** Most items one request links (or one case holds of each kind). */
export const MAX_LINKED = 50;

/** What a case holds, by kind: the certificates it concerns and the tips, signals and flags it took up. */
const linked = z.object({
  publicIds: z.array(z.string()),
  tipIds: z.array(z.string()),
  signalIds: z.array(z.string()),
  flagIds: z.array(z.string()),
});
export type Linked = z.infer<typeof linked>;
export const LINK_KINDS = ['publicIds', 'tipIds', 'signalIds', 'flagIds'] as const;

const statusChangeSchema = z.object({
  publicId: z.string(),
  status: z.enum(ORDERED_STATUSES),
  reason: z.string(),
  date: z.iso.date(),
});

export const decisionSchema = z.object({
  outcome: outcomeSchema,
  /** The legal basis (articles applied); always there when confirmed. */
  basis: z.string().optional(),
  facts: z.string(),
  decidedAt: z.iso.datetime(),
  /** The actor id (token id) of the deciding inspector. */
  decidedBy: z.string(),
  statusChange: statusChangeSchema.optional(),
  /** The dishonesty records the decision created. */
  recordIds: z.array(z.string()),
});
export type Decision = z.infer<typeof decisionSchema>;

const eventBase = { at: z.iso.datetime(), by: z.string() };

/** One step of a case, as appended. */
export const caseEventSchema = z.discriminatedUnion('action', [
  z.object({ ...eventBase, action: z.literal('create'), ...linked.shape, assignee: z.string().optional() }),
  z.object({
    ...eventBase,
    action: z.literal('assign'),
    assignee: z.string(),
    previous: z.string().optional(),
  }),
  z.object({ ...eventBase, action: z.literal('note'), text: z.string() }),
  z.object({
    ...eventBase,
    action: z.literal('evidence'),
    description: z.string(),
    reference: z.string().optional(),
  }),
  /** What the step linked, or unlinked, that the case did not (or did) hold before. */
  z.object({ ...eventBase, action: z.literal('link'), ...linked.shape }),
  z.object({ ...eventBase, action: z.literal('unlink'), ...linked.shape }),
  z.object({ ...eventBase, action: z.literal('decide'), outcome: outcomeSchema }),
  /** An evidence attachment was added (its bytes are in the attachment store). */
  z.object({
    ...eventBase,
    action: z.literal('attach'),
    attachmentId: z.string(),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int(),
  }),
]);
export type CaseEvent = z.infer<typeof caseEventSchema>;
export type CaseAction = CaseEvent['action'];

/** A case as stored, without its events. `version` counts its changes (1 when opened). */
export const caseRecordSchema = z.object({
  id: workflowIdSchema,
  reference: caseReferenceSchema,
  title: z.string(),
  summary: z.string().optional(),
  state: caseStateSchema,
  /** The inspector (directory id) the case is assigned to. */
  assignee: z.string().optional(),
  ...linked.shape,
  decision: decisionSchema.optional(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  updatedAt: z.iso.datetime(),
  version: z.number().int().positive(),
});
export type CaseRecord = z.infer<typeof caseRecordSchema>;

/** A case with its events, oldest first. */
export const caseSchema = caseRecordSchema.extend({ events: z.array(caseEventSchema) }).meta({ id: 'Case' });
export type Case = z.infer<typeof caseSchema>;

const record = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

/** A person as a case names them: a directory name, or (`fromLabel`) the label of an unlinked token. */
export const personRefSchema = z.object({
  name: z.string(),
  unit: z.string().optional(),
  fromLabel: z.literal(true).optional(),
});
export type PersonRef = z.infer<typeof personRefSchema>;

/** What the ids of a case stand for, keyed by id: what a person reads instead of them. */
export const caseRefsSchema = z.object({
  tips: record(z.object({ reference: z.string() })),
  signals: record(
    z.object({
      ruleId: z.string(),
      title: z.object({ zh: z.string(), en: z.string() }).optional(),
      label: z.string(),
    }),
  ),
  flags: record(z.object({ publicId: z.string() })),
  certificates: record(
    z.object({
      number: z.string(),
      holderName: z.string(),
      bodyCode: z.string().optional(),
      bodyName: z.string().optional(),
    }),
  ),
  /**
   * Inspectors by directory id (assignees) and by token id (who acted: the inspector the token is linked
   * to), with their names. `fromLabel`: a token with no inspector linked, named by its label instead.
   */
  people: record(personRefSchema),
});
export type CaseRefs = z.infer<typeof caseRefsSchema>;

/** A case as one case's answers give it: its events, its attachments, and the names of what it holds. */
export const caseViewSchema = caseSchema
  .extend({ attachments: z.array(attachmentSchema), refs: caseRefsSchema })
  .meta({ id: 'CaseView' });
export type CaseView = z.infer<typeof caseViewSchema>;

/** A list of ids of one kind: each once, in the order given. */
const ids = (id: z.ZodString) =>
  z
    .array(id)
    .max(MAX_LINKED)
    .transform((list) => [...new Set(list)]);

const tipIds = ids(workflowIdSchema).meta({ errorCode: 'INVALID_TIP_ID' });
const flagIds = ids(workflowIdSchema).meta({ errorCode: 'INVALID_FLAG_ID' });
const signalIds = ids(signalIdSchema).meta({ errorCode: 'INVALID_SIGNAL_ID' });
const publicIds = ids(publicIdSchema).meta({ errorCode: 'INVALID_PUBLIC_ID' });

const linkFields = {
  publicIds: publicIds.optional().describe('Certificates (public ids) the case concerns'),
  tipIds: tipIds.optional(),
  signalIds: signalIds.optional(),
  flagIds: flagIds.optional(),
};

/** POST /cases. */
export const createCaseSchema = z
  .strictObject({
    title: singleLine(1, 200),
    summary: multiline(1, 4000).optional(),
    ...linkFields,
    assignee: inspectorIdInput
      .optional()
      .describe('An inspector of the directory without a declared conflict'),
  })
  .meta({ id: 'CaseRequest' });
export type CreateCaseInput = z.output<typeof createCaseSchema>;

const assignAction = z.strictObject({ action: z.literal('assign'), assignee: inspectorIdInput });
const noteAction = z.strictObject({ action: z.literal('note'), text: multiline(1, 4000) });
const evidenceAction = z.strictObject({
  action: z.literal('evidence'),
  description: multiline(1, 2000),
  reference: singleLine(1, 200).optional().describe('Where the evidence is kept (file number, exhibit)'),
});
const nothingToLink = { message: 'name at least one tip, signal, flag or certificate' };
const someLinked = (v: Partial<Linked>) => LINK_KINDS.some((kind) => (v[kind]?.length ?? 0) > 0);
const linkAction = z
  .strictObject({ action: z.literal('link'), ...linkFields })
  .refine(someLinked, nothingToLink);
const unlinkAction = z
  .strictObject({ action: z.literal('unlink'), ...linkFields })
  .refine(someLinked, nothingToLink);

const decideAction = z
  .strictObject({
    action: z.literal('decide'),
    outcome: outcomeSchema,
    basis: createRecordSchema.shape.basis.optional(),
    facts: createRecordSchema.shape.facts,
    statusChange: z
      .strictObject({
        publicId: publicIdSchema.meta({ errorCode: 'INVALID_PUBLIC_ID' }),
        status: z.enum(ORDERED_STATUSES),
        reason: singleLine(1, 1000),
        date: z.iso.date().describe('Effective date (China), not in the future'),
      })
      .optional()
      .describe('A status change of one of the case’s certificates (confirmed only)'),
    records: z
      .array(z.strictObject({ subject: subjectInputSchema, severity: severitySchema }))
      .min(1)
      .max(20)
      .optional()
      .describe(
        'Dishonesty records to create (confirmed only): caseRef, facts, basis and start date come from the decision',
      ),
  })
  .superRefine((d, ctx) => {
    if (d.outcome === 'confirmed' && d.basis === undefined) {
      ctx.addIssue({ code: 'custom', path: ['basis'], message: 'a confirmed case states its legal basis' });
    }
    if (d.outcome === 'dismissed' && (d.statusChange !== undefined || d.records !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [d.statusChange === undefined ? 'records' : 'statusChange'],
        message: 'only a confirmed case orders a status change or creates records',
      });
    }
  });

/** The actions of PATCH /cases/{id}, one per request, by `action`. */
export const CASE_ACTIONS = {
  assign: assignAction,
  note: noteAction,
  evidence: evidenceAction,
  link: linkAction,
  unlink: unlinkAction,
  decide: decideAction,
} as const;
export type CaseActionInput = {
  [K in keyof typeof CASE_ACTIONS]: z.output<(typeof CASE_ACTIONS)[K]>;
}[keyof typeof CASE_ACTIONS];
export type DecideInput = z.output<typeof decideAction>;

/** Which action a PATCH asks for (its body is then checked against that action's schema). */
export const caseActionNameSchema = z.object({
  action: z.enum(Object.keys(CASE_ACTIONS) as [keyof typeof CASE_ACTIONS, ...(keyof typeof CASE_ACTIONS)[]]),
});

/** The body of PATCH /cases/{id}, as the description shows it. */
export const caseActionSchema = z
  .discriminatedUnion('action', [
    assignAction,
    noteAction,
    evidenceAction,
    linkAction,
    unlinkAction,
    decideAction,
  ])
  .meta({ id: 'CaseAction' });

export const caseParamsSchema = z.strictObject({
  id: workflowIdSchema.meta({ errorCode: 'INVALID_CASE_ID' }),
});

export const caseListQuerySchema = z.strictObject({
  state: caseStateSchema.optional(),
  assignee: inspectorIdInput.optional(),
  ...pagingQuery,
});

export const caseListSchema = pageOf(caseSchema).meta({ id: 'CaseList' });
