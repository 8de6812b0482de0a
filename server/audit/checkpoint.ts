/**
 * The text formats of a transparency log, as C2SP defines them, with Node's own Ed25519:
 *  - signed note (c2sp.org/signed-note): text, a blank line, then signature lines
 *    `— <key name> <base64(4-byte key id ‖ signature)>`; key id = SHA-256(name ‖ 0x0A ‖ alg ‖ public key)[:4];
 *    a verifier key is `<name>+<hex key id>+<base64(alg ‖ public key)>`; alg 0x01 is Ed25519;
 *  - checkpoint (c2sp.org/tlog-checkpoint): origin line, tree size in decimal, base64 root hash;
 *  - cosignature (c2sp.org/tlog-cosignature): alg 0x04, the signature is 8-byte big-endian seconds since
 *    the epoch ‖ Ed25519 over `cosignature/v1\ntime <seconds>\n` ‖ the checkpoint text.
 * Pure functions: the log's key ring and the witness CLI both use them.
 */
import crypto, { type KeyObject } from 'node:crypto';

export const ALG_ED25519 = 0x01;
export const ALG_COSIGNATURE_V1 = 0x04;
const EM_DASH = '\u2014';

export class NoteFormatError extends Error {}

/** A key name: no whitespace, no `+` (C2SP signed-note). */
export function isKeyName(name: string): boolean {
  return name.length > 0 && name.length <= 200 && /^[^\s+]+$/u.test(name) && !/\p{C}/u.test(name);
}

export function keyIdOf(name: string, alg: number, publicKey: Uint8Array): Buffer {
  return crypto
    .createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([alg]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** `text` cut at its first `fields - 1` plus signs (the last field keeps any further ones), or undefined. */
function splitPlus(text: string, fields: number): string[] | undefined {
  const out: string[] = [];
  let rest = text;
  for (let i = 1; i < fields; i += 1) {
    const at = rest.indexOf('+');
    if (at < 0) return undefined;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

/** A verifier key: who signs, and with what. */
export interface VerifierKey {
  name: string;
  alg: number;
  keyId: Buffer;
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
}

export function formatVkey(name: string, alg: number, publicKey: Uint8Array): string {
  const id = keyIdOf(name, alg, publicKey).toString('hex');
  return `${name}+${id}+${Buffer.concat([Buffer.from([alg]), publicKey]).toString('base64')}`;
}

/** Parses `<name>+<hex key id>+<base64(alg ‖ key)>`; throws NoteFormatError saying what is wrong. */
export function parseVkey(
  text: string,
  algs: readonly number[] = [ALG_ED25519, ALG_COSIGNATURE_V1],
): VerifierKey {
  // Base64 holds `+` too: the name and the key id are the first two fields, the key all that follows.
  const parts = splitPlus(text.trim(), 3);
  if (!parts) throw new NoteFormatError('a verifier key is <name>+<hex key id>+<base64 key>');
  const [name, idHex, keyB64] = parts as [string, string, string];
  if (!isKeyName(name))
    throw new NoteFormatError('the key name is empty or holds spaces or control characters');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteFormatError('the key id is not 8 lower-case hex digits');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyB64)) throw new NoteFormatError('the key is not base64');
  const raw = Buffer.from(keyB64, 'base64');
  if (raw.length !== 33) throw new NoteFormatError('the key is not one algorithm byte and 32 key bytes');
  const alg = raw[0] as number;
  if (!algs.includes(alg))
    throw new NoteFormatError(`the key's algorithm ${alg} is not ${algs.join(' or ')}`);
  const publicKey = raw.subarray(1);
  const keyId = keyIdOf(name, alg, publicKey);
  if (keyId.toString('hex') !== idHex)
    throw new NoteFormatError('the key id does not match the name and key');
  return { name, alg, keyId, publicKey };
}

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return crypto.createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

/** A checkpoint: the log's origin, its size and the root hash of the tree of that size. */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

export function checkpointText(cp: Checkpoint): string {
  return `${cp.origin}\n${cp.size}\n${cp.rootHash.toString('base64')}\n`;
}

export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '')
    throw new NoteFormatError('a checkpoint is an origin line, a size line and a root hash line');
  const [origin, size, root] = lines as [string, string, string];
  if (!origin || /\s/.test(origin)) throw new NoteFormatError('the origin line is empty or holds spaces');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new NoteFormatError('the size line is not a decimal number');
  const rootHash = Buffer.from(root, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== root)
    throw new NoteFormatError('the root hash line is not the base64 of 32 bytes');
  return { origin, size: Number(size), rootHash };
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** What follows the key id: the signature (and for a cosignature, its timestamp first). */
  signature: Buffer;
}

export interface Note {
  /** The signed text, ending with its newline. */
  text: string;
  signatures: NoteSignature[];
}

export function formatNote(text: string, signatures: NoteSignature[]): string {
  const lines = signatures.map(
    (s) => `${EM_DASH} ${s.name} ${Buffer.concat([s.keyId, s.signature]).toString('base64')}\n`,
  );
  return `${text}\n${lines.join('')}`;
}

