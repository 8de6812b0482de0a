import { randomBytes } from 'node:crypto';
import type { Certificate, CertificateData } from './certificate-schema';
import { illegalTransition, isLegalTransition } from './certificate-status';

/** Random bytes for 256 ids at a time: one call to the CSPRNG instead of one per row of an upload. */
const POOL_BYTES = 16 * 256;
let pool = Buffer.alloc(0);
let used = 0;

/** Ids starting with - or _ are drawn again: a spreadsheet reads a leading - as a formula, a shell as an option. */
const PLAIN_START = /^[A-Za-z0-9]/;

/**
 * A new public id: 128 random bits as 22 base64url characters, starting with a letter or digit (so
 * manifests and exports never have to defuse it). The bits come from the CSPRNG in blocks (as Node's
 * own randomUUID does); each id takes bytes no other id takes.
 */
export function newPublicId(): string {
  for (;;) {
    if (used + 16 > pool.length) {
      pool = randomBytes(POOL_BYTES);
      used = 0;
    }
    const id = pool.toString('base64url', used, used + 16);
    used += 16;
    if (PLAIN_START.test(id)) return id;
  }
}

/** The reported fields of a stored certificate, for comparing with a new report. */
export function certificateData(cert: Certificate): CertificateData {
  const { id: _id, publicId: _p, statusHistory: _h, createdAt: _c, updatedAt: _u, ...data } = cert;
  return data;
}

/** Deep equality of two reports, ignoring key order and absent-vs-undefined members. */
export function sameCertificateData(a: CertificateData, b: CertificateData): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)),
      );
    }
    return v;
  });
}

/**
 * The record an upsert stores: a new certificate, or `existing` updated with `data`. Keeps identity
 * (id, publicId, createdAt) and appends to the status history when the reported status changes.
 * Returns undefined when the data is the same as stored; throws ILLEGAL_STATUS_TRANSITION when the
 * reported status cannot follow the stored one.
 */
export function nextCertificateRecord(
  existing: Certificate | undefined,
  data: CertificateData,
  at: string,
  newId: () => string,
): Certificate | undefined {
  if (!existing) {
    return {
      ...data,
      id: newId(),
      publicId: newPublicId(),
      statusHistory: [
        {
          status: data.status,
          reason: data.statusReason,
          date: data.statusDate ?? data.issueDate,
          recordedAt: at,
        },
      ],
      createdAt: at,
      updatedAt: at,
    };
  }
  if (sameCertificateData(certificateData(existing), data)) return undefined;
  // The store's own guard: a report checked against an older read (another instance changed the status
  // meanwhile) must not move a certificate out of a final status.
  if (existing.status !== data.status && !isLegalTransition(existing.status, data.status)) {
    throw illegalTransition(existing.status, data.status, existing.number);
  }
  const statusChanged =
    existing.status !== data.status ||
    existing.statusReason !== data.statusReason ||
    existing.statusDate !== data.statusDate;
  return {
    ...data,
    id: existing.id,
    publicId: existing.publicId,
    statusHistory: statusChanged
      ? [
          ...existing.statusHistory,
          {
            status: data.status,
            reason: data.statusReason,
            date: data.statusDate ?? at.slice(0, 10),
            recordedAt: at,
          },
        ]
      : existing.statusHistory,
    createdAt: existing.createdAt,
    updatedAt: at,
  };
}
