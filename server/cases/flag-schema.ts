/**
 * Flags: an inspector marks a certificate of the registry as suspect, with the reason. A flag waits in
 * the queue (open) until a case takes it up (in-case); the case decides.
 */
import { z } from 'zod';
import { publicIdSchema } from '../certificates/certificate-schema';
import { pageOf, pagingQuery } from '../platform/paging';
import { multiline, workflowIdSchema } from '../platform/text-input';

export const FLAG_STATES = ['open', 'in-case'] as const;
export const flagStateSchema = z.enum(FLAG_STATES);
export type FlagState = z.infer<typeof flagStateSchema>;

export const flagSchema = z
  .object({
    id: workflowIdSchema,
    /** The flagged certificate (in the registry when flagged). */
    publicId: z.string(),
    reason: z.string(),
    /** The actor id (token id) of the inspector who flagged it. */
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    state: flagStateSchema,
    caseId: z.string().optional(),
  })
  .meta({ id: 'Flag' });
export type Flag = z.infer<typeof flagSchema>;

/** POST /flags. */
export const createFlagSchema = z
  .strictObject({
    publicId: publicIdSchema.meta({ errorCode: 'INVALID_PUBLIC_ID' }),
    reason: multiline(1, 1000).describe('Why the certificate looks suspect'),
  })
  .meta({ id: 'FlagRequest' });
export type CreateFlagInput = z.output<typeof createFlagSchema>;

export const flagListQuerySchema = z.strictObject({
  state: flagStateSchema.optional(),
  ...pagingQuery,
});

export const flagListSchema = pageOf(flagSchema).meta({ id: 'FlagList' });