/** Splits a signed note into its text and signature lines; throws NoteFormatError when it is not one. */
export function parseNote(note: string): Note {
  if (note.length > 16_384) throw new NoteFormatError('the note is longer than 16 KiB');
  const split = note.indexOf('\n\n');
  if (split < 0 || !note.endsWith('\n'))
    throw new NoteFormatError(
      'a signed note is text, a blank line, then signature lines, each ending in a newline',
    );
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
      if (!match) throw new NoteFormatError(`not a signature line: "${line.slice(0, 80)}"`);
      const raw = Buffer.from(match[2] as string, 'base64');
      if (raw.length < 5) throw new NoteFormatError('a signature line is too short');
      return { name: match[1] as string, keyId: raw.subarray(0, 4), signature: raw.subarray(4) };
    });
  return { text, signatures };
}

/** The message a cosigner signs: `cosignature/v1`, its time, then the checkpoint text. */
export function cosignatureMessage(checkpoint: string, seconds: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${seconds}\n${checkpoint}`, 'utf8');
}

/** Whether `sig` is a valid Ed25519 signature of `text` by `key` (alg 0x01). */
export function verifyNoteSignature(key: VerifierKey, text: string, sig: NoteSignature): boolean {
  if (sig.name !== key.name || !sig.keyId.equals(key.keyId) || sig.signature.length !== 64) return false;
  try {
    return crypto.verify(null, Buffer.from(text, 'utf8'), ed25519PublicKey(key.publicKey), sig.signature);
  } catch {
    return false;
  }
}

/** The time of a valid cosignature (seconds since the epoch) by `key` (alg 0x04), or undefined. */
export function verifyCosignature(
  key: VerifierKey,
  checkpoint: string,
  sig: NoteSignature,
): number | undefined {
  if (sig.name !== key.name || !sig.keyId.equals(key.keyId) || sig.signature.length !== 72) return undefined;
  const seconds = Number(sig.signature.readBigUInt64BE(0));
  if (!Number.isSafeInteger(seconds)) return undefined;
  try {
    const ok = crypto.verify(
      null,
      cosignatureMessage(checkpoint, seconds),
      ed25519PublicKey(key.publicKey),
      sig.signature.subarray(8),
    );
    return ok ? seconds : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// A witness's own key (the witness CLI): the same file form as Go's golang.org/x/mod/sumdb/note signers.

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface WitnessSigner {
  name: string;
  vkey: string;
  key: VerifierKey;
  /** The cosignature line's signature for `checkpoint` at `seconds`. */
  cosign(checkpoint: string, seconds: number): NoteSignature;
}

/** `PRIVATE+KEY+<name>+<hex key id>+<base64(0x04 ‖ 32-byte seed)>` for a new key named `name`. */
export function generateWitnessKey(name: string): string {
  if (!isKeyName(name)) throw new NoteFormatError('the witness name must be non-empty, without spaces or +');
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const seed = (privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer).subarray(16);
  const pub = Buffer.from(
    crypto.createPublicKey(privateKey).export({ format: 'jwk' }).x as string,
    'base64url',
  );
  const id = keyIdOf(name, ALG_COSIGNATURE_V1, pub).toString('hex');
  return `PRIVATE+KEY+${name}+${id}+${Buffer.concat([Buffer.from([ALG_COSIGNATURE_V1]), seed]).toString('base64')}\n`;
}

export function parseWitnessKey(text: string): WitnessSigner {
  const parts = splitPlus(text.trim(), 5);
  if (!parts || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY')
    throw new NoteFormatError('a witness key file holds PRIVATE+KEY+<name>+<hex key id>+<base64 key>');
  const [, , name, idHex, keyB64] = parts as [string, string, string, string, string];
  const raw = Buffer.from(keyB64, 'base64');
  if (!isKeyName(name) || raw.length !== 33 || raw[0] !== ALG_COSIGNATURE_V1)
    throw new NoteFormatError('the witness key file is damaged (name, or not a cosignature/v1 Ed25519 key)');
  const privateKey = crypto.createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, raw.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = Buffer.from(
    crypto.createPublicKey(privateKey).export({ format: 'jwk' }).x as string,
    'base64url',
  );
  const keyId = keyIdOf(name, ALG_COSIGNATURE_V1, publicKey);
  if (keyId.toString('hex') !== idHex) throw new NoteFormatError('the witness key file is damaged (key id)');
  return {
    name,
    vkey: formatVkey(name, ALG_COSIGNATURE_V1, publicKey),
    key: { name, alg: ALG_COSIGNATURE_V1, keyId, publicKey },
    cosign(checkpoint, seconds) {
      const time = Buffer.alloc(8);
      time.writeBigUInt64BE(BigInt(seconds));
      const sig = crypto.sign(null, cosignatureMessage(checkpoint, seconds), privateKey);
      return { name, keyId, signature: Buffer.concat([time, sig]) };
    },
  };
}
