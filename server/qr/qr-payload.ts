/**
 * The signed payload a certificate's QR code carries, shared by the server and the browser (no Node
 * imports here: the client bundle uses this file as it is).
 *
 * The QR encodes a URL:  {PUBLIC_BASE_URL}/v/{publicId}#{version}.{kid}.{data}.{sig}
 *  - the path opens the server-rendered result page with any camera app or WeChat;
 *  - the fragment never reaches the server when a browser opens the link; the page's script checks it
 *    offline against the published keys (JWKS), and POST /api/v1/scan checks it on the server.
 *  - version `1`; kid = base64url of the first 8 bytes of SHA-256 of the raw 32-byte Ed25519 public key
 *    (as the EU Digital COVID Certificate does); data = base64url of the UTF-8 fields below joined by
 *    U+001F; sig = base64url of the Ed25519 signature over signingInput(publicId, data).
 *  - the holder name is signed whole up to HOLDER_NAME_MAX_BYTES, else shortened (signedHolderName), so
 *    that a long name cannot push the code to a version that prints badly.
 * docs/qr-format.md is the specification, with test vectors; change neither without the other.
 */

export const PAYLOAD_VERSION = '1';
const SEPARATOR = '\u001f';

/** What the signature binds. Dates as YYYY-MM-DD. */
export interface SignedFields {
  number: string;
  /** As signed: the registry's name, or its shortened form (see signedHolderName). */
  holderName: string;
  holderCreditCode: string;
  scheme: string;
  bodyCode: string;
  issueDate: string;
  expiryDate: string;
}

const FIELD_ORDER: (keyof SignedFields)[] = [
  'number',
  'holderCreditCode',
  'scheme',
  'bodyCode',
  'issueDate',
  'expiryDate',
  'holderName',
];

export interface ParsedQrUrl {
  origin: string;
  publicId: string;
  version: string;
  kid: string;
  /** base64url of the fields, exactly as in the URL (the signature covers these characters). */
  data: string;
  sig: string;
}

export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes unpadded base64url, strictly: a text that is not the canonical encoding of its bytes (a length
 * of 1 mod 4, or stray bits in the last character) throws. Lenient decoders map several texts to the same
 * bytes, so a signature with its last character changed would still verify: "altered" must mean "fails".
 */
export function base64UrlDecode(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error('not base64url');
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  if (base64UrlEncode(bytes) !== text) throw new Error('not canonical base64url');
  return bytes;
}

/** Compact dates: the eight digits of YYYY-MM-DD. */
const packDate = (d: string) => d.replace(/-/g, '');
const unpackDate = (d: string) =>
  /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : '';

/** The `data` part of the fragment for these fields. */
export function encodeFields(fields: SignedFields): string {
  const values = FIELD_ORDER.map((k) =>
    k === 'issueDate' || k === 'expiryDate' ? packDate(fields[k]) : fields[k],
  );
  if (values.some((v) => v.includes(SEPARATOR))) throw new Error('a field contains the separator');
  return base64UrlEncode(new TextEncoder().encode(values.join(SEPARATOR)));
}

/** The fields of a `data` part, or undefined when it is not a well-formed version-1 payload. */
export function decodeFields(data: string): SignedFields | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(base64UrlDecode(data));
  } catch {
    return undefined;
  }
  const values = text.split(SEPARATOR);
  if (values.length !== FIELD_ORDER.length) return undefined;
  const fields = Object.fromEntries(
    FIELD_ORDER.map((k, i) => [k, values[i] as string]),
  ) as unknown as SignedFields;
  fields.issueDate = unpackDate(fields.issueDate);
  fields.expiryDate = unpackDate(fields.expiryDate);
  if (!fields.issueDate || !fields.expiryDate) return undefined;
  return fields;
}

// ---------------------------------------------------------------------------------------------------------
// The holder name as signed

