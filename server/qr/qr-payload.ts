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
 */

export const PAYLOAD_VERSION = '1';
const SEPARATOR = '\u001f';

/** What the signature binds. Dates as YYYY-MM-DD. */
export interface SignedFields {
  number: string;
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
