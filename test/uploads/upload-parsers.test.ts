import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { certificateInputSchema } from '../../server/certificates/certificate-schema';
import { findSchemeByName } from '../../server/schemes/schemes';
import { AppError } from '../../server/platform/errors';
import { excelSerialToIsoDate, parseAuditors, parseDateValue } from '../../server/uploads/upload-cells';
import { normalizeHeader, UPLOAD_COLUMNS } from '../../server/uploads/upload-columns';
import { flattenCell } from '../../server/uploads/xlsx-parser';
import { retypeErrorCells } from '../../server/uploads/xlsx-reader';
import { parseUpload, uploadFormatOf, type ParseUploadOptions } from '../../server/uploads/upload-parsers';
import type { ParsedRow, UploadFormat, UploadWarning } from '../../server/uploads/upload-schema';
import { templateCsv, templateXlsx } from '../../scripts/make-upload-template';

// ---------------------------------------------------------------------------------------------------
// Helpers

const CREDIT_A = '91440300708461136T';
const CREDIT_B = '91330100799655058B';

/** A source that hands the bytes over in pieces of `size` (1 cuts every multi-byte character). */
function chunked(bytes: Buffer | string, size = 64 * 1024): Readable {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8');
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
    })(),
  );
}

interface Parsed {
  rows: ParsedRow[];
  warnings: readonly UploadWarning[];
}

async function parseAll(
  source: Readable | Buffer | string,
  format: UploadFormat,
  options?: ParseUploadOptions,
): Promise<Parsed> {
  const upload = parseUpload(source instanceof Readable ? source : chunked(source), format, options);
  const rows: ParsedRow[] = [];
  // What these tests compare: a row's report, or its errors. The headers map (one per file) and what a
  // row with errors could still read are checked by tests of their own.
  for await (const { headers: _headers, ...row } of upload) {
    rows.push(row.errors.length > 0 ? { row: row.row, errors: row.errors } : row);
  }
  return { rows, warnings: upload.warnings };
}