/** The longest holder name, in UTF-8 bytes, that is signed whole (20 Chinese characters). */
export const HOLDER_NAME_MAX_BYTES = 60;
/** The longest prefix, in UTF-8 bytes, that a shortened name keeps (13 Chinese characters). */
export const HOLDER_PREFIX_MAX_BYTES = 40;
/** Bytes of SHA-256 of the whole name that a shortened name carries (96 bits, 16 base64url characters). */
export const HOLDER_DIGEST_BYTES = 12;
/** What ends a shortened name: U+2026 `…`, `#`, the fingerprint. A registry name never ends so when signed. */
const SHORTENED_TAIL = /\u2026#([A-Za-z0-9_-]{16})$/u;

/** SHA-256, synchronous (node:crypto on the server) or not (WebCrypto in a browser). */
export type Sha256 = (bytes: Uint8Array) => Uint8Array;
export type AsyncSha256 = (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Whether `name` is signed shortened: too long, or ending like a shortened name (so no name can pass for one). */
function needsShortening(name: string): boolean {
  return utf8(name).length > HOLDER_NAME_MAX_BYTES || SHORTENED_TAIL.test(name);
}

/** The shortened form of `name` whose SHA-256 is `digest`: whole code points, never half a character. */
function shortened(name: string, digest: Uint8Array): string {
  let prefix = '';
  let used = 0;
  for (const ch of name) {
    const size = utf8(ch).length;
    if (used + size > HOLDER_PREFIX_MAX_BYTES) break;
    prefix += ch;
    used += size;
  }
  return `${prefix}\u2026#${base64UrlEncode(digest.subarray(0, HOLDER_DIGEST_BYTES))}`;
}

/**
 * The holder name a new code signs: `name` itself when its UTF-8 takes at most HOLDER_NAME_MAX_BYTES, else
 * its longest prefix of whole characters within HOLDER_PREFIX_MAX_BYTES, then `…#`, then base64url of the
 * first HOLDER_DIGEST_BYTES of SHA-256 of the whole name's UTF-8. The prefix is for the eye; the fingerprint
 * binds the whole name, so that a renamed holder is still a registry mismatch.
 */
export function signedHolderName(name: string, sha256: Sha256): string {
  return needsShortening(name) ? shortened(name, sha256(utf8(name))) : name;
}

/** The prefix and fingerprint of a shortened signed name; undefined for a name signed whole. */
export function splitShortenedName(signed: string): { prefix: string; digest: string } | undefined {
  const match = SHORTENED_TAIL.exec(signed);
  if (!match) return undefined;
  return { prefix: signed.slice(0, match.index), digest: match[1] as string };
}

/**
 * Whether a signed holder name stands for the registry's `name`: equal to it (every code signed whole,
 * including those printed before names were shortened), or equal to its shortened form.
 */
export async function holderNameMatches(signed: string, name: string, sha256: AsyncSha256): Promise<boolean> {
  if (signed === name) return true;
  if (!splitShortenedName(signed) || !needsShortening(name)) return false;
  return shortened(name, await sha256(utf8(name))) === signed;
}

/** The bytes the signature covers: version, public id and the data exactly as carried. */
export function signingInput(publicId: string, data: string): Uint8Array {
  return new TextEncoder().encode(`certwatch:${PAYLOAD_VERSION}:${publicId}:${data}`);
}

/** The fragment (without `#`) for a signed payload. */
export function fragmentOf(kid: string, data: string, sig: string): string {
  return `${PAYLOAD_VERSION}.${kid}.${data}.${sig}`;
}

const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * Splits a scanned text into its parts when it has the shape of a CertWatch code on any host (the
 * caller compares the origin with its own), or returns undefined for anything else.
 */
export function parseQrUrl(text: string): ParsedQrUrl | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const match = /^\/v\/([^/]+)$/.exec(url.pathname);
  if (!match || !PUBLIC_ID.test(match[1] as string)) return undefined;
  const parts = url.hash.replace(/^#/, '').split('.');
  if (parts.length !== 4) return undefined;
  const [version, kid, data, sig] = parts as [string, string, string, string];
  // Each part on its own: tested joined, an empty part (`1..data.sig`) would pass.
  if (![version, kid, data, sig].every((part) => /^[A-Za-z0-9_-]+$/.test(part))) return undefined;
  return { origin: url.origin, publicId: match[1] as string, version, kid, data, sig };
}
