/**
 * Writes the upload templates that bodies download, from the column table of the upload parsers
 * (server/uploads/upload-columns.ts), so that the templates and the parsers never disagree:
 *
 *   client/public/templates/certificates-template.csv     UTF-8 with BOM (Excel opens it right), Chinese headers
 *   client/public/templates/certificates-template-en.csv  the same with English headers
 *   client/public/templates/certificates-template.xlsx    the certificate sheet (Chinese headers, text-formatted
 *                                                         number and code columns, date cells, status and scheme
 *                                                         lists) and a sheet of instructions
 *
 *   tsx scripts/make-upload-template.ts [--out DIR]
 *
 * Every example row is invented (names, credit codes, auditors). test/uploads/upload-parsers.test.ts
 * parses the committed templates, so a template that stops parsing fails the tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { SCHEMES } from '../server/schemes/schemes';
import { withCheckCharacter } from '../server/platform/credit-code';
import { UPLOAD_COLUMNS, type UploadColumn } from '../server/uploads/upload-columns';

/** Columns of the templates: every column but the alternatives a template needs not show. */
export const TEMPLATE_COLUMNS: readonly UploadColumn[] = UPLOAD_COLUMNS.filter(
  // audit.dates is the one-cell alternative to the start and end dates; the body code comes from the token.
  (c) => c.field !== 'audit.dates' && c.field !== 'bodyCode',
);

/** The example rows by field: a management-system certificate and a suspended CCC product certificate. */
export function exampleRows(lang: 'zh' | 'en'): Record<string, string>[] {
  const zh = lang === 'zh';
  return [
    {
      number: '00124Q30001R0M',
      'holder.name': '重庆示例精密机械有限公司',
      'holder.creditCode': withCheckCharacter('91500106MA5UE1234'),
      'holder.address': '重庆市沙坪坝区示例路1号',
      'holder.employees': '120',
      scheme: zh ? '质量管理体系认证' : 'QMS',
      scope: '精密机械零部件的设计和生产',
      issueDate: '2024-03-05',
      expiryDate: '2027-03-04',
      status: zh ? '有效' : 'valid',
      industryCodes: '18.05.07;19.09.00',
      sites: '重庆市沙坪坝区示例路1号；重庆市璧山区示例工业园2号',
      'audit.startDate': '2024-02-26',
      'audit.endDate': '2024-02-28',
      'audit.manDays': '6',
      'audit.type': zh ? '初次认证' : 'initial',
      'audit.auditors': zh
        ? '张伟(组长,2025-N1QMS-1234567);李娜(2024-N1QMS-7654321)'
        : '张伟(leader,2025-N1QMS-1234567);李娜(2024-N1QMS-7654321)',
    },
    {
      number: '2024010105000123',
      'holder.name': '重庆示例电线电缆有限公司',
      'holder.creditCode': withCheckCharacter('91500112MA60K5678'),
      'holder.address': '重庆市渝北区示例大道8号',
      scheme: zh ? '强制性产品认证' : 'CCC',
      scope: '聚氯乙烯绝缘电缆电线',
      productModels: 'BV 450/750V 2.5mm²;BVR 450/750V 4mm²',
      issueDate: '2024-01-10',
      expiryDate: '2029-01-09',
      status: zh ? '暂停' : 'suspended',
      statusReason: zh ? '未按期接受获证后监督' : 'Surveillance not accepted in time',
      statusDate: '2025-02-01',
    },
  ];
}