/** The AppError a parse fails with (the test fails if it does not). */
async function failure(
  source: Readable | Buffer | string,
  format: UploadFormat,
  options?: ParseUploadOptions,
): Promise<AppError> {
  try {
    await parseAll(source, format, options);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the parse to fail');
}

const csvLine = (cells: readonly (string | number)[]) =>
  cells
    .map((c) => {
      const s = String(c);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
const csv = (rows: readonly (readonly (string | number)[])[], eol = '\r\n') =>
  rows.map(csvLine).join(eol) + eol;

const ZH_HEADER = [
  '证书编号',
  '获证组织名称',
  '统一社会信用代码',
  '组织地址',
  '认证项目',
  '认证范围',
  '颁证日期',
  '证书到期日期',
  '证书状态',
  '状态变更原因',
  '状态变更日期',
  '行业代码',
  '审核开始日期',
  '审核结束日期',
  '审核人日',
  '审核组成员',
];
const EN_HEADER = [
  'Certificate number',
  'Organisation name',
  'Credit code',
  'Organisation address',
  'Scheme',
  'Scope',
  'Issue date',
  'Expiry date',
  'Status',
  'Status reason',
  'Status date',
  'Industry codes',
  'Audit start date',
  'Audit end date',
  'Audit man-days',
  'Auditors',
];
const ROW_A = [
  '00124Q31234R0M',
  '重庆沙坪坝精密机械制造有限公司',
  CREDIT_A,
  '重庆市沙坪坝区大学城中路1号',
  '质量管理体系认证',
  '精密机械零部件的设计和生产',
  '2024/3/5',
  '2027-03-04',
  '有效',
  '',
  '',
  '17.10.02;18.01.00',
  '2024-02-26',
  '2024-02-28',
  '6',
  '张伟(2025-N1QMS-1234567);李娜(2024-N1EMS-7654321)',
];
const ROW_B = [
  '00224E00567R1S',
  '重庆两江绿色包装有限公司',
  CREDIT_B,
  '',
  'EMS',
  '纸制品包装的生产',
  '2023年6月1日',
  '2026.5.31',
  '暂停',
  '监督审核逾期',
  '2024-07-01',
  '',
  '',
  '',
  '',
  '',
];
const INPUT_A = {
  number: '00124Q31234R0M',
  holder: {
    name: '重庆沙坪坝精密机械制造有限公司',
    creditCode: CREDIT_A,
    address: '重庆市沙坪坝区大学城中路1号',
  },
  scheme: 'QMS',
  scope: '精密机械零部件的设计和生产',
  issueDate: '2024-03-05',
  expiryDate: '2027-03-04',
  status: 'valid',
  industryCodes: ['17.10.02', '18.01.00'],
  audit: {
    startDate: '2024-02-26',
    endDate: '2024-02-28',
    manDays: 6,
    auditors: [
      { name: '张伟', registrationNumber: '2025-N1QMS-1234567' },
      { name: '李娜', registrationNumber: '2024-N1EMS-7654321' },
    ],
  },
};
const INPUT_B = {
  number: '00224E00567R1S',
  holder: { name: '重庆两江绿色包装有限公司', creditCode: CREDIT_B },
  scheme: 'EMS',
  scope: '纸制品包装的生产',
  issueDate: '2023-06-01',
  expiryDate: '2026-05-31',
  status: 'suspended',
  statusReason: '监督审核逾期',
  statusDate: '2024-07-01',
};

/** A CSV with the Chinese header and the two example rows, plus `extra` rows. */
const zhCsv = (extra: (string | number)[][] = []) => csv([ZH_HEADER, ROW_A, ROW_B, ...extra]);

/** A minimal valid row keyed by header, for tests that vary one cell. */
const MINIMAL_HEADER = [
  '证书编号',
  '获证组织名称',
  '统一社会信用代码',
  '认证项目',
  '认证范围',
  '颁证日期',
  '证书到期日期',
];
const minimalRow = (number = 'C-1') => [
  number,
  '某某有限公司',
  CREDIT_A,
  'QMS',
  '设计和生产',
  '2024-01-01',
  '2027-01-01',
];

/** Parses one data row under MINIMAL_HEADER plus the given extra columns. */
async function oneRow(extraHeader: string[], extraCells: (string | number)[]): Promise<ParsedRow> {
  const { rows } = await parseAll(
    csv([
      [...MINIMAL_HEADER, ...extraHeader],
      [...minimalRow(), ...extraCells],
    ]),
    'csv',
  );
  expect(rows).toHaveLength(1);
  return rows[0] as ParsedRow;
}

async function xlsxOf(build: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------------
// CSV

describe('CSV uploads', () => {
  test('when a UTF-8 CSV with BOM, CRLF and Chinese headers is parsed, then each row maps to a certificate report numbered as in the sheet', async () => {
    const { rows, warnings } = await parseAll(`\ufeff${zhCsv()}`, 'csv');

    expect(rows).toEqual([
      { row: 2, input: INPUT_A, errors: [] },
      { row: 3, input: INPUT_B, errors: [] },
    ]);
    expect(warnings).toEqual([]);
  });

  test('when the mapped rows get a body code, then they pass the certificate schema', async () => {
    const { rows } = await parseAll(zhCsv(), 'csv');

    for (const row of rows) {
      const result = certificateInputSchema.safeParse({ ...row.input, bodyCode: 'CQC' });
      expect(result.error?.issues).toBeUndefined();
    }
  });

  test('when the same file has English headers, no BOM and LF line ends, then it maps the same', async () => {
    const { rows } = await parseAll(csv([EN_HEADER, ROW_A, ROW_B], '\n'), 'csv');

    expect(rows.map((r) => r.input)).toEqual([INPUT_A, INPUT_B]);
  });

  test.each([
    ['GBK', 'gbk'],
    ['GB18030', 'gb18030'],
  ])(
    'when the CSV is %s-encoded (Excel on Chinese Windows), then it is detected and decoded',
    async (_name, encoding) => {
      const bytes = iconv.encode(zhCsv(), encoding);

      const { rows } = await parseAll(bytes, 'csv');

      expect(rows.map((r) => r.input)).toEqual([INPUT_A, INPUT_B]);
    },
  );

  test.each([1, 2, 5, 4099])(
    'when the bytes arrive in chunks of %i (multi-byte characters cut at chunk ends), then UTF-8 and GBK still decode',
    async (size) => {
      const utf8 = await parseAll(chunked(`\ufeff${zhCsv()}`, size), 'csv');
      const utf8NoBom = await parseAll(chunked(zhCsv(), size), 'csv');
      const gbk = await parseAll(chunked(iconv.encode(zhCsv(), 'gbk'), size), 'csv');

      for (const parsed of [utf8, utf8NoBom, gbk])
        expect(parsed.rows.map((r) => r.input)).toEqual([INPUT_A, INPUT_B]);
    },
  );

  test('when the Chinese text starts only after 4 KiB of ASCII (English header, GBK data), then the encoding is still detected', async () => {
    const asciiRows = Array.from({ length: 120 }, (_, i) => {
      const row = [...minimalRow(`ASCII-${i}`)];
      row[1] = 'Plain ASCII Trading Company Limited';
      row[4] = 'Design and production';
      return row;
    });
    const text = csv([
      [...EN_HEADER.slice(0, 3), 'Scheme', 'Scope', 'Issue date', 'Expiry date'],
      ...asciiRows,
      minimalRow('GBK-1'),
    ]);

    const { rows } = await parseAll(chunked(iconv.encode(text, 'gbk'), 1000), 'csv');

    expect(rows).toHaveLength(121);
    expect(rows[120]?.input).toMatchObject({
      number: 'GBK-1',
      holder: { name: '某某有限公司' },
      scope: '设计和生产',
    });
  });

  test('when values are quoted with commas, doubled quotes and new lines, then they are kept whole and rows keep their sheet numbers', async () => {
    const scope = '设计、生产和服务,\n包括 "精密" 零件\r\n及其安装';
    const text =
      `${csvLine(MINIMAL_HEADER)}\r\n` +
      `${csvLine(['C-1', '某某有限公司', CREDIT_A, 'QMS', scope, '2024-01-01', '2027-01-01'])}\r\n` +
      '\r\n' + // a blank line is a (skipped) spreadsheet row
      `${csvLine(minimalRow('C-2'))}\r\n`;

    const { rows } = await parseAll(text, 'csv');

    expect(rows.map((r) => [r.row, r.input?.number, r.input?.scope])).toEqual([
      [2, 'C-1', scope.replace(/\r\n/g, '\n')], // line breaks inside a value read as LF
      [4, 'C-2', '设计和生产'],
    ]);
  });

  test('when rows end with an empty column (a trailing comma), then that is tolerated', async () => {
    const text = `${MINIMAL_HEADER.join(',')},\n${minimalRow().join(',')},\n`;

    const { rows } = await parseAll(text, 'csv');

    expect(rows).toMatchObject([{ row: 2, errors: [], input: { number: 'C-1' } }]);
  });

  test('when a row has more values than the header (an unquoted comma), then that row is rejected and the next is read', async () => {
    const shifted = ['C-1', '某某有限公司', CREDIT_A, 'QMS', '设计', '生产', '2024-01-01', '2027-01-01'];
    const text = csv([MINIMAL_HEADER, shifted, minimalRow('C-2')]);

    const { rows } = await parseAll(text, 'csv');

    expect(rows).toMatchObject([
      { row: 2, errors: [{ row: 2, field: '', code: 'ROW_MALFORMED' }] },
      { row: 3, errors: [], input: { number: 'C-2' } },
    ]);
    expect(rows[0]?.input).toBeUndefined();
  });

  test('when title rows stand above the header, then the header is found and row numbers count the title rows', async () => {
    const text = csv([
      ['证书信息上报表'],
      ['报送机构：某某认证有限公司', '', '报送期间：2024年3月'],
      [],
      MINIMAL_HEADER,
      minimalRow(),
    ]);

    const { rows } = await parseAll(text, 'csv');

    expect(rows).toMatchObject([{ row: 5, errors: [], input: { number: 'C-1' } }]);
  });

  test('when headers are written loosely (full-width, units, asterisks, bilingual, odd case), then they still map', async () => {
    const header = [
      '＊证书编号',
      ' 获证组织名称 / Organisation name ',
      '统一社会信用代码（18位）',
      'SCHEME',
      'certification_scope',
      '颁证日期(YYYY-MM-DD)',
      'Expiry  Date',
      '审核人日(天)',
      '审核日期',
    ];
    const { rows } = await parseAll(csv([header, [...minimalRow(), '4.5', '2023-12-20至2023-12-22']]), 'csv');

    expect(rows).toMatchObject([
      {
        errors: [],
        input: {
          number: 'C-1',
          scope: '设计和生产',
          expiryDate: '2027-01-01',
          audit: { startDate: '2023-12-20', endDate: '2023-12-22', manDays: 4.5 },
        },
      },
    ]);
  });

  test('when the file has columns the registry does not know, then they are ignored and named once in a warning', async () => {
    const seen: UploadWarning[] = [];
    const { rows, warnings } = await parseAll(
      csv([
        [...MINIMAL_HEADER, '备注', '联系人'],
        [...minimalRow('C-1'), 'x', 'y'],
        [...minimalRow('C-2'), 'x', 'y'],
      ]),
      'csv',
      { onWarning: (w) => seen.push(w) },
    );

    expect(rows.every((r) => r.errors.length === 0)).toBe(true);
    expect(warnings).toEqual([
      {
        code: 'UPLOAD_UNKNOWN_COLUMNS',
        message: expect.stringContaining('备注, 联系人'),
        columns: ['备注', '联系人'],
      },
    ]);
    expect(seen).toEqual(warnings);
  });

  test('when two columns name the same field, then the first is used and the second is named in a warning', async () => {
    const { rows, warnings } = await parseAll(
      csv([
        [...MINIMAL_HEADER, '证书号'],
        [...minimalRow('C-1'), 'OTHER'],
      ]),
      'csv',
    );

    expect(rows[0]?.input).toMatchObject({ number: 'C-1' });
    expect(warnings).toMatchObject([{ code: 'UPLOAD_DUPLICATE_COLUMNS', columns: ['证书号'] }]);
  });

  test('when a row leaves required cells empty, then each gets ROW_MISSING_FIELD with the row and certificate number', async () => {
    const row = minimalRow('C-9');
    row[2] = '';
    row[5] = '  ';
    const { rows } = await parseAll(csv([MINIMAL_HEADER, row]), 'csv');

    expect(rows).toEqual([
      {
        row: 2,
        errors: [
          {
            row: 2,
            field: 'holder.creditCode',
            code: 'ROW_MISSING_FIELD',
            message: '统一社会信用代码: is required but empty',
            messageZh: '统一社会信用代码：必填，但为空',
            header: '统一社会信用代码',
            number: 'C-9',
          },
          {
            row: 2,
            field: 'issueDate',
            code: 'ROW_MISSING_FIELD',
            message: '颁证日期: is required but empty',
            messageZh: '颁证日期：必填，但为空',
            header: '颁证日期',
            number: 'C-9',
          },
        ],
      },
    ]);
  });

  test('when a cell shows an Excel error such as #N/A, then that cell is rejected as ROW_EXCEL_ERROR naming it', async () => {
    const row = await oneRow(['组织地址'], ['#N/A']);

    expect(row.errors).toMatchObject([
      {
        field: 'holder.address',
        code: 'ROW_EXCEL_ERROR',
        header: '组织地址',
        message: expect.stringContaining('#N/A'),
        messageZh: expect.stringContaining('#N/A'),
      },
    ]);
  });
});

describe('CSV files that cannot be read', () => {
  test.each([
    ['nothing at all', ''],
    ['only a BOM', '\ufeff'],
    ['only blank lines', '\r\n\r\n\n'],
    ['only empty cells', ',,,\n,,\n'],
  ])('when the file holds %s, then UPLOAD_EMPTY', async (_name, text) => {
    await expect(failure(text, 'csv')).resolves.toMatchObject({ code: 'UPLOAD_EMPTY', status: 400 });
  });

  test('when the file has a header but no data rows, then UPLOAD_EMPTY says so', async () => {
    const error = await failure(csv([MINIMAL_HEADER, []]), 'csv');

    expect(error).toMatchObject({ code: 'UPLOAD_EMPTY', message: expect.stringContaining('no data rows') });
  });

  test('when required columns are missing, then UPLOAD_MISSING_COLUMNS names each of them', async () => {
    const header = MINIMAL_HEADER.filter((h) => h !== '统一社会信用代码' && h !== '颁证日期');

    const error = await failure(csv([header, minimalRow().slice(0, 5)]), 'csv');

    expect(error).toMatchObject({
      code: 'UPLOAD_MISSING_COLUMNS',
      status: 400,
      details: { missing: ['统一社会信用代码 (Credit code)', '颁证日期 (Issue date)'] },
    });
    expect(error.message).toContain('统一社会信用代码');
  });

  test('when no row looks like a header (wrong headers), then UPLOAD_MISSING_COLUMNS says no header row was found', async () => {
    const error = await failure(
      csv([
        ['name', 'age', 'city'],
        ['Li', '30', 'Chongqing'],
      ]),
      'csv',
    );

    expect(error).toMatchObject({
      code: 'UPLOAD_MISSING_COLUMNS',
      message: expect.stringContaining('No header row'),
    });
  });

  test('when the file is separated by semicolons, then the error says to save it comma-delimited', async () => {
    const error = await failure(`${MINIMAL_HEADER.join(';')}\n${minimalRow().join(';')}\n`, 'csv');

    expect(error).toMatchObject({
      code: 'UPLOAD_MISSING_COLUMNS',
      message: expect.stringContaining('comma-delimited'),
    });
  });

  test('when audit columns come without the audit dates, then UPLOAD_MISSING_COLUMNS names the dates', async () => {
    const error = await failure(
      csv([
        [...MINIMAL_HEADER, '审核人日', '审核组成员'],
        [...minimalRow(), '3', '张伟(1)'],
      ]),
      'csv',
    );

    expect(error).toMatchObject({
      code: 'UPLOAD_MISSING_COLUMNS',
      message: expect.stringContaining('审核开始日期'),
    });
  });

  test('when a quote is never closed, then UPLOAD_MALFORMED gives the line it starts on', async () => {
    const text = `${csvLine(MINIMAL_HEADER)}\n${csvLine(minimalRow('C-1'))}\nC-2,"某某有限公司,${CREDIT_A},QMS,x,2024-01-01,2027-01-01\nC-3,a,b\n`;

    const error = await failure(text, 'csv');

    expect(error).toMatchObject({ code: 'UPLOAD_MALFORMED', status: 400, details: { line: 3, row: 3 } });
    expect(error.message).toContain('line 3');
  });

  test('when an unclosed quote swallows more than the row limit, then UPLOAD_ROW_TOO_LARGE points at the quote', async () => {
    const body = Array.from({ length: 3000 }, (_, i) => csvLine(minimalRow(`C-${i}`))).join('\n');
    const text = `${csvLine(MINIMAL_HEADER)}\n${csvLine(minimalRow())}\nC-0,"unclosed\n${body}\n`;

    const error = await failure(text, 'csv', { maxRowBytes: 64 * 1024 });

    expect(error).toMatchObject({ code: 'UPLOAD_ROW_TOO_LARGE', status: 413, details: { line: 3, row: 3 } });
    expect(error.message).toContain('quote is probably left open');
  });

  test.each([
    [
      'random bytes with NUL',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48]),
    ],
    ['text with a NUL inside', Buffer.from(`${csvLine(MINIMAL_HEADER)}\nC-1,abc\u0000def\n`)],
    [
      'text with a control byte',
      Buffer.from(`${csvLine(MINIMAL_HEADER)}\n${csvLine(minimalRow())}\nC-2,\u0001\n`),
    ],
  ])('when the file holds binary junk (%s), then UPLOAD_MALFORMED with the line', async (_name, bytes) => {
    const error = await failure(bytes, 'csv');

    expect(error).toMatchObject({
      code: 'UPLOAD_MALFORMED',
      message: expect.stringMatching(/binary content .* line \d+/),
    });
  });

  test('when an XLSX file is sent as CSV, then UPLOAD_MALFORMED says to upload it as XLSX', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('证书信息').addRow(MINIMAL_HEADER));

    const error = await failure(bytes, 'csv');

    expect(error).toMatchObject({
      code: 'UPLOAD_MALFORMED',
      message: expect.stringContaining('upload it as XLSX'),
    });
  });

  test('when the file is UTF-16 ("Unicode text"), then UPLOAD_MALFORMED says to save it as CSV UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv([MINIMAL_HEADER]), 'utf16le')]);

    await expect(failure(bytes, 'csv')).resolves.toMatchObject({
      code: 'UPLOAD_MALFORMED',
      message: expect.stringContaining('CSV UTF-8'),
    });
  });

  test('when a file that reads as UTF-8 at first later holds bytes that are not UTF-8, then UPLOAD_MALFORMED', async () => {
    const start = Buffer.from(
      csv([MINIMAL_HEADER, ...Array.from({ length: 200 }, (_, i) => minimalRow(`C-${i}`))]),
    );
    const bytes = Buffer.concat([
      start,
      iconv.encode(csv([minimalRow('GBK-ROW')]).replace('某某', '重庆'), 'gbk'),
    ]);

    await expect(failure(chunked(bytes, 4096), 'csv')).resolves.toMatchObject({ code: 'UPLOAD_MALFORMED' });
  });

  test('when one line is 20 MB long, then UPLOAD_ROW_TOO_LARGE (413) comes without reading the whole line', async () => {
    let pulled = 0;
    const line = Buffer.alloc(64 * 1024, 'x');
    const source = Readable.from(
      (function* () {
        const head = Buffer.from(`${csvLine(MINIMAL_HEADER)}\n${csvLine(minimalRow())}\nC-2,`);
        pulled += head.length;
        yield head;
        for (let i = 0; i < 320; i += 1) {
          pulled += line.length;
          yield line;
        }
        yield Buffer.from('\n');
      })(),
    );

    const error = await failure(source, 'csv');

    expect(error).toMatchObject({
      code: 'UPLOAD_ROW_TOO_LARGE',
      status: 413,
      details: { maxRowBytes: 1024 * 1024 },
    });
    expect(error.message).toContain('Line 3');
    // The parser stopped at the limit: it pulled about 1 MiB of the 20 MB line, not all of it.
    expect(pulled).toBeLessThan(3 * 1024 * 1024);
  });

  test('when a quoted value with new lines grows past the row limit, then UPLOAD_ROW_TOO_LARGE', async () => {
    const bigCell = Array.from({ length: 50 }, () => 'y'.repeat(1000)).join('\r\n');
    const text = `${csvLine(MINIMAL_HEADER)}\r\n\r\n"${bigCell}",x\r\n`;

    const error = await failure(text, 'csv', { maxRowBytes: 10_000 });

    expect(error).toMatchObject({ code: 'UPLOAD_ROW_TOO_LARGE', details: { row: 3, line: 3 } });
    expect(error.message).toContain('Row 3 (from line 3)');
  });
});

