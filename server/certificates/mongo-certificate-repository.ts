import { randomBytes } from 'node:crypto';
import mongoose, { Schema, Types, type Connection, type Model, type UpdateQuery } from 'mongoose';
import { foldName, nameBigrams } from '../platform/normalize';
import {
  STATUSES,
  STORED_STATUSES,
  type Certificate,
  type CertificateData,
  type Status,
} from './certificate-schema';
import { addDays } from '../platform/china-time';
import {
  MAX_AUDIT_DAYS,
  type AuditAssignment,
  type AuditorAuditCount,
  type AuditVolume,
  type AuditWindow,
  type CertificateFilters,
  type CertificateRepository,
  type UpsertResult,
} from './certificate-repository';
import { nextCertificateRecord } from './certificate-records';
import { FINAL_STATUSES, illegalTransition } from './certificate-status';
import { effectiveStatusClauses, mongoBodyCertificateList } from './mongo-certificate-list';

/** A certificate as stored in MongoDB: the record, the keys of the name index, and a write token. */
export interface CertificateDoc extends Omit<Certificate, 'id' | 'holder'> {
  _id: Types.ObjectId;
  holder: Certificate['holder'] & {
    /** nameBigrams(name), deduplicated: the multikey index behind substring search. */
    nameGrams: string[];
    /** foldName(name): what a candidate found through the grams is confirmed against. */
    nameFolded: string;
  };
  /**
   * A fresh random token on every write. A write based on a read filters on the token it read, so a
   * concurrent write in between makes it match nothing, and it is redone from a fresh read.
   */
  rev: string;
}

// `strict: 'throw'`: a field added to the certificate schema but not here fails loudly on the first
// write, instead of being dropped and then reported as a change on every later upload.
// `_id: false` on sub-schemas and `default: undefined` on arrays keep stored documents exactly the
// reported data, so that `sameCertificateData` finds an unchanged report unchanged.
const schemaOptions = { _id: false, strict: 'throw' } as const;
const optionalArray = <T>(of: T) => ({ type: [of], default: undefined });

const holderSchema = new Schema(
  {
    name: { type: String, required: true },
    creditCode: { type: String, required: true },
    address: String,
    employees: Number,
    nameGrams: { type: [String], required: true },
    nameFolded: { type: String, required: true },
  },
  schemaOptions,
);

const siteSchema = new Schema({ name: String, address: { type: String, required: true } }, schemaOptions);

const auditorSchema = new Schema({ name: String, registrationNumber: String, role: String }, schemaOptions);

const auditSchema = new Schema(
  {
    startDate: String,
    endDate: String,
    manDays: Number,
    auditors: optionalArray(auditorSchema),
    type: String,
  },
  schemaOptions,
);

const statusChangeSchema = new Schema(
  { status: { type: String, enum: STORED_STATUSES }, reason: String, date: String, recordedAt: String },
  schemaOptions,
);

const certificateSchema = new Schema<CertificateDoc>(
  {
    publicId: { type: String, required: true },
    bodyCode: { type: String, required: true },
    number: { type: String, required: true },
    scheme: { type: String, required: true },
    holder: { type: holderSchema, required: true },
    scope: { type: String, required: true },
    productModels: optionalArray(String),
    industryCodes: optionalArray(String),
    sites: optionalArray(siteSchema),
    issueDate: { type: String, required: true },
    expiryDate: { type: String, required: true },
    status: { type: String, enum: STORED_STATUSES, required: true },
    statusReason: String,
    statusDate: String,
    audit: auditSchema,
    statusHistory: { type: [statusChangeSchema], required: true },
    // ISO strings, as in every other adapter: Date objects would not round-trip to the same value.
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    rev: { type: String, required: true },
  },
  { collection: 'certificates', versionKey: false, strict: 'throw', id: false },
);

