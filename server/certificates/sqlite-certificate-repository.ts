import type { SqliteDatabase } from '../platform/sqlite';
import { foldName, nameBigrams } from '../platform/normalize';
import { STATUSES, type Certificate, type CertificateData, type Status } from './certificate-schema';
import {
  MAX_AUDIT_DAYS,
  type AuditAssignment,
  type AuditorAuditCount,
  type AuditVolume,
  type BodyCertificateFilter,
  type CertificateRepository,
  type UpsertResult,
} from './certificate-repository';
import { nextCertificateRecord } from './certificate-records';
import { illegalTransition, isLegalTransition } from './certificate-status';
import { createSqliteAuditIndex, type AuditIndexBatch } from './sqlite-audit-index';

interface Row {
  id: number;
  doc: string;
}

function fromRow(row: Row): Certificate {
  // The parsed object gets its id in place: a spread into a new object cost a sixth more (measured).
  const cert = JSON.parse(row.doc) as Certificate;
  cert.id = String(row.id);
  return cert;
}

function toDoc(cert: Certificate): string {
  const { id: _id, ...doc } = cert;
  return JSON.stringify(doc);
}

/**
 * toDoc of a new certificate (nextCertificateRecord of no stored one) from its report's JSON text: the
 * same text, the record's own members appended in the order the record has them. Storing from the text
 * costs a third less CPU than serialising the record again (measured, scripts/bench/upload.ts).
 */
function newCertificateDoc(text: string, cert: Certificate): string {
  return (
    `${text.slice(0, -1)},"publicId":${JSON.stringify(cert.publicId)},` +
    `"statusHistory":${JSON.stringify(cert.statusHistory)},` +
    `"createdAt":${JSON.stringify(cert.createdAt)},"updatedAt":${JSON.stringify(cert.updatedAt)}}`
  );
}

/** The FTS5 phrase that matches names containing `fragment`: its bigrams, consecutive. */
function bigramPhrase(fragment: string): string {
  return `"${nameBigrams(fragment).join(' ')}"`;
}

interface FilterParams {
  status: string | null;
  scheme: string | null;
  body: string | null;
  today: string;
  phrase: string;
}

// The filters checked on a name-index candidate, read by rowid; a null parameter filters nothing. The
// effective status is derived as effectiveStatus does: revoked and withdrawn are final, otherwise a
// certificate past its expiry date is expired.
const FILTERED = `
  (@body IS NULL OR c.body_code = @body)
  AND (@scheme IS NULL OR c.doc ->> '$.scheme' = @scheme)
  AND (@status IS NULL OR CASE
    WHEN c.doc ->> '$.status' IN ('revoked', 'withdrawn') THEN c.doc ->> '$.status'
    WHEN c.doc ->> '$.expiryDate' < @today THEN 'expired'
    ELSE c.doc ->> '$.status' END = @status)`;

interface BodyListParams {
  body: string;
  status: string | null;
  today: string;
  /** The range of numbers the prefix covers: from `from` (included) to `to` (excluded). */
  from: string;
  to: string;
}

// One body's range of the UNIQUE (body_code, number) index, in number order: from the prefix (`@from`) or
// after the cursor's number (`@after`), up to the end of the prefix (`@to`). One lower bound each, so that
// the seek starts where the page does. The effective status (as effectiveStatus derives it) is checked
// on each row of the walk.
const BODY_STATUS = `
  (@status IS NULL OR CASE
    WHEN doc ->> '$.status' IN ('revoked', 'withdrawn') THEN doc ->> '$.status'
    WHEN doc ->> '$.expiryDate' < @today THEN 'expired'
    ELSE doc ->> '$.status' END = @status)`;

/** Sorts after every certificate number (they are ASCII): the end of an open range. */
const AFTER_EVERY_NUMBER = '\u{10FFFF}';

function bodyListParams(filter: BodyCertificateFilter): BodyListParams {
  const prefix = filter.numberPrefix ?? '';
  return {
    body: filter.bodyCode,
    status: filter.status ?? null,
    today: filter.today,
    from: prefix,
    to: prefix + AFTER_EVERY_NUMBER,
  };
}