// ---------------------------------------------------------------------------------------------------
// Values

describe('cell values', () => {
  test.each([
    '2024-03-05',
    '2024/3/5',
    '2024/03/05',
    '2024.3.5',
    '2024年3月5日',
    '2024 年 3 月 5 日',
    '20240305',
    '45356',
    '2024-03-05 00:00:00',
    '2024/3/5 14:30',
    '２０２４－０３－０５',
  ])('when a date is written %s, then it reads as 2024-03-05', async (written) => {
    const row = await oneRow(['状态变更日期'], [written]);

    expect(row).toMatchObject({ errors: [], input: { statusDate: '2024-03-05' } });
  });

  test.each(['2024-02-30', '2024/13/1', '2024-3', 'soon', '60', '0', '3/5/2024'])(
    'when a date is written %s, then ROW_INVALID_DATE names the field',
    async (written) => {
      const row = await oneRow(['状态变更日期'], [written]);

      expect(row.errors).toEqual([
        {
          row: 2,
          field: 'statusDate',
          code: 'ROW_INVALID_DATE',
          message: expect.stringContaining(written),
          messageZh: expect.stringMatching(/^状态变更日期：.*不是日期/),
          header: '状态变更日期',
          number: 'C-1',
        },
      ]);
    },
  );

  test('when Excel serial numbers are read, then the 1900 system (with its phantom 1900-02-29) and the 1904 system hold', () => {
    expect(excelSerialToIsoDate(1)).toBe('1900-01-01');
    expect(excelSerialToIsoDate(59)).toBe('1900-02-28');
    expect(excelSerialToIsoDate(60)).toBeUndefined(); // 1900-02-29 never existed
    expect(excelSerialToIsoDate(61)).toBe('1900-03-01');
    expect(excelSerialToIsoDate(45356)).toBe('2024-03-05');
    expect(excelSerialToIsoDate(45356.99)).toBe('2024-03-05'); // a time of day
    expect(excelSerialToIsoDate(2958465)).toBe('9999-12-31');
    expect(excelSerialToIsoDate(2958466)).toBeUndefined();
    expect(excelSerialToIsoDate(0)).toBeUndefined();
    expect(excelSerialToIsoDate(0, true)).toBe('1904-01-01');
    expect(excelSerialToIsoDate(45356 - 1462, true)).toBe('2024-03-05');
  });

  test('when a date arrives as a JS Date or a number, then it reads as the calendar day', () => {
    expect(parseDateValue(new Date(Date.UTC(2024, 2, 5)))).toBe('2024-03-05');
    expect(parseDateValue(new Date(Date.UTC(2024, 2, 5, 23, 59, 59, 999)))).toBe('2024-03-06'); // float drift
    expect(parseDateValue(new Date(Date.UTC(2024, 2, 5, 18, 0)))).toBe('2024-03-05');
    expect(parseDateValue(45356)).toBe('2024-03-05');
    expect(parseDateValue(new Date(Number.NaN))).toBeUndefined();
  });

  test.each([
    ['有效', 'valid'],
    ['valid', 'valid'],
    ['Valid', 'valid'],
    ['正常', 'valid'],
    ['暂停', 'suspended'],
    ['Suspended', 'suspended'],
    ['撤销', 'revoked'],
    ['REVOKED', 'revoked'],
    ['注销', 'withdrawn'],
    ['withdrawn', 'withdrawn'],
    ['cancelled', 'withdrawn'],
    ['过期', 'valid'],
    ['expired', 'valid'],
  ])(
    'when the status is %s, then it is stored as %s (expiry is derived from the date)',
    async (written, status) => {
      const row = await oneRow(['证书状态'], [written]);

      expect(row).toMatchObject({ errors: [], input: { status } });
    },
  );

  test('when the status cell is empty, then no status is given (the schema defaults to valid)', async () => {
    const row = await oneRow(['证书状态'], ['']);

    expect(row.errors).toEqual([]);
    expect(row.input).not.toHaveProperty('status');
  });

  test('when the status is unknown, then ROW_UNKNOWN_STATUS', async () => {
    const row = await oneRow(['证书状态'], ['待定']);

    expect(row.errors).toMatchObject([{ field: 'status', code: 'ROW_UNKNOWN_STATUS' }]);
  });

  test.each([
    ['QMS', 'QMS'],
    ['qms', 'QMS'],
    ['ISO 9001', 'QMS'],
    ['ISO9001:2015', 'QMS'],
    ['GB/T 19001-2016/ISO 9001:2015', 'QMS'],
    ['质量管理体系认证', 'QMS'],
    ['质量管理体系', 'QMS'],
    ['Quality management system', 'QMS'],
    ['环境管理体系认证', 'EMS'],
    ['ISO 14001:2015', 'EMS'],
    ['ISO 45001', 'OHSMS'],
    ['OHSAS 18001', 'OHSMS'],
    ['ISO/IEC 27001:2022', 'ISMS'],
    ['ISO/IEC 20000-1:2018', 'ITSMS'],
    ['GB/T 29490-2023', 'IPMS'],
    ['3C', 'CCC'],
    ['强制性产品认证', 'CCC'],
    ['有机产品认证', 'ORGANIC'],
    ['ＥＭＳ', 'EMS'],
  ])('when the scheme is written %s, then it maps to %s', async (written, code) => {
    expect(findSchemeByName(written)?.code).toBe(code);
    const cells = minimalRow();
    cells[3] = written;
    const { rows } = await parseAll(csv([MINIMAL_HEADER, cells]), 'csv');
    expect(rows[0]).toMatchObject({ errors: [], input: { scheme: code } });
  });

  test.each(['XYZ', 'ISO 9001 / ISO 14001', 'ISO 12345'])(
    'when the scheme is %s (unknown or two at once), then ROW_UNKNOWN_SCHEME',
    async (written) => {
      const cells = minimalRow();
      cells[3] = written;
      const { rows } = await parseAll(csv([MINIMAL_HEADER, cells]), 'csv');

      expect(rows[0]?.errors).toMatchObject([{ field: 'scheme', code: 'ROW_UNKNOWN_SCHEME' }]);
    },
  );

  test.each([
    ['张伟(2025-N1QMS-1234567);李娜(2024-N1EMS-7654321)', undefined],
    ['张伟（2025-N1QMS-1234567）；李娜（2024-N1EMS-7654321）', undefined],
    ['张伟(2025-N1QMS-1234567)、李娜(2024-N1EMS-7654321)', undefined],
    ['张伟(2025-N1QMS-1234567), 李娜(2024-N1EMS-7654321)', undefined],
    ['张伟(2025-N1QMS-1234567)\n李娜(2024-N1EMS-7654321)', undefined],
    ['张伟 2025-N1QMS-1234567;李娜:2024-N1EMS-7654321', undefined],
    ['张伟(组长,2025-N1QMS-1234567);李娜(2024-N1EMS-7654321 组员)', ['leader', 'member']],
    ['组长:张伟(2025-N1QMS-1234567);专家：李娜【2024-N1EMS-7654321】', ['leader', 'expert']],
  ])('when the audit team is written %j, then both auditors are read', (written, roles) => {
    const parsed = parseAuditors(written);

    expect(parsed).toEqual({
      auditors: [
        { name: '张伟', registrationNumber: '2025-N1QMS-1234567', ...(roles ? { role: roles[0] } : {}) },
        { name: '李娜', registrationNumber: '2024-N1EMS-7654321', ...(roles ? { role: roles[1] } : {}) },
      ],
    });
  });

  test('when an auditor has no registration number, then ROW_INVALID_VALUE names them', async () => {
    const row = await oneRow(
      ['审核开始日期', '审核结束日期', '审核人日', '审核组成员'],
      ['2023-12-20', '2023-12-22', '3', '张伟(2025-N1QMS-1234567);李娜'],
    );

    expect(row.errors).toMatchObject([
      { field: 'audit.auditors', code: 'ROW_INVALID_VALUE', message: expect.stringContaining('"李娜"') },
    ]);
  });

  test.each([
    ['6', 6],
    ['6.5', 6.5],
    ['６天', 6],
    ['2 人日', 2],
    ['3 man-days', 3],
  ])('when the man-days are %s, then they read as %d', async (written, manDays) => {
    const row = await oneRow(
      ['审核开始日期', '审核结束日期', '审核人日'],
      ['2023-12-20', '2023-12-22', written],
    );

    expect(row).toMatchObject({ errors: [], input: { audit: { manDays } } });
  });

  test('when the man-days are not a number, then ROW_INVALID_NUMBER', async () => {
    const row = await oneRow(
      ['审核开始日期', '审核结束日期', '审核人日'],
      ['2023-12-20', '2023-12-22', 'three'],
    );

    expect(row.errors).toMatchObject([{ field: 'audit.manDays', code: 'ROW_INVALID_NUMBER' }]);
  });

  test.each([
    ['有效人数', '120', 120],
    ['员工人数', '１２０人', 120],
    ['Employees', '85 employees', 85],
    ['人数', 7, 7],
  ])('when the head count is written %s: %s, then it reads as %d', async (header, written, employees) => {
    const row = await oneRow([header], [written]);

    expect(row).toMatchObject({ errors: [], input: { holder: { employees } } });
  });

  test.each(['about 100', '12.5'])('when the head count is %s, then ROW_INVALID_NUMBER', async (written) => {
    const row = await oneRow(['有效人数'], [written]);

    expect(row.errors).toMatchObject([{ field: 'holder.employees', code: 'ROW_INVALID_NUMBER' }]);
  });

  test('when the head count is 0, then the schema refuses it', async () => {
    const row = await oneRow(['有效人数'], ['0']);
    // The body comes from the token on upload; here the row is checked as its body would send it.
    const result = certificateInputSchema.safeParse({ ...row.input, bodyCode: 'CQC' });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['holder.employees']);
  });

  test('when a row names an audit without its dates, then ROW_MISSING_FIELD for each', async () => {
    const row = await oneRow(['审核开始日期', '审核结束日期', '审核人日'], ['', '', '3']);

    expect(row.errors).toMatchObject([
      { field: 'audit.startDate', code: 'ROW_MISSING_FIELD' },
      { field: 'audit.endDate', code: 'ROW_MISSING_FIELD' },
    ]);
  });

  test('when product models and industry codes are listed with mixed separators, then they split into lists', async () => {
    const row = await oneRow(['产品型号', '专业代码'], ['A1;A2；A3,A4，A5、A6\nA7', ' 17.10.02 ; 18.01.00 ']);

    expect(row.input).toMatchObject({
      productModels: ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7'],
      industryCodes: ['17.10.02', '18.01.00'],
    });
  });

  test('when a body code and sites are given, then they map too', async () => {
    const row = await oneRow(
      ['机构代码', '场所地址'],
      ['CNCA-R-2002-001', '重庆市沙坪坝区A路1号；重庆市江北区B路2号'],
    );

    expect(row.input).toMatchObject({
      bodyCode: 'CNCA-R-2002-001',
      sites: [{ address: '重庆市沙坪坝区A路1号' }, { address: '重庆市江北区B路2号' }],
    });
  });

  test('when headers are normalised, then the documented forms reduce to the same key', () => {
    expect(normalizeHeader('\ufeff 审核人日（天） ')).toBe(normalizeHeader('审核人日'));
    expect(normalizeHeader('Audit Man-Days')).toBe(normalizeHeader('audit man days'));
    expect(normalizeHeader('*证书编号*')).toBe(normalizeHeader('证书编号'));
    // Every alias names one column only.
    const owners = new Map<string, string>();
    for (const column of UPLOAD_COLUMNS) {
      for (const alias of [column.field, ...column.zh, ...column.en]) {
        const key = normalizeHeader(alias);
        expect([undefined, column.field]).toContain(owners.get(key));
        owners.set(key, column.field);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// XLSX

/** A workbook in the CNCA reporting style: an instructions sheet, then the certificate sheet with title rows. */
function reportingWorkbook(header: readonly string[], fill: (sheet: ExcelJS.Worksheet) => void) {
  return xlsxOf((wb) => {
    const notes = wb.addWorksheet('填报说明');
    notes.addRow(['本表用于报送认证证书信息。']);
    notes.addRow(['日期格式：2024-03-05']);
    const sheet = wb.addWorksheet('证书信息');
    sheet.addRow(['认证机构证书信息报送表']);
    sheet.mergeCells('A1:F1');
    sheet.addRow(['报送机构：某某认证有限公司']);
    sheet.addRow([...header]);
    fill(sheet);
  });
}

describe('XLSX uploads', () => {
  test('when the certificate sheet has title rows, Date cells, serial dates, rich text, formulas and links, then rows map with their sheet numbers', async () => {
    const bytes = await reportingWorkbook(ZH_HEADER, (sheet) => {
      const a = sheet.addRow([...ROW_A]);
      a.getCell(7).value = new Date(Date.UTC(2024, 2, 5)); // 颁证日期: a Date cell
      a.getCell(8).value = 46450; // 证书到期日期: a serial number (2027-03-04) with a date format
      a.getCell(8).numFmt = 'yyyy/m/d';
      a.getCell(2).value = {
        richText: [{ text: '重庆沙坪坝' }, { font: { bold: true }, text: '精密机械制造有限公司' }],
      };
      a.getCell(15).value = { formula: '3*2', result: 6 };
      a.getCell(6).value = { text: '精密机械零部件的设计和生产', hyperlink: 'https://example.com/scope' };
      const b = sheet.addRow([...ROW_B]);
      b.getCell(11).value = 45474; // 状态变更日期: a bare serial number in a general cell (2024-07-01)
    });

    const { rows, warnings } = await parseAll(bytes, 'xlsx');

    expect(rows).toEqual([
      { row: 4, input: INPUT_A, errors: [] },
      { row: 5, input: INPUT_B, errors: [] },
    ]);
    expect(warnings).toEqual([]);
  });

  test('when the first sheet is a long list of notes, then it is given up after the title rows and the next sheet is read', async () => {
    const bytes = await xlsxOf((wb) => {
      const notes = wb.addWorksheet('说明');
      for (let i = 0; i < 40; i += 1) notes.addRow([`第 ${i + 1} 条说明`, '证书编号']);
      const sheet = wb.addWorksheet('证书信息');
      sheet.addRow(MINIMAL_HEADER);
      sheet.addRow(minimalRow());
    });

    const { rows } = await parseAll(bytes, 'xlsx');

    expect(rows).toMatchObject([{ row: 2, errors: [], input: { number: 'C-1' } }]);
  });

  test('when the headers are English, then the sheet maps the same', async () => {
    const bytes = await xlsxOf((wb) => {
      const sheet = wb.addWorksheet('Certificates');
      sheet.addRow(EN_HEADER);
      sheet.addRow(ROW_A);
      sheet.addRow(ROW_B);
    });

    const { rows } = await parseAll(bytes, 'xlsx');

    expect(rows.map((r) => [r.row, r.input])).toEqual([
      [2, INPUT_A],
      [3, INPUT_B],
    ]);
  });

  test('when the certificate number and a date are numeric cells, then the number reads as text and the date as a day', async () => {
    const bytes = await xlsxOf((wb) => {
      const sheet = wb.addWorksheet('证书信息');
      sheet.addRow(MINIMAL_HEADER);
      sheet.addRow([
        2024011001000123,
        '某某有限公司',
        CREDIT_A,
        'QMS',
        '设计和生产',
        45292,
        new Date(Date.UTC(2027, 0, 1)),
      ]);
    });

    const { rows } = await parseAll(bytes, 'xlsx');

    expect(rows[0]).toMatchObject({
      errors: [],
      input: { number: '2024011001000123', issueDate: '2024-01-01', expiryDate: '2027-01-01' },
    });
  });

  test('when Excel turned a long all-digit code into a number, then the row is told it lost digits', async () => {
    const bytes = await xlsxOf((wb) => {
      const sheet = wb.addWorksheet('证书信息');
      sheet.addRow(MINIMAL_HEADER);
      sheet.addRow([
        'C-1',
        '某某有限公司',
        915001067094876500,
        'QMS',
        '设计和生产',
        '2024-01-01',
        '2027-01-01',
      ]);
    });

    const { rows } = await parseAll(bytes, 'xlsx');

    expect(rows[0]?.errors).toMatchObject([
      {
        field: 'holder.creditCode',
        code: 'ROW_INVALID_VALUE',
        message: expect.stringContaining('format the column as text'),
      },
    ]);
  });

  test('when the workbook uses the 1904 date system, then serial dates are read in it', async () => {
    const bytes = await xlsxOf((wb) => {
      wb.properties.date1904 = true;
      const sheet = wb.addWorksheet('证书信息');
      sheet.addRow(MINIMAL_HEADER);
      sheet.addRow(['C-1', '某某有限公司', CREDIT_A, 'QMS', '设计和生产', 45356 - 1462, '2027-01-01']);
    });

    const { rows } = await parseAll(bytes, 'xlsx');

    expect(rows[0]).toMatchObject({ errors: [], input: { issueDate: '2024-03-05' } });
  });

  test('when no sheet has the required headers, then UPLOAD_MISSING_COLUMNS names what the best sheet lacks', async () => {
    const bytes = await reportingWorkbook(
      MINIMAL_HEADER.filter((h) => h !== '认证范围'),
      (sheet) => sheet.addRow(['C-1']),
    );

    const error = await failure(bytes, 'xlsx');

    expect(error).toMatchObject({
      code: 'UPLOAD_MISSING_COLUMNS',
      details: { missing: ['认证范围 (Scope)'] },
    });
  });

  test('when the certificate sheet has a header but no rows, then UPLOAD_EMPTY', async () => {
    const bytes = await reportingWorkbook(MINIMAL_HEADER, () => undefined);

    await expect(failure(bytes, 'xlsx')).resolves.toMatchObject({ code: 'UPLOAD_EMPTY' });
  });

  test('when the workbook has only empty sheets, then UPLOAD_EMPTY', async () => {
    const bytes = await xlsxOf((wb) => wb.addWorksheet('Sheet1'));

    await expect(failure(bytes, 'xlsx')).resolves.toMatchObject({ code: 'UPLOAD_EMPTY' });
  });

  test.each([
    ['an empty file', Buffer.alloc(0), 'UPLOAD_EMPTY'],
    ['a CSV text', Buffer.from(csv([MINIMAL_HEADER, minimalRow()])), 'UPLOAD_MALFORMED'],
    [
      'ZIP-looking junk',
      Buffer.from('PK\u0003\u0004 this is not really a zip archive at all, only junk'),
      'UPLOAD_MALFORMED',
    ],
  ])('when the XLSX upload is %s, then %s', async (_name, bytes, code) => {
    await expect(failure(bytes, 'xlsx')).resolves.toMatchObject({ code });
  });

  test('when the XLSX is cut short, then UPLOAD_MALFORMED (no hang)', async () => {
    const bytes = await reportingWorkbook(ZH_HEADER, (sheet) => {
      for (let i = 0; i < 200; i += 1) sheet.addRow([...ROW_A.slice(0, 1), `${i}`, ...ROW_A.slice(2)]);
    });

    const error = await failure(bytes.subarray(0, Math.floor(bytes.length / 2)), 'xlsx');

    expect(error.code).toBe('UPLOAD_MALFORMED');
  });

  test('when the upload stream fails mid-file (an aborted upload), then the parse rejects with that error instead of hanging', async () => {
    const bytes = await reportingWorkbook(ZH_HEADER, (sheet) => sheet.addRow(ROW_A));
    const source = new Readable({ read() {} });
    source.push(bytes.subarray(0, 200));
    setTimeout(() => source.destroy(new Error('aborted')), 20);

    await expect(parseAll(source, 'xlsx')).rejects.toThrow('aborted');
  });

  test('when a workbook is read to the end or left early, then no temp file and no open file stays behind', async () => {
    const leftovers = () =>
      fs
        .readdirSync(os.tmpdir())
        .filter((f) => f.startsWith('certwatch-xlsx-') || f.startsWith(`tmp-${process.pid}-`));
    const openFiles = () => fs.readdirSync('/proc/self/fd').length;
    const bytes = await reportingWorkbook(ZH_HEADER, (sheet) => {
      for (let i = 0; i < 300; i += 1) sheet.addRow([`N${i}`, ...ROW_A.slice(1)]);
    });
    const withNotesAfter = await xlsxOf((wb) => {
      wb.addWorksheet('证书信息').addRows([MINIMAL_HEADER, minimalRow()]);
      wb.addWorksheet('填报说明').addRow(['说明']);
      wb.addWorksheet('其他').addRow(['x']);
    });
    const leftBefore = leftovers().length;
    const filesBefore = openFiles();

    await parseAll(bytes, 'xlsx');
    await parseAll(withNotesAfter, 'xlsx');
    for await (const row of parseUpload(chunked(bytes), 'xlsx')) {
      expect(row.errors).toEqual([]);
      break;
    }
    await expect(failure(bytes.subarray(0, bytes.length - 10), 'xlsx')).resolves.toMatchObject({
      code: 'UPLOAD_MALFORMED',
    });
    await new Promise((resolve) => setTimeout(resolve, 50)); // destroyed streams close their files next tick

    expect(leftovers()).toHaveLength(leftBefore);
    expect(openFiles()).toBeLessThanOrEqual(filesBefore);
  });

  test('when a workbook written by exceljs (workbook part stored last) is read many times, then every read sees every sheet', async () => {
    // exceljs's own streaming ZIP walk loses entries now and then (exceljs#3064); ours must not.
    const bytes = await xlsxOf((wb) => {
      wb.addWorksheet('说明').addRow(['说明']);
      wb.addWorksheet('证书信息').addRows([MINIMAL_HEADER, minimalRow()]);
    });

    const results = await Promise.all(Array.from({ length: 40 }, () => parseAll(bytes, 'xlsx')));

    for (const { rows } of results) expect(rows.map((r) => [r.row, r.errors])).toEqual([[2, []]]);
  });

  test('when cells are flattened, then each exceljs value kind gives its plain value', () => {
    expect(flattenCell({ richText: [{ text: 'a' }, { text: 'b' }] })).toBe('ab');
    expect(flattenCell({ formula: 'A1', result: 5 })).toBe(5);
    expect(flattenCell({ sharedFormula: 'A1', result: 'x' })).toBe('x');
    expect(flattenCell({ text: { richText: [{ text: 'link' }] }, hyperlink: 'https://x' })).toBe('link');
    expect(flattenCell({ error: '#N/A' })).toBe('#N/A');
    expect(flattenCell(null)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------
// NDJSON

describe('NDJSON uploads', () => {
  test('when each line is a CertificateInput object, then it passes through (dates and statuses normalised)', async () => {
    const a = { ...INPUT_A, issueDate: '2024/3/5', status: '有效', scheme: 'ISO 9001' };
    const text = `${JSON.stringify(a)}\r\n\r\n${JSON.stringify(INPUT_B)}\n`;

    const { rows, warnings } = await parseAll(text, 'ndjson');

    expect(rows).toEqual([
      { row: 1, input: INPUT_A, errors: [] },
      { row: 3, input: INPUT_B, errors: [] },
    ]);
    expect(warnings).toEqual([]);
  });

  test('when lines are flat with canonical, English or Chinese keys, then they map like CSV columns', async () => {
    const canonical = {
      number: 'C-1',
      'holder.name': '某某有限公司',
      'holder.creditCode': CREDIT_A,
      scheme: 'QMS',
      scope: '设计和生产',
      issueDate: '2024-01-01',
      expiryDate: '2027-01-01',
      'audit.startDate': '2023-12-20',
      'audit.endDate': '2023-12-22',
      'audit.manDays': 3,
      'audit.auditors': [{ name: '张伟', registrationNumber: '2025-N1QMS-1234567', role: 'leader' }],
    };
    const english = Object.fromEntries(EN_HEADER.slice(0, 9).map((h, i) => [h, ROW_A[i]]));
    const chinese = Object.fromEntries(ZH_HEADER.slice(0, 9).map((h, i) => [h, ROW_A[i]]));

    const { rows } = await parseAll(
      [canonical, english, chinese].map((o) => JSON.stringify(o)).join('\n'),
      'ndjson',
    );

    expect(rows[0]).toEqual({
      row: 1,
      errors: [],
      input: {
        number: 'C-1',
        holder: { name: '某某有限公司', creditCode: CREDIT_A },
        scheme: 'QMS',
        scope: '设计和生产',
        issueDate: '2024-01-01',
        expiryDate: '2027-01-01',
        audit: {
          startDate: '2023-12-20',
          endDate: '2023-12-22',
          manDays: 3,
          auditors: [{ name: '张伟', registrationNumber: '2025-N1QMS-1234567', role: 'leader' }],
        },
      },
    });
    const { industryCodes: _codes, audit: _audit, ...headline } = INPUT_A;
    expect(rows[1]).toEqual({ row: 2, errors: [], input: headline });
    expect(rows[2]).toEqual(rows[1] && { ...rows[1], row: 3 });
  });

  test('when a line is not valid JSON or not an object, then that row is rejected and the others are read', async () => {
    const good = JSON.stringify({ ...INPUT_B });
    const text = [good, '{"number": "C-2", "scheme": ', '[1, 2]', good].join('\n');

    const { rows } = await parseAll(text, 'ndjson');

    expect(rows).toMatchObject([
      { row: 1, errors: [] },
      { row: 2, errors: [{ row: 2, field: '', code: 'ROW_MALFORMED' }] },
      { row: 3, errors: [{ row: 3, field: '', code: 'ROW_MALFORMED' }] },
      { row: 4, errors: [] },
    ]);
  });

  test('when lines carry keys the registry does not know, then one warning names them at the end', async () => {
    const text = [
      { ...INPUT_B, note: 'x' },
      { ...INPUT_B, note: 'y', colour: 'red' },
    ]
      .map((o) => JSON.stringify(o))
      .join('\n');

    const { warnings } = await parseAll(text, 'ndjson');

    expect(warnings).toEqual([
      {
        code: 'UPLOAD_UNKNOWN_COLUMNS',
        message: expect.stringContaining('note, colour'),
        columns: ['note', 'colour'],
      },
    ]);
  });

  test.each([
    ['an empty file', '', 'UPLOAD_EMPTY'],
    ['blank lines only', '\n\n  \n', 'UPLOAD_EMPTY'],
    ['binary junk', Buffer.from([0x7b, 0x00, 0x01, 0x02, 0x0a]), 'UPLOAD_MALFORMED'],
    ['GBK text (JSON must be UTF-8)', iconv.encode(JSON.stringify(INPUT_A), 'gbk'), 'UPLOAD_MALFORMED'],
  ])('when the NDJSON file is %s, then %s', async (_name, bytes, code) => {
    await expect(failure(bytes, 'ndjson')).resolves.toMatchObject({ code });
  });

  test('when one line is 20 MB long, then UPLOAD_ROW_TOO_LARGE without reading the whole line', async () => {
    let pulled = 0;
    const piece = Buffer.alloc(64 * 1024, 'x');
    const source = Readable.from(
      (function* () {
        yield Buffer.from(`${JSON.stringify(INPUT_B)}\n{"scope": "`);
        for (let i = 0; i < 320; i += 1) {
          pulled += piece.length;
          yield piece;
        }
        yield Buffer.from('"}\n');
      })(),
    );

    const error = await failure(source, 'ndjson');

    expect(error).toMatchObject({
      code: 'UPLOAD_ROW_TOO_LARGE',
      status: 413,
      message: expect.stringContaining('Line 2'),
    });
    expect(pulled).toBeLessThan(3 * 1024 * 1024);
  });
});

// ---------------------------------------------------------------------------------------------------
// Formats, streaming

describe('upload formats', () => {
  test.each([
    [{ contentType: 'text/csv; charset=utf-8' }, 'csv'],
    [{ contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, 'xlsx'],
    [{ contentType: 'application/x-ndjson' }, 'ndjson'],
    [{ contentType: 'application/octet-stream', fileName: '证书.XLSX' }, 'xlsx'],
    [{ fileName: 'certs.jsonl' }, 'ndjson'],
    [{ contentType: 'application/vnd.ms-excel', fileName: 'certs.csv' }, 'csv'], // Windows browsers label CSV so
    [{ format: 'CSV', contentType: 'application/x-ndjson' }, 'csv'],
  ] as const)('when the upload says %j, then the format is %s', (hints, format) => {
    expect(uploadFormatOf(hints)).toBe(format);
  });

  test.each([
    [{ fileName: 'old.xls' }, '.xlsx'],
    [{ contentType: 'application/pdf' }, 'application/pdf'],
    [{ format: 'xml' }, 'one of'],
    [{}, 'CSV, XLSX or NDJSON'],
  ])('when the upload says %j, then UNSUPPORTED_UPLOAD_FORMAT (415)', (hints, text) => {
    expect(() => uploadFormatOf(hints)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_UPLOAD_FORMAT', status: 415 }),
    );
    expect(() => uploadFormatOf(hints)).toThrow(text);
  });
});

describe('streaming', () => {
  test.each(['csv', 'ndjson', 'xlsx'] as const)(
    'when the consumer stops early (%s), then reading stops and the source is left to the caller, not destroyed',
    async (format) => {
      const many = Array.from({ length: 2000 }, (_, i) => minimalRow(`C-${i}`));
      const bytes =
        format === 'csv'
          ? zhCsv(many)
          : format === 'ndjson'
            ? Array.from({ length: 2000 }, () => JSON.stringify(INPUT_B)).join('\n')
            : await xlsxOf((wb) => wb.addWorksheet('证书信息').addRows([MINIMAL_HEADER, ...many]));
      const source = chunked(bytes, 256);

      for await (const row of parseUpload(source, format)) {
        expect(row.errors).toEqual([]);
        break;
      }

      // Destroying an HTTP request whose body is unread would reset the connection before the answer.
      // (The XLSX reader may have read a small file to its end already; a stream that ended closes itself.)
      if (format !== 'xlsx') expect(source.readableEnded).toBe(false);
      expect({ destroyedBeforeItsEnd: source.destroyed && !source.readableEnded }).toEqual({
        destroyedBeforeItsEnd: false,
      });
      if (!source.readableEnded) {
        source.resume(); // the caller drains it
        await new Promise((resolve) => source.once('end', resolve));
      }
    },
  );

  test('when a file fails part way, then the source is not destroyed either', async () => {
    const source = chunked(`${csvLine(MINIMAL_HEADER)}\nC-1,"never closed\n${'x,'.repeat(100_000)}`, 1024);

    await expect(failure(source, 'csv', { maxRowBytes: 64 * 1024 })).resolves.toMatchObject({
      code: 'UPLOAD_ROW_TOO_LARGE',
    });
    expect(source.destroyed).toBe(false);
  });

  test('when 200,000 generated CSV rows are parsed, then they stream through with flat memory', async () => {
    const total = 200_000;
    let generated = 0;
    let generatedBytes = 0;
    const source = Readable.from(
      (function* () {
        yield Buffer.from(`\ufeff${csvLine(ZH_HEADER)}\r\n`);
        while (generated < total) {
          const lines: string[] = [];
          for (let i = 0; i < 200 && generated < total; i += 1, generated += 1) {
            const row = [...ROW_A];
            row[0] = `Q${String(generated).padStart(8, '0')}`;
            lines.push(csvLine(row));
          }
          const chunk = Buffer.from(`${lines.join('\r\n')}\r\n`);
          generatedBytes += chunk.length;
          yield chunk;
        }
      })(),
    );

    const started = process.hrtime.bigint();
    const rssStart = process.memoryUsage().rss;
    let rssPeak = rssStart;
    let maxAhead = 0;
    let count = 0;
    let rejected = 0;
    for await (const row of parseUpload(source, 'csv')) {
      count += 1;
      if (row.errors.length > 0) rejected += 1;
      // Back-pressure: the parser never runs far ahead of the consumer.
      maxAhead = Math.max(maxAhead, generated - count);
      if (count % 10_000 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    expect({ count, rejected }).toEqual({ count: total, rejected: 0 });
    // Stream buffers hold a few hundred KiB at most: a few thousand rows, never the whole file.
    expect(maxAhead).toBeLessThan(5_000);
    console.log(
      `upload-parsers: ${total} CSV rows (${(generatedBytes / 1048576).toFixed(1)} MiB) in ${seconds.toFixed(2)} s = ` +
        `${Math.round(total / seconds)} rows/s; RSS ${Math.round(rssStart / 1048576)} MiB at start, ` +
        `peak ${Math.round(rssPeak / 1048576)} MiB (+${Math.round((rssPeak - rssStart) / 1048576)} MiB)`,
    );
  });
});

describe('templates and docs', () => {
  const templates = path.join(__dirname, '..', '..', 'client', 'public', 'templates');

  test.each([
    ['certificates-template.csv', 'csv'],
    ['certificates-template-en.csv', 'csv'],
    ['certificates-template.xlsx', 'xlsx'],
  ] as const)(
    'when the committed template %s is uploaded, then its example rows pass the schema',
    async (file, format) => {
      const { rows, warnings } = await parseAll(fs.createReadStream(path.join(templates, file)), format);

      expect(warnings).toEqual([]);
      expect(rows.map((r) => [r.row, r.errors])).toEqual([
        [2, []],
        [3, []],
      ]);
      for (const row of rows) {
        const result = certificateInputSchema.safeParse({ ...row.input, bodyCode: 'CQC' });
        expect(result.error?.issues).toBeUndefined();
      }
      expect(rows[1]?.input).toMatchObject({
        number: '2024010105000123',
        scheme: 'CCC',
        status: 'suspended',
      });
    },
  );

  test('when the template script runs, then the committed CSV templates are what it writes', () => {
    expect(fs.readFileSync(path.join(templates, 'certificates-template.csv'), 'utf8')).toBe(
      templateCsv('zh'),
    );
    expect(fs.readFileSync(path.join(templates, 'certificates-template-en.csv'), 'utf8')).toBe(
      templateCsv('en'),
    );
  });

  test('when the XLSX template is generated, then it parses to the same rows as the CSV template', async () => {
    const fromXlsx = await parseAll(await templateXlsx(), 'xlsx');
    const fromCsv = await parseAll(templateCsv('zh'), 'csv');

    expect(fromXlsx.rows).toEqual(fromCsv.rows);
  });

  test('when docs/upload-columns.md is read, then it names every column in Chinese and English', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'upload-columns.md'), 'utf8');

    for (const column of UPLOAD_COLUMNS) {
      expect(doc).toContain(`\`${column.field}\``);
      for (const alias of [...column.zh, ...column.en]) expect(doc).toContain(alias);
    }
  });
});

describe('XLSX error cells', () => {
  test('when a sheet is read in pieces cut anywhere, then every error cell is retyped as text and nothing else changes', async () => {
    const xml =
      '<row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3" t="e"><f>VLOOKUP(A3,B:B,2,0)</f><v>#N/A</v></c>' +
      '<c r=\'C3\' s="2" t=\'e\'><v>#REF!</v></c><c r="D3"><v>20240301</v></c><c r="E3" t="inlineStr"><is><t>中文 t="e"</t></is></c></row>';
    const expected = xml
      .replace('r="B3" t="e"', 'r="B3" t="str"')
      .replace('s="2" t=\'e\'', 's="2" t=\'str\'');
    const bytes = Buffer.from(xml);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      const pieces = [bytes.subarray(0, cut), bytes.subarray(cut)];
      const out: Buffer[] = [];
      for await (const chunk of retypeErrorCells(Readable.from(pieces))) out.push(chunk);
      expect(Buffer.concat(out).toString('utf8')).toBe(expected);
    }
  });
});
