import type { z } from 'zod';
import type { Body } from '../bodies/body-schema';
import { scopeBreaches, type ScopeBreach } from '../certificates/certificate-scope';
import { certificateInputSchema, type CertificateData } from '../certificates/certificate-schema';
import { normalizeIdentifier } from '../platform/normalize';
import { columnLabel, UPLOAD_COLUMNS } from './upload-columns';
import type { ParsedRow, RowError, RowErrorCode } from './upload-schema';

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
  /** `data.status`, kept beside `json` for the checks against the registry. */
  status?: CertificateData['status'];
  /** The row's attempt outside the body's scope, when it was refused for that. */
  refused?: RefusedRow;
  errors: RowError[];
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

const LABELS = new Map(UPLOAD_COLUMNS.map((c) => [c.field, columnLabel(c)]));

/** A field as the uploader knows it: its template column ("统一社会信用代码 (Credit code)"), else its path. */
export function fieldLabel(field: string): string {
  return LABELS.get(field) ?? field;
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

/** Scope checks (certificates/certificate-scope.ts): each breach a row error, and the attempt they make. */
function scopeErrors(
  data: CertificateData,
  body: Body,
  row: number,
): { errors: RowError[]; refused?: RefusedRow } {
  const breaches = scopeBreaches(body, data);
  if (breaches.length === 0) return { errors: [] };
  const errors = breaches.map(({ field, message }): RowError => ({
    row,
    field,
    code: 'ROW_OUT_OF_SCOPE',
    message,
    number: data.number,
  }));
  const refused: RefusedRow = {
    row,
    kinds: breaches.map((b) => b.kind),
    number: data.number,
    scheme: data.scheme,
    industryCodes: data.industryCodes ?? [],
    issueDate: data.issueDate,
    holder: { name: data.holder.name, creditCode: data.holder.creditCode },
  };
  return { errors, refused };
}

/** The longest message and number a row error keeps: a file's cell can be a megabyte of text. */
const MAX_MESSAGE_CHARS = 500;
const MAX_NUMBER_CHARS = 100;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * Checks one parsed row for `body` (see checkRowFully), with every error's message and number clipped, so
 * that a batch in memory stays small whatever the cells hold.
 */
export function checkRow(parsed: ParsedRow, body: Body): CheckedRow {
  const checked = checkRowFully(parsed, body);
  for (const e of checked.errors) {
    if (e.message.length > MAX_MESSAGE_CHARS) e.message = clip(e.message, MAX_MESSAGE_CHARS);
    if (e.number !== undefined && e.number.length > MAX_NUMBER_CHARS)
      e.number = clip(e.number, MAX_NUMBER_CHARS);
  }
  return checked;
}

/**
 * Checks one parsed row for `body`: the body it names, the certificate schema, the fields a status change
 * needs, and the body's approved scope. Every problem found is reported (not just the first), each once
 * per field; the parser's own findings come first and are not repeated.
 */
function checkRowFully(parsed: ParsedRow, body: Body): CheckedRow {
  const { row } = parsed;
  const input = parsed.input;
  const rawNumber = typeof input?.number === 'string' ? normalizeIdentifier(input.number) : '';
  const givenNumber = rawNumber === '' ? undefined : rawNumber;
  const errors: RowError[] = parsed.errors.map((e) =>
    e.number === undefined && givenNumber !== undefined ? { ...e, number: givenNumber } : { ...e },
  );
  if (!input) {
    if (errors.length === 0) {
      errors.push({ row, field: '', code: 'ROW_MALFORMED', message: 'the row could not be read' });
    }
    return { row, errors };
  }

  // The body comes from the token. A row may name it (files list several bodies' certificates), but
  // only its own: a row of another body is rejected whole, never written under this body's name.
  const named = typeof input.bodyCode === 'string' ? normalizeIdentifier(input.bodyCode) : '';
  if (named !== '' && named !== body.code) {
    errors.push({
      row,
      field: 'bodyCode',
      code: 'ROW_OTHER_BODY',
      message: `the row is a certificate of body ${named}; this token reports for ${body.code} only`,
      number: givenNumber,
    });
    return { row, errors };
  }

  const reported = new Set(errors.map((e) => e.field));
  const result = certificateInputSchema.safeParse({ ...input, bodyCode: body.code });
  if (!result.success) {
    let numberOk = true;
    for (const issue of result.error.issues) {
      const field = issue.path.map(String).join('.');
      if (field === 'number') numberOk = false;
      if (reported.has(field)) continue;
      reported.add(field);
      const missing = isMissing(valueAt(input, issue.path));
      errors.push({
        row,
        field,
        code: codeOf(issue, field, missing),
        message: missing ? `${fieldLabel(field)} is empty` : `${fieldLabel(field)}: ${issue.message}`,
        number: givenNumber,
      });
    }
    return { row, number: numberOk ? givenNumber : undefined, errors };
  }

  const data = result.data;
  if (data.status !== 'valid') {
    // A status change must say when and why: the public page shows both (DOMAIN: "revoked, on date X, because Y").
    for (const field of ['statusDate', 'statusReason'] as const) {
      if (data[field] === undefined && !reported.has(field)) {
        errors.push({
          row,
          field,
          code: 'ROW_MISSING_FIELD',
          message: `${fieldLabel(field)} is required when the status is ${data.status}`,
          number: data.number,
        });
      }
    }
  }
  const scope = scopeErrors(data, body, row);
  errors.push(...scope.errors);
  if (errors.length === 0) return { row, number: data.number, data, errors };
  return scope.refused
    ? { row, number: data.number, refused: scope.refused, errors }
    : { row, number: data.number, errors };
}
