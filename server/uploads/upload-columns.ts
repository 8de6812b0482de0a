/**
 * The column table of certificate uploads: which header texts (Chinese, English, canonical) name which
 * field of a certificate report and which are required (upload-cells.ts reads a cell's value,
 * upload-row-mapping.ts maps a row).
 * CSV and XLSX map their header row through it; NDJSON maps its keys through it. docs/upload-columns.md
 * documents the same table for the bodies that fill in the files.
 */
import { toHalfWidth } from '../platform/normalize';
import type { UploadWarning } from './upload-schema';

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
    field: 'audit.type',
    zh: ['审核类型', '审核类别'],
    en: ['Audit type', 'Audit kind'],
    required: false,
    kind: 'text',
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
export const AUDIT_FIELDS = new Set([
  'audit.startDate',
  'audit.endDate',
  'audit.dates',
  'audit.manDays',
  'audit.auditors',
  'audit.type',
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
