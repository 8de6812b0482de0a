/**
 * The browser's own check of a receipt's audit-log proof (the `p=` of the receipt page's address): the
 * checkpoint's Ed25519 signature by the log key (GET /api/v1/audit/log-key, kept on the device so that the
 * check works offline) and the RFC 9162 §2.1.3.2 path from the leaf to the checkpoint's root, with WebCrypto.
 */
import { base64UrlEncode } from '../../../server/qr/qr-payload';
import { verifyEd25519 } from '../signature';

const LOG_KEY_PATH = '/api/v1/audit/log-key';
const STORAGE_KEY = 'certwatch.log-keys.v1';

export type LogProofState = 'proven' | 'bad-signature' | 'bad-proof' | 'no-keys' | 'unsupported';

interface LogProof {
  index: number;
  size: number;
  leafHash: string;
  hashes: string[];
  checkpoint: string;
}

interface LogKey {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

function fromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** `<name>+<hex key id>+<base64(0x01 ‖ key)>` lines; what is not an Ed25519 vkey is skipped. */
function parseKeys(text: string): LogKey[] {
  return text
    .split('\n')
    .map((line) => /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(line.trim()))
    .flatMap((m) => {
      const raw = m ? fromBase64(m[3] as string) : undefined;
      if (!m || !raw || raw.length !== 33 || raw[0] !== 1) return [];
      const keyId = Uint8Array.from((m[2] as string).match(/../g) ?? [], (h) => parseInt(h, 16));
      return [{ name: m[1] as string, keyId, publicKey: raw.subarray(1) }];
    });
}

async function logKeys(): Promise<LogKey[] | undefined> {
  if (navigator.onLine !== false) {
    try {
      const res = await fetch(LOG_KEY_PATH, { signal: AbortSignal.timeout(5000) });
      if (res.ok) {
        const text = await res.text();
        localStorage.setItem(STORAGE_KEY, text);
        return parseKeys(text);
      }
    } catch {
      // Offline or blocked: the saved copy below.
    }
  }
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved ? parseKeys(saved) : undefined;
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

/** The root a proof leads to from its leaf (RFC 9162 §2.1.3.2), or undefined when the path is not one. */
async function rootOf(
  proof: LogProof,
  leaf: Uint8Array,
  path: Uint8Array[],
): Promise<Uint8Array | undefined> {
  if (!(proof.index >= 0 && proof.index < proof.size)) return undefined;
  const one = Uint8Array.of(1);
  let fn = proof.index;
  let sn = proof.size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(one, p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(one, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** Checks a log proof object (already shape-checked by the page's server) in this browser. Never throws. */
export async function checkLogProof(object: unknown): Promise<LogProofState> {
  const proof = object as LogProof;
  if (!globalThis.crypto?.subtle) return 'unsupported';
  const split = typeof proof?.checkpoint === 'string' ? proof.checkpoint.indexOf('\n\n') : -1;
  if (split < 0 || !Array.isArray(proof.hashes)) return 'bad-proof';
  const text = proof.checkpoint.slice(0, split + 1);
  const [origin, size, root] = text.split('\n');
  const rootHash = fromBase64(root ?? '');
  if (!origin || Number(size) !== proof.size || rootHash?.length !== 32) return 'bad-proof';
  const keys = await logKeys();
  if (!keys) return 'no-keys';
  let signed = false;
  try {
    for (const line of proof.checkpoint.slice(split + 2).split('\n')) {
      const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
      const raw = m ? fromBase64(m[2] as string) : undefined;
      if (!m || !raw || raw.length !== 68 || m[1] !== origin) continue;
      const key = keys.find((k) => k.name === origin && equal(k.keyId, raw.subarray(0, 4)));
      const jwk = key && {
        kty: 'OKP' as const,
        crv: 'Ed25519' as const,
        x: base64UrlEncode(key.publicKey),
        kid: '',
      };
      if (jwk && (await verifyEd25519(jwk, new TextEncoder().encode(text), raw.subarray(4)))) signed = true;
    }
  } catch {
    return 'unsupported';
  }
  if (!signed) return 'bad-signature';
  const leaf = fromBase64(proof.leafHash);
  const path = proof.hashes.map(fromBase64);
  if (leaf?.length !== 32 || path.some((p) => p?.length !== 32)) return 'bad-proof';
  const computed = await rootOf(proof, leaf, path as Uint8Array[]);
  return computed && equal(computed, rootHash) ? 'proven' : 'bad-proof';
}
