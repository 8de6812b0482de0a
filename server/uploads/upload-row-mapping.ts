/** One upload row, mapped through the column table into a certificate report or that row's errors. */
import { toHalfWidth } from '../platform/normalize';
import { findSchemeByName } from '../schemes/schemes';
import {
  EXCEL_ERROR,
  isoDateOfDate,
  parseAuditors,
  parseCount,
  parseDateRange,
  parseDateValue,
  parseManDays,
  parseStatusValue,
  splitList,
  type CellValue,
} from './upload-cells';
import { AUDIT_FIELDS, UPLOAD_COLUMNS, type UploadColumn } from './upload-columns';
import { aboutColumn, ROW_TEXT, rowError, type Bilingual, type ColumnName } from './upload-row-texts';
import type { ParsedRow, RowError, RowErrorCode } from './upload-schema';

/** One value of a row on its way to a field: the column, the raw value, and what the file calls it. */
export interface RowEntry {
  column: UploadColumn;
  value: unknown;
  /** The header or key as written in the file, for messages. */
  label: string;
}

/** Options of the row mapper that depend on the file, not the row. */
export interface RowContext {
  /** The workbook counts days from 1904 (old Mac Excel). */
  date1904?: boolean;
  /** Each field's header as the file writes it, when the same for every row (CSV, XLSX): built once. */
  headers?: ReadonlyMap<string, string>;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const dot = path.indexOf('.');
  if (dot < 0) {
    target[path] = value;
    return;
  }
  const head = path.slice(0, dot);
  const child = (target[head] ??= {}) as Record<string, unknown>;
  child[path.slice(dot + 1)] = value;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return isoDateOfDate(value);
  return undefined;
}

const isBlank = (value: unknown) =>
  value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

/** A field's column as a message names it: the header the file gives it, else the template's. */
export function columnName(field: string, headers: ReadonlyMap<string, string>): ColumnName {
  const written = headers.get(field);
  if (written !== undefined) return written;
  const column = UPLOAD_COLUMNS.find((c) => c.field === field);
  return column ? { zh: column.zh[0] as string, en: column.en[0] as string } : field;
}

/**
 * Maps one row's entries to a certificate report (CertificateInput shape, still to be validated by the
 * schema): the values each column's kind reads, plus a row error for every cell that cannot be read and
 * every required field left empty, each naming the column as the file writes it. `input` holds what
 * could be read even when there are errors, so that the checks after this one still find the row's
 * other problems; `headers` maps each field to the header the file gives it.
 */
