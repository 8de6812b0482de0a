import type { Certificate, CertificateData, Status, StoredStatus } from './certificate-schema';

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export interface UpsertResult {
  outcome: UpsertOutcome;
  certificate: Certificate;
}

export interface StatusChangeRequest {
  status: StoredStatus;
  reason?: string;
  /** Effective date, YYYY-MM-DD. */
  date: string;
}

/**
 * What a public search may be narrowed to. `status` is the effective status (expired is derived from the
 * expiry date against `today`, never a stored flag), so it is matched on stored status and expiry date.
 */
export interface CertificateFilters {
  status?: Status;
  /** A scheme code of the catalogue. */
  scheme?: string;
  bodyCode?: string;
  /** YYYY-MM-DD in China: the day `status` is judged on. */
  today: string;
}

/**
 * Which of one body's certificates a list shows: effective status (expired derived from the expiry date
 * against `today`, as effectiveStatus does) and the start of the number (normalised), both optional.
 */
export interface BodyCertificateFilter {
  bodyCode: string;
  status?: Status;
  numberPrefix?: string;
  /** YYYY-MM-DD in China: the day `status` is judged on. */
  today: string;
}

export interface NameSearch {
  /** A fragment of the holder's name (two characters or more after folding). */
  fragment: string;
  limit: number;
  offset: number;
  /** Stop counting matches here; `total` is then a lower bound and `totalCapped` is true. */
  countLimit: number;
  /** Only certificates that pass every filter given are listed and counted. */
  filters?: CertificateFilters;
}

export interface NameSearchPage {
  items: Certificate[];
  total: number;
  totalCapped: boolean;
}

/**
 * The longest audit, in days (both ends counted), that audit assignments cover. A longer range is not one
 * stay on site (stage 1 and stage 2 reported as one period), so overlapping it proves nothing; and the
 * bound is what keeps an overlap query one short index range per auditor.
 */
export const MAX_AUDIT_DAYS = 31;

/** An auditor (registration number) and a period, both dates included: whose audits overlap it. */
export interface AuditWindow {
  registrationNumber: string;
  from: string;
  to: string;
  /**
   * Audits of this holder (credit code) are left out: the window of one certificate's audit asks only
   * about the auditor's other holders, so that it never reads back the audits it was made from.
   */
  excludeHolder?: string;
}

/** One auditor's part in the audit behind one certificate. */
export interface AuditAssignment {
  registrationNumber: string;
  startDate: string;
  endDate: string;
  publicId: string;
  number: string;
  bodyCode: string;
  holderCreditCode: string;
}

/** Audits reported with one auditor: per body and year the audit ended (an audit per certificate). */
export interface AuditorAuditCount {
  bodyCode: string;
  year: string;
  audits: number;
}

/**
 * One body's certificates with audit data issued over some months, and the sum of their audit man-days;
 * of them, those whose audit names its team (`staffed`), and the sum of their auditor-days.
 */
export interface AuditVolume {
  bodyCode: string;
  certificates: number;
  manDays: number;
  staffed: number;
  /** Team members × audit days (both ends counted), summed over the staffed certificates. */
  auditorDays: number;
}

/** An audit's auditor-days: its team members × its days on site (both ends counted); 0 without a team. */
export function auditorDaysOf(audit: {
  startDate: string;
  endDate: string;
  auditors: readonly unknown[];
}): number {
  const days = Math.round((Date.parse(audit.endDate) - Date.parse(audit.startDate)) / 86_400_000) + 1;
  return audit.auditors.length * Math.max(days, 0);
}

/** A window of issue dates: from `from` (included) until `to` (excluded), or on when `to` is absent. */
export interface IssueWindow {
  from: string;
  to?: string;
}

/**
 * The certificate registry. Certificates are identified by (bodyCode, number) for writes and by their
 * unguessable `publicId` for public reads; `id` is the adapter's internal key, a string.
 * Every method takes and returns plain objects; no adapter type leaks out.
 */
export interface CertificateRepository {
  /**
   * Stores `data` for (data.bodyCode, data.number): creates it with a fresh publicId, or updates it in place
   * (keeping id and publicId). Identical data is reported `unchanged` and written nowhere. A change of status
   * appends to `statusHistory`. `at` (ISO timestamp) becomes createdAt/updatedAt. A report that would move
   * a stored certificate out of a final status (revoked, withdrawn) is refused with AppError
   * ILLEGAL_STATUS_TRANSITION, checked against the record as stored at the moment of writing.
   */
  upsert(data: CertificateData, at: string): Promise<UpsertResult>;

  /**
   * `upsert` for many certificates in one transaction where the backend has them; results in input order.
   * `texts`, when the caller has them, are the reports as JSON text, each exactly `JSON.stringify(data[i])`
   * (an upload's rows cross threads as text), or undefined: an adapter that stores documents as text may
   * write a new certificate's document from it rather than serialise the report again.
   */
  upsertMany(
    data: readonly CertificateData[],
    at: string,
    texts?: readonly (string | undefined)[],
  ): Promise<UpsertResult[]>;

