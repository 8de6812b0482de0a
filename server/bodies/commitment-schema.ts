/**
 * A certifying body's public commitment (承诺书): a text the body submits and dates, published on its
 * public page. Versioned: each submission is a new version; the latest is the one in force, the earlier
 * ones stay readable (a body cannot quietly rewrite what it promised).
 */
import { z } from 'zod';
import { hasForbiddenCharacters } from '../platform/normalize';
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

/**
 * The commitment's text as prose: line breaks kept (CRLF folded to LF, at most one empty line in a row),
 * each line trimmed, no control or invisible characters. Unlike identifiers it is never folded to
 * half-width: Chinese prose keeps its full-width punctuation (，：；).
 */
const prose = z
  .string()
  .max(MAX_COMMITMENT_CHARS * 2)
  .transform((v) => v.replace(/\r\n?/g, '\n').replace(/\t/g, ' '))
  .refine((v) => v.split('\n').every((line) => !hasForbiddenCharacters(line)), {
    message: 'must not contain control or invisible characters',
    params: { code: 'INVALID_CHARACTERS' },
  })
  .transform((v) =>
    v
      .split('\n')
      .map((line) => line.trim())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
  )
  .pipe(z.string().min(1).max(MAX_COMMITMENT_CHARS));

/** POST /bodies/:code/commitments: the text and the date the body puts on it (not after today). */
export const submitCommitmentSchema = z.strictObject({
  text: prose,
  dated: z.iso.date(),
});
export type SubmitCommitment = z.output<typeof submitCommitmentSchema>;

export const commitmentListSchema = z
  .object({ items: z.array(commitmentSchema) })
  .meta({ id: 'CommitmentList' });