certificateSchema.index({ publicId: 1 }, { unique: true });
certificateSchema.index({ bodyCode: 1, number: 1 }, { unique: true });
// `_id` second: equal keys come out oldest first, so sort + limit stop the index walk early.
certificateSchema.index({ number: 1, _id: 1 });
certificateSchema.index({ 'holder.creditCode': 1, _id: 1 });
certificateSchema.index({ 'holder.nameGrams': 1, _id: 1 });
// The rules' reads: an auditor's audits by end date (auditor overlap), and issue date ranges per body with
// their man-days (volume per audit man-day), both answered from the index.
certificateSchema.index({ 'audit.auditors.registrationNumber': 1, 'audit.endDate': 1, 'audit.startDate': 1 });
certificateSchema.index({ issueDate: 1, bodyCode: 1, 'audit.manDays': 1 });
// A body's certificates by issue date (an approval change re-checks the window it affects).
certificateSchema.index({ bodyCode: 1, issueDate: 1, _id: 1 });
// The public statistics (server/stats) count certificates by these fields alone: a covered index scan.
certificateSchema.index({ scheme: 1, status: 1, issueDate: 1, expiryDate: 1 });

const NAME_INDEX = { 'holder.nameGrams': 1, _id: 1 } as const;

/** Audit windows per query: one `$or` clause each, every clause one index range. */
const WINDOWS_PER_QUERY = 500;

type AssignmentDoc = Pick<CertificateDoc, 'publicId' | 'number' | 'bodyCode'> & {
  holder: { creditCode: string };
  audit: { startDate: string; endDate: string; auditors: { registrationNumber: string }[] };
};

/** How often an upsert is redone after losing a race with a concurrent write to the same certificate. */
const MAX_UPSERT_ATTEMPTS = 5;

/** The Certificate model on this connection (compiled once per connection). */
export function certificateModel(conn: Connection): Model<CertificateDoc> {
  const existing = conn.models.Certificate as Model<CertificateDoc> | undefined;
  return existing ?? conn.model<CertificateDoc>('Certificate', certificateSchema);
}

/** The one place a stored document becomes a plain Certificate: `_id` to `id`, index keys dropped. */
function toCertificate(doc: CertificateDoc): Certificate {
  const {
    _id,
    rev: _rev,
    holder: { nameGrams: _grams, nameFolded: _folded, ...holder },
    ...rest
  } = doc;
  return { ...rest, holder, id: _id.toHexString() };
}

/**
 * The document stored for a certificate. A JSON round trip drops undefined members, as the SQLite
 * adapter's JSON column does; the driver would otherwise store them as null.
 */
function toDoc(cert: Certificate, rev: string): Omit<CertificateDoc, '_id'> {
  const { id: _id, ...plain } = JSON.parse(JSON.stringify(cert)) as Certificate;
  return {
    ...plain,
    holder: {
      ...plain.holder,
      nameGrams: [...new Set(nameBigrams(plain.holder.name))],
      nameFolded: foldName(plain.holder.name),
    },
    rev,
  };
}

function newRev(): string {
  return randomBytes(12).toString('base64url');
}

