/** New ids and references of the inspector workflow (server only: Node's random source). */
import { randomBytes } from 'node:crypto';

/** Record ids: 128 random bits, base64url, like certificate public ids (nothing to count up in a URL). */
export const newWorkflowId = (): string => randomBytes(16).toString('base64url');

/** Crockford's base32: no I, L, O or U, so a reference read out over the phone is not misheard. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `length` random Crockford base32 characters (5 random bits each). */
export function randomCrockford(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += CROCKFORD[byte & 31];
  return out;
}
