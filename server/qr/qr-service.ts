import crypto from 'node:crypto';
import client from 'prom-client';
import type { CertificateRepository } from '../certificates/certificate-repository';
import type { Certificate, PublicCertificate } from '../certificates/certificate-schema';
import type { CertificateService } from '../certificates/certificate-service';
import { findScheme } from '../schemes/schemes';
import type { Cache } from '../platform/cache';
import { AppError, isAppError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import { hasForbiddenCharacters, normalizeIdentifier } from '../platform/normalize';
import {
  base64UrlDecode,
  base64UrlEncode,
  decodeFields,
  encodeFields,
  fragmentOf,
  holderNameMatches,
  parseQrUrl,
  PAYLOAD_VERSION,
  signedHolderName,
  signingInput,
  type ParsedQrUrl,
  type SignedFields,
} from './qr-payload';
import { renderLabelSvg, renderPng, renderSvg } from './qr-render';
import {
  IDENTITY_FIELDS,
  SCAN_VERDICTS,
  SIGNED_FIELD_NAMES,
  type ScanAnswer,
  type ScanEvent,
  type ScanVerdict,
  type SignatureState,
  type SignedFieldName,
} from './qr-schema';
import { networkHash, type ScanRecorder } from './scan-recorder';
import type { Jwks, KeyRing } from './signing-keys';

/** Seconds a rendered QR image stays cached: images are large next to lookups, and cheap to redo. */
const IMAGE_TTL_SECONDS = 3600;
const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/;
/** A certificate number as the registry stores it (certificateNumberSchema). */
const CERTIFICATE_NUMBER = /^[A-Z0-9][A-Z0-9\-/().#_]{0,63}$/;

export type QrFormat = 'png' | 'svg' | 'label';

/** A rendered image and what it shows. */
export interface QrImage {
  body: Buffer;
  contentType: string;
  /** The number, for a download's file name. */
  number: string;
  kid: string;
}

export interface QrService {
  /** The signed URL a certificate's QR code carries, signed with the active key. */
  signedUrl(cert: Certificate): { url: string; kid: string };
  /**
   * The QR image of a certificate (PNG, SVG or the printable label). With `onlyForBody`, a certificate of
   * another body is FORBIDDEN; an unknown one is CERTIFICATE_NOT_FOUND. Cached by public id, key and data.
   */
  /**
   * `keep: false` (bulk exports): a cached image is used, but a rendered one is not cached, so that one
   * export of a large job does not fill the shared cache with codes nobody asks for again.
   */
  image(
    publicId: string,
    format: QrFormat,
    options?: { onlyForBody?: string; keep?: boolean },
  ): Promise<QrImage>;
  /** The verdict on a scanned (or typed) text; nothing is recorded. */
  verify(text: string): Promise<ScanAnswer>;
  /** `verify`, then the scan is recorded with a keyed hash of the client's network (`clientAddress`). */
  scan(text: string, clientAddress: string | undefined): Promise<ScanAnswer>;
  /** The public keys (active and retired). */
  jwks(): Jwks;
  /** Writes the scans still queued (tests, shutdown). */
  flushScans(): Promise<void>;
  /** Flushes the scans and stops the key ring's timer. */
  close(): Promise<void>;
}

const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest();

/** What a signature binds, from a registry record (a long holder name shortened, see qr-payload.ts). */
export function signedFieldsOf(
  cert: Pick<Certificate, 'number' | 'holder' | 'scheme' | 'bodyCode' | 'issueDate' | 'expiryDate'>,
): SignedFields {
  return {
    number: cert.number,
    holderName: signedHolderName(cert.holder.name, sha256),
    holderCreditCode: cert.holder.creditCode,
    scheme: cert.scheme,
    bodyCode: cert.bodyCode,
    issueDate: cert.issueDate,
    expiryDate: cert.expiryDate,
  };
}

const STATUS_VERDICTS: Record<PublicCertificate['status'], ScanVerdict> = {
  valid: 'GENUINE_VALID',
  suspended: 'GENUINE_SUSPENDED',
  revoked: 'GENUINE_REVOKED',
  withdrawn: 'GENUINE_WITHDRAWN',
  expired: 'GENUINE_EXPIRED',
};

/** A CertWatch-shaped link whatever its fragment: origin, public id, and the fragment as it came. */
interface LinkShape {
  origin: string;
  publicId: string;
  fragment: string;
}

function linkShape(text: string): LinkShape | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const match = /^\/v\/([^/]+)$/.exec(url.pathname);
  if (!match || !PUBLIC_ID.test(match[1] as string)) return undefined;
  return { origin: url.origin, publicId: match[1] as string, fragment: url.hash.replace(/^#/, '') };
}

export function createQrService(deps: {
  keys: KeyRing;
  /** PUBLIC_BASE_URL: QR codes point to its origin; codes on any other origin are FOREIGN_HOST. */
  publicBaseUrl: string;
  certificates: Pick<CertificateService, 'getByPublicId' | 'findByNumber'>;
  /** The registry record (fresh, with the body code) for signing: a QR is made from what is stored now. */
  registry: Pick<CertificateRepository, 'findByPublicId'>;
  cache: Cache;
  recorder: ScanRecorder;
  /** Key of the network-prefix HMAC. */
  scanHashSecret: Buffer;
  /**
   * Told of each recorded scan after the answer is made (not awaited by the scan: the scan rules run
   * beside it). Must not throw; it handles its own failures.
   */
  onScan?: (event: ScanEvent) => void;
  logger?: Logger;
  metrics?: Metrics;
  now?: () => Date;
}): QrService {
  const { keys, certificates, registry, cache, recorder } = deps;
  const origin = new URL(deps.publicBaseUrl).origin;
  const now = deps.now ?? (() => new Date());
  // One counter per metrics registry: two service sets may share one (tests run two instances so).
  const scanCounter = deps.metrics
    ? ((deps.metrics.registry.getSingleMetric('qr_scans_total') as client.Counter<'verdict'> | undefined) ??
      new client.Counter({
        name: 'qr_scans_total',
        help: 'Scans (POST /api/v1/scan) by verdict',
        labelNames: ['verdict'],
        registers: [deps.metrics.registry],
      }))
    : undefined;
  // Every verdict shows in the exposition from the start, so a rate of zero is a series, not a gap.
  for (const verdict of SCAN_VERDICTS) scanCounter?.inc({ verdict }, 0);

  function signedUrl(cert: Certificate): { url: string; kid: string; data: string } {
    const data = encodeFields(signedFieldsOf(cert));
    const { kid, signature } = keys.sign(signingInput(cert.publicId, data));
    return {
      url: `${origin}/v/${cert.publicId}#${fragmentOf(kid, data, base64UrlEncode(signature))}`,
      kid,
      data,
    };
  }

  async function registryView(publicId: string): Promise<PublicCertificate | undefined> {
    try {
      return await certificates.getByPublicId(publicId);
    } catch (err) {
      if (isAppError(err) && err.code === 'CERTIFICATE_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** The signed fields that differ from the registry's record now. */
  async function differencesOf(signed: SignedFields, view: PublicCertificate): Promise<SignedFieldName[]> {
    // The public view names the body only when the body registry knows it; else read the record.
    const bodyCode = view.body?.code ?? (await registry.findByPublicId(view.publicId))?.bodyCode ?? '';
    const current: SignedFields = {
      number: view.number,
      holderName: view.holder.name,
      holderCreditCode: view.holder.creditCode,
      scheme: view.scheme.code,
      bodyCode,
      issueDate: view.issueDate,
      expiryDate: view.expiryDate,
    };
    // A holder name may be signed shortened, or (codes printed before) whole however long.
    const holderMatches = await holderNameMatches(signed.holderName, current.holderName, sha256);
    return SIGNED_FIELD_NAMES.filter((name) =>
      name === 'holderName' ? !holderMatches : signed[name] !== current[name],
    );
  }

  /**
   * Checks the signature of a link on any origin: `parsed` is what parseQrUrl (the browser's parser too)
   * made of it, undefined when its fragment is not four base64url parts.
   */
  function checkSignature(link: LinkShape, parsed: ParsedQrUrl | undefined) {
    if (link.fragment === '') return { signature: 'absent' as SignatureState };
    if (!parsed) return { signature: 'invalid' as SignatureState };
    const keyId = parsed.kid.length <= 64 ? parsed.kid : undefined;
    if (parsed.version !== PAYLOAD_VERSION) return { signature: 'invalid' as SignatureState, keyId };
    let signature: Uint8Array;
    try {
      signature = base64UrlDecode(parsed.sig);
    } catch {
      return { signature: 'invalid' as SignatureState, keyId };
    }
    const check = keys.verify(parsed.kid, signingInput(link.publicId, parsed.data), signature);
    if (check !== 'valid') return { signature: check as SignatureState, keyId };
    const fields = decodeFields(parsed.data);
    // Signed by us but not a payload we would make: treat it as altered (it cannot happen short of a bug).
    if (!fields) return { signature: 'invalid' as SignatureState, keyId };
    return { signature: 'valid' as SignatureState, keyId, fields };
  }

  async function verifyLink(
    link: LinkShape,
    parsed: ParsedQrUrl | undefined,
    checkedAt: string,
  ): Promise<ScanAnswer> {
    const { publicId } = link;
    const checked = checkSignature(link, parsed);
    const base = { signature: checked.signature, keyId: checked.keyId, publicId, checkedAt };
    const view = await registryView(publicId);
    const certificate = view ? { certificate: view } : {};
    if (link.origin !== origin) {
      const signedFields = checked.fields ? { signedFields: checked.fields } : {};
      return {
        verdict: 'FOREIGN_HOST',
        ...base,
        ...certificate,
        ...signedFields,
        foreignOrigin: link.origin,
      };
    }
    if (checked.signature === 'absent') {
      return view ? { verdict: 'UNSIGNED_LINK', ...base, ...certificate } : { verdict: 'NOT_FOUND', ...base };
    }
    if (checked.signature === 'unknown-key') return { verdict: 'UNKNOWN_KEY', ...base, ...certificate };
    if (checked.signature === 'removed-key') return { verdict: 'REMOVED_KEY', ...base, ...certificate };
    if (checked.signature === 'invalid' || !checked.fields) {
      return { verdict: 'SIGNATURE_INVALID', ...base, ...certificate };
    }
    const signedFields = checked.fields;
    if (!view) return { verdict: 'NOT_FOUND', ...base, signedFields };
    const differences = await differencesOf(signedFields, view);
    let verdict = STATUS_VERDICTS[view.status];
    if (verdict === 'GENUINE_VALID' && differences.some((d) => IDENTITY_FIELDS.includes(d))) {
      verdict = 'REGISTRY_MISMATCH';
    }
    return { verdict, ...base, certificate: view, signedFields, differences };
  }

  async function verify(rawText: string): Promise<ScanAnswer> {
    const checkedAt = now().toISOString();
    const text = rawText.trim();
    // Binary content or invisible characters: whatever the code is, it is not one of ours.
    if (!hasForbiddenCharacters(text)) {
      const link = linkShape(text);
      if (link) return verifyLink(link, parseQrUrl(text), checkedAt);
      const number = normalizeIdentifier(text);
      if (!text.includes('://') && CERTIFICATE_NUMBER.test(number)) {
        const found = await certificates.findByNumber(number);
        return {
          verdict: 'NUMBER_LOOKUP',
          signature: 'absent',
          number,
          matches: found.items,
          ...(found.items.length === 1
            ? { publicId: found.items[0]?.publicId, certificate: found.items[0] }
            : {}),
          checkedAt,
        };
      }
    }
    return { verdict: 'NOT_CERTWATCH', signature: 'absent', checkedAt };
  }

  async function image(
    publicId: string,
    format: QrFormat,
    options: { onlyForBody?: string; keep?: boolean } = {},
  ): Promise<QrImage> {
    const cert = await registry.findByPublicId(publicId);
    if (!cert) throw new AppError('CERTIFICATE_NOT_FOUND', 'No certificate in the registry has this id.');
    if (options.onlyForBody !== undefined && cert.bodyCode !== options.onlyForBody) {
      throw new AppError('FORBIDDEN', 'This token may not print codes of another certifying body.');
    }
    const data = encodeFields(signedFieldsOf(cert));
    const kid = keys.activeKid();
    // Ed25519 signatures are deterministic: one key and one data give one URL, hence one image.
    const digest = crypto.createHash('sha256').update(`${origin}\n${data}`).digest('base64url').slice(0, 22);
    const key = `qr:${format}:${publicId}:${kid}:${digest}`;
    const contentType = format === 'png' ? 'image/png' : 'image/svg+xml; charset=utf-8';
    const cached = await cache.get(key);
    if (cached !== undefined) {
      return {
        body: Buffer.from(cached, format === 'png' ? 'base64' : 'utf8'),
        contentType,
        number: cert.number,
        kid,
      };
    }
    const signed = signedUrl(cert);
    let body: Buffer;
    if (format === 'png') body = await renderPng(signed.url);
    else if (format === 'svg') body = Buffer.from(await renderSvg(signed.url), 'utf8');
    else {
      const schemeName = findScheme(cert.scheme)?.zh ?? cert.scheme;
      body = Buffer.from(
        await renderLabelSvg(signed.url, { number: cert.number, holderName: cert.holder.name, schemeName }),
        'utf8',
      );
    }
    // Cached under the kid that actually signed (a rotation may have happened in between).
    if (options.keep !== false) {
      const storedKey = `qr:${format}:${publicId}:${signed.kid}:${digest}`;
      await cache.set(storedKey, body.toString(format === 'png' ? 'base64' : 'utf8'), IMAGE_TTL_SECONDS);
    }
    return { body, contentType, number: cert.number, kid: signed.kid };
  }

  return {
    signedUrl: (cert) => {
      const { url, kid } = signedUrl(cert);
      return { url, kid };
    },
    image,
    verify,
    async scan(text, clientAddress) {
      const answer = await verify(text);
      scanCounter?.inc({ verdict: answer.verdict });
      const event: ScanEvent = {
        at: answer.checkedAt,
        verdict: answer.verdict,
        networkHash: networkHash(deps.scanHashSecret, clientAddress),
        ...(answer.publicId ? { publicId: answer.publicId } : {}),
      };
      recorder.record(event);
      deps.onScan?.(event);
      return answer;
    },
    jwks: () => keys.jwks(),
    flushScans: () => recorder.flush(),
    async close() {
      keys.close();
      await recorder.close();
    },
  };
}