  /** The certificate with this public id, or undefined. */
  findByPublicId(publicId: string): Promise<Certificate | undefined>;

  /** Certificates carrying this (normalised) number, of one body or of all; at most `limit`, oldest first. */
  findByNumber(number: string, bodyCode: string | undefined, limit: number): Promise<Certificate[]>;

  /**
   * The certificates of one body carrying any of these (normalised) numbers, in no particular order; a
   * number with no certificate is simply absent. One round trip for a whole batch (uploads check each
   * batch against what is stored); callers keep `numbers` to a few thousand.
   */
  findByNumbers(bodyCode: string, numbers: readonly string[]): Promise<Certificate[]>;

  /** Certificates held by the organisation with this (normalised) credit code; at most `limit`. */
  findByCreditCode(creditCode: string, limit: number): Promise<Certificate[]>;

  /**
   * The certificates of these holders (credit codes) that were ever suspended or revoked (a status
   * history entry says so), in no particular order. One round trip through the credit-code index; the
   * others of the holders are filtered out before they are read. Callers keep `creditCodes` to some
   * thousands.
   */
  findSanctionedByCreditCodes(creditCodes: readonly string[]): Promise<Certificate[]>;

  /**
   * Certificates whose holder name contains the fragment (after folding case, width and punctuation).
   * Index-backed (n-grams), never a scan of the registry. In a stable order (oldest record first), so pages never overlap.
   * `filters` are checked on the candidates the name index yields, in the store (pages and counts stay
   * exact): they narrow a name search, they never drive one.
   */
  searchByHolderName(search: NameSearch): Promise<NameSearchPage>;

  /**
   * Sets the status of the certificate with this public id and appends the change to its history.
   * Returns the updated certificate, or undefined when there is none. An illegal transition
   * (isLegalTransition) from the status stored at the moment of writing is refused with AppError
   * ILLEGAL_STATUS_TRANSITION and writes nothing: two instances changing one certificate at the same
   * instant cannot both pass.
   */
  changeStatus(publicId: string, change: StatusChangeRequest, at: string): Promise<Certificate | undefined>;

  /**
   * The audits (of at most MAX_AUDIT_DAYS days) of each window's auditor whose dates overlap the window,
   * one entry per auditor and certificate (whichever windows found it), in no particular order; at most
   * `limit`. Index-backed: each window is one range of its auditor's audits by end date, so the cost
   * follows the window, never the size of the registry. Callers keep `windows` to some thousands.
   */
  findAuditAssignments(windows: readonly AuditWindow[], limit: number): Promise<AuditAssignment[]>;

  /**
   * Per body, the certificates with audit data issued in the months from `fromMonth` to `toMonth`
   * (YYYY-MM, both included) and the sum of their audit man-days; bodies with none are absent. Never a
   * pass over the certificates (a running tally, or an index range), but the answer changes slowly and
   * callers should cache it.
   */
  auditVolumeByBody(fromMonth: string, toMonth: string): Promise<AuditVolume[]>;

  /**
   * One page of a body's certificates issued in `window`, ordered by issue date, then by id; `after` is
   * the last certificate of the previous page (its issue date and id). Index-backed: a range of the body's
   * certificates by issue date, whatever the size of the registry.
   */
  findIssuedInWindow(
    bodyCode: string,
    window: IssueWindow,
    page: { after?: { issueDate: string; id: string }; limit: number },
  ): Promise<Certificate[]>;

  /**
   * One page of a body's certificates that pass `filter`, in number order (keyset paging): those whose
   * number sorts after `after` (from the first when absent), at most `limit`. A seek in the unique (body,
   * number) index: a page deep in the list costs what the first does. The status filter is checked on
   * the body's rows in that walk (a rare status may read much of the body to fill a page).
   */
  listByBody(filter: BodyCertificateFilter, page: { after?: string; limit: number }): Promise<Certificate[]>;

  /**
   * How many of a body's certificates pass `filter`, counting no further than `limit` (the answer is then
   * `limit`): a count never walks more of a large body than that.
   */
  countByBody(filter: BodyCertificateFilter, limit: number): Promise<number>;

  /** How many certificates the registry holds. */
  count(): Promise<number>;

  /**
   * How many audits name this registration number (as stored) in their team, per body and year of the
   * audit's end date: newest year first, then body code. One aggregate over the auditor's entries of the
   * assignment index, never a pass over the registry.
   */
  countAuditsOfAuditor(registrationNumber: string): Promise<AuditorAuditCount[]>;

  /**
   * How many of the body's certificates are in each effective status on `today` (YYYY-MM-DD, China):
   * expired derived from the expiry date as effectiveStatus does; every status present, zero when none.
   * One pass over the body's certificates (its index range): callers cache it.
   */
  countByStatus(bodyCode: string, today: string): Promise<Record<Status, number>>;

  /**
   * One page of the whole registry in public-id order (keyset paging): the certificates whose public id
   * sorts after `afterPublicId` (from the start when absent), at most `limit`. A walk over every page reads
   * each certificate once with flat memory, never holding a read open between pages.
   */
  pageByPublicId(afterPublicId: string | undefined, limit: number): Promise<Certificate[]>;
}
