/**
 * A verifier of CertWatch QR codes written from docs/qr-format.md alone, as a third party would: only
 * node:crypto and the rules of that page, none of the portal's own code. The format tests run it over
 * the page's vectors; that it reaches the page's verdicts shows the page is complete.
 */
import crypto from 'node:crypto';

/** §2: the signed fields, dates as YYYY-MM-DD. */
export interface Fields {
  number: string;
  holderCreditCode: string;
  scheme: string;
  bodyCode: string;
  issueDate: string;
  expiryDate: string;
  holderName: string;
}
const FIELD_ORDER: (keyof Fields)[] = [
  'number',
  'holderCreditCode',
  'scheme',
  'bodyCode',
  'issueDate',
  'expiryDate',
  'holderName',
];
/** §8 step 9: the fields whose difference is a mismatch. */
const IDENTITY: (keyof Fields)[] = ['number', 'holderName', 'holderCreditCode', 'scheme', 'bodyCode'];

export interface RegistryRecord extends Fields {
  status: 'valid' | 'suspended' | 'revoked' | 'withdrawn' | 'expired';
}

export interface Jwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
}

export interface Outcome {
  verdict: string;
  signature: 'valid' | 'invalid' | 'unknown-key' | 'removed-key' | 'absent';
  /** §8 step 6: the kid was in an earlier copy of the JWKS. */
  fields?: Fields;
  differences?: (keyof Fields)[];
}

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest();

/** §4: strict, unpadded base64url; undefined for any text that is not the exact encoding of its bytes. */
export function decodeBase64Url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** §6. */
export function kidOf(x: string): string {
  return sha256(Buffer.from(x, 'base64url')).subarray(0, 8).toString('base64url');
}

/** §3 steps 1-2. */
export function signedHolderName(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length <= 60 && !/\u2026#[A-Za-z0-9_-]{16}$/u.test(name)) return name;
  let prefix = '';
  for (const ch of name) {
    if (Buffer.byteLength(prefix + ch, 'utf8') > 40) break;
    prefix += ch;
  }
  return `${prefix}\u2026#${sha256(bytes).subarray(0, 12).toString('base64url')}`;
}

/** §3: whether a signed name stands for the registry's name. */
export function holderNameMatches(signed: string, name: string): boolean {
  return signed === name || (/\u2026#[A-Za-z0-9_-]{16}$/u.test(signed) && signedHolderName(name) === signed);
}

/** §2: the payload bytes of fields (dates packed), as a signer makes them. */
export function payloadOf(fields: Fields): Buffer {
  const values = FIELD_ORDER.map((k) =>
    k === 'issueDate' || k === 'expiryDate' ? fields[k].replace(/-/g, '') : fields[k],
  );
  if (values.some((v) => v.includes('\u001f'))) throw new Error('a field contains U+001F');
  return Buffer.from(values.join('\u001f'), 'utf8');
}

/** §5. */
export function signingInputOf(publicId: string, data: string): Buffer {
  return Buffer.from(`certwatch:1:${publicId}:${data}`, 'ascii');
}

/** §1 + §5: the URL a signer makes, with a private key given as its 32-byte seed. */
export function signUrl(origin: string, publicId: string, payload: Buffer, seedHex: string): string {
  const der = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    Buffer.from(seedHex, 'hex'),
  ]);
  const privateKey = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const jwk = crypto.createPublicKey(privateKey).export({ format: 'jwk' });
  const data = payload.toString('base64url');
  const sig = crypto.sign(null, signingInputOf(publicId, data), privateKey).toString('base64url');
  return `${origin}/v/${publicId}#1.${kidOf(jwk.x as string)}.${data}.${sig}`;
}

/** §2: the fields of a payload, or undefined when it is not a well-formed one. */
function fieldsOf(payload: Buffer): Fields | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return undefined;
  }
  const values = text.split('\u001f');
  if (values.length !== 7) return undefined;
  const fields = Object.fromEntries(FIELD_ORDER.map((k, i) => [k, values[i]])) as unknown as Fields;
  for (const k of ['issueDate', 'expiryDate'] as const) {
    if (!/^[0-9]{8}$/.test(fields[k])) return undefined;
    fields[k] = `${fields[k].slice(0, 4)}-${fields[k].slice(4, 6)}-${fields[k].slice(6)}`;
  }
  return fields;
}

/** §8, steps 1 to 9. */
export function verifyScan(
  scanned: string,
  portal: {
    origin: string;
    jwks: Jwk[];
    /** The kids of the JWKS's `removed` list. */
    removed?: string[];
    registry: (publicId: string) => RegistryRecord | undefined;
  },
): Outcome {
  const text = scanned.trim();
  // Step 1.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/.test(text)) {
    return { verdict: 'NOT_CERTWATCH', signature: 'absent' };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { verdict: 'NOT_CERTWATCH', signature: 'absent' };
  }
  const path = /^\/v\/([A-Za-z0-9_-]{22})$/.exec(url.pathname);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !path) {
    return { verdict: 'NOT_CERTWATCH', signature: 'absent' };
  }
  const publicId = path[1] as string;
  const fragment = url.hash.replace(/^#/, '');

  // Steps 3 to 8: the signature, whatever the host.
  const signature = ((): Omit<Outcome, 'verdict'> => {
    if (fragment === '') return { signature: 'absent' };
    const parts = fragment.split('.');
    if (parts.length !== 4 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p)))
      return { signature: 'invalid' };
    const [version, kid, data, sig] = parts as [string, string, string, string];
    if (version !== '1') return { signature: 'invalid' };
    const sigBytes = decodeBase64Url(sig);
    if (!sigBytes) return { signature: 'invalid' };
    const jwk = portal.jwks.find((k) => k.kid === kid && k.kty === 'OKP' && k.crv === 'Ed25519');
    if (!jwk || kidOf(jwk.x) !== kid) {
      return { signature: (portal.removed ?? []).includes(kid) ? 'removed-key' : 'unknown-key' };
    }
    const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
    if (sigBytes.length !== 64 || !crypto.verify(null, signingInputOf(publicId, data), key, sigBytes)) {
      return { signature: 'invalid' };
    }
    const payload = decodeBase64Url(data);
    const fields = payload && fieldsOf(payload);
    return fields ? { signature: 'valid', fields } : { signature: 'invalid' };
  })();

  // Step 2, then 3 to 9.
  if (url.origin !== portal.origin) return { verdict: 'FOREIGN_HOST', ...signature };
  const record = portal.registry(publicId);
  if (signature.signature === 'absent')
    return { verdict: record ? 'UNSIGNED_LINK' : 'NOT_FOUND', ...signature };
  if (signature.signature === 'unknown-key') return { verdict: 'UNKNOWN_KEY', ...signature };
  if (signature.signature === 'removed-key') return { verdict: 'REMOVED_KEY', ...signature };
  if (signature.signature === 'invalid' || !signature.fields)
    return { verdict: 'SIGNATURE_INVALID', ...signature };
  if (!record) return { verdict: 'NOT_FOUND', ...signature };
  const signed = signature.fields;
  const differences = FIELD_ORDER.filter((k) =>
    k === 'holderName' ? !holderNameMatches(signed.holderName, record.holderName) : signed[k] !== record[k],
  );
  let verdict = record.status === 'valid' ? 'GENUINE_VALID' : `GENUINE_${record.status.toUpperCase()}`;
  if (verdict === 'GENUINE_VALID' && differences.some((d) => IDENTITY.includes(d)))
    verdict = 'REGISTRY_MISMATCH';
  return { verdict, ...signature, differences };
}
