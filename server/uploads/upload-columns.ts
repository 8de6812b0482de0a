/**
 * The column table of certificate uploads: which header texts (Chinese, English, canonical) name which
 * field of a certificate report, which are required, and how a cell's text becomes the field's value.
 * CSV and XLSX map their header row through it; NDJSON maps its keys through it. docs/upload-columns.md
 * documents the same table for the bodies that fill in the files.
 */
import { findSchemeByName } from '../certificates/schemes';
import { toHalfWidth } from '../platform/normalize';
import type { ParsedRow, RowError, RowErrorCode, UploadWarning } from './upload-schema';

/** How a cell's value is read. */
export type ColumnKind =
  | 'text'
  | 'identifier'
  | 'date'
  | 'dateRange'
  | 'status'
  | 'scheme'
  | 'number'
  | 'count'
  | 'list'
  | 'sites'
  | 'auditors';

export interface UploadColumn {
  /** The canonical field path (as in CertificateInput, and RowError.field). */
  field: string;
  /** Header texts in Chinese; the first is the one the template uses. */
  zh: readonly string[];
  /** Header texts in English; the first is the one the template uses. */
  en: readonly string[];
  required: boolean;
  kind: ColumnKind;
}

/**
 * Every column an upload may have. Order is the template's order. A header matches a column when its
 * normalised text (see normalizeHeader) equals the normalised text of one of the aliases or of the
 * field path itself ("holder.creditCode").
 */
export const UPLOAD_COLUMNS: readonly UploadColumn[] = [
  {
    field: 'number',
    zh: ['证书编号', '证书号', '证书号码', '证书编码'],
    en: ['Certificate number', 'Certificate no', 'Cert no', 'Certificate'],
    required: true,
    kind: 'identifier',
  },
  {
    field: 'holder.name',
    zh: ['获证组织名称', '获证组织', '获证单位名称', '获证单位', '组织名称', '企业名称', '单位名称'],
    en: ['Organisation name', 'Organization name', 'Holder name', 'Holder', 'Company name', 'Organisation'],
    required: true,
    kind: 'text',
  },
  {
    field: 'holder.creditCode',
    zh: ['统一社会信用代码', '社会信用代码', '信用代码', '组织统一社会信用代码'],
    en: ['Credit code', 'Unified social credit code', 'USCC', 'USCI'],
    required: true,
    kind: 'identifier',
  },
  {
    field: 'holder.address',
    zh: ['组织地址', '获证组织地址', '注册地址', '地址', '组织注册地址'],
    en: ['Organisation address', 'Organization address', 'Address', 'Holder address'],
    required: false,
    kind: 'text',
  },
  {
    field: 'holder.employees',
    zh: ['有效人数', '员工人数', '人数'],
    en: ['Employees', 'Effective personnel', 'Number of employees'],
    required: false,
    kind: 'count',
  },
  {
    field: 'scheme',
    zh: ['认证项目', '认证类别', '认证类型', '认证领域', '认证依据', '认证标准', '认证项目代码'],
    en: ['Scheme', 'Certification scheme', 'Scheme code', 'Standard'],
    required: true,
    kind: 'scheme',
  },
  {
    field: 'scope',
    zh: ['认证范围', '覆盖范围', '证书覆盖范围', '认证覆盖范围', '业务范围'],
    en: ['Scope', 'Certification scope', 'Scope of certification'],
    required: true,
    kind: 'text',
  },
  {
    field: 'issueDate',
    zh: ['颁证日期', '发证日期', '颁发日期', '证书颁发日期', '注册日期', '初次颁证日期'],
    en: ['Issue date', 'Date of issue', 'Issued', 'Issued on'],
    required: true,
    kind: 'date',
  },
  {
    field: 'expiryDate',
    zh: ['证书到期日期', '到期日期', '有效期至', '证书有效期至', '有效截止日期', '截止日期', '证书到期日'],
    en: ['Expiry date', 'Expiration date', 'Valid until', 'Expires', 'Expires on'],
    required: true,
    kind: 'date',
  },
  {
    field: 'status',
    zh: ['证书状态', '状态'],
    en: ['Status', 'Certificate status'],
    required: false,
    kind: 'status',
  },
  {
    field: 'statusReason',
    zh: ['状态变更原因', '变更原因', '暂停/撤销原因', '状态原因'],
    en: ['Status reason', 'Reason', 'Status change reason'],
    required: false,
    kind: 'text',
  },
  {
    field: 'statusDate',
    zh: ['状态变更日期', '变更日期', '状态日期'],
    en: ['Status date', 'Status change date'],
    required: false,
    kind: 'date',
  },
  {
    field: 'productModels',
    zh: ['产品型号', '型号规格', '规格型号', '产品型号规格'],
    en: ['Product models', 'Models', 'Product model'],
    required: false,
    kind: 'list',
  },
  {
    field: 'industryCodes',
    zh: ['行业代码', '专业代码', '行业分类代码', '专业分类代码', '专业分类'],
    en: ['Industry codes', 'Industry code', 'IAF codes', 'EA codes', 'Sector codes'],
    required: false,
    kind: 'list',
  },
  {
    field: 'sites',
    zh: ['场所地址', '多场所地址', '认证场所', '审核场所'],
    en: ['Sites', 'Site addresses'],
    required: false,
    kind: 'sites',
  },
  {
    field: 'audit.startDate',
    zh: ['审核开始日期', '现场审核开始日期', '审核起始日期'],
    en: ['Audit start date', 'Audit start'],
    required: false,
    kind: 'date',
  },
  {
    field: 'audit.endDate',
    zh: ['审核结束日期', '现场审核结束日期', '审核截止日期'],
    en: ['Audit end date', 'Audit end'],
    required: false,
    kind: 'date',
  },
  {
    field: 'audit.dates',
    zh: ['审核日期', '现场审核日期', '审核时间'],
    en: ['Audit dates', 'Audit date'],
    required: false,
    kind: 'dateRange',
  },
  {
    field: 'audit.manDays',
    zh: ['审核人日', '审核人日数', '人日数', '审核人天数'],
    en: ['Audit man-days', 'Man-days', 'Audit days', 'Audit duration'],
    required: false,
    kind: 'number',
  },
  {
    field: 'audit.auditors',
    zh: ['审核组成员', '审核员', '审核组', '审核人员'],
    en: ['Auditors', 'Audit team'],
    required: false,
    kind: 'auditors',
  },
  {
    field: 'bodyCode',
    zh: ['机构代码', '认证机构代码', '认证机构'],
    en: ['Body code', 'Certification body code', 'CB code', 'Certifying body'],
    required: false,
    kind: 'identifier',
  },
];

