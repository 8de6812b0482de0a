import { randomBytes } from 'node:crypto';
import type { Actor } from '../audit/audit-schema';
import type { AuditService } from '../audit/audit-service';
import { todayInChina } from '../platform/china-time';
import type { Cache } from '../platform/cache';
import { AppError } from '../platform/errors';
import { createKeyedLock } from '../platform/keyed-lock';
import type { Metrics } from '../platform/metrics';
import { createWorkingCalendar, noticePeriod, type WorkingCalendar } from './credit-calendar';
import type { DishonestyRepository, ListMatch } from './dishonesty-repository';
import { isValidCreditCode } from '../platform/credit-code';
import { foldName, normalizeIdentifier, normalizeText } from '../platform/normalize';
import {
  bodyCodeOf,
  earliestRepairDate,
  toPublicRecord,
  type CreateRecordInput,
  type DishonestyRecord,
  type PublicListing,
  type PublicRecord,
  type PublicRecordList,
  type RecordView,
  type Repair,
  type RepairDecisionInput,
  type RepairRequestInput,
  type SubjectKind,
} from './dishonesty-schema';
import { pageWindow } from '../platform/paging';

/** The shape of a unified social credit code, right or wrong: 18 letters and digits, 3rd to 8th an area code. */
const CREDIT_CODE_SHAPE = /^[0-9A-Z]{2}\d{6}[0-9A-Z]{10}$/;

/** What a search of the public list looks for (see DishonestyService.listPublic). */
export function listMatchOf(q: string): ListMatch {
  const code = normalizeIdentifier(q);
  if (isValidCreditCode(code)) return { creditCode: code };
  if (CREDIT_CODE_SHAPE.test(code)) {
    throw new AppError(
      'INVALID_CREDIT_CODE',
      'This looks like a unified social credit code, but its check character does not match; check the code.',
    );
  }
  if (foldName(q).length < 2) {
    throw new AppError('QUERY_TOO_SHORT', 'Type at least two characters of the name, or a full credit code.');
  }
  return { name: normalizeText(q).toLowerCase() };
}

/** The largest page of the public list. */
export const MAX_LIST_PAGE_SIZE = 50;

/** Cache keys of the listing flags a certificate lookup reads: one per holder, one per body. */
const holderListingKey = (creditCode: string) => `d:o:${creditCode}`;
const bodyListingKey = (bodyCode: string) => `d:b:${bodyCode}`;

type ListingEntry = Omit<PublicListing, 'subject'>;

export interface DishonestyService {
  /** Records a new listing (audited). The start date may not lie in the future. */
  create(input: CreateRecordInput, actor: Actor): Promise<RecordView>;
  /** An inspector's view of any record, with its repairs; DISHONESTY_RECORD_NOT_FOUND otherwise. */
  get(id: string): Promise<RecordView>;
  /** A listed record as published; DISHONESTY_RECORD_NOT_FOUND for repaired or unknown ids alike. */
  getPublic(id: string): Promise<PublicRecord>;
  /**
   * One page of the public list, newest first, with any repair under public notice. `q` searches it: a
   * unified social credit code finds that organisation's records, anything else is part of a name (two
   * characters at least: QUERY_TOO_SHORT; a mistyped credit code is INVALID_CREDIT_CODE).
   */
  listPublic(query: {
    kind?: SubjectKind;
    q?: string;
    page: number;
    pageSize: number;
  }): Promise<PublicRecordList>;
  /**
   * Starts a repair: allowed from the earliest repair date, while the record is listed and no other
   * repair awaits its decision; puts it under public notice. With `onlyForBody`, only a record of that
   * body (or of one of its auditors) may be asked about (FORBIDDEN otherwise). Audited.
   */
  requestRepair(
    id: string,
    input: RepairRequestInput,
    actor: Actor,
    options?: { onlyForBody?: string },
  ): Promise<Repair>;
  /** Decides a repair once its public notice has run (REPAIR_NOTICE_RUNNING before). Audited. */
  decideRepair(
    id: string,
    repairId: string,
    input: RepairDecisionInput,
    actor: Actor,
  ): Promise<{ record: RecordView; repair: Repair }>;
  /**
   * The listings a certificate lookup shows: the holder's and the body's own listed records. Read
   * through the cache (one round trip for both), filled from the registry on a miss and invalidated by
   * every create and approved repair: this runs on every scan.
   */
  listingsFor(holderCreditCode: string, bodyCode: string): Promise<PublicListing[]>;
  /** The public list's records naming this auditor (normalised registration number), newest first. */
  listedAboutAuditor(registrationNumber: string): Promise<PublicRecord[]>;
  /** Listed records about these organisations and bodies (a body's own and its auditors'), uncached. */
  listedConcerning(query: {
    creditCodes: readonly string[];
    bodyCodes: readonly string[];
  }): Promise<DishonestyRecord[]>;
}

const newId = () => randomBytes(16).toString('base64url');

