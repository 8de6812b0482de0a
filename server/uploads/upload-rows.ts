import type { z } from 'zod';
import type { Body } from '../bodies/body-schema';
import { approvalOn } from '../bodies/body-approval';
import { scopeBreaches, type ScopeBreach } from '../certificates/certificate-scope';
import { certificateInputSchema, type CertificateData } from '../certificates/certificate-schema';
import { foldName, normalizeIdentifier } from '../platform/normalize';
import { findScheme } from '../schemes/schemes';
import { columnName } from './upload-row-mapping';
import { aboutColumn, ROW_TEXT, rowError, type Bilingual } from './upload-row-texts';
import { MAX_ERRORS_PER_ROW, type ParsedRow, type RowError, type RowErrorCode } from './upload-schema';

/**
 * A row refused because it lies outside the body's approved scope or approval (ROW_OUT_OF_SCOPE): the
 * attempt itself is evidence (超范围认证, 假机构), kept for the risk signals beside the row errors.
 */
export interface RefusedRow {
  row: number;
  /** What put it out of scope: scheme, industry codes, approval (one row may have several). */
  kinds: ScopeBreach['kind'][];
  number: string;
  scheme: string;
  industryCodes: string[];
  issueDate: string;
  holder: { name: string; creditCode: string };
}

/** A row after the checks that need nothing but the row and the body: its report, or why not. */
export interface CheckedRow {
  row: number;
  /** The normalised certificate number, when the row has a usable one of this body (for duplicates). */
  number?: string;
  /** The report, when the row passed (no errors). */
  data?: CertificateData;
  /**
   * `data` as JSON text, in its place, once the row has crossed from the worker thread: a string costs far
   * less to pass between threads and to keep than an object graph (atomic uploads spool it as it is).
   */
  json?: string;
  /** `data.status` and `data.statusDate`, kept beside `json` for the checks against the registry. */
  status?: CertificateData['status'];
  statusDate?: string;
  /** The row's attempt outside the body's scope, when it was refused for that. */
  refused?: RefusedRow;
  errors: RowError[];
  /** Each field's header as the file writes it (shared by the rows of one CSV or sheet). */
  headers?: ReadonlyMap<string, string>;
}

const DATE_FIELDS = new Set(['issueDate', 'expiryDate', 'statusDate', 'audit.startDate', 'audit.endDate']);

