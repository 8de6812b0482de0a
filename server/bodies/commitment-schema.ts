/**
 * A certifying body's public commitment (承诺书): a text the body submits and dates, published on its
 * public page. Versioned: each submission is a new version; the latest is the one in force, the earlier
 * ones stay readable (a body cannot quietly rewrite what it promised).
 */
import { z } from 'zod';
import { multiline } from '../platform/text-input';
import { bodyCodeSchema } from './body-schema';

export const MAX_COMMITMENT_CHARS = 5000;

/** A commitment as stored. */
export const commitmentSchema = z
  .object({
    bodyCode: bodyCodeSchema,
    /** 1 for the body's first commitment, then one more with each submission. */
    version: z.number().int().positive(),
    /** The text as the body wrote it (line breaks kept; full-width punctuation kept). */
    text: z.string().min(1).max(MAX_COMMITMENT_CHARS),
    /** The date the body put on it (YYYY-MM-DD, China). */
    dated: z.iso.date(),
    /** When it was submitted (ISO timestamp). */
    submittedAt: z.iso.datetime(),
  })
  .meta({ id: 'Commitment' });
export type Commitment = z.infer<typeof commitmentSchema>;

/** POST /bodies/:code/commitments: the text and the date the body puts on it (not after today). */
export const submitCommitmentSchema = z.strictObject({
  text: multiline(1, MAX_COMMITMENT_CHARS),
  dated: z.iso.date(),
});
export type SubmitCommitment = z.output<typeof submitCommitmentSchema>;

export const commitmentListSchema = z
  .object({ items: z.array(commitmentSchema) })
  .meta({ id: 'CommitmentList' });