function listingEntry(record: DishonestyRecord): ListingEntry {
  return {
    recordId: record.id,
    name: record.subject.name,
    severity: record.severity,
    startDate: record.startDate,
  };
}

/** Newest start first, then the record id, so that every reader shows listings in the same order. */
const byStartDesc = (a: ListingEntry, b: ListingEntry) =>
  a.startDate === b.startDate ? (a.recordId < b.recordId ? -1 : 1) : a.startDate < b.startDate ? 1 : -1;

export function createDishonestyService(deps: {
  records: DishonestyRepository;
  audit: AuditService;
  cache: Cache;
  metrics?: Metrics;
  /** Seconds a listing flag stays cached; writes invalidate it sooner. */
  ttlSeconds: number;
  /** Milliseconds since the epoch: what "today" (China date) and timestamps are taken from. */
  now?: () => number;
  calendar?: WorkingCalendar;
}): DishonestyService {
  const { records, audit, cache, metrics, ttlSeconds } = deps;
  const now = deps.now ?? Date.now;
  const calendar = deps.calendar ?? createWorkingCalendar();
  // Requests and decisions on one record run one at a time in this process (the store keeps the
  // one-open-repair rule across instances).
  const lock = createKeyedLock();

  /**
   * Each published record with the audit-log entry that created it and the link to its inclusion proof
   * (a few indexed reads per page: the public list is short). The size is the log's as read now; a
   * verifier asks for the proof at the size of the checkpoint it holds.
   */
  async function withLogEntries(list: PublicRecord[]): Promise<PublicRecord[]> {
    if (list.length === 0) return list;
    const { seq: size } = await audit.head();
    return Promise.all(
      list.map(async (record) => {
        const entry = (await audit.forTarget('dishonesty', record.id, 20)).find(
          (e) => e.action === 'dishonesty.create',
        );
        if (!entry || entry.seq > size) return record;
        const index = entry.seq - 1;
        return {
          ...record,
          logEntry: {
            seq: entry.seq,
            index,
            size,
            inclusionProof: `/api/v1/audit/proofs/inclusion?index=${index}&size=${size}`,
          },
        };
      }),
    );
  }
  const count = (result: 'hit' | 'miss') => metrics?.cacheLookups.inc({ kind: 'listing', result });

  async function existing(id: string): Promise<DishonestyRecord> {
    const record = await records.findById(id);
    if (!record) throw new AppError('DISHONESTY_RECORD_NOT_FOUND', 'No dishonesty record has this id.');
    return record;
  }

  async function view(record: DishonestyRecord): Promise<RecordView> {
    return { ...record, repairs: await records.listRepairs(record.id) };
  }

  /** Drops the cached listing flags a change of this record makes stale. */
  async function invalidate(record: DishonestyRecord): Promise<void> {
    const { subject } = record;
    const keys =
      subject.kind === 'organisation'
        ? [holderListingKey(subject.creditCode)]
        : [bodyListingKey(subject.bodyCode)];
    await cache.delete(keys);
  }

  return {
    async create(input, actor) {
      const today = todayInChina(now());
      if (input.startDate > today) {
        throw new AppError('VALIDATION_FAILED', 'startDate: a listing cannot start in the future.', {
          details: { errors: [{ field: 'startDate', message: 'must not be after today (China date)' }] },
        });
      }
      const record: DishonestyRecord = {
        id: newId(),
        subject: input.subject,
        severity: input.severity,
        basis: input.basis,
        caseRef: input.caseRef,
        facts: input.facts,
        startDate: input.startDate,
        earliestRepairDate: earliestRepairDate(input.startDate, input.severity),
        state: 'listed',
        createdAt: new Date(now()).toISOString(),
        createdBy: actor.id ?? actor.type,
      };
      const stored = await records.create(record);
      await audit.record(actor, 'dishonesty.create', { type: 'dishonesty', id: stored.id }, stored);
      await invalidate(stored);
      return { ...stored, repairs: [] };
    },

    async get(id) {
      return view(await existing(id));
    },

    async getPublic(id) {
      const record = await records.findById(id);
      // A repaired record is no longer published: the same answer as for an id nobody has.
      if (!record || record.state !== 'listed') {
        throw new AppError('DISHONESTY_RECORD_NOT_FOUND', 'No listed dishonesty record has this id.');
      }
      const [open] = await records.findOpenRepairs([record.id]);
      const [published] = await withLogEntries([toPublicRecord(record, open)]);
      return published as PublicRecord;
    },

    async listPublic({ kind, q, page, pageSize }) {
      const { items, total } = await records.listListed({
        kind,
        match: q === undefined ? undefined : listMatchOf(q),
        ...pageWindow({ page, pageSize }),
      });
      const open = new Map(
        (await records.findOpenRepairs(items.map((r) => r.id))).map((r) => [r.recordId, r] as const),
      );
      const published = await withLogEntries(items.map((r) => toPublicRecord(r, open.get(r.id))));
      return { items: published, page, pageSize, total };
    },

    requestRepair: (id, input, actor, options = {}) =>
      lock.run(id, async () => {
        const record = await existing(id);
        if (options.onlyForBody !== undefined && bodyCodeOf(record.subject) !== options.onlyForBody) {
          throw new AppError('FORBIDDEN', 'A body token may ask for repairs of its own records only.');
        }
        if (record.state !== 'listed') {
          throw new AppError('DISHONESTY_ALREADY_REPAIRED', 'This record was already repaired.');
        }
        const today = todayInChina(now());
        if (today < record.earliestRepairDate) {
          throw new AppError(
            'REPAIR_TOO_EARLY',
            `Credit repair may be asked for from ${record.earliestRepairDate}.`,
            { details: { earliestRepairDate: record.earliestRepairDate } },
          );
        }
        const notice = noticePeriod(calendar, today);
        const repair = await records.createRepair({
          id: newId(),
          recordId: id,
          statement: input.statement,
          requestedAt: new Date(now()).toISOString(),
          requestedBy: actor.id ?? actor.type,
          noticeStartDate: notice.startDate,
          noticeEndDate: notice.endDate,
        });
        if (!repair) {
          const [open] = await records.findOpenRepairs([id]);
          throw new AppError('REPAIR_PENDING', 'A repair of this record awaits its decision already.', {
            details: { repairId: open?.id, noticeEndDate: open?.noticeEndDate },
          });
        }
        await audit.record(actor, 'dishonesty.repair.request', { type: 'dishonesty', id }, repair);
        return repair;
      }),

    decideRepair: (id, repairId, input, actor) =>
      lock.run(id, async () => {
        const record = await existing(id);
        const repair = (await records.listRepairs(id)).find((r) => r.id === repairId);
        if (!repair) throw new AppError('REPAIR_NOT_FOUND', 'This record has no repair with this id.');
        if (repair.decision) {
          throw new AppError('REPAIR_ALREADY_DECIDED', 'This repair was decided already.', {
            details: { outcome: repair.decision.outcome },
          });
        }
        const today = todayInChina(now());
        if (today <= repair.noticeEndDate) {
          throw new AppError(
            'REPAIR_NOTICE_RUNNING',
            `The public notice runs until ${repair.noticeEndDate}; decide from the day after.`,
            { details: { noticeEndDate: repair.noticeEndDate } },
          );
        }
        if (input.outcome === 'approved' && record.state !== 'listed') {
          throw new AppError('DISHONESTY_ALREADY_REPAIRED', 'This record was already repaired.');
        }
        const decided = await records.decideRepair(id, repairId, {
          outcome: input.outcome,
          reason: input.reason,
          decidedAt: new Date(now()).toISOString(),
          decidedBy: actor.id ?? actor.type,
        });
        // Another instance decided it between the read and the write.
        if (!decided) throw new AppError('REPAIR_ALREADY_DECIDED', 'This repair was decided already.');
        await audit.record(
          actor,
          'dishonesty.repair.decide',
          { type: 'dishonesty', id },
          { repairId, decision: decided.repair.decision, state: decided.record.state },
        );
        if (input.outcome === 'approved') await invalidate(decided.record);
        return { record: await view(decided.record), repair: decided.repair };
      }),

    async listingsFor(holderCreditCode, bodyCode) {
      const keys = [holderListingKey(holderCreditCode), bodyListingKey(bodyCode)];
      let [holder, body] = (await cache.getManyJson(keys)) as Array<readonly ListingEntry[] | undefined>;
      count(holder && body ? 'hit' : 'miss');
      if (holder === undefined || body === undefined) {
        const found = await records.findListedConcerning({
          creditCodes: holder === undefined ? [holderCreditCode] : [],
          bodyCodes: body === undefined ? [bodyCode] : [],
        });
        if (holder === undefined) {
          holder = found
            .filter((r) => r.subject.kind === 'organisation' && r.subject.creditCode === holderCreditCode)
            .map(listingEntry)
            .sort(byStartDesc);
          await cache.set(keys[0] as string, JSON.stringify(holder), ttlSeconds);
        }
        if (body === undefined) {
          // The body's own records: a listed auditor makes the body a supervision target, not a listed body.
          body = found
            .filter((r) => r.subject.kind === 'body' && r.subject.bodyCode === bodyCode)
            .map(listingEntry)
            .sort(byStartDesc);
          await cache.set(keys[1] as string, JSON.stringify(body), ttlSeconds);
        }
      }
      return [
        ...holder.map((l) => ({ subject: 'holder' as const, ...l })),
        ...body.map((l) => ({ subject: 'body' as const, ...l })),
      ];
    },

    async listedAboutAuditor(registrationNumber) {
      const items = await records.findListedAboutAuditor(registrationNumber);
      const open = new Map(
        (await records.findOpenRepairs(items.map((r) => r.id))).map((r) => [r.recordId, r] as const),
      );
      return items.map((r) => toPublicRecord(r, open.get(r.id)));
    },

    listedConcerning: (query) => records.findListedConcerning(query),
  };
}
