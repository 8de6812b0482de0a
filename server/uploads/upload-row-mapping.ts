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
import { AUDIT_FIELDS, columnLabel, columnOf, UPLOAD_COLUMNS, type UploadColumn } from './upload-columns';
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

/**
 * Maps one row's entries to a certificate report (CertificateInput shape, still to be validated by the
 * schema): the values each column's kind reads, plus a row error for every cell that cannot be read and
 * every required field left empty. A row with errors carries no `input`.
 */
export function mapRow(row: number, entries: Iterable<RowEntry>, context: RowContext = {}): ParsedRow {
  const input: Record<string, unknown> = {};
  const errors: RowError[] = [];
  const given = new Set<string>();
  let numberText: string | undefined;
  const fail = (entry: RowEntry, code: RowErrorCode, message: string, field = entry.column.field) =>
    errors.push({ row, field, code, message: `${entry.label}: ${message}` });

  for (const entry of entries) {
    const { column, value } = entry;
    if (isBlank(value)) continue;
    given.add(column.field);
    const text = textOf(value);
    if (text !== undefined && text.charCodeAt(0) === 0x23 && EXCEL_ERROR.test(text)) {
      fail(entry, 'ROW_INVALID_VALUE', `the cell shows the Excel error ${text}`);
      continue;
    }
    switch (column.kind) {
      case 'identifier':
        if (typeof value === 'number' && !Number.isSafeInteger(value)) {
          fail(
            entry,
            'ROW_INVALID_VALUE',
            `${value} was stored by Excel as a number and has lost digits; format the column as text`,
          );
        } else if (text === undefined) {
          fail(entry, 'ROW_INVALID_VALUE', 'expected text');
        } else {
          setPath(input, column.field, text);
          if (column.field === 'number') numberText = text;
        }
        break;
      case 'text':
        if (text === undefined) fail(entry, 'ROW_INVALID_VALUE', 'expected text');
        else setPath(input, column.field, text);
        break;
      case 'date': {
        const iso = parseDateValue(value as CellValue, context.date1904);
        if (iso) setPath(input, column.field, iso);
        else
          fail(
            entry,
            'ROW_INVALID_DATE',
            `"${text ?? String(value)}" is not a date (write 2024-03-05, 2024/3/5, 2024.3.5 or 2024年3月5日, or use an Excel date cell)`,
          );
        break;
      }
      case 'dateRange': {
        const range = parseDateRange(value as CellValue, context.date1904);
        if (range) {
          if (!given.has('audit.startDate')) setPath(input, 'audit.startDate', range[0]);
          if (!given.has('audit.endDate')) setPath(input, 'audit.endDate', range[1]);
        } else
          fail(
            entry,
            'ROW_INVALID_DATE',
            `"${text ?? String(value)}" is not a date or a range like 2024-03-01至2024-03-03`,
          );
        break;
      }
      case 'status': {
        const status = text === undefined ? undefined : parseStatusValue(text);
        if (status) setPath(input, column.field, status);
        else
          fail(
            entry,
            'ROW_UNKNOWN_STATUS',
            `"${text ?? ''}" is not a status (有效/valid, 暂停/suspended, 撤销/revoked, 注销/withdrawn, 过期/expired)`,
          );
        break;
      }
      case 'scheme': {
        const scheme = text === undefined ? undefined : findSchemeByName(text);
        if (scheme) setPath(input, column.field, scheme.code);
        else fail(entry, 'ROW_UNKNOWN_SCHEME', `"${text ?? ''}" is not a known certification scheme`);
        break;
      }
      case 'number': {
        const n = parseManDays(value as CellValue);
        if (n !== undefined) setPath(input, column.field, n);
        else fail(entry, 'ROW_INVALID_NUMBER', `"${text ?? ''}" is not a number`);
        break;
      }
      case 'count': {
        const n = parseCount(value as CellValue);
        if (n !== undefined) setPath(input, column.field, n);
        else fail(entry, 'ROW_INVALID_NUMBER', `"${text ?? ''}" is not a whole number`);
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
          else
            fail(
              entry,
              'ROW_INVALID_VALUE',
              `"${parsed.invalid}" has no registration number; write each auditor as 张伟(2025-N1QMS-1234567), separated by ;`,
            );
        }
        break;
    }
  }

  for (const column of UPLOAD_COLUMNS) {
    if (column.required && !given.has(column.field)) {
      errors.push({
        row,
        field: column.field,
        code: 'ROW_MISSING_FIELD',
        message: `${columnLabel(column)} is empty`,
      });
    }
  }
  // An audit is all or nothing: dates and man-days come with it, or the audit checks have nothing to go on.
  const hasAudit = [...given].some((f) => AUDIT_FIELDS.has(f));
  if (hasAudit) {
    const hasDates = given.has('audit.dates') || (given.has('audit.startDate') && given.has('audit.endDate'));
    if (!hasDates) {
      for (const field of ['audit.startDate', 'audit.endDate']) {
        if (!given.has(field)) {
          errors.push({
            row,
            field,
            code: 'ROW_MISSING_FIELD',
            message: `${columnLabel(columnOf(field))} is empty, but the row names an audit`,
          });
        }
      }
    }
    if (!given.has('audit.manDays')) {
      errors.push({
        row,
        field: 'audit.manDays',
        code: 'ROW_MISSING_FIELD',
        message: `${columnLabel(columnOf('audit.manDays'))} is empty, but the row names an audit`,
      });
    }
  }
  if (errors.length > 0) {
    if (numberText !== undefined) for (const e of errors) e.number = numberText;
    return { row, errors };
  }
  return { row, input, errors };
}

/** True when every cell of a row is empty (a blank line, or a spreadsheet row with only formatting). */
export function isBlankRow(cells: readonly unknown[]): boolean {
  return cells.every(isBlank);
}