/**
 * Certificates by their row ids (`Certificate.id`), for what reads a batch just stored on another
 * connection (the upload rules' thread): one statement for the batch, in rowid order. Ids not stored are
 * left out.
 */
export function createSqliteCertificatesById(db: SqliteDatabase): (ids: readonly string[]) => Certificate[] {
  const byIds = db.prepare<[string], Row>(
    'SELECT id, doc FROM certificates WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id',
  );
  return (ids) => (ids.length === 0 ? [] : byIds.all(JSON.stringify(ids.map(Number))).map(fromRow));
}

/** The registry in an embedded SQLite file (better-sqlite3: synchronous, prepared statements). */
export function createSqliteCertificateRepository(db: SqliteDatabase): CertificateRepository {
  const byKey = db.prepare<[string, string], Row>(
    'SELECT id, doc FROM certificates WHERE body_code = ? AND number = ?',
  );
  const byPublicId = db.prepare<[string], Row>('SELECT id, doc FROM certificates WHERE public_id = ?');
  const byPublicIdPage = db.prepare<[string, number], Row>(
    'SELECT id, doc FROM certificates WHERE public_id > ? ORDER BY public_id LIMIT ?',
  );
  const byNumber = db.prepare<[string, number], Row>(
    'SELECT id, doc FROM certificates WHERE number = ? ORDER BY id LIMIT ?',
  );
  const byNumberAndBody = db.prepare<[string, string, number], Row>(
    'SELECT id, doc FROM certificates WHERE number = ? AND body_code = ? ORDER BY id LIMIT ?',
  );
  // The numbers travel as one JSON array: one statement for any batch size, through the (body, number) index.
  const byNumbers = db.prepare<[string, string], Row>(
    'SELECT id, doc FROM certificates WHERE body_code = ? AND number IN (SELECT value FROM json_each(?))',
  );
  const byCreditCode = db.prepare<[string, number], Row>(
    'SELECT id, doc FROM certificates WHERE holder_credit_code = ? ORDER BY id LIMIT ?',
  );
  // The history is read in SQL (json_each), so that only the sanctioned documents reach JavaScript. The
  // instr() test first passes only documents that hold such a status somewhere (JSON.stringify writes a
  // member as "status":"revoked", and a quote inside a string value is escaped), so that most documents
  // are never parsed.
  const sanctionedByCreditCodes = db.prepare<[string], Row>(`
    SELECT c.id, c.doc FROM certificates c
    WHERE c.holder_credit_code IN (SELECT value FROM json_each(?))
      AND (instr(c.doc, '"status":"suspended"') > 0 OR instr(c.doc, '"status":"revoked"') > 0)
      AND EXISTS (SELECT 1 FROM json_each(c.doc, '$.statusHistory') h
                  WHERE h.value ->> 'status' IN ('suspended', 'revoked'))`);
  const insert = db.prepare<[string, string, string, string, string]>(
    'INSERT INTO certificates (public_id, body_code, number, holder_credit_code, doc) VALUES (?, ?, ?, ?, ?)',
  );
  const update = db.prepare<[string, string, number]>(
    'UPDATE certificates SET holder_credit_code = ?, doc = ? WHERE id = ?',
  );
  // A status change writes only over the status it was checked against (in the same transaction, under the
  // write lock): the store itself refuses an illegal transition, whatever process wrote last.
  const updateStatus = db.prepare<[string, number, string]>(
    "UPDATE certificates SET doc = ? WHERE id = ? AND json_extract(doc, '$.status') = ?",
  );
  const insertGrams = db.prepare<[number, string]>(
    'INSERT INTO certificate_name_grams (rowid, grams) VALUES (?, ?)',
  );
  const deleteGrams = db.prepare<[number]>('DELETE FROM certificate_name_grams WHERE rowid = ?');
  // A phrase of consecutive bigrams matches exactly the names that contain the fragment, in rowid order,
  // so LIMIT stops the index walk early even for a fragment that every name contains.
  const byName = db.prepare<[string, number, number], Row>(`
    SELECT c.id, c.doc FROM certificate_name_grams g JOIN certificates c ON c.id = g.rowid
    WHERE certificate_name_grams MATCH ? ORDER BY g.rowid LIMIT ? OFFSET ?`);
  const countByName = db.prepare<[string, number], { n: number }>(
    'SELECT count(*) AS n FROM (SELECT 1 FROM certificate_name_grams WHERE certificate_name_grams MATCH ? LIMIT ?)',
  );
  // The same walk with the filters checked on each candidate: the name index still drives it.
  const byNameFiltered = db.prepare<[FilterParams & { limit: number; offset: number }], Row>(`
    SELECT c.id, c.doc FROM certificate_name_grams g JOIN certificates c ON c.id = g.rowid
    WHERE certificate_name_grams MATCH @phrase AND ${FILTERED}
    ORDER BY g.rowid LIMIT @limit OFFSET @offset`);
  const countByNameFiltered = db.prepare<[FilterParams & { limit: number }], { n: number }>(`
    SELECT count(*) AS n FROM (SELECT 1 FROM certificate_name_grams g JOIN certificates c ON c.id = g.rowid
      WHERE certificate_name_grams MATCH @phrase AND ${FILTERED} LIMIT @limit)`);
  const countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM certificates');
  const bodyPage = (start: string) =>
    db.prepare<[BodyListParams & { after?: string; limit: number }], Row>(`
      SELECT id, doc FROM certificates WHERE body_code = @body AND ${start} AND number < @to AND ${BODY_STATUS}
      ORDER BY number LIMIT @limit`);
  const bodyFromPrefix = bodyPage('number >= @from');
  const bodyAfterCursor = bodyPage('number > @after');
  // Without a status the count reads the index alone (a covering scan of the body's range).
  const countBody = db.prepare<
    [Omit<BodyListParams, 'status' | 'today'> & { limit: number }],
    { n: number }
  >(`
    SELECT count(*) AS n FROM (SELECT 1 FROM certificates
      WHERE body_code = @body AND number >= @from AND number < @to LIMIT @limit)`);
  const countBodyByStatus = db.prepare<[BodyListParams & { limit: number }], { n: number }>(`
    SELECT count(*) AS n FROM (SELECT 1 FROM certificates
      WHERE body_code = @body AND number >= @from AND number < @to AND ${BODY_STATUS} LIMIT @limit)`);
  const auditIndex = createSqliteAuditIndex(db);

  // The windows travel as one JSON array of [registration number, from, to, holder to leave out]; CROSS
  // JOIN keeps them the
  // outer loop, so that each is one range seek in the (registration number, end date) key: an audit of
  // at most MAX_AUDIT_DAYS that overlaps the window ends between its start and MAX_AUDIT_DAYS - 1 days
  // after its end.
  const assignments = db.prepare<[string, string, number, number], AuditAssignment>(`
    SELECT DISTINCT a.registration_number AS registrationNumber, a.start_date AS startDate,
      a.end_date AS endDate, c.public_id AS publicId, c.number, c.body_code AS bodyCode,
      c.holder_credit_code AS holderCreditCode
    FROM json_each(?) w
    CROSS JOIN audit_assignments a ON a.registration_number = w.value ->> 0
      AND a.end_date >= w.value ->> 1 AND a.end_date <= date(w.value ->> 2, ?) AND a.start_date <= w.value ->> 2
      AND julianday(a.end_date) - julianday(a.start_date) < ?
      AND a.holder_credit_code IS NOT w.value ->> 3
    CROSS JOIN certificates c ON c.id = a.certificate_id
    LIMIT ?`);
  const volumes = db.prepare<[string, string], AuditVolume>(`
    SELECT body_code AS bodyCode, sum(certificates) AS certificates, sum(man_days) AS manDays,
      sum(staffed) AS staffed, sum(auditor_days) AS auditorDays
    FROM body_audit_volumes WHERE issue_month >= ? AND issue_month <= ?
    GROUP BY body_code HAVING sum(certificates) > 0`);
  // Through certificates_body_issue: (body, issue date, id) from the cursor on, up to the window's end.
  const issuedInWindow = db.prepare<[string, string, number, string, string, number], Row>(`
    SELECT id, doc FROM certificates
    WHERE body_code = ? AND (json_extract(doc, '$.issueDate'), id) > (?, ?)
      AND json_extract(doc, '$.issueDate') >= ? AND json_extract(doc, '$.issueDate') < ?
    ORDER BY json_extract(doc, '$.issueDate'), id LIMIT ?`);

  // One auditor's range of the assignment index (its primary key starts with the registration number).
  const auditsOfAuditor = db.prepare<[string], AuditorAuditCount>(`
    SELECT c.body_code AS bodyCode, substr(a.end_date, 1, 4) AS year, count(DISTINCT a.certificate_id) AS audits
    FROM audit_assignments a CROSS JOIN certificates c ON c.id = a.certificate_id
    WHERE a.registration_number = ?
    GROUP BY 1, 2 ORDER BY 2 DESC, 1`);
  // Expired as effectiveStatus derives it: revoked and withdrawn stay so; others past expiry are expired.
  const statusCounts = db.prepare<[string, string], { status: string; n: number }>(`
    SELECT CASE
        WHEN json_extract(doc, '$.status') IN ('revoked', 'withdrawn') THEN json_extract(doc, '$.status')
        WHEN json_extract(doc, '$.expiryDate') < ? THEN 'expired'
        ELSE json_extract(doc, '$.status') END AS status,
      count(*) AS n
    FROM certificates WHERE body_code = ? GROUP BY 1`);

  function upsertOne(
    data: CertificateData,
    at: string,
    audits: AuditIndexBatch,
    text: string | undefined,
  ): UpsertResult {
    const row = byKey.get(data.bodyCode, data.number);
    const existing = row ? fromRow(row) : undefined;
    const next = nextCertificateRecord(existing, data, at, () => '');
    if (!next) return { outcome: 'unchanged', certificate: existing as Certificate };
    if (!existing) {
      const { lastInsertRowid } = insert.run(
        next.publicId,
        next.bodyCode,
        next.number,
        next.holder.creditCode,
        text === undefined ? toDoc(next) : newCertificateDoc(text, next),
      );
      const id = Number(lastInsertRowid);
      insertGrams.run(id, nameBigrams(next.holder.name).join(' '));
      audits.add(id, next);
      // The record is this call's own: it takes its id in place.
      next.id = String(id);
      return { outcome: 'created', certificate: next };
    }
    const id = Number(existing.id);
    update.run(next.holder.creditCode, toDoc(next), id);
    if (existing.holder.name !== next.holder.name) {
      deleteGrams.run(id);
      insertGrams.run(id, nameBigrams(next.holder.name).join(' '));
    }
    if (
      existing.issueDate !== next.issueDate ||
      JSON.stringify(existing.audit) !== JSON.stringify(next.audit)
    ) {
      audits.remove(id, existing);
      audits.add(id, next);
    }
    return { outcome: 'updated', certificate: next };
  }

  const upsertTx = db.transaction(
    (items: readonly CertificateData[], at: string, texts?: readonly (string | undefined)[]) => {
      const audits = auditIndex.batch();
      const results = items.map((d, i) => upsertOne(d, at, audits, texts?.[i]));
      audits.flush();
      return results;
    },
  );

  return {
    async upsert(data, at) {
      return upsertTx.immediate([data], at)[0] as UpsertResult;
    },
    // IMMEDIATE: each batch reads what it compares against under the write lock (another process sharing
    // the file cannot change a status between the read and the write); an illegal transition rolls it back.
    async upsertMany(data, at, texts) {
      return upsertTx.immediate(data, at, texts);
    },
    async findByPublicId(publicId) {
      const row = byPublicId.get(publicId);
      return row ? fromRow(row) : undefined;
    },
    async findByNumber(number, bodyCode, limit) {
      const rows = bodyCode ? byNumberAndBody.all(number, bodyCode, limit) : byNumber.all(number, limit);
      return rows.map(fromRow);
    },
    async findByNumbers(bodyCode, numbers) {
      if (numbers.length === 0) return [];
      return byNumbers.all(bodyCode, JSON.stringify(numbers)).map(fromRow);
    },
    async findByCreditCode(creditCode, limit) {
      return byCreditCode.all(creditCode, limit).map(fromRow);
    },
    async findSanctionedByCreditCodes(creditCodes) {
      if (creditCodes.length === 0) return [];
      return sanctionedByCreditCodes.all(JSON.stringify(creditCodes)).map(fromRow);
    },
    async searchByHolderName({ fragment, limit, offset, countLimit, filters }) {
      if (foldName(fragment).length < 2) return { items: [], total: 0, totalCapped: false };
      const phrase = bigramPhrase(fragment);
      if (filters && (filters.status ?? filters.scheme ?? filters.bodyCode) !== undefined) {
        const params: FilterParams = {
          status: filters.status ?? null,
          scheme: filters.scheme ?? null,
          body: filters.bodyCode ?? null,
          today: filters.today,
          phrase,
        };
        const items = byNameFiltered.all({ ...params, limit, offset }).map(fromRow);
        const n = (countByNameFiltered.get({ ...params, limit: countLimit + 1 }) as { n: number }).n;
        return { items, total: Math.min(n, countLimit), totalCapped: n > countLimit };
      }
      const items = byName.all(phrase, limit, offset).map(fromRow);
      const n = (countByName.get(phrase, countLimit + 1) as { n: number }).n;
      return { items, total: Math.min(n, countLimit), totalCapped: n > countLimit };
    },
    async changeStatus(publicId, change, at) {
      // IMMEDIATE: the write lock is taken before the read, so another process cannot write in between.
      return db
        .transaction(() => {
          const row = byPublicId.get(publicId);
          if (!row) return undefined;
          const cert = fromRow(row);
          if (!isLegalTransition(cert.status, change.status))
            throw illegalTransition(cert.status, change.status);
          const next: Certificate = {
            ...cert,
            status: change.status,
            statusReason: change.reason,
            statusDate: change.date,
            statusHistory: [...cert.statusHistory, { ...change, recordedAt: at }],
            updatedAt: at,
          };
          if (updateStatus.run(toDoc(next), row.id, cert.status).changes !== 1) {
            throw illegalTransition(cert.status, change.status);
          }
          return next;
        })
        .immediate();
    },
    async count() {
      return (countAll.get() as { n: number }).n;
    },
    async listByBody(filter, { after, limit }) {
      const params = { ...bodyListParams(filter), limit };
      const rows =
        after === undefined || after < params.from
          ? bodyFromPrefix.all(params)
          : bodyAfterCursor.all({ ...params, after });
      return rows.map(fromRow);
    },
    async countByBody(filter, limit) {
      const { status, today, ...range } = bodyListParams(filter);
      const row =
        status === null
          ? countBody.get({ ...range, limit })
          : countBodyByStatus.get({ ...range, status, today, limit });
      return (row as { n: number }).n;
    },
    async countAuditsOfAuditor(registrationNumber) {
      return auditsOfAuditor.all(registrationNumber);
    },
    async pageByPublicId(afterPublicId, limit) {
      // The UNIQUE(public_id) index drives the order and the start of each page.
      return byPublicIdPage.all(afterPublicId ?? '', Math.max(1, Math.floor(limit))).map(fromRow);
    },
    async findAuditAssignments(windows, limit) {
      if (windows.length === 0) return [];
      const json = JSON.stringify(
        windows.map((w) => [w.registrationNumber, w.from, w.to, w.excludeHolder ?? null]),
      );
      return assignments.all(json, `+${MAX_AUDIT_DAYS - 1} days`, MAX_AUDIT_DAYS, limit);
    },
    async findIssuedInWindow(bodyCode, window, { after, limit }) {
      // '~' sorts after every date: an open window.
      const rows = issuedInWindow.all(
        bodyCode,
        after?.issueDate ?? '',
        after ? Number(after.id) : 0,
        window.from,
        window.to ?? '~',
        limit,
      );
      return rows.map(fromRow);
    },

    async countByStatus(bodyCode, today) {
      const counts = Object.fromEntries(STATUSES.map((st) => [st, 0])) as Record<Status, number>;
      for (const { status, n } of statusCounts.all(today, bodyCode)) counts[status as Status] += n;
      return counts;
    },

    async auditVolumeByBody(fromMonth, toMonth) {
      return volumes.all(fromMonth, toMonth);
    },
  };
}
