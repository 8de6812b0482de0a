/**
 * Reading the auditor register's export (CSV or XLSX) through the upload parsers (csv-parser.ts,
 * xlsx-parser.ts read the file; this table finds the header and maps each row). The shape is the CCAA
 * register's: one row per registration, with 姓名, 注册号 (or 注册证书号/证书编号), 注册领域 (the
 * schemes, several separated by ; , 、 or new lines), 注册级别 (optional), and the validity, as two
 * dates (发证日期/有效期起 and 有效期至) or one range ("2023-01-01 至 2026-01-01").
 */
import { AppError } from '../platform/errors';
import { hasForbiddenCharacters, normalizeText } from '../platform/normalize';
import { findSchemeByName } from '../schemes/schemes';
import { parseDateRange, parseDateValue, splitList, type CellValue } from '../uploads/upload-cells';
import { normalizeHeader } from '../uploads/upload-columns';
import { isBlankRow } from '../uploads/upload-row-mapping';
import { EMPTY_FILE, MAX_TITLE_ROWS, type RowTable, type SheetRow } from '../uploads/upload-table';
import {
  REGISTRATION_NUMBER_PATTERN,
  normalizeRegistrationNumber,
  type AuditorRowError,
} from './auditor-schema';
import { rowErrorText } from './auditor-texts';

type Field = 'registrationNumber' | 'name' | 'schemes' | 'level' | 'validFrom' | 'validTo' | 'validity';

/** Header texts of each column (Chinese as the register prints them, English, the field name). */
const COLUMNS: Readonly<Record<Field, readonly string[]>> = {
  registrationNumber: [
    '注册号',
    '注册证书号',
    '注册证书编号',
    '注册编号',
    '审核员注册号',
    '证书编号',
    'Registration number',
    'Registration no',
    'Reg no',
  ],
  name: ['姓名', '人员姓名', '审核员姓名', 'Name', 'Auditor name'],
  schemes: [
    '注册领域',
    '注册专业',
    '专业领域',
    '认证领域',
    '资格领域',
    '领域',
    'Schemes',
    'Qualified schemes',
    'Fields',
    'Scheme',
  ],
  level: ['注册级别', '级别', '资格级别', '注册资格', 'Level', 'Grade'],
  validFrom: ['有效期起', '有效期开始', '发证日期', '注册日期', '生效日期', 'Valid from', 'Issue date'],
  validTo: [
    '有效期至',
    '有效期止',
    '有效期截止',
    '截止日期',
    '到期日期',
    'Valid to',
    'Valid until',
    'Expiry date',
  ],
  validity: ['有效期', '有效期限', 'Validity', 'Valid'],
};

const BY_HEADER = new Map<string, Field>();
for (const [field, aliases] of Object.entries(COLUMNS) as [Field, readonly string[]][]) {
  for (const alias of [field, ...aliases]) BY_HEADER.set(normalizeHeader(alias), field);
}

function fieldOf(header: string): Field | undefined {
  const whole = BY_HEADER.get(normalizeHeader(header));
  if (whole) return whole;
  for (const part of header.split(/[\n/|]+/)) {
    const field = BY_HEADER.get(normalizeHeader(part));
    if (field) return field;
  }
  return undefined;
}

/** What a usable header needs, as a person reads it. */
const REQUIRED_LABELS = {
  registrationNumber: '注册号 (Registration number)',
  name: '姓名 (Name)',
  schemes: '注册领域 (Schemes)',
  validity: '有效期起 + 有效期至, or 有效期 (Valid from + Valid to, or Validity)',
};

interface Mapping {
  columns: Map<Field, number>;
  missing: string[];
}

function mapHeader(cells: readonly CellValue[]): Mapping {
  const columns = new Map<Field, number>();
  cells.forEach((cell, index) => {
    const text = typeof cell === 'string' ? cell.trim() : '';
    const field = text === '' ? undefined : fieldOf(text);
    if (field && !columns.has(field)) columns.set(field, index);
  });
  const missing: string[] = [];
  if (!columns.has('registrationNumber')) missing.push(REQUIRED_LABELS.registrationNumber);
  if (!columns.has('name')) missing.push(REQUIRED_LABELS.name);
  if (!columns.has('schemes')) missing.push(REQUIRED_LABELS.schemes);
  if (!columns.has('validity') && !(columns.has('validFrom') && columns.has('validTo'))) {
    missing.push(REQUIRED_LABELS.validity);
  }
  return { columns, missing };
}

/** One registration as read from a row (validated), ready to store. */
export interface RegisterEntry {
  registrationNumber: string;
  name: string;
  schemes: string[];
  level?: string;
  validFrom: string;
  validTo: string;
}

/** A data row of the register: the entry, or why it cannot be one. */
export interface RegisterRow {
  row: number;
  entry?: RegisterEntry;
  errors: AuditorRowError[];
}

const cellText = (value: CellValue): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).trim();
};

/** The register's table (RowTable for parseCsvTable / parseXlsxTable). */
export class AuditorRegisterTable implements RowTable<RegisterRow> {
  private mapping: Mapping | undefined;
  private best: Mapping | undefined;
  private seen = 0;
  private dataRows = 0;
  gaveUp = false;

  constructor(private readonly date1904 = false) {}

  get sawRows(): boolean {
    return this.seen > 0;
  }