function valueAt(input: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const isMissing = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** The row code of one schema issue: what went wrong, in the terms of the upload contract. */
function codeOf(issue: z.core.$ZodIssue, field: string, missing: boolean): RowErrorCode {
  // The one cross-field rule of the schema, reported on expiryDate.
  if (field === 'expiryDate' && issue.code === 'custom') return 'ROW_EXPIRY_BEFORE_ISSUE';
  if (missing) return 'ROW_MISSING_FIELD';
  if (field === 'number') return 'ROW_INVALID_NUMBER';
  if (field === 'holder.creditCode') return 'ROW_INVALID_CREDIT_CODE';
  if (field === 'scheme') return 'ROW_UNKNOWN_SCHEME';
  if (field === 'status') return 'ROW_UNKNOWN_STATUS';
  if (DATE_FIELDS.has(field)) return 'ROW_INVALID_DATE';
  return 'ROW_INVALID_VALUE';
}

/** What a schema issue says, in both languages. */
function issueText(issue: z.core.$ZodIssue, code: RowErrorCode, value: unknown): Bilingual {
  switch (code) {
    case 'ROW_MISSING_FIELD':
      return ROW_TEXT.empty();
    case 'ROW_EXPIRY_BEFORE_ISSUE':
      return ROW_TEXT.expiryBeforeIssue();
    case 'ROW_INVALID_CREDIT_CODE':
      return ROW_TEXT.invalidCreditCode();
    case 'ROW_UNKNOWN_SCHEME':
      return ROW_TEXT.unknownScheme(String(value));
    case 'ROW_UNKNOWN_STATUS':
      return ROW_TEXT.unknownStatus(String(value));
    case 'ROW_INVALID_DATE':
      return ROW_TEXT.notADate(String(value));
    default:
      break;
  }
  if (issue.code === 'too_big') {
    const max = Number(issue.maximum);
    return issue.origin === 'array' ? ROW_TEXT.tooMany(max) : ROW_TEXT.tooLong(max);
  }
  if (issue.code === 'too_small' && issue.origin === 'number') return ROW_TEXT.notPositive();
  if (issue.code === 'too_small') return ROW_TEXT.empty();
  if (issue.message.includes('control or invisible')) return ROW_TEXT.forbiddenCharacters();
  if (issue.path.join('.') === 'audit.type') return ROW_TEXT.auditType();
  if (code === 'ROW_INVALID_NUMBER') return ROW_TEXT.invalidNumber();
  return ROW_TEXT.invalidValue(issue.message);
}

/** Scope breaches (certificates/certificate-scope.ts) in both languages. */
function breachText(breach: ScopeBreach, data: ScopedData, body: Body): Bilingual {
  switch (breach.kind) {
    case 'scheme':
      return ROW_TEXT.schemeOutOfScope(data.scheme, body.code, body.approvedSchemes);
    case 'industry-codes':
      return ROW_TEXT.industryCodesOutOfScope(breach.codes ?? [], body.code);
    case 'approval': {
      const approval = approvalOn(body, data.issueDate);
      const since = 'since' in approval ? approval.since : undefined;
      return ROW_TEXT.approvalNotInForce(data.issueDate, body.code, approval.status, since);
    }
  }
}

type ScopedData = Pick<CertificateData, 'scheme' | 'industryCodes' | 'issueDate'>;

/** Scope checks (certificates/certificate-scope.ts): each breach a row error, in both languages. */
function scopeErrors(data: ScopedData, body: Body, row: number, parsed: ParsedRow): RowError[] {
  return scopeBreaches(body, data).map((breach) =>
    rowError(
      row,
      breach.field,
      'ROW_OUT_OF_SCOPE',
      aboutColumn(columnName(breach.field, parsed.headers ?? NO_HEADERS), breachText(breach, data, body)),
      { header: parsed.headers?.get(breach.field) },
    ),
  );
}

/** The attempt a row outside the body's scope makes, kept for the risk signals. */
function refusedOf(data: CertificateData, body: Body, row: number): RefusedRow | undefined {
  const breaches = scopeBreaches(body, data);
  if (breaches.length === 0) return undefined;
  return {
    row,
    kinds: breaches.map((b) => b.kind),
    number: data.number,
    scheme: data.scheme,
    industryCodes: data.industryCodes ?? [],
    issueDate: data.issueDate,
    holder: { name: data.holder.name, creditCode: data.holder.creditCode },
  };
}

const NO_HEADERS: ReadonlyMap<string, string> = new Map();

/** The longest message and number a row error keeps: a file's cell can be a megabyte of text. */
const MAX_MESSAGE_CHARS = 500;
const MAX_NUMBER_CHARS = 100;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * Checks one parsed row for `body` (see checkRowFully), with at most MAX_ERRORS_PER_ROW errors, each
 * message and number clipped, so that a batch in memory stays small whatever the cells hold.
 */
export function checkRow(parsed: ParsedRow, body: Body): CheckedRow {
  const checked = checkRowFully(parsed, body);
  if (checked.errors.length > MAX_ERRORS_PER_ROW) checked.errors.length = MAX_ERRORS_PER_ROW;
  for (const e of checked.errors) {
    if (e.message.length > MAX_MESSAGE_CHARS) e.message = clip(e.message, MAX_MESSAGE_CHARS);
    if (e.messageZh !== undefined && e.messageZh.length > MAX_MESSAGE_CHARS)
      e.messageZh = clip(e.messageZh, MAX_MESSAGE_CHARS);
    if (e.header !== undefined && e.header.length > MAX_NUMBER_CHARS)
      e.header = clip(e.header, MAX_NUMBER_CHARS);
    if (e.number !== undefined && e.number.length > MAX_NUMBER_CHARS)
      e.number = clip(e.number, MAX_NUMBER_CHARS);
  }
  if (parsed.headers) checked.headers = parsed.headers;
  return checked;
}

/**
 * Whether the 认证机构 cell names `body` itself: its code or CNCA approval number (compared as identifiers:
 * width, case, spaces) or its name, Chinese or English (compared folded: width, case, spaces and
 * punctuation such as （） ignored). Only compared: the cell's text is not kept.
 */
export function namesOwnBody(named: string, body: Body): boolean {
  const id = normalizeIdentifier(named);
  if (id === '') return true;
  if (id === body.code || id === normalizeIdentifier(body.approvalNumber)) return true;
  const folded = foldName(named);
  return [body.name, body.nameEn].some(
    (name) => name !== undefined && name !== '' && foldName(name) === folded,
  );
}

/**
 * Checks one parsed row for `body`: the body it names, the certificate schema, the fields a status change
 * needs, the status date against the issue date, and the body's approved scope. Every problem found is
 * reported (not just the first), each once per field; the parser's own findings come first and are not
 * repeated. A row of another body is not checked against this body's scope.
 */
function checkRowFully(parsed: ParsedRow, body: Body): CheckedRow {
  const { row } = parsed;
  const input = parsed.input;
  const headers = parsed.headers ?? NO_HEADERS;
  const rawNumber = typeof input?.number === 'string' ? normalizeIdentifier(input.number) : '';
  const givenNumber = rawNumber === '' ? undefined : rawNumber;
  const errors: RowError[] = parsed.errors.map((e) =>
    e.number === undefined && givenNumber !== undefined ? { ...e, number: givenNumber } : { ...e },
  );
  if (!input) {
    if (errors.length === 0) errors.push(rowError(row, '', 'ROW_MALFORMED', ROW_TEXT.unreadable()));
    return { row, errors };
  }
  const fail = (field: string, code: RowErrorCode, text: Bilingual) =>
    errors.push(
      rowError(row, field, code, aboutColumn(columnName(field, headers), text), {
        header: headers.get(field),
        number: givenNumber,
      }),
    );

  // The body comes from the token. A row may name it (files list several bodies' certificates, or the
  // body's own name, code or approval number), but only its own: a row of another body is rejected,
  // never written under this body's name.
  const named = typeof input.bodyCode === 'string' ? input.bodyCode : '';
  const otherBody = !namesOwnBody(named, body);
  if (otherBody) fail('bodyCode', 'ROW_OTHER_BODY', ROW_TEXT.otherBody(named.trim(), body.code, body.name));

  const reported = new Set(errors.map((e) => e.field));
  const result = certificateInputSchema.safeParse({ ...input, bodyCode: body.code });
  let numberOk = givenNumber !== undefined && !reported.has('number');
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path.map(String).join('.');
      if (field === 'number') numberOk = false;
      if (reported.has(field)) continue;
      reported.add(field);
      const value = valueAt(input, issue.path);
      const code = codeOf(issue, field, isMissing(value));
      fail(field, code, issueText(issue, code, value));
    }
  }
  const data = result.success ? result.data : undefined;
  const status = data?.status ?? (typeof input.status === 'string' ? input.status : 'valid');
  if (status !== 'valid') {
    // A status change must say when and why: the public page shows both (DOMAIN: "revoked, on date X, because Y").
    for (const field of ['statusDate', 'statusReason'] as const) {
      if (isMissing(input[field]) && !reported.has(field)) {
        reported.add(field);
        fail(field, 'ROW_MISSING_FIELD', ROW_TEXT.requiredForStatus(status));
      }
    }
  }
  const issueDate = isoOrUndefined(input.issueDate, reported.has('issueDate'));
  const statusDate = isoOrUndefined(input.statusDate, reported.has('statusDate'));
  if (issueDate && statusDate && statusDate < issueDate) {
    reported.add('statusDate');
    fail('statusDate', 'ROW_STATUS_DATE_BEFORE_ISSUE', ROW_TEXT.statusDateBeforeIssue(statusDate, issueDate));
  }
  // Scope: against what could be read, so that a row with a bad date still hears of its scheme.
  let refused: RefusedRow | undefined;
  if (!otherBody) {
    const scheme = typeof input.scheme === 'string' && !reported.has('scheme') ? input.scheme : undefined;
    if (data) {
      errors.push(...scopeErrors(data, body, row, parsed).map((e) => ({ ...e, number: data.number })));
      refused = refusedOf(data, body, row);
    } else if (scheme && findScheme(scheme)) {
      const industryCodes = reported.has('industryCodes')
        ? undefined
        : (input.industryCodes as string[] | undefined);
      const scoped = { scheme, industryCodes, issueDate: issueDate ?? '' };
      const breaches = scopeErrors(scoped, body, row, parsed).filter(
        (e) => issueDate || e.field !== 'issueDate',
      );
      errors.push(...breaches.map((e) => (givenNumber ? { ...e, number: givenNumber } : e)));
    }
  }
  const number = numberOk ? (data?.number ?? givenNumber) : undefined;
  if (errors.length === 0 && data) return { row, number: data.number, data, errors };
  return refused ? { row, number, refused, errors } : { row, number, errors };
}

/** A field's date as read (YYYY-MM-DD), unless it was reported as bad. */
function isoOrUndefined(value: unknown, bad: boolean): string | undefined {
  return !bad && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
}
