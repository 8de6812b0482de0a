/**
 * Verification receipts: a signed, self-contained record of one check (docs/receipt-format.md). Nothing
 * is stored: the receipt carries its own proof, signed by the receipt key ring (its own keys and JWKS,
 * never the QR keys). The registry view comes from the certificate service, exactly as a lookup sees it.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import type { TransparencyService } from '../audit/transparency-service';
import type { EntryProof } from '../audit/witness-schema';
import type { CertificateRepository } from '../certificates/certificate-repository';
import type { PublicCertificate } from '../certificates/certificate-schema';
import type { CertificateService } from '../certificates/certificate-service';
import { AppError } from '../platform/errors';
import type { Jwks, KeyRing } from '../qr/signing-keys';
import {
  compactIn,
  compactOf,
  logProofParam,
  MAX_RECEIPT_TEXT,
  parseCompact,
  RECEIPT_PAGE_PATH,
  RECEIPT_TYPE,
  receiptBytes,
} from './receipt-codec';
import {
  RECEIPT_FORMAT_VERSION,
  RECEIPT_TEXT_LIMIT,
  receiptSchema,
  type IssuedReceipt,
  type Receipt,
  type ReceiptVerification,
  type VerifyReceiptRequest,
} from './receipt-schema';

export interface ReceiptService {
  /**
   * A receipt of the certificate `publicId` as the registry shows it now, signed with the active receipt
   * key. CERTIFICATE_NOT_FOUND as the lookup answers it (the same public id is needed).
   */
  issue(publicId: string): Promise<IssuedReceipt>;
  /**
   * Checks a receipt: a compact one (or a link holding one), or the receipt object with its kid and
   * signature. RECEIPT_MALFORMED when it is not a receipt at all; else a verdict.
   */
  verify(input: VerifyReceiptRequest): ReceiptVerification;
  /**
   * Checks a log proof (a receipt envelope's `log`) for a verified receipt: that it is of the receipt's
   * status entry, that its checkpoint is signed by the audit log's key, and that it leads to its root.
   */
  checkLog(receipt: Receipt, log: EntryProof): ReceiptLogCheck;
  /** The public receipt keys (active and retired). */
  jwks(): Jwks;
  /** Stops the key ring's timer. */
  close(): void;
}

/**
 * Where the receipt key ring reads its keys: DATA_DIR/receipt-keys on a single node, RECEIPT_SIGNING_KEYS
 * in cluster mode (named in error messages), never the QR keys' DATA_DIR/keys.
 */
export function receiptKeyPurpose(dataDir: string): { keyDir: string; envName: string; name: string } {
  return { keyDir: path.join(dataDir, 'receipt-keys'), envName: 'RECEIPT_SIGNING_KEYS', name: 'receipt' };
}

/** The audit actions that set a certificate's status: its latest such entry is what a receipt proves. */
const STATUS_ACTIONS = ['certificate.status'] as const;

export type ReceiptLogCheck = NonNullable<ReceiptVerification['log']>;

/** `text` cut at `limit` code points, ending with `…`; whether it was cut. */
function cut(text: string, limit = RECEIPT_TEXT_LIMIT): [string, boolean] {
  const chars = [...text];
  return chars.length <= limit ? [text, false] : [`${chars.slice(0, limit - 1).join('')}…`, true];
}

/** The receipt object of a certificate as the lookup answers it, at `checkedAt`. */
export function receiptOf(
  cert: PublicCertificate,
  meta: { id: string; issuer: string; checkedAt: string; bodyCode: string; log?: EntryProof },
): Receipt {
  const [scope, scopeCut] = cut(cert.scope);
  const [reason, reasonCut] = cert.statusReason ? cut(cert.statusReason) : [undefined, false];
  const truncated = [
    ...(scopeCut ? ['scope' as const] : []),
    ...(reasonCut ? ['statusReason' as const] : []),
  ];
  const { body } = cert;
  return {
    type: RECEIPT_TYPE,
    v: RECEIPT_FORMAT_VERSION,
    id: meta.id,
    issuer: meta.issuer,
    checkedAt: meta.checkedAt,
    certificate: {
      publicId: cert.publicId,
      number: cert.number,
      holderName: cert.holder.name,
      holderCreditCode: cert.holder.creditCode,
      scheme: cert.scheme.code,
      scope,
      bodyCode: body?.code ?? meta.bodyCode,
      bodyName: body?.name,
      issueDate: cert.issueDate,
      expiryDate: cert.expiryDate,
    },
    status: {
      code: cert.status,
      date: cert.status === 'valid' ? undefined : cert.statusDate,
      reason: cert.status === 'valid' ? undefined : reason,
    },
    registry: {
      recordUpdatedAt: cert.updatedAt,
      body: body
        ? {
            approvalStatus: body.approvalStatus,
            approvalStatusDate: body.approvalStatusDate,
            lastReportedAt: body.lastReportedAt,
          }
        : null,
      listings: cert.listings.map((l) => ({
        subject: l.subject,
        severity: l.severity,
        startDate: l.startDate,
      })),
      statusEntry: meta.log && { seq: meta.log.entry.seq, leafHash: meta.log.leafHash },
    },
    truncated: truncated.length > 0 ? truncated : undefined,
  };
}

/** A JSON round trip: the receipt exactly as a verifier will parse it (no `undefined` members). */
function plain(receipt: Receipt): Receipt {
  return JSON.parse(JSON.stringify(receipt)) as Receipt;
}

