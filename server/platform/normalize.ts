/**
 * Identifier normalisation shared by every feature: trim, full-width to half-width, upper-case
 * (the CNCA reporting rule for certificate numbers, and GB 32100 for credit codes).
 */

// Characters no identifier or query may carry: C0/C1 controls (NUL included), DEL, and the
// invisible format characters used to make two strings look alike.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/;

export function hasForbiddenCharacters(value: string): boolean {
  return FORBIDDEN_CHARACTERS.test(value);
}

/** Full-width ASCII (U+FF01..U+FF5E) and the ideographic space to their half-width forms. */
export function toHalfWidth(value: string): string {
  return value.replace(/[\uff01-\uff5e\u3000]/g, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}

/** Certificate numbers, body codes, credit codes: trimmed, half-width, upper-case, no inner spaces. */
export function normalizeIdentifier(value: string): string {
  return toHalfWidth(value).trim().replace(/\s+/g, '').toUpperCase();
}

/**
 * Prose (a tip's description, a case note, the published facts of a record): composed (NFC), trimmed,
 * inner runs of spaces and tabs folded to one space. Nothing else changes: Chinese prose keeps its
 * full-width punctuation (，：。；！？（）) and ideographic spaces, unlike identifiers and search keys.
 */
export function normalizeProse(value: string): string {
  return value
    .normalize('NFC')
    .trim()
    .replace(/[ \t\u00a0]+/g, ' ');
}

/** Free text (organisation names, search queries): half-width, trimmed, inner runs of space folded. */
export function normalizeText(value: string): string {
  return toHalfWidth(value).trim().replace(/\s+/g, ' ');
}

/**
 * The n-gram keys of a name, used by both storage adapters for index-backed Chinese substring search:
 * a string's bigrams, in order. A query matches a name when the query's bigrams occur consecutively in
 * the name's (an FTS5 phrase in SQLite, `$all` plus a substring check in MongoDB).
 */
export function nameBigrams(value: string): string[] {
  const folded = [
    ...normalizeText(value)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ''),
  ];
  if (folded.length === 1) return [folded[0] as string];
  const grams: string[] = [];
  for (let i = 0; i + 1 < folded.length; i += 1) grams.push(`${folded[i]}${folded[i + 1]}`);
  return grams;
}

/** The folded form of a name that bigram matching compares against (lower-case letters and digits only). */
export function foldName(value: string): string {
  return normalizeText(value)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}
