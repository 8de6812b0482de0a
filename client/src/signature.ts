/**
 * The browser's own check of a code's signature: Ed25519 (WebCrypto) against the published JWKS,
 * kept in localStorage so that the check still works with no network.
 */
import {
  base64UrlDecode,
  decodeFields,
  PAYLOAD_VERSION,
  signingInput,
  type ParsedQrUrl,
  type SignedFields,
} from '../../server/qr/qr-payload';

/** Where a set of keys is published, and where this device keeps its copy. */
export interface KeySource {
  path: string;
  storageKey: string;
}

/** The QR keys. Receipts have keys of their own (client/src/receipt/): neither verifies the other. */
const QR_KEYS: KeySource = { path: '/.well-known/jwks.json', storageKey: 'certwatch.jwks.v1' };
const FETCH_TIMEOUT_MS = 5000;

/** One public key as the JWKS publishes it (RFC 8037 OKP). */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
}

export interface KeySet {
  keys: PublicJwk[];
  /** Kids the portal withdrew (the JWKS's `removed`): their codes are no longer accepted. */
  removed: string[];
  /** When these keys were fetched (ISO time). */
  fetchedAt: string;
  /** True when the network could not be reached and the saved copy is used. */
  offline: boolean;
}

export type SignatureState =
  /** The signature matches the data, under a published key. */
  | 'verified'
  /** The data or signature was changed (or is malformed). */
  | 'altered'
  /** The kid is not among the known keys. */
  | 'unknown-key'
  /** The kid names a key the portal withdrew. */
  | 'removed-key'
  /** Offline and no keys were ever saved on this device. */
  | 'no-keys'
  /** No Ed25519 in this browser's WebCrypto. */
  | 'unsupported';

export interface SignatureCheck {
  state: SignatureState;
  /** The signed fields as carried (present whenever the data is well formed, even if the check failed). */
  fields?: SignedFields;
  keys?: KeySet;
}

function isPublicJwk(value: unknown): value is PublicJwk {
  const k = value as Partial<PublicJwk> | null;
  return (
    typeof k === 'object' &&
    k !== null &&
    k.kty === 'OKP' &&
    k.crv === 'Ed25519' &&
    typeof k.x === 'string' &&
    typeof k.kid === 'string'
  );
}

function readSaved(source: KeySource): KeySet | undefined {
  try {
    const raw = localStorage.getItem(source.storageKey);
    if (!raw) return undefined;
    const saved = JSON.parse(raw) as { keys?: unknown; removed?: unknown; fetchedAt?: unknown };
    if (!Array.isArray(saved.keys) || typeof saved.fetchedAt !== 'string') return undefined;
    return {
      keys: saved.keys.filter(isPublicJwk),
      removed: removedKids(saved.removed),
      fetchedAt: saved.fetchedAt,
      offline: true,
    };
  } catch {
    // Storage disabled (private mode) or a corrupt entry: behave as if nothing was saved.
    return undefined;
  }
}

/** The kids of a JWKS's `removed` member (entries `{ kid, removedAt }`); anything else is ignored. */
function removedKids(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((r) => (r as { kid?: unknown } | null)?.kid)
    .filter((kid): kid is string => typeof kid === 'string');
}

function save(source: KeySource, keys: PublicJwk[], removed: string[], fetchedAt: string): void {
  try {
    localStorage.setItem(
      source.storageKey,
      JSON.stringify({ keys, removed: removed.map((kid) => ({ kid })), fetchedAt }),
    );
  } catch {
    // A full or disabled storage only costs the offline check; the online one still works.
  }
}

async function fetchKeys(source: KeySource): Promise<KeySet> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const res = await fetch(source.path, { cache: 'no-store', signal: controller.signal });
    if (!res.ok) throw new Error(`JWKS answered ${res.status}`);
    const body = (await res.json()) as { keys?: unknown; removed?: unknown };
    if (!Array.isArray(body.keys)) throw new Error('JWKS without keys');
    const keys = body.keys.filter(isPublicJwk);
    const removed = removedKids(body.removed);
    const fetchedAt = new Date().toISOString();
    save(source, keys, removed, fetchedAt);
    return { keys, removed, fetchedAt, offline: false };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A loader of the keys of `source`: fetched once per page while the network answers (and saved for
 * later), else the copy saved on an earlier visit (marked `offline`). `refresh` asks the network again:
 * a kid unknown to the keys at hand may be a key created since.
 */
export function keyLoader(source: KeySource): (refresh?: boolean) => Promise<KeySet | undefined> {
  let fetched: Promise<KeySet | undefined> | undefined;
  return async (refresh = false) => {
    if (navigator.onLine === false) return readSaved(source);
    if (!fetched || refresh) fetched = fetchKeys(source).catch(() => undefined);
    const keys = await fetched;
    if (keys) return keys;
    // Try the network again next time; answer from the saved copy now.
    fetched = undefined;
    return readSaved(source);
  };
}

/** The QR keys (see keyLoader). */
export const loadKeys = keyLoader(QR_KEYS);

/** Fetches the keys ahead of any scan, so that a later scan without network can still be checked. */
export function warmKeys(): void {
  void loadKeys();
}

/** A copy on a plain ArrayBuffer, the type WebCrypto's BufferSource takes. */
const bytes = (view: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(view);

/** Ed25519 (WebCrypto) over `message`; throws where the browser has no Ed25519. */
export async function verifyEd25519(
  jwk: PublicJwk,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  if (signature.length !== 64) return false;
  return crypto.subtle.verify({ name: 'Ed25519' }, key, bytes(signature), bytes(message));
}

async function verifyWith(jwk: PublicJwk, parsed: ParsedQrUrl): Promise<boolean> {
  let signature: Uint8Array;
  try {
    signature = base64UrlDecode(parsed.sig);
  } catch {
    return false;
  }
  return verifyEd25519(jwk, signingInput(parsed.publicId, parsed.data), signature);
}

/** Checks a parsed code's signature in this browser. Never throws. */
export async function checkSignature(parsed: ParsedQrUrl): Promise<SignatureCheck> {
  const fields = decodeFields(parsed.data);
  // Only version 1 exists: any other version is a changed code, as the server judges it too.
  if (parsed.version !== PAYLOAD_VERSION) return { state: 'altered', fields };
  if (!globalThis.crypto?.subtle) return { state: 'unsupported', fields };
  let keys = await loadKeys();
  if (!keys) return { state: 'no-keys', fields };
  let jwk = keys.keys.find((k) => k.kid === parsed.kid);
  if (!jwk && navigator.onLine !== false) {
    // The keys at hand may predate a key created since: ask the network once more.
    keys = (await loadKeys(true)) ?? keys;
    jwk = keys.keys.find((k) => k.kid === parsed.kid);
  }
  if (!jwk) return { state: keys.removed.includes(parsed.kid) ? 'removed-key' : 'unknown-key', fields, keys };
  try {
    const ok = await verifyWith(jwk, parsed);
    // A payload whose data cannot be read is not what the body signed, whatever the signature says.
    return { state: ok && fields ? 'verified' : 'altered', fields, keys };
  } catch {
    // importKey throws NotSupportedError where WebCrypto has no Ed25519 (older browsers).
    return { state: 'unsupported', fields, keys };
  }
}
