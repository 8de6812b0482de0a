/**
 * Input that features share: record id shapes and free-text fields. One place, so that tips, flags,
 * cases and signals check input the same way. Free of Node's modules: the console's browser code reads
 * the schemas built on it (new ids and references: ids.ts).
 */
import { z } from 'zod';
import { hasForbiddenCharacters, normalizeProse } from './normalize';

/** Record ids: 128 random bits, base64url, like certificate public ids (nothing to count up in a URL). */
export const workflowIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'an id: 22 base64url characters');

const controlMessage = {
  message: 'must not contain control or invisible characters',
  params: { code: 'INVALID_CHARACTERS' },
} as const;

/**
 * One line of prose: no control or invisible characters, composed (NFC), trimmed, spaces folded. Its
 * punctuation is kept as typed (full-width Chinese punctuation stays full-width): only identifiers are
 * normalised to half-width (platform/normalize.ts).
 */
export const singleLine = (min: number, max: number) =>
  z
    .string()
    .max(max * 2)
    .refine((v) => !hasForbiddenCharacters(v), controlMessage)
    .transform(normalizeProse)
    .pipe(z.string().min(min).max(max));

/** Line breaks are what a form's text area sends; tabs become spaces. Every other control is refused. */
const LINE_BREAKS = /\r\n?/g;

/**
 * Prose of several lines (a description, a note): line breaks kept (at most one empty line in a row),
 * each line normalised as `singleLine` (punctuation kept); otherwise as strict as `singleLine`.
 */
export const multiline = (min: number, max: number) =>
  z
    .string()
    .max(max * 2)
    .transform((v) => v.replace(LINE_BREAKS, '\n').replace(/\t/g, ' '))
    .refine((v) => v.split('\n').every((line) => !hasForbiddenCharacters(line)), controlMessage)
    .transform((v) =>
      v
        .split('\n')
        .map(normalizeProse)
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim(),
    )
    .pipe(z.string().min(min).max(max));
