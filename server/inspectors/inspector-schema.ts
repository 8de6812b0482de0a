import { z } from 'zod';
import { bodyCodeSchema } from '../bodies/body-schema';
import { isValidCreditCode } from '../platform/credit-code';
import { hasForbiddenCharacters, normalizeIdentifier } from '../platform/normalize';
import { inspectorIdInput, inspectorIdSchema } from '../platform/inspector-id';
import { singleLine } from '../platform/text-input';

/** What a conflict of interest is declared against: a holder organisation or a certifying body. */
export const CONFLICT_KINDS = ['holder', 'body'] as const;
export const conflictKindSchema = z.enum(CONFLICT_KINDS);
export type ConflictKind = z.infer<typeof conflictKindSchema>;

/** A declared conflict of interest: the inspector must never be drawn to inspect that entity. */
export const conflictSchema = z.object({
  kind: conflictKindSchema,
  /** Credit code (holder) or body code (body), normalised. */
  code: z.string().min(2).max(32),
  /** Why (kept in the directory, never published: a draw publishes only that a recusal exists). */
  reason: z.string().min(1).max(500),
  /** When the conflict was first declared (ISO timestamp). */
  declaredAt: z.iso.datetime(),
});
export type Conflict = z.infer<typeof conflictSchema>;

/** An inspector of the directory, as stored. */
export const inspectorSchema = z
  .object({
    id: inspectorIdSchema,
    name: z.string().min(1).max(100),
    /** The inspector's unit (e.g. 沙坪坝区市场监督管理局). */
    unit: z.string().min(1).max(200),
    /** Only active inspectors enter the pool of a new draw. */
    active: z.boolean(),
    conflicts: z.array(conflictSchema).max(500),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Inspector' });
export type Inspector = z.infer<typeof inspectorSchema>;

/** A conflict as an admin declares it; the code is checked for its kind (credit code or body code). */
const conflictInput = z
  .strictObject({
    kind: conflictKindSchema,
    code: z
      .string()
      .max(64)
      .refine((v) => !hasForbiddenCharacters(v), 'must not contain control or invisible characters')
      .transform(normalizeIdentifier),
    reason: singleLine(1, 500),
  })
  .superRefine((c, ctx) => {
    if (c.kind === 'holder' && !isValidCreditCode(c.code)) {
      ctx.addIssue({
        code: 'custom',
        path: ['code'],
        message: 'not a valid unified social credit code (GB 32100 check character)',
        params: { code: 'INVALID_CREDIT_CODE' },
      });
    }
    if (c.kind === 'body' && !bodyCodeSchema.safeParse(c.code).success) {
      ctx.addIssue({
        code: 'custom',
        path: ['code'],
        message: 'body code: 2-32 of A-Z, 0-9, -',
        params: { code: 'INVALID_BODY_CODE' },
      });
    }
  });
export type ConflictInput = z.output<typeof conflictInput>;

/** Conflicts as declared: at most one per (kind, code); a repeat is a mistake worth saying. */
const conflictsInput = z
  .array(conflictInput)
  .max(500)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((c, i) => {
      const key = `${c.kind}:${c.code}`;
      if (seen.has(key)) {
        ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `${key} is declared twice` });
      }
      seen.add(key);
    });
  });

/** POST /inspectors. */
export const createInspectorSchema = z.strictObject({
  id: inspectorIdInput,
  name: singleLine(1, 100),
  unit: singleLine(1, 200),
  active: z.boolean().default(true),
  conflicts: conflictsInput.default([]),
});
export type CreateInspectorRequest = z.output<typeof createInspectorSchema>;

/** PATCH /inspectors/:id: any field; `conflicts` replaces the whole list (declaration times are kept). */
export const updateInspectorSchema = z
  .strictObject({
    name: singleLine(1, 100).optional(),
    unit: singleLine(1, 200).optional(),
    active: z.boolean().optional(),
    conflicts: conflictsInput.optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'nothing to change' });
export type UpdateInspectorRequest = z.output<typeof updateInspectorSchema>;

export const inspectorParamsSchema = z.strictObject({ id: inspectorIdInput });

export const inspectorListQuerySchema = z.strictObject({
  active: z.enum(['true', 'false']).optional(),
});

export const inspectorListSchema = z
  .object({ items: z.array(inspectorSchema) })
  .meta({ id: 'InspectorList' });
