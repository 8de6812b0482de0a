/**
 * The bytes of a verification receipt, shared by the server and the browser (no Node imports, no zod:
 * the receipt page's script bundles this file as it is). docs/receipt-format.md is the specification.
 *
 *  - The signed bytes are the UTF-8 of the receipt object in the JSON Canonicalization Scheme (RFC 8785,
 *    JCS): no whitespace, object members sorted by the UTF-16 code units of their names, strings and
 *    numbers as ECMAScript's JSON.stringify writes them. The object names its own type
 *    (`"type":"certwatch-receipt"`), so its bytes begin with `{` and can never be a QR payload's
 *    signing input (which begins with `certwatch:`).
 *  - The compact form, for links and QR codes: `r1.{kid}.{data}.{sig}`, data = base64url (unpadded) of the
 *    signed bytes, sig = base64url of the 64-byte Ed25519 signature over exactly those bytes.
 */
import { base64UrlDecode, base64UrlEncode } from '../qr/qr-payload';

/** The version tag that starts every compact receipt. */
export const RECEIPT_TAG = 'r1';
/** The `type` member of every receipt object. */
export const RECEIPT_TYPE = 'certwatch-receipt';
/** The page a receipt's QR code and links open, with the compact receipt in `?r=`. */
export const RECEIPT_PAGE_PATH = '/receipts';
/** The published receipt keys (a JWKS of their own: QR keys never verify receipts, nor the reverse). */
export const RECEIPT_JWKS_PATH = '/.well-known/receipt-jwks.json';
/** Longest compact receipt (or link holding one) accepted anywhere. */
export const MAX_RECEIPT_TEXT = 8192;

/** A JSON value as receipts hold them: strings, integers, booleans, null, arrays and objects. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * RFC 8785 canonical JSON of `value`. Members whose value is `undefined` are left out (as JSON.stringify
 * does); a number that is not finite throws, as JCS requires.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('JCS: a number must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    // The default sort compares UTF-16 code units, which is JCS's order.
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`JCS: ${typeof value} is not a JSON value`);
}

/** The signed bytes of a receipt object. */
export function receiptBytes(receipt: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(receipt));
}

/** The parts of a compact receipt, as carried (base64url texts). */
export interface CompactParts {
  kid: string;
  data: string;
  sig: string;
}

export function compactOf(kid: string, bytes: Uint8Array, signature: Uint8Array): string {
  return `${RECEIPT_TAG}.${kid}.${base64UrlEncode(bytes)}.${base64UrlEncode(signature)}`;
}

/**
 * The compact receipt in `text`: the compact form itself, or a link whose `r` parameter holds it (what the
 * QR code carries; whitespace around it is ignored). Undefined when there is none.
 */
export function compactIn(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith(`${RECEIPT_TAG}.`)) return trimmed;
  if (!/^https?:\/\//i.test(trimmed)) return undefined;
  try {
    return new URL(trimmed).searchParams.get('r')?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Why a text is not a well-formed compact receipt (a stable word), or its parts. */
export type CompactParse =
  | { ok: true; parts: CompactParts; bytes: Uint8Array; signature: Uint8Array; json: string; object: unknown }
  | { ok: false; why: 'shape' | 'base64url' | 'utf8' | 'json' | 'not-canonical' };

/**
 * Splits and decodes a compact receipt. Well formed means: four parts, the `r1` tag, canonical base64url,
 * a 64-byte signature, data that is UTF-8 JSON written exactly as JCS writes it. Checks no signature.
 */
export function parseCompact(compact: string): CompactParse {
  const parts = compact.split('.');
  if (parts.length !== 4 || parts[0] !== RECEIPT_TAG) return { ok: false, why: 'shape' };
  const [, kid, data, sig] = parts as [string, string, string, string];
  if (![kid, data, sig].every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return { ok: false, why: 'shape' };
  let bytes: Uint8Array;
  let signature: Uint8Array;
  try {
    bytes = base64UrlDecode(data);
    signature = base64UrlDecode(sig);
  } catch {
    return { ok: false, why: 'base64url' };
  }
  if (signature.length !== 64) return { ok: false, why: 'base64url' };
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, why: 'utf8' };
  }
  let object: unknown;
  try {
    object = JSON.parse(json);
  } catch {
    return { ok: false, why: 'json' };
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object))
    return { ok: false, why: 'json' };
  if (canonicalJson(object) !== json) return { ok: false, why: 'not-canonical' };
  return { ok: true, parts: { kid, data, sig }, bytes, signature, json, object };
}

/** The version tag of a log proof in a link (`p=` beside the receipt's `r=`). */
export const LOG_PROOF_TAG = 'p1';

/**
 * A receipt's log proof (the envelope's `log`) for a link: `p1.{base64url of its canonical JSON}`. Kept out
 * of the receipt's QR code (a proof is 20 hashes at a million entries): the page's address carries it.
 */
export function logProofParam(log: unknown): string {
  return `${LOG_PROOF_TAG}.${base64UrlEncode(new TextEncoder().encode(canonicalJson(log)))}`;
}

/** The object a `p1.` parameter holds, or undefined when it is not one (its shape is checked by the reader). */
export function parseLogProofParam(text: string): unknown {
  const [tag, data, ...rest] = text.trim().split('.');
  if (tag !== LOG_PROOF_TAG || !data || rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(data)) return undefined;
  try {
    const object: unknown = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(base64UrlDecode(data)),
    );
    return typeof object === 'object' && object !== null && !Array.isArray(object) ? object : undefined;
  } catch {
    return undefined;
  }
}
