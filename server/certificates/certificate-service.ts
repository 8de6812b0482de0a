import type { BodyService } from '../bodies/body-service';
import type { PublicBody } from '../bodies/body-schema';
import { getJson, type Cache } from '../platform/cache';
import { isValidCreditCode } from '../platform/credit-code';
import { AppError } from '../platform/errors';
import type { Metrics } from '../platform/metrics';
import { foldName, normalizeIdentifier } from '../platform/normalize';
import type {
  CertificateFilters,
  CertificateRepository,
  StatusChangeRequest,
  UpsertResult,
} from './certificate-repository';
import type {
  BodyCertificateItem,
  Certificate,
  CertificateData,
  PublicCertificate,
  Status,
} from './certificate-schema';
import {
  effectiveStatus,
  illegalTransition,
  isLegalTransition,
  lastStatusChangeDate,
  statusDateConflict,
} from './certificate-status';
import { todayInChina } from '../platform/china-time';
import { findScheme } from '../schemes/schemes';
import { createKeyedLock } from '../platform/keyed-lock';
import type { PublicListing } from '../dishonesty/dishonesty-schema';
import type { Page } from '../platform/paging';
import { keysetPage, MAX_KEYSET_COUNT, type KeysetPage } from '../platform/keyset';

/** Search never pages deeper than this: the registry is looked up, not listed. */
export const MAX_SEARCH_DEPTH = 500;
export const MAX_PAGE_SIZE = 50;
const MAX_BY_NUMBER = 20;
/** The shape of a unified social credit code, right or wrong: 18 letters and digits, 3rd to 8th an area code. */
const CREDIT_CODE_SHAPE = /^[0-9A-Z]{2}\d{6}[0-9A-Z]{10}$/;

/** What the cache keeps of a certificate: its public part, with the history cut to what pages show. */
type StatusChangeView = NonNullable<PublicCertificate['statusHistory']>[number];

type CachedCertificate = Omit<Certificate, 'id' | 'audit' | 'statusHistory' | 'createdAt'> & {
  /** Absent in entries cached before the history was shown. */
  statusHistory?: PublicCertificate['statusHistory'];
};

const publicKey = (publicId: string) => `c:p:${publicId}`;
const numberKey = (number: string, bodyCode: string | undefined) => `c:n:${bodyCode ?? '*'}:${number}`;
const NOT_FOUND = 'null';

/** A status history as the public sees it: status, date and reason (not when each was recorded). */
function publicHistory(
  history: readonly { status: StatusChangeView['status']; date: string; reason?: string }[],
): StatusChangeView[] {
  return history.map(({ status, date, reason }) => (reason ? { status, date, reason } : { status, date }));
}

function toCached(cert: Certificate): CachedCertificate {
  const { id: _id, audit: _a, statusHistory, createdAt: _c, ...rest } = cert;
  return { ...rest, statusHistory: publicHistory(statusHistory) };
}

/**
 * The one public answer for a certificate: effective status, scheme names, body and its approval, and
 * whether the holder or the body is on the dishonesty list.
 */
export function toPublicCertificate(
  cert: CachedCertificate,
  body: PublicBody | null,
  today = todayInChina(),
  listings: PublicListing[] = [],
): PublicCertificate {
  const scheme = findScheme(cert.scheme);
  const status = effectiveStatus(cert, today);
  return {
    publicId: cert.publicId,
    number: cert.number,
    scheme: {
      code: cert.scheme,
      zh: scheme?.zh ?? cert.scheme,
      en: scheme?.en ?? cert.scheme,
      standard: scheme?.standard,
    },
    holder: { name: cert.holder.name, creditCode: cert.holder.creditCode, address: cert.holder.address },
    scope: cert.scope,
    productModels: cert.productModels,
    industryCodes: cert.industryCodes,
    sites: cert.sites,
    issueDate: cert.issueDate,
    expiryDate: cert.expiryDate,
    status: status.status,
    statusReason: status.reason,
    statusDate: status.date,
    statusHistory: cert.statusHistory && publicHistory(cert.statusHistory),
    body,
    listings,
    updatedAt: cert.updatedAt,
  };
}

export interface NumberLookup {
  items: PublicCertificate[];
  /** When nothing is found: the named body (with its last report), so "not found" can be read right. */
  body?: PublicBody | null;
  /** The latest report time of any body. */
  registryLastReportedAt?: string;
}