export function createReceiptService(deps: {
  keys: KeyRing;
  certificates: CertificateService;
  /** The registry record, read only when the body is not in the registry (the public answer then has no code). */
  registry: Pick<CertificateRepository, 'findByPublicId'>;
  publicBaseUrl: string;
  now?: () => number;
  /** Kids of the QR keys: a receipt key that is also a QR key is refused at start. */
  qrKids?: string[];
  /** The audit log: receipts carry the proof of the certificate's latest status entry when it has one. */
  log?: Pick<TransparencyService, 'entryProof' | 'checkEntryProof'>;
}): ReceiptService {
  const { keys, certificates } = deps;
  const now = deps.now ?? Date.now;
  const issuer = deps.publicBaseUrl.replace(/\/+$/, '');
  const shared = keys.list().filter((k) => deps.qrKids?.includes(k.kid));
  if (shared.length > 0) {
    throw new Error(
      `receipt signing key ${shared[0]?.kid} is also a QR signing key: give receipts keys of their own ` +
        '(RECEIPT_SIGNING_KEYS), so that neither kind of signature can stand for the other',
    );
  }

  function verifyParsed(kid: string, bytes: Uint8Array, signature: Uint8Array, object: unknown) {
    const check = keys.verify(kid, bytes, signature);
    if (check === 'unknown-key') return { verdict: 'UNKNOWN_KEY' as const, valid: false, kid };
    if (check === 'removed-key') return { verdict: 'REMOVED_KEY' as const, valid: false, kid };
    if (check !== 'valid') return { verdict: 'SIGNATURE_INVALID' as const, valid: false, kid };
    // Signed by us, so it is our format; a version this code does not know is still not readable here.
    const parsed = receiptSchema.safeParse(object);
    if (!parsed.success) {
      throw new AppError('RECEIPT_MALFORMED', 'The receipt is signed but not in a format this portal reads.');
    }
    return { verdict: 'VALID' as const, valid: true, kid, receipt: parsed.data };
  }

  return {
    async issue(publicId) {
      const cert = await certificates.getByPublicId(publicId);
      const bodyCode = cert.body?.code ?? (await deps.registry.findByPublicId(publicId))?.bodyCode;
      if (!bodyCode)
        throw new AppError('CERTIFICATE_NOT_FOUND', 'No certificate in the registry has this id.');
      const checkedAt = new Date(Math.floor(now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      const log = await deps.log?.entryProof({ type: 'certificate', id: publicId }, STATUS_ACTIONS);
      const receipt = plain(
        receiptOf(cert, {
          id: crypto.randomBytes(16).toString('base64url'),
          issuer,
          checkedAt,
          bodyCode,
          log,
        }),
      );
      const bytes = receiptBytes(receipt);
      const { kid, signature } = keys.sign(bytes);
      const compact = compactOf(kid, bytes, signature);
      return {
        receipt,
        kid,
        signature: Buffer.from(signature).toString('base64url'),
        compact,
        verifyUrl: `${issuer}${RECEIPT_PAGE_PATH}?r=${compact}${log ? `&p=${logProofParam(log)}` : ''}`,
        ...(log ? { log } : {}),
      };
    },

    verify(input) {
      const verification = verifyReceipt(input);
      if (!input.log || !verification.receipt) return verification;
      return { ...verification, log: checkLog(verification.receipt, input.log) };
    },

    checkLog,

    jwks: () => keys.jwks(),
    close: () => keys.close(),
  };

  function checkLog(receipt: Receipt, log: EntryProof): ReceiptLogCheck {
    const entry = receipt.registry.statusEntry;
    const verdict =
      !deps.log || !entry || entry.seq !== log.entry.seq || entry.leafHash !== log.leafHash
        ? ('PROOF_INVALID' as const)
        : deps.log.checkEntryProof(log);
    return { verdict, seq: log.entry.seq, size: log.size };
  }

  function verifyReceipt(input: VerifyReceiptRequest): ReceiptVerification {
    if (input.compact !== undefined) {
      const compact = compactIn(input.compact);
      if (!compact) {
        throw new AppError(
          'RECEIPT_MALFORMED',
          'Not a receipt: expected r1.{kid}.{data}.{sig} or a link to one.',
        );
      }
      const parsed = parseCompact(compact);
      if (!parsed.ok) {
        throw new AppError('RECEIPT_MALFORMED', `Not a well-formed receipt (${parsed.why}).`, {
          details: { why: parsed.why },
        });
      }
      return verifyParsed(parsed.parts.kid, parsed.bytes, parsed.signature, parsed.object);
    }
    const { receipt, kid, signature } = input as Required<VerifyReceiptRequest>;
    let sig: Buffer;
    // Strict base64url: a lenient decoder would let a changed last character pass.
    if (
      !/^[A-Za-z0-9_-]{86}$/.test(signature) ||
      (sig = Buffer.from(signature, 'base64url')).toString('base64url') !== signature
    ) {
      throw new AppError('RECEIPT_MALFORMED', 'signature: 86 base64url characters (64 bytes).');
    }
    let bytes: Uint8Array;
    try {
      bytes = receiptBytes(receipt);
    } catch {
      throw new AppError('RECEIPT_MALFORMED', 'receipt: not canonicalisable JSON.');
    }
    if (bytes.length > MAX_RECEIPT_TEXT) throw new AppError('RECEIPT_MALFORMED', 'receipt: too large.');
    return verifyParsed(kid, bytes, sig, receipt);
  }
}
