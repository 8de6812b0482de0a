/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character
 * alphabet without I, O, Z, S, V; the 18th is a check character over the first 17.
 */
import { normalizeIdentifier } from './normalize';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$/;

/** The check character for the first 17 characters, or undefined when one is outside the alphabet. */
export function creditCodeCheckCharacter(first17: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const value = ALPHABET.indexOf(first17[i] ?? '');
    if (value < 0) return undefined;
    sum += value * (WEIGHTS[i] as number);
  }
  return ALPHABET[(31 - (sum % 31)) % 31];
}

/** True when `code` (already normalised) has the right shape and check character. */
export function isValidCreditCode(code: string): boolean {
  return SHAPE.test(code) && creditCodeCheckCharacter(code.slice(0, 17)) === code[17];
}

/** Normalises, then validates; returns the normalised code or undefined. */
export function parseCreditCode(raw: string): string | undefined {
  const code = normalizeIdentifier(raw);
  return isValidCreditCode(code) ? code : undefined;
}

/** Completes 17 characters with their check character (for seed data and tests). */
export function withCheckCharacter(first17: string): string {
  const check = creditCodeCheckCharacter(first17);
  if (!check) throw new Error(`not a credit-code prefix: ${first17}`);
  return first17 + check;
}