export interface SearchResult extends Page<PublicCertificate> {
  /** True when there are more matches than `total` says (counting stops at MAX_SEARCH_DEPTH). */
  totalCapped: boolean;
}

/** What a search may be narrowed to: effective status, scheme code, certifying body (all optional). */
export type SearchFilters = Omit<CertificateFilters, 'today'>;

/** Whether a certificate passes the filters (its effective status judged on `today`). */
function passes(cert: Certificate, filters: SearchFilters, today: string): boolean {
  return (
    (filters.bodyCode === undefined || cert.bodyCode === filters.bodyCode) &&
    (filters.scheme === undefined || cert.scheme === filters.scheme) &&
    (filters.status === undefined || effectiveStatus(cert, today).status === filters.status)
  );
}

/** Which page of a body's own certificates to list, and which of them. */
export interface BodyCertificateQuery {
  /** Effective status, judged today (China). */
  status?: Status;
  /** The start of the number (normalised). */
  numberPrefix?: string;
  /** The number the page before ended with (its cursor's key); absent for the first page. */
  after?: string;
  pageSize: number;
}

/** A certificate as a row of its body's list: effective status today, scheme names. */
function toBodyItem(cert: Certificate, today: string): BodyCertificateItem {
  const scheme = findScheme(cert.scheme);
  const status = effectiveStatus(cert, today);
  return {
    publicId: cert.publicId,
    number: cert.number,
    scheme: { code: cert.scheme, zh: scheme?.zh ?? cert.scheme, en: scheme?.en ?? cert.scheme },
    holder: { name: cert.holder.name, creditCode: cert.holder.creditCode },
    issueDate: cert.issueDate,
    expiryDate: cert.expiryDate,
    status: status.status,
    ...(status.date === undefined ? {} : { statusDate: status.date }),
  };
}

export interface CertificateService {
  /** The public answer for a public id; throws CERTIFICATE_NOT_FOUND. Cache-aside. */
  getByPublicId(publicId: string): Promise<PublicCertificate>;
  /** Certificates with this number (normalised), of one body or all. Cache-aside; empty when none. */
  findByNumber(number: string, bodyCode?: string): Promise<NumberLookup>;
  /**
   * Search over holder name (substring), credit code and number (exact), narrowed by `filters` in the
   * store (pages and totals count only what passes). Never cached.
   */
  search(query: string, page: number, pageSize: number, filters?: SearchFilters): Promise<SearchResult>;
  /** Stores reports and invalidates every cached answer they change. */
  upsertMany(data: CertificateData[], at?: string): Promise<UpsertResult[]>;
  /**
   * Forgets every cached answer about these certificates: for writes made past this service (an upload
   * stored on its own thread and connection), once they are committed.
   */
  forget(certs: readonly Pick<Certificate, 'publicId' | 'number' | 'bodyCode'>[]): Promise<void>;
  /**
   * Changes a certificate's status (legal transitions only, effective no earlier than the issue date and
   * the last status change: STATUS_DATE_BEFORE_ISSUE, STATUS_DATE_BEFORE_LAST_CHANGE) and invalidates its
   * cached answers. With
   * `onlyForBody`, a certificate of another body is FORBIDDEN (checked on the stored record, not a cached
   * one). Changes to one certificate run one at a time in this process, so two cannot both pass the check.
   */
  changeStatus(
    publicId: string,
    change: StatusChangeRequest,
    at?: string,
    options?: { onlyForBody?: string },
  ): Promise<PublicCertificate>;
  /**
   * One page of a body's own certificates in number order (keyset: `next` is the cursor of the page
   * after), with their count up to MAX_KEYSET_COUNT. BODY_NOT_FOUND for a code no body has. Never cached:
   * a clerk sees the change just made.
   */
  listByBody(bodyCode: string, query: BodyCertificateQuery): Promise<KeysetPage<BodyCertificateItem>>;
  /** How many of the body's certificates are in each effective status today (cached for the TTL). */
  countByStatus(bodyCode: string): Promise<Record<Status, number>>;
}

export { isLegalTransition, lastStatusChangeDate };