function keyOf(c: { bodyCode: string; number: string }): string {
  return `${c.bodyCode}\u0000${c.number}`;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The query clauses of search filters. The effective status is derived as effectiveStatus does: revoked
 * and withdrawn are final, otherwise a certificate past its expiry date is expired.
 */
function filterClauses(filters: CertificateFilters | undefined): Record<string, unknown> {
  if (!filters) return {};
  const clauses: Record<string, unknown> = effectiveStatusClauses(filters.status, filters.today);
  if (filters.bodyCode !== undefined) clauses.bodyCode = filters.bodyCode;
  if (filters.scheme !== undefined) clauses.scheme = filters.scheme;
  return clauses;
}

/** A write refused by a unique index: another writer created the same certificate first. */
function isDuplicateKeyError(err: unknown): boolean {
  if (err instanceof mongoose.mongo.MongoBulkWriteError) {
    const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    return writeErrors.length > 0 && writeErrors.every((e) => e.code === 11000);
  }
  return err instanceof mongoose.mongo.MongoServerError && err.code === 11000;
}

/**
 * Adds to `found` (keyed by auditor and certificate) one assignment per auditor of `doc` whose window
 * overlaps its audit: a document matches when any one of its auditors does, and lists all of them. An
 * audit longer than MAX_AUDIT_DAYS is no assignment.
 */
function addAssignments(
  found: Map<string, AuditAssignment>,
  doc: AssignmentDoc,
  windowsOf: ReadonlyMap<string, readonly AuditWindow[]>,
  limit: number,
): void {
  const { startDate, endDate } = doc.audit;
  if (endDate > addDays(startDate, MAX_AUDIT_DAYS - 1)) return;
  for (const { registrationNumber } of doc.audit.auditors) {
    const key = `${registrationNumber}\u0000${doc.publicId}`;
    if (found.has(key) || found.size >= limit) continue;
    const overlaps = (windowsOf.get(registrationNumber) ?? []).some(
      (w) => endDate >= w.from && startDate <= w.to && w.excludeHolder !== doc.holder.creditCode,
    );
    if (!overlaps) continue;
    found.set(key, {
      registrationNumber,
      startDate,
      endDate,
      publicId: doc.publicId,
      number: doc.number,
      bodyCode: doc.bodyCode,
      holderCreditCode: doc.holder.creditCode,
    });
  }
}

/** The registry in MongoDB (mongoose models; plain objects in and out). */
export function createMongoCertificateRepository(conn: Connection): CertificateRepository {
  const Certificates = certificateModel(conn);

  /** The stored documents for these (bodyCode, number) keys. */
  async function findByKeys(items: { bodyCode: string; number: string }[]): Promise<CertificateDoc[]> {
    const numbersByBody = new Map<string, Set<string>>();
    for (const { bodyCode, number } of items) {
      const numbers = numbersByBody.get(bodyCode) ?? new Set<string>();
      numbersByBody.set(bodyCode, numbers.add(number));
    }
    if (numbersByBody.size === 0) return [];
    const $or = [...numbersByBody].map(([bodyCode, numbers]) => ({
      bodyCode,
      number: { $in: [...numbers] },
    }));
    return Certificates.find({ $or }).lean<CertificateDoc[]>();
  }

  /**
   * One attempt at upserting `items[i]` for each i in `pending`, filling `results[i]`: read the stored
   * documents, apply the reports in input order (a certificate reported twice sees its first report),
   * then write each changed certificate once, in one bulkWrite. Returns the indices whose write lost a
   * race with a concurrent writer, to be redone from a fresh read.
   */
  async function attemptUpsert(
    items: readonly CertificateData[],
    pending: number[],
    at: string,
    results: UpsertResult[],
  ): Promise<number[]> {
    const stored = new Map(
      (await findByKeys(pending.map((i) => items[i] as CertificateData))).map((d) => [keyOf(d), d]),
    );
    const current = new Map<string, Certificate>([...stored].map(([key, doc]) => [key, toCertificate(doc)]));
    const changed = new Set<string>();
    for (const i of pending) {
      const data = items[i] as CertificateData;
      const key = keyOf(data);
      const existing = current.get(key);
      const next = nextCertificateRecord(existing, data, at, () => new Types.ObjectId().toHexString());
      if (!next) {
        results[i] = { outcome: 'unchanged', certificate: existing as Certificate };
        continue;
      }
      results[i] = { outcome: existing ? 'updated' : 'created', certificate: next };
      current.set(key, next);
      changed.add(key);
    }
    if (changed.size === 0) return [];

    const revs = new Map<string, string>();
    const ops = [...changed].map((key) => {
      const cert = current.get(key) as Certificate;
      const rev = newRev();
      revs.set(key, rev);
      const before = stored.get(key);
      if (!before) {
        return { insertOne: { document: { ...toDoc(cert, rev), _id: new Types.ObjectId(cert.id) } } };
      }
      return { replaceOne: { filter: { _id: before._id, rev: before.rev }, replacement: toDoc(cert, rev) } };
    });
    const replacements = ops.length - ops.filter((op) => 'insertOne' in op).length;

    // Ordered: nothing is written unless every document validates, and a conflict stops the batch
    // (the rest is redone from a fresh read).
    const allLanded = await Certificates.bulkWrite(ops, { ordered: true }).then(
      (res) => res.matchedCount === replacements,
      (err: unknown) => {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      },
    );
    if (allLanded) return [];

    // Which writes landed? Those whose stored token is the one this attempt wrote.
    const after = await findByKeys([...changed].map((key) => current.get(key) as Certificate));
    const landed = new Set(after.filter((d) => revs.get(keyOf(d)) === d.rev).map((d) => keyOf(d)));
    return pending.filter((i) => {
      const key = keyOf(items[i] as CertificateData);
      return changed.has(key) && !landed.has(key);
    });
  }

  async function upsertAll(items: readonly CertificateData[], at: string): Promise<UpsertResult[]> {
    const results: UpsertResult[] = new Array<UpsertResult>(items.length);
    let pending = items.map((_, i) => i);
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > MAX_UPSERT_ATTEMPTS) {
        throw new Error(
          `upsert: still conflicting with concurrent writes after ${MAX_UPSERT_ATTEMPTS} attempts`,
        );
      }
      pending = await attemptUpsert(items, pending, at, results);
    }
    return results;
  }

  return {
    async upsert(data, at) {
      return (await upsertAll([data], at))[0] as UpsertResult;
    },

    async upsertMany(data, at) {
      return upsertAll(data, at);
    },

    async findByPublicId(publicId) {
      const doc = await Certificates.findOne({ publicId }).lean<CertificateDoc>();
      return doc ? toCertificate(doc) : undefined;
    },

    async findByNumber(number, bodyCode, limit) {
      const filter = bodyCode ? { number, bodyCode } : { number };
      const docs = await Certificates.find(filter).sort({ _id: 1 }).limit(limit).lean<CertificateDoc[]>();
      return docs.map(toCertificate);
    },

    async findByNumbers(bodyCode, numbers) {
      if (numbers.length === 0) return [];
      const filter = { bodyCode, number: { $in: [...numbers] } };
      const docs = await Certificates.find(filter).lean<CertificateDoc[]>();
      return docs.map(toCertificate);
    },

    async findByCreditCode(creditCode, limit) {
      const docs = await Certificates.find({ 'holder.creditCode': creditCode })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<CertificateDoc[]>();
      return docs.map(toCertificate);
    },

    async findSanctionedByCreditCodes(creditCodes) {
      if (creditCodes.length === 0) return [];
      const docs = await Certificates.find({
        'holder.creditCode': { $in: [...creditCodes] },
        'statusHistory.status': { $in: ['suspended', 'revoked'] },
      }).lean<CertificateDoc[]>();
      return docs.map(toCertificate);
    },

    async searchByHolderName({ fragment, limit, offset, countLimit, filters }) {
      const folded = foldName(fragment);
      if (folded.length < 2) return { items: [], total: 0, totalCapped: false };
      // Every bigram of the fragment narrows the candidates through the multikey index; the folded
      // name then confirms that they occur consecutively (a name holding them apart is no match).
      // The hint keeps the planner off the _id index, which would walk the whole collection in order.
      const filter = {
        'holder.nameGrams': { $all: [...new Set(nameBigrams(fragment))] },
        'holder.nameFolded': { $regex: escapeRegExp(folded) },
        // Checked on the candidates the name index yields (the hint keeps it the one that drives).
        ...filterClauses(filters),
      };
      const [docs, n] = await Promise.all([
        Certificates.find(filter)
          .hint(NAME_INDEX)
          .sort({ _id: 1 })
          .skip(offset)
          .limit(limit)
          .lean<CertificateDoc[]>(),
        Certificates.countDocuments(filter, { limit: countLimit + 1, hint: NAME_INDEX }),
      ]);
      return { items: docs.map(toCertificate), total: Math.min(n, countLimit), totalCapped: n > countLimit };
    },

    async changeStatus(publicId, change, at) {
      // One atomic update: no read-modify-write race with another status change or an upload.
      const entry = JSON.parse(
        JSON.stringify({ ...change, recordedAt: at }),
      ) as CertificateDoc['statusHistory'][number];
      const update: UpdateQuery<CertificateDoc> = {
        $set: {
          status: change.status,
          statusDate: change.date,
          updatedAt: at,
          rev: newRev(),
          ...(change.reason === undefined ? {} : { statusReason: change.reason }),
        },
        $push: { statusHistory: entry },
        ...(change.reason === undefined ? { $unset: { statusReason: 1 } } : {}),
      };
      // The filter is the transition check: only a status that may become `change.status` matches, so of
      // two instances changing one certificate at the same instant the second finds nothing to update.
      const legalFrom = { $nin: [...FINAL_STATUSES, change.status] };
      const doc = await Certificates.findOneAndUpdate({ publicId, status: legalFrom }, update, {
        returnDocument: 'after',
      }).lean<CertificateDoc>();
      if (doc) return toCertificate(doc);
      const stored = await Certificates.findOne({ publicId }, { status: 1 }).lean<
        Pick<CertificateDoc, 'status'>
      >();
      if (!stored) return undefined;
      throw illegalTransition(stored.status, change.status);
    },

    async findAuditAssignments(windows, limit) {
      const found = new Map<string, AuditAssignment>();
      for (let i = 0; i < windows.length && found.size < limit; i += WINDOWS_PER_QUERY) {
        const chunk = windows.slice(i, i + WINDOWS_PER_QUERY);
        const docs = await Certificates.find(
          {
            // An audit of at most MAX_AUDIT_DAYS overlapping the window ends within MAX_AUDIT_DAYS - 1
            // days of its end: each clause is one bounded range of the auditor's index entries.
            $or: chunk.map((w) => ({
              'audit.auditors.registrationNumber': w.registrationNumber,
              'audit.endDate': { $gte: w.from, $lte: addDays(w.to, MAX_AUDIT_DAYS - 1) },
              'audit.startDate': { $lte: w.to },
              ...(w.excludeHolder === undefined ? {} : { 'holder.creditCode': { $ne: w.excludeHolder } }),
            })),
          },
          {
            _id: 0,
            publicId: 1,
            number: 1,
            bodyCode: 1,
            'holder.creditCode': 1,
            'audit.startDate': 1,
            'audit.endDate': 1,
            'audit.auditors.registrationNumber': 1,
          },
        )
          .limit(limit)
          .lean<AssignmentDoc[]>();
        const windowsOf = new Map<string, AuditWindow[]>();
        for (const w of chunk) {
          const list = windowsOf.get(w.registrationNumber);
          if (list) list.push(w);
          else windowsOf.set(w.registrationNumber, [w]);
        }
        for (const doc of docs) addAssignments(found, doc, windowsOf, limit);
      }
      return [...found.values()];
    },

    async countAuditsOfAuditor(registrationNumber) {
      // The auditor's entries of the (registration number, end date, start date) index, grouped.
      const rows = await Certificates.aggregate<{ _id: { bodyCode: string; year: string }; audits: number }>([
        { $match: { 'audit.auditors.registrationNumber': registrationNumber } },
        {
          $group: {
            _id: { bodyCode: '$bodyCode', year: { $substr: ['$audit.endDate', 0, 4] } },
            audits: { $sum: 1 },
          },
        },
      ]);
      return rows
        .map((r): AuditorAuditCount => ({ bodyCode: r._id.bodyCode, year: r._id.year, audits: r.audits }))
        .sort((a, b) => (a.year !== b.year ? (a.year < b.year ? 1 : -1) : a.bodyCode < b.bodyCode ? -1 : 1));
    },

    async auditVolumeByBody(fromMonth, toMonth) {
      // Dates are YYYY-MM-DD text: every day of `toMonth` sorts at or before its "-31".
      const issueDate = { $gte: `${fromMonth}-01`, $lte: `${toMonth}-31` };
      const team = { $size: { $ifNull: ['$audit.auditors', []] } };
      const days = {
        $add: [
          1,
          {
            $divide: [
              {
                $subtract: [
                  { $dateFromString: { dateString: '$audit.endDate' } },
                  { $dateFromString: { dateString: '$audit.startDate' } },
                ],
              },
              86_400_000,
            ],
          },
        ],
      };
      return Certificates.aggregate<AuditVolume>([
        { $match: { issueDate, 'audit.manDays': { $gt: 0 } } },
        {
          $project: {
            bodyCode: 1,
            manDays: '$audit.manDays',
            team,
            auditorDays: { $multiply: [team, days] },
          },
        },
        {
          $group: {
            _id: '$bodyCode',
            certificates: { $sum: 1 },
            manDays: { $sum: '$manDays' },
            staffed: { $sum: { $cond: [{ $gt: ['$team', 0] }, 1, 0] } },
            auditorDays: { $sum: '$auditorDays' },
          },
        },
        { $project: { _id: 0, bodyCode: '$_id', certificates: 1, manDays: 1, staffed: 1, auditorDays: 1 } },
      ]).hint({ issueDate: 1, bodyCode: 1, 'audit.manDays': 1 });
    },

    async findIssuedInWindow(bodyCode, window, { after, limit }) {
      const range = { $gte: window.from, ...(window.to === undefined ? {} : { $lt: window.to }) };
      const cursor = after
        ? {
            $or: [
              { issueDate: { $gt: after.issueDate } },
              { issueDate: after.issueDate, _id: { $gt: new Types.ObjectId(after.id) } },
            ],
          }
        : {};
      const docs = await Certificates.find({ bodyCode, issueDate: range, ...cursor })
        .sort({ issueDate: 1, _id: 1 })
        .limit(limit)
        .lean<CertificateDoc[]>();
      return docs.map(toCertificate);
    },

    async countByStatus(bodyCode, today) {
      const counts = Object.fromEntries(STATUSES.map((st) => [st, 0])) as Record<Status, number>;
      // Expired as effectiveStatus derives it: revoked and withdrawn stay so; others past expiry are expired.
      const groups = await Certificates.aggregate<{ _id: Status; n: number }>([
        { $match: { bodyCode } },
        {
          $group: {
            _id: {
              $cond: [
                { $in: ['$status', ['revoked', 'withdrawn']] },
                '$status',
                { $cond: [{ $lt: ['$expiryDate', today] }, 'expired', '$status'] },
              ],
            },
            n: { $sum: 1 },
          },
        },
      ]);
      for (const { _id, n } of groups) counts[_id] += n;
      return counts;
    },

    ...mongoBodyCertificateList(Certificates, toCertificate),

    async count() {
      // Exact, as the port promises: estimatedDocumentCount reads collection metadata, which can be off
      // after an unclean shutdown and counts orphans on a sharded cluster.
      return Certificates.countDocuments({});
    },

    async pageByPublicId(afterPublicId, limit) {
      const docs = await Certificates.find(
        afterPublicId === undefined ? {} : { publicId: { $gt: afterPublicId } },
      )
        .sort({ publicId: 1 })
        .limit(Math.max(1, Math.floor(limit)))
        .lean<CertificateDoc[]>();
      return docs.map(toCertificate);
    },
  };
}