/** The columns that name an audit: if a file has any of them it must also say when and how long. */
const AUDIT_FIELDS = new Set([
  'audit.startDate',
  'audit.endDate',
  'audit.dates',
  'audit.manDays',
  'audit.auditors',
]);

/**
 * A header cell's text reduced to what identifies it: no BOM or zero-width characters, half-width,
 * lower-case, without spaces, `_ - . * : ：` and a trailing parenthesised unit or hint such as
 * 审核人日(天) or 颁证日期（YYYY-MM-DD）.
 */
export function normalizeHeader(text: string): string {
  return toHalfWidth(text.replace(/[\ufeff\u200b-\u200d\u2060]/g, ''))
    .trim()
    .replace(/^\*+|\*+$/g, '')
    .replace(/(\s*[([{【][^)\]}】]*[)\]}】])+$/, '')
    .toLowerCase()
    .replace(/[\s_\-.*:]+/g, '');
}

const BY_HEADER = new Map<string, UploadColumn>();
for (const column of UPLOAD_COLUMNS) {
  for (const alias of [column.field, ...column.zh, ...column.en])
    BY_HEADER.set(normalizeHeader(alias), column);
}

/**
 * The column a header text names, or undefined. A bilingual header ("证书编号 / Certificate number",
 * or the two on separate lines of one cell) matches by either part.
 */
export function matchColumn(header: string): UploadColumn | undefined {
  const whole = BY_HEADER.get(normalizeHeader(header));
  if (whole) return whole;
  for (const part of header.split(/[\n/|]+/)) {
    const column = BY_HEADER.get(normalizeHeader(part));
    if (column) return column;
  }
  return undefined;
}