export function mapRow(row: number, entries: Iterable<RowEntry>, context: RowContext = {}): ParsedRow {
  const input: Record<string, unknown> = {};
  const errors: RowError[] = [];
  const given = new Set<string>();
  // NDJSON keys differ per line: their headers are collected here; CSV and XLSX share one map.
  const own = context.headers ? undefined : new Map<string, string>();
  const headers: ReadonlyMap<string, string> = context.headers ?? (own as Map<string, string>);
  let numberText: string | undefined;
  const fail = (entry: RowEntry, code: RowErrorCode, text: Bilingual) =>
    errors.push(
      rowError(row, entry.column.field, code, aboutColumn(entry.label, text), { header: entry.label }),
    );

  for (const entry of entries) {
    const { column, value } = entry;
    if (own && !own.has(column.field)) own.set(column.field, entry.label);
    if (isBlank(value)) continue;
    given.add(column.field);
    const text = textOf(value);
    if (text !== undefined && text.charCodeAt(0) === 0x23 && EXCEL_ERROR.test(text)) {
      fail(entry, 'ROW_EXCEL_ERROR', ROW_TEXT.excelError(text));
      continue;
    }
    const shown = text ?? String(value);
    switch (column.kind) {
      case 'identifier':
        if (typeof value === 'number' && !Number.isSafeInteger(value)) {
          fail(entry, 'ROW_INVALID_VALUE', ROW_TEXT.lostDigits(value));
        } else if (text === undefined) {
          fail(entry, 'ROW_INVALID_VALUE', ROW_TEXT.expectedText());
        } else {
          setPath(input, column.field, text);
          if (column.field === 'number') numberText = text;
        }
        break;
      case 'text':
        if (text === undefined) fail(entry, 'ROW_INVALID_VALUE', ROW_TEXT.expectedText());
        else setPath(input, column.field, text);
        break;
      case 'date': {
        const iso = parseDateValue(value as CellValue, context.date1904);
        if (iso) setPath(input, column.field, iso);
        else fail(entry, 'ROW_INVALID_DATE', ROW_TEXT.notADate(shown));
        break;
      }
      case 'dateRange': {
        const range = parseDateRange(value as CellValue, context.date1904);
        if (range) {
          if (!given.has('audit.startDate')) setPath(input, 'audit.startDate', range[0]);
          if (!given.has('audit.endDate')) setPath(input, 'audit.endDate', range[1]);
        } else fail(entry, 'ROW_INVALID_DATE', ROW_TEXT.notADateRange(shown));
        break;
      }
      case 'status': {
        const status = text === undefined ? undefined : parseStatusValue(text);
        if (status) setPath(input, column.field, status);
        else fail(entry, 'ROW_UNKNOWN_STATUS', ROW_TEXT.unknownStatus(text ?? ''));
        break;
      }
      case 'scheme': {
        const scheme = text === undefined ? undefined : findSchemeByName(text);
        if (scheme) setPath(input, column.field, scheme.code);
        else fail(entry, 'ROW_UNKNOWN_SCHEME', ROW_TEXT.unknownScheme(text ?? ''));
        break;
      }
      case 'number': {
        const n = parseManDays(value as CellValue);
        if (n !== undefined) setPath(input, column.field, n);
        else fail(entry, 'ROW_INVALID_NUMBER', ROW_TEXT.notANumber(text ?? ''));
        break;
      }
      case 'count': {
        const n = parseCount(value as CellValue);
        if (n !== undefined) setPath(input, column.field, n);
        else fail(entry, 'ROW_INVALID_NUMBER', ROW_TEXT.notAWholeNumber(text ?? ''));
        break;
      }
      case 'list':
        if (Array.isArray(value)) setPath(input, column.field, value);
        else if (text !== undefined) setPath(input, column.field, splitList(text));
        break;
      case 'sites':
        if (Array.isArray(value)) setPath(input, column.field, value);
        else if (text !== undefined) {
          const addresses = toHalfWidth(text)
            .split(/[;\n\r]+/)
            .map((a) => a.trim())
            .filter((a) => a !== '');
          setPath(
            input,
            column.field,
            addresses.map((address) => ({ address })),
          );
        }
        break;
      case 'auditors':
        if (Array.isArray(value)) setPath(input, column.field, value);
        else if (text !== undefined) {
          const parsed = parseAuditors(text);
          if ('auditors' in parsed) setPath(input, column.field, parsed.auditors);
          else fail(entry, 'ROW_INVALID_VALUE', ROW_TEXT.auditorWithoutNumber(parsed.invalid));
        }
        break;
    }
  }

  const missing = (field: string, text: Bilingual) => {
    const header = headers.get(field);
    errors.push(
      rowError(row, field, 'ROW_MISSING_FIELD', aboutColumn(columnName(field, headers), text), { header }),
    );
  };
  for (const column of UPLOAD_COLUMNS) {
    if (column.required && !given.has(column.field)) missing(column.field, ROW_TEXT.empty());
  }
  // An audit is all or nothing: dates and man-days come with it, or the audit checks have nothing to go on.
  const hasAudit = [...given].some((f) => AUDIT_FIELDS.has(f));
  if (hasAudit) {
    const hasDates = given.has('audit.dates') || (given.has('audit.startDate') && given.has('audit.endDate'));
    if (!hasDates) {
      for (const field of ['audit.startDate', 'audit.endDate']) {
        if (!given.has(field)) missing(field, ROW_TEXT.emptyWithAudit());
      }
    }
    if (!given.has('audit.manDays')) missing('audit.manDays', ROW_TEXT.emptyWithAudit());
  }
  if (numberText !== undefined) for (const e of errors) e.number = numberText;
  return { row, input, errors, headers };
}

/** True when every cell of a row is empty (a blank line, or a spreadsheet row with only formatting). */
export function isBlankRow(cells: readonly unknown[]): boolean {
  return cells.every(isBlank);
}