  get headerFound(): boolean {
    return this.mapping !== undefined;
  }

  headerScore(): number {
    return this.best?.columns.size ?? -1;
  }

  accept({ row, cells }: SheetRow): RegisterRow | undefined {
    if (isBlankRow(cells)) return undefined;
    if (!this.mapping) {
      this.seen += 1;
      const candidate = mapHeader(cells);
      if (candidate.missing.length === 0) this.mapping = candidate;
      else {
        if (!this.best || candidate.columns.size > this.best.columns.size) this.best = candidate;
        if (this.seen > MAX_TITLE_ROWS) this.gaveUp = true;
      }
      return undefined;
    }
    this.dataRows += 1;
    return this.mapRow(row, this.mapping, cells);
  }

  failure(): AppError | undefined {
    if (!this.mapping) {
      if (this.seen === 0) return EMPTY_FILE();
      const missing = this.best?.missing ?? Object.values(REQUIRED_LABELS);
      return new AppError(
        'AUDITOR_REGISTER_MISSING_COLUMNS',
        `No header row of the auditor register found in the first ${MAX_TITLE_ROWS + 1} rows; missing: ${missing.join('; ')}`,
        { details: { missing } },
      );
    }
    return this.dataRows === 0
      ? new AppError('UPLOAD_EMPTY', 'The file has a header row but no data rows')
      : undefined;
  }

  private mapRow(row: number, mapping: Mapping, cells: readonly CellValue[]): RegisterRow {
    const errors: AuditorRowError[] = [];
    const cell = (field: Field): CellValue => {
      const index = mapping.columns.get(field);
      return index === undefined ? undefined : cells[index];
    };
    const fail = (
      field: string,
      code: AuditorRowError['code'],
      value?: string,
      registrationNumber?: string,
    ) =>
      errors.push({
        row,
        field,
        code,
        message: rowErrorText(code, field, value),
        ...(registrationNumber ? { registrationNumber } : {}),
      });

    const rawNumber = cellText(cell('registrationNumber'));
    const registrationNumber = normalizeRegistrationNumber(rawNumber);
    const written = rawNumber || undefined;
    if (rawNumber === '') fail('registrationNumber', 'AUDITOR_ROW_MISSING_FIELD');
    else if (hasForbiddenCharacters(rawNumber) || !REGISTRATION_NUMBER_PATTERN.test(registrationNumber)) {
      fail('registrationNumber', 'AUDITOR_ROW_INVALID_NUMBER', rawNumber, written);
    }

    const rawName = cellText(cell('name'));
    const name = normalizeText(rawName);
    if (name === '') fail('name', 'AUDITOR_ROW_MISSING_FIELD', undefined, written);
    else if (hasForbiddenCharacters(rawName) || name.length > 100) {
      fail('name', 'AUDITOR_ROW_INVALID_TEXT', undefined, written);
    }

    const schemes = new Set<string>();
    const schemeText = cellText(cell('schemes'));
    if (schemeText === '') fail('schemes', 'AUDITOR_ROW_MISSING_FIELD', undefined, written);
    for (const part of splitList(schemeText)) {
      const scheme = findSchemeByName(part);
      if (scheme) schemes.add(scheme.code);
      else fail('schemes', 'AUDITOR_ROW_UNKNOWN_SCHEME', part, written);
    }

    const levelText = normalizeText(cellText(cell('level')));
    if (hasForbiddenCharacters(levelText) || levelText.length > 50) {
      fail('level', 'AUDITOR_ROW_INVALID_TEXT', undefined, written);
    }

    let validFrom: string | undefined;
    let validTo: string | undefined;
    const range = cell('validity');
    if (mapping.columns.has('validity') && cellText(range) !== '') {
      const dates = parseDateRange(range, this.date1904);
      if (dates && dates[0] !== dates[1]) [validFrom, validTo] = dates;
      else fail('validity', 'AUDITOR_ROW_INVALID_DATE', cellText(range), written);
    }
    for (const field of ['validFrom', 'validTo'] as const) {
      if (!mapping.columns.has(field) || (validFrom && validTo)) continue;
      const value = cell(field);
      if (cellText(value) === '') {
        if (!mapping.columns.has('validity') || cellText(range) === '') {
          fail(field, 'AUDITOR_ROW_MISSING_FIELD', undefined, written);
        }
        continue;
      }
      const date = parseDateValue(value, this.date1904);
      if (!date) fail(field, 'AUDITOR_ROW_INVALID_DATE', cellText(value), written);
      else if (field === 'validFrom') validFrom = date;
      else validTo = date;
    }
    if (!validFrom && !validTo && !mapping.columns.has('validFrom') && cellText(range) === '') {
      fail('validity', 'AUDITOR_ROW_MISSING_FIELD', undefined, written);
    }
    if (validFrom && validTo && validTo < validFrom) {
      fail('validTo', 'AUDITOR_ROW_VALIDITY_REVERSED', `${validFrom} > ${validTo}`, written);
    }

    if (errors.length > 0 || !validFrom || !validTo) return { row, errors };
    return {
      row,
      errors,
      entry: {
        registrationNumber,
        name,
        schemes: [...schemes].sort(),
        ...(levelText ? { level: levelText } : {}),
        validFrom,
        validTo,
      },
    };
  }
}