/** The column named by a canonical field path. */
export function columnOf(field: string): UploadColumn {
  const column = UPLOAD_COLUMNS.find((c) => c.field === field);
  if (!column) throw new Error(`no upload column ${field}`);
  return column;
}

/** A column as a person reads it in a message: "证书编号 (Certificate number)". */
export function columnLabel(column: UploadColumn): string {
  return `${column.zh[0]} (${column.en[0]})`;
}

/** One mapped cell position of a header row. */
export interface MappedColumn {
  index: number;
  column: UploadColumn;
  /** The header as written in the file, for messages. */
  header: string;
}

export interface HeaderMapping {
  columns: MappedColumn[];
  /** Required columns (or column groups, as one label) the header lacks; empty when usable. */
  missing: string[];
  warnings: UploadWarning[];
  /** Number of cells of the header row (CSV rows longer than that have stray cells). */
  width: number;
}

/**
 * Maps a header row. Unknown texts are ignored (one warning lists them); a second column naming a
 * field already named is ignored (one warning). `missing` names what a usable header still lacks.
 */
export function mapHeader(cells: readonly string[]): HeaderMapping {
  const columns: MappedColumn[] = [];
  const seen = new Set<string>();
  const unknown: string[] = [];
  const duplicates: string[] = [];
  let width = 0;
  cells.forEach((raw, index) => {
    const header = raw.trim();
    if (header === '') return;
    width = index + 1;
    const column = matchColumn(header);
    if (!column) unknown.push(header);
    else if (seen.has(column.field)) duplicates.push(header);
    else {
      seen.add(column.field);
      columns.push({ index, column, header });
    }
  });
  const missing = UPLOAD_COLUMNS.filter((c) => c.required && !seen.has(c.field)).map(columnLabel);
  if ([...seen].some((f) => AUDIT_FIELDS.has(f))) {
    if (!seen.has('audit.dates') && !(seen.has('audit.startDate') && seen.has('audit.endDate'))) {
      missing.push(
        `${columnLabel(columnOf('audit.startDate'))} + ${columnLabel(columnOf('audit.endDate'))} ` +
          `(or ${columnLabel(columnOf('audit.dates'))}), needed with the other audit columns`,
      );
    }
    if (!seen.has('audit.manDays')) {
      missing.push(`${columnLabel(columnOf('audit.manDays'))}, needed with the other audit columns`);
    }
  }
  const warnings: UploadWarning[] = [];
  if (unknown.length > 0) {
    warnings.push({
      code: 'UPLOAD_UNKNOWN_COLUMNS',
      message: `Columns ignored (not part of a certificate report): ${unknown.join(', ')}`,
      columns: unknown,
    });
  }
  if (duplicates.length > 0) {
    warnings.push({
      code: 'UPLOAD_DUPLICATE_COLUMNS',
      message: `Columns ignored (they repeat a column given before them): ${duplicates.join(', ')}`,
      columns: duplicates,
    });
  }
  return { columns, missing, warnings, width };
}

// ---------------------------------------------------------------------------------------------------
// Cell values

/** A cell as the format readers hand it over (XLSX rich text, formulas and links already flattened). */
export type CellValue = string | number | boolean | Date | null | undefined;

const EXCEL_ERROR = /^#(N\/A|VALUE!|REF!|DIV\/0!|NUM!|NAME\?|NULL!|SPILL!|CALC!|GETTING_DATA)$/;
const MAX_SERIAL = 2958465; // 9999-12-31, the last day Excel can show
const DAY_MS = 86_400_000;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** YYYY-MM-DD for a real calendar day (no 2024-02-30), else undefined. */
function isoOf(year: number, month: number, day: number): string | undefined {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return undefined;
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** A Date as the calendar day Excel showed (cells are read as UTC; a millisecond drift is rounded away). */
export function isoDateOfDate(date: Date): string | undefined {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) return undefined;
  const rounded = new Date(Math.round(ms / 1000) * 1000);
  return isoOf(rounded.getUTCFullYear(), rounded.getUTCMonth() + 1, rounded.getUTCDate());
}