export function createCertificateService(deps: {
  certificates: CertificateRepository;
  bodies: BodyService;
  cache: Cache;
  metrics?: Metrics;
  ttlSeconds: number;
  negativeTtlSeconds: number;
  /** Dishonesty listings of holder and body (cached flags); none shown when absent. */
  listings?: { listingsFor(holderCreditCode: string, bodyCode: string): Promise<PublicListing[]> };
}): CertificateService {
  const { certificates, bodies, cache, metrics, ttlSeconds, negativeTtlSeconds, listings } = deps;
  const count = (kind: string, result: 'hit' | 'miss') => metrics?.cacheLookups.inc({ kind, result });
  const statusLock = createKeyedLock();

  async function withBody(cert: CachedCertificate, today: string): Promise<PublicCertificate> {
    // Both are cache reads on the hot path: in parallel, one round trip each.
    const [body, listed] = await Promise.all([
      bodies.getPublicBody(cert.bodyCode),
      listings ? listings.listingsFor(cert.holder.creditCode, cert.bodyCode) : [],
    ]);
    return toPublicCertificate(cert, body, today, listed);
  }

  async function invalidate(certs: readonly Pick<Certificate, 'publicId' | 'number' | 'bodyCode'>[]) {
    const keys = certs.flatMap((c) => [
      publicKey(c.publicId),
      numberKey(c.number, undefined),
      numberKey(c.number, c.bodyCode),
    ]);
    if (keys.length > 0) await cache.delete(keys);
  }

  return {
    async listByBody(bodyCode, { status, numberPrefix, after, pageSize }) {
      if (!(await bodies.getPublicBody(bodyCode)))
        throw new AppError('BODY_NOT_FOUND', `No certifying body has the code ${bodyCode}.`);
      const today = todayInChina();
      const filter = { bodyCode, status, numberPrefix, today };
      // One row more than the page: it says whether a page follows.
      const [rows, counted] = await Promise.all([
        certificates.listByBody(filter, { after, limit: pageSize + 1 }),
        certificates.countByBody(filter, MAX_KEYSET_COUNT + 1),
      ]);
      return keysetPage(rows, {
        pageSize,
        keyOf: (c) => c.number,
        toItem: (c) => toBodyItem(c, today),
        counted,
      });
    },

    async countByStatus(bodyCode) {
      const today = todayInChina();
      const key = `bs:${bodyCode}:${today}`;
      const cached = await getJson<Record<Status, number>>(cache, key);
      if (cached !== undefined) return cached;
      const counts = await certificates.countByStatus(bodyCode, today);
      await cache.set(key, JSON.stringify(counts), ttlSeconds);
      return counts;
    },

    async getByPublicId(publicId) {
      const key = publicKey(publicId);
      // null: cached "not found".
      let cached = await getJson<CachedCertificate | null>(cache, key);
      if (cached === undefined) {
        count('publicId', 'miss');
        const cert = await certificates.findByPublicId(publicId);
        cached = cert ? toCached(cert) : null;
        await cache.set(
          key,
          cert ? JSON.stringify(cached) : NOT_FOUND,
          cert ? ttlSeconds : negativeTtlSeconds,
        );
      } else {
        count('publicId', 'hit');
      }
      if (cached === null)
        throw new AppError('CERTIFICATE_NOT_FOUND', 'No certificate in the registry has this id.');
      return withBody(cached, todayInChina());
    },

    async findByNumber(rawNumber, rawBodyCode) {
      const number = normalizeIdentifier(rawNumber);
      const bodyCode = rawBodyCode === undefined ? undefined : normalizeIdentifier(rawBodyCode);
      const key = numberKey(number, bodyCode);
      let cached = await getJson<readonly CachedCertificate[]>(cache, key);
      if (cached === undefined) {
        count('number', 'miss');
        const found = await certificates.findByNumber(number, bodyCode, MAX_BY_NUMBER);
        cached = found.map(toCached);
        await cache.set(key, JSON.stringify(cached), found.length > 0 ? ttlSeconds : negativeTtlSeconds);
      } else {
        count('number', 'hit');
      }
      const today = todayInChina();
      const items = await Promise.all(cached.map((c) => withBody(c, today)));
      if (items.length > 0) return { items };
      return {
        items,
        body: bodyCode === undefined ? undefined : await bodies.getPublicBody(bodyCode),
        registryLastReportedAt: await bodies.latestReportAt(),
      };
    },

    async search(query, page, pageSize, filters = {}) {
      if (foldName(query).length < 2) {
        throw new AppError(
          'QUERY_TOO_SHORT',
          'Type at least two letters or characters of the name, or a full number.',
        );
      }
      if (page * pageSize > MAX_SEARCH_DEPTH) {
        throw new AppError(
          'INVALID_PAGE',
          `Results stop at ${MAX_SEARCH_DEPTH}; narrow the search instead.`,
          {
            details: { maxDepth: MAX_SEARCH_DEPTH },
          },
        );
      }
      const identifier = normalizeIdentifier(query);
      const today = todayInChina();
      const exact = new Map<string, Certificate>();
      // Exact matches are few (one holder's certificates, one number's): filtered here, after the index read.
      const add = (list: Certificate[]) =>
        list.filter((c) => passes(c, filters, today)).forEach((c) => exact.set(c.publicId, c));
      if (isValidCreditCode(identifier)) add(await certificates.findByCreditCode(identifier, MAX_PAGE_SIZE));
      if (/^[A-Z0-9][A-Z0-9\-/().#_]{0,63}$/.test(identifier)) {
        add(await certificates.findByNumber(identifier, undefined, MAX_BY_NUMBER));
      }
      const exactList = [...exact.values()];
      const start = (page - 1) * pageSize;
      const fromExact = exactList.slice(start, start + pageSize);
      const nameOffset = Math.max(0, start - exactList.length);
      const wanted = pageSize - fromExact.length;
      // An exact match whose name also contains the query comes up in the name search too. It is listed
      // once, among the exact ones, so the name results skip it and the total counts it once. Then the name
      // window is read from its start: skipping cannot shift it (rare: a number that is also part of a name).
      const fragment = foldName(query);
      const overlap = exactList.filter((c) => foldName(c.holder.name).includes(fragment)).length;
      const names = await certificates.searchByHolderName({
        fragment: query,
        limit: overlap === 0 ? wanted : nameOffset + wanted + overlap,
        offset: overlap === 0 ? nameOffset : 0,
        countLimit: MAX_SEARCH_DEPTH,
        filters: { ...filters, today },
      });
      const nameItems = names.items.filter((c) => !exact.has(c.publicId));
      const fromNames = overlap === 0 ? nameItems : nameItems.slice(nameOffset, nameOffset + wanted);
      const total = exactList.length + names.total - overlap;
      if (total === 0 && CREDIT_CODE_SHAPE.test(identifier) && !isValidCreditCode(identifier)) {
        // A mistyped credit code would otherwise read as "this company has no certificates".
        throw new AppError(
          'INVALID_CREDIT_CODE',
          /[IOZSV]/.test(identifier)
            ? 'A unified social credit code never contains I, O, Z, S or V; check the code.'
            : 'This is not a valid unified social credit code (its check character does not match).',
        );
      }
      const merged = [...fromExact, ...fromNames];
      return {
        items: await Promise.all(merged.map((c) => withBody(toCached(c), today))),
        page,
        pageSize,
        total,
        totalCapped: names.totalCapped,
      };
    },

    async upsertMany(data, at = new Date().toISOString()) {
      const results = await certificates.upsertMany(data, at);
      await invalidate(results.filter((r) => r.outcome !== 'unchanged').map((r) => r.certificate));
      return results;
    },

    forget: invalidate,

    changeStatus: (publicId, change, at = new Date().toISOString(), options = {}) =>
      statusLock.run(publicId, async () => {
        const current = await certificates.findByPublicId(publicId);
        if (!current)
          throw new AppError('CERTIFICATE_NOT_FOUND', 'No certificate in the registry has this id.');
        if (options.onlyForBody !== undefined && current.bodyCode !== options.onlyForBody) {
          throw new AppError(
            'FORBIDDEN',
            'This token may not change certificates of another certifying body.',
          );
        }
        if (!isLegalTransition(current.status, change.status)) {
          throw illegalTransition(current.status, change.status);
        }
        const dateConflict = statusDateConflict(current, change.date);
        if (dateConflict) throw dateConflict;
        // The store checks the transition again against what it holds when it writes: another instance
        // (or an upload) may have changed the status since the read above.
        const updated = await certificates.changeStatus(publicId, change, at);
        if (!updated)
          throw new AppError('CERTIFICATE_NOT_FOUND', 'No certificate in the registry has this id.');
        await invalidate([updated]);
        return withBody(toCached(updated), todayInChina());
      }),
  };
}
