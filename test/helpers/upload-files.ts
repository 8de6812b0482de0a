import ExcelJS from 'exceljs';
import { creditCode, unique } from './factories';

/** One row of an upload file, by canonical field; absent fields leave their cell empty. */
export interface UploadRow {
  number?: string;
  name?: string;
  creditCode?: string;
  scheme?: string;
  scope?: string;
  issueDate?: string;
  expiryDate?: string;
  status?: string;
  statusReason?: string;
  statusDate?: string;
  industryCodes?: string;
  bodyCode?: string;
}

type Field = keyof UploadRow;

/** The columns of the files the tests write, in order, with the template's Chinese and English headers. */
export const COLUMNS: readonly { field: Field; zh: string; en: string }[] = [
  { field: 'number', zh: '证书编号', en: 'Certificate number' },
  { field: 'name', zh: '获证组织名称', en: 'Organisation name' },
  { field: 'creditCode', zh: '统一社会信用代码', en: 'Credit code' },
  { field: 'scheme', zh: '认证项目', en: 'Scheme' },
  { field: 'scope', zh: '认证范围', en: 'Scope' },
  { field: 'issueDate', zh: '颁证日期', en: 'Issue date' },
  { field: 'expiryDate', zh: '证书到期日期', en: 'Expiry date' },
  { field: 'status', zh: '证书状态', en: 'Status' },
  { field: 'statusReason', zh: '状态变更原因', en: 'Status reason' },
  { field: 'statusDate', zh: '状态变更日期', en: 'Status date' },
  { field: 'industryCodes', zh: '行业代码', en: 'Industry codes' },
  { field: 'bodyCode', zh: '机构代码', en: 'Body code' },
];

/** A valid row (unique number, valid credit code), with overrides. */
export function uploadRow(overrides: UploadRow = {}): UploadRow {
  return {
    number: unique('UP-'),
    name: '重庆沙坪坝上报测试机械有限公司',
    creditCode: creditCode(),
    scheme: 'QMS',
    scope: '机械零部件的设计和生产',
    issueDate: '2025-03-05',
    expiryDate: '2028-03-04',
    ...overrides,
  };
}

function csvCell(value: string | undefined): string {
  if (value === undefined) return '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV file (CRLF, as Excel writes it) with the given header language; `omit` drops whole columns. */
export function toCsv(rows: UploadRow[], options: { lang?: 'zh' | 'en'; omit?: Field[] } = {}): string {
  const columns = COLUMNS.filter((c) => !(options.omit ?? []).includes(c.field));
  const header = columns.map((c) => (options.lang === 'en' ? c.en : c.zh));
  const lines = rows.map((r) => columns.map((c) => csvCell(r[c.field])).join(','));
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}

/** An NDJSON file in the CertificateInput shape (what machine clients send). */
export function toNdjson(rows: UploadRow[]): string {
  return rows
    .map((r) =>
      JSON.stringify({
        number: r.number,
        bodyCode: r.bodyCode,
        scheme: r.scheme,
        holder: { name: r.name, creditCode: r.creditCode },
        scope: r.scope,
        issueDate: r.issueDate,
        expiryDate: r.expiryDate,
        status: r.status,
        statusReason: r.statusReason,
        statusDate: r.statusDate,
        industryCodes: r.industryCodes?.split(';'),
      }),
    )
    .join('\n')
    .concat('\n');
}

/** An XLSX workbook with one sheet of the rows under the given header language. */
export async function toXlsx(rows: UploadRow[], options: { lang?: 'zh' | 'en' } = {}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('证书信息');
  sheet.addRow(COLUMNS.map((c) => (options.lang === 'en' ? c.en : c.zh)));
  for (const r of rows) sheet.addRow(COLUMNS.map((c) => r[c.field] ?? null));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const CONTENT_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ndjson: 'application/x-ndjson',
} as const;