/**
 * An Excel serial day number as YYYY-MM-DD. The 1900 system counts 1900-01-01 as 1 and, copying a
 * Lotus 1-2-3 bug, has a 1900-02-29 (serial 60) that never existed: that one is not a date, and from
 * 61 on serials are one more than the real day count from 1899-12-31. A fraction is a time of day.
 * The 1904 system (old Mac workbooks) counts 1904-01-01 as 0.
 */
export function excelSerialToIsoDate(serial: number, date1904 = false): string | undefined {
  if (!Number.isFinite(serial)) return undefined;
  const days = Math.floor(serial);
  if (date1904) {
    if (days < 0 || days > MAX_SERIAL - 1462) return undefined;
    return isoDateOfDate(new Date(Date.UTC(1904, 0, 1) + days * DAY_MS));
  }
  if (days < 1 || days > MAX_SERIAL || days === 60) return undefined;
  const base = days < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  return isoDateOfDate(new Date(base + days * DAY_MS));
}

const DATE_FORMS = [
  // 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, optionally with a time of day after it
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$/,
  // 20240305
  /^(\d{4})(\d{2})(\d{2})$/,
];

/** A date in any form Excel produces, as YYYY-MM-DD; undefined when it is none. */
export function parseDateValue(value: CellValue, date1904 = false): string | undefined {
  if (value instanceof Date) return isoDateOfDate(value);
  if (typeof value === 'number') return excelSerialToIsoDate(value, date1904);
  if (typeof value !== 'string') return undefined;
  const text = toHalfWidth(value).trim();
  for (const form of DATE_FORMS) {
    const m = form.exec(text);
    if (m) return isoOf(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  // A serial number that reached us as text (a CSV saved from a sheet whose date column was unformatted).
  if (/^\d{1,7}(\.\d+)?$/.test(text)) return excelSerialToIsoDate(Number(text), date1904);
  return undefined;
}

/** "2024-03-01至2024-03-03", "2024/3/1~2024/3/3", "2024-03-01 - 2024-03-03", or one day. */
export function parseDateRange(value: CellValue, date1904 = false): [string, string] | undefined {
  const single = parseDateValue(value, date1904);
  if (single) return [single, single];
  if (typeof value !== 'string') return undefined;
  const parts = toHalfWidth(value)
    .split(/\s*(?:至|到|~|～|—|–|\s-\s|--|\bto\b)\s*/i)
    .filter((p) => p.trim() !== '');
  if (parts.length !== 2) return undefined;
  const [start, end] = parts.map((p) => parseDateValue(p, date1904));
  return start && end ? [start, end] : undefined;
}

const STATUS_WORDS: Readonly<Record<string, string>> = {
  有效: 'valid',
  正常: 'valid',
  保持: 'valid',
  valid: 'valid',
  active: 'valid',
  effective: 'valid',
  inforce: 'valid',
  暂停: 'suspended',
  暂停使用: 'suspended',
  suspended: 'suspended',
  suspend: 'suspended',
  suspension: 'suspended',
  撤销: 'revoked',
  撤消: 'revoked',
  revoked: 'revoked',
  revoke: 'revoked',
  revocation: 'revoked',
  注销: 'withdrawn',
  withdrawn: 'withdrawn',
  withdraw: 'withdrawn',
  withdrawal: 'withdrawn',
  cancelled: 'withdrawn',
  canceled: 'withdrawn',
  // Expiry is derived from the expiry date, never stored: a row saying 过期 is a valid certificate
  // whose date has passed, and the registry shows it expired by that date.
  过期: 'valid',
  已过期: 'valid',
  expired: 'valid',
};

/** A status word (Chinese or English, any case) as a stored status; undefined when unknown. */
export function parseStatusValue(value: string): string | undefined {
  return STATUS_WORDS[toHalfWidth(value).trim().toLowerCase().replace(/\s+/g, '')];
}

/** Audit man-days: a positive number, optionally with its unit (6, "6.5", "6天", "6 man-days"). */
export function parseManDays(value: CellValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(?:人日|人天|天|日|man-?days?|days?|md)?$/i.exec(toHalfWidth(value).trim());
  return m ? Number(m[1]) : undefined;
}

/** A head count: a whole number, optionally with its unit (120, "120人", "120 employees"). */
export function parseCount(value: CellValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+)\s*(?:人|名|employees?|persons?|people)?$/i.exec(toHalfWidth(value).trim());
  return m ? Number(m[1]) : undefined;
}

/** Product models or industry codes: one cell, split on ; , 、 or new lines (either width). */
export function splitList(value: string): string[] {
  return toHalfWidth(value)
    .split(/[;,、\n\r]+/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

const ROLE_WORDS: Readonly<Record<string, 'leader' | 'member' | 'expert'>> = {
  组长: 'leader',
  审核组长: 'leader',
  leader: 'leader',
  teamleader: 'leader',
  lead: 'leader',
  组员: 'member',
  审核员: 'member',
  member: 'member',
  auditor: 'member',
  专家: 'expert',
  技术专家: 'expert',
  expert: 'expert',
  technicalexpert: 'expert',
};

const roleOf = (word: string) => ROLE_WORDS[word.toLowerCase().replace(/\s+/g, '')];

const OPENING = new Set(['(', '[']);
const CLOSING = new Set([')', ']']);

/** Splits on separators that are outside brackets, so that "张伟(2025-N1QMS-1, 组长)" stays whole. */
function splitOutsideBrackets(text: string, separators: ReadonlySet<string>): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (OPENING.has(ch)) depth += 1;
    else if (CLOSING.has(ch) && depth > 0) depth -= 1;
    else if (depth === 0 && separators.has(ch)) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const AUDITOR_SEPARATORS = new Set([';', ',', '、', '\n', '\r']);

export interface ParsedAuditor {
  name: string;
  registrationNumber: string;
  role?: 'leader' | 'member' | 'expert';
}

/**
 * The audit team cell: `张伟(2025-N1QMS-1234567);李娜(2024-N1EMS-7654321)`, separated by ; , 、 or
 * new lines, either bracket width; a role may stand in the brackets (`张伟(组长,2025-N1QMS-1234567)`)
 * or before the name (`组长:张伟(…)`). Returns the auditors, or the text of the first one without a
 * registration number.
 */
export function parseAuditors(value: string): { auditors: ParsedAuditor[] } | { invalid: string } {
  const auditors: ParsedAuditor[] = [];
  const text = toHalfWidth(value).replace(/【/g, '[').replace(/】/g, ']');
  for (const part of splitOutsideBrackets(text, AUDITOR_SEPARATORS)) {
    let rest = part;
    let role: ParsedAuditor['role'];
    const prefix = /^([^:()]+?)\s*:\s*(.+)$/.exec(rest);
    if (prefix && roleOf(prefix[1] as string)) {
      role = roleOf(prefix[1] as string);
      rest = prefix[2] as string;
    }
    let name: string | undefined;
    let registrationNumber: string | undefined;
    const bracketed = /^(.+?)\s*[([]([^)\]]*)[)\]]\s*$/.exec(rest);
    if (bracketed) {
      name = (bracketed[1] as string).trim();
      const numbers: string[] = [];
      for (const token of (bracketed[2] as string).split(/[\s,;/、]+/).filter((t) => t !== '')) {
        const tokenRole = roleOf(token);
        if (tokenRole) role = tokenRole;
        else numbers.push(token);
      }
      if (numbers.length === 1) registrationNumber = numbers[0];
    } else {
      // "张伟 2025-N1QMS-1234567" or "张伟:2025-N1QMS-1234567"
      const spaced = /^(\S+?)\s*[\s:]\s*(\S*\d\S*)$/.exec(rest);
      if (spaced) {
        name = spaced[1];
        registrationNumber = spaced[2];
      }
    }
    if (!name || !registrationNumber) return { invalid: part };
    auditors.push(role ? { name, registrationNumber, role } : { name, registrationNumber });
  }
  return { auditors };
}

// ---------------------------------------------------------------------------------------------------
// Rows

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