const headerOf = (column: UploadColumn, lang: 'zh' | 'en') =>
  (lang === 'zh' ? column.zh[0] : column.en[0]) as string;

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The CSV template: BOM, header, example rows, CRLF line ends (what Excel writes). */
export function templateCsv(lang: 'zh' | 'en'): string {
  const lines = [TEMPLATE_COLUMNS.map((c) => csvCell(headerOf(c, lang)))];
  for (const row of exampleRows(lang)) lines.push(TEMPLATE_COLUMNS.map((c) => csvCell(row[c.field] ?? '')));
  return `\ufeff${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}

const KIND_HINT: Readonly<Record<UploadColumn['kind'], string>> = {
  text: '文本',
  identifier: '文本（字母大写，不含空格）',
  date: '日期：2024-03-05、2024/3/5、2024年3月5日、20240305 或 Excel 日期',
  dateRange: '日期范围：2024-03-01至2024-03-03',
  status: '有效 / 暂停 / 撤销 / 注销（过期按到期日期自动判断）',
  scheme: '认证项目名称或代码，如 质量管理体系认证、QMS、ISO 9001',
  number: '数字',
  count: '整数，可带单位：120、120人',
  list: '多个值用 ; 、 或换行分隔',
  sites: '多个地址用 ; 或换行分隔',
  auditors: '姓名(注册号)，多人用 ; 分隔，如 张伟(2025-N1QMS-1234567);李娜(2024-N1QMS-7654321)',
};

/** The XLSX template. Excel keeps the formats and lists when the body types its own rows below. */
export async function templateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'CertWatch';
  // Fixed dates, so that regenerating the template without changes changes as little as possible.
  workbook.created = new Date(Date.UTC(2026, 0, 1));
  workbook.modified = new Date(Date.UTC(2026, 0, 1));

  const sheet = workbook.addWorksheet('证书信息', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = TEMPLATE_COLUMNS.map((c) => ({
    header: headerOf(c, 'zh'),
    key: c.field,
    width: c.kind === 'text' || c.kind === 'auditors' || c.kind === 'sites' ? 32 : 18,
    // Text format: Excel must not turn 16-digit CCC numbers or all-digit codes into rounded numbers.
    style: c.kind === 'identifier' ? { numFmt: '@' } : c.kind === 'date' ? { numFmt: 'yyyy-mm-dd' } : {},
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  TEMPLATE_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.note = `${c.en[0]}${c.required ? ' (required / 必填)' : ''}\n${KIND_HINT[c.kind]}`;
    if (c.required) cell.font = { bold: true, color: { argb: 'FFC00000' } };
  });
  for (const example of exampleRows('zh')) {
    const values: Record<string, unknown> = { ...example };
    for (const c of TEMPLATE_COLUMNS) {
      const v = example[c.field];
      if (c.kind === 'date' && v) values[c.field] = new Date(`${v}T00:00:00Z`);
      if ((c.kind === 'number' || c.kind === 'count') && v) values[c.field] = Number(v);
    }
    sheet.addRow(values);
  }
  const statusColumn = TEMPLATE_COLUMNS.findIndex((c) => c.field === 'status') + 1;
  const schemeColumn = TEMPLATE_COLUMNS.findIndex((c) => c.field === 'scheme') + 1;
  for (let row = 2; row <= 500; row += 1) {
    sheet.getCell(row, statusColumn).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: ['"有效,暂停,撤销,注销,过期"'],
    };
    sheet.getCell(row, schemeColumn).dataValidation = {
      type: 'list',
      allowBlank: true,
      showErrorMessage: false, // other spellings (ISO 9001, QMS) are accepted too
      formulae: [`填报说明!$B$${INSTRUCTIONS_SCHEME_ROW}:$B$${INSTRUCTIONS_SCHEME_ROW + SCHEMES.length - 1}`],
    };
  }

  const notes = workbook.addWorksheet('填报说明');
  notes.columns = [
    { header: '列 / Column', key: 'column', width: 22 },
    { header: '说明 / Notes', key: 'notes', width: 90 },
  ];
  notes.getRow(1).font = { bold: true };
  for (const c of UPLOAD_COLUMNS) {
    notes.addRow({
      column: `${c.zh[0]}${c.required ? ' *' : ''}`,
      notes: `${c.en[0]}. ${KIND_HINT[c.kind]}. 也可写作 / also: ${[...c.zh.slice(1), ...c.en.slice(1)].join('、')}`,
    });
  }
  notes.addRow({});
  const schemeTitle = notes.addRow({ column: '认证项目 / Schemes' });
  schemeTitle.font = { bold: true };
  for (const scheme of SCHEMES) notes.addRow({ column: scheme.code, notes: scheme.zh });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Row of the instructions sheet where the scheme names start (for the scheme list of the main sheet). */
const INSTRUCTIONS_SCHEME_ROW = 1 + UPLOAD_COLUMNS.length + 2 + 1;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = values.out ?? path.join(__dirname, '..', 'client', 'public', 'templates');
  fs.mkdirSync(out, { recursive: true });
  const files: [string, string | Buffer][] = [
    ['certificates-template.csv', templateCsv('zh')],
    ['certificates-template-en.csv', templateCsv('en')],
    ['certificates-template.xlsx', await templateXlsx()],
  ];
  for (const [name, content] of files) {
    fs.writeFileSync(path.join(out, name), content);
    console.log(`wrote ${path.join(out, name)}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
