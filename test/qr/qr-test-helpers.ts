import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import {
  base64UrlEncode,
  encodeFields,
  fragmentOf,
  signingInput,
  type SignedFields,
} from '../../server/qr/qr-payload';
import { kidOf } from '../../server/qr/signing-keys';

/** The text of the QR code in a PNG, read back with jsQR from its pixels; undefined when none is found. */
export function decodePng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
  return jsQR(pixels, image.width, image.height)?.data;
}

/** A code as another signer would make it: `privateKey` signs `fields` for `publicId` on `origin`. */
export function signedLink(
  origin: string,
  publicId: string,
  fields: SignedFields,
  privateKey: KeyObject,
  kid = kidOf(crypto.createPublicKey(privateKey)),
): string {
  const data = encodeFields(fields);
  const sig = base64UrlEncode(crypto.sign(null, signingInput(publicId, data), privateKey));
  return `${origin}/v/${publicId}#${fragmentOf(kid, data, sig)}`;
}

/** The private key of the key file `kid` in `dataDir`/keys, read as another instance would. */
export function privateKeyOf(dataDir: string, kid: string): KeyObject {
  const file = JSON.parse(fs.readFileSync(path.join(dataDir, 'keys', `${kid}.json`), 'utf8')) as {
    privateKeyPem: string;
  };
  return crypto.createPrivateKey(file.privateKeyPem);
}

/** The fragment's four parts of a signed link. */
export function fragmentParts(url: string): { version: string; kid: string; data: string; sig: string } {
  const [version = '', kid = '', data = '', sig = ''] = new URL(url).hash.slice(1).split('.');
  return { version, kid, data, sig };
}

/** `url` with the fragment part `part` replaced by `value`. */
export function withPart(url: string, part: 'version' | 'kid' | 'data' | 'sig', value: string): string {
  const u = new URL(url);
  const parts = fragmentParts(url);
  parts[part] = value;
  u.hash = `${parts.version}.${parts.kid}.${parts.data}.${parts.sig}`;
  return u.toString();
}

/** Flips one bit of the byte at `index` of a base64url text (the result is canonical base64url again). */
export function flipByte(text: string, index: number): string {
  const bytes = Buffer.from(text, 'base64url');
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return bytes.toString('base64url');
}

/** The JSON fenced blocks of docs/qr-format.md whose info string is `json {tag}`, parsed, in order. */
export function formatDocBlocks<T>(tag: string): T[] {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'qr-format.md'), 'utf8');
  return [...doc.matchAll(/^```json ([a-z-]+)\n([\s\S]*?)^```$/gm)]
    .filter((m) => m[1] === tag)
    .map((m) => JSON.parse(m[2] as string) as T);
}

/** The limits docs/qr-format.md states (§10.1). */
export interface FormatLimits {
  payloadVersion: string;
  fieldSeparatorHex: string;
  holderNameMaxBytes: number;
  holderPrefixMaxBytes: number;
  holderDigestBytes: number;
  kidBytes: number;
  errorCorrection: 'L' | 'M' | 'Q' | 'H';
  maxQrVersion: number;
  minLabelQrMm: number;
}

export function formatLimits(): FormatLimits {
  const [limits] = formatDocBlocks<FormatLimits>('qr-limits');
  if (!limits) throw new Error('docs/qr-format.md has no qr-limits block');
  return limits;
}
