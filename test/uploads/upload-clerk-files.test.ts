/**
 * Files as a certifying body's clerk makes them in Excel (issue #12, "Uploads read what clerks write"),
 * each uploaded through the API: dates typed as digits into General cells, the body's own name in the
 * 认证机构 column, a VLOOKUP that found nothing, a total row under the data, a row with several mistakes,
 * and the error report in the clerk's language with the headers as the clerk wrote them.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { demoBodies } from '../../scripts/demo-data';
import { templateCsv, templateXlsx } from '../../scripts/make-upload-template';
import type { Body } from '../../server/bodies/body-schema';
import { creditCode, seedBody, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { CONTENT_TYPES } from '../helpers/upload-files';

let t: TestApp;
let body: Body;
let token: string;
beforeAll(async () => {
  t = createTestApp();
  body = await seedBody(t.services, {
    name: '重庆渝州质量认证中心（有限公司）',
    nameEn: 'Chongqing Yuzhou Quality Certification Centre',
    approvalNumber: 'CNCA-R-2008-042',
    approvedSchemes: ['QMS', 'EMS'],
    approvedIndustryCodes: ['18', '19'],
  });
  token = await t.tokenFor('body', body.code);
});
afterAll(() => t.close());

/** The sheet's headers as a clerk's own workbook has them (aliases, not the template's first names). */
const HEADERS = ['证书号', '获证单位名称', '社会信用代码', '认证类别', '认证范围', '发证日期', '有效期至'];

/** A sheet "证书信息" with a title row, the header, and the rows as given (cell values as exceljs writes them). */
async function workbook(rows: unknown[][], headers: string[] = HEADERS): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('证书信息');
  sheet.addRow(['2026年11月证书上报']);
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A good row in the HEADERS order, with overrides by column index. */
function row(overrides: Record<number, unknown> = {}): unknown[] {
  const cells: unknown[] = [
    unique('QX-'),
    '重庆磁器口精工机械有限公司',
    creditCode(),
    '质量管理体系认证',
    '机械零部件的加工',
    '2025-03-05',
    '2028-03-04',
  ];
  for (const [i, v] of Object.entries(overrides)) cells[Number(i)] = v;
  return cells;
}

function upload(
  file: Buffer | string,
  options: { mode?: 'atomic' | 'partial'; as?: string; type?: string; lang?: string } = {},
) {
  const req = request(t.app)
    .post(`/api/v1/uploads?mode=${options.mode ?? 'partial'}`)
    .set('Authorization', `Bearer ${options.as ?? token}`)
    .set('Content-Type', options.type ?? CONTENT_TYPES.xlsx);
  if (options.lang) req.set('Accept-Language', options.lang);
  return req.send(file);
}

/** The error report as rows of cells, header first (BOM checked). */
async function report(jobId: string, query = ''): Promise<string[][]> {
  const res = await request(t.app)
    .get(`/api/v1/uploads/${jobId}/errors.csv${query}`)
    .set('Authorization', `Bearer ${token}`)
    .buffer(true);
  expect(res.status).toBe(200);
  expect(res.text.charCodeAt(0)).toBe(0xfeff);
  return parseCsv(res.text.slice(1)) as string[][];
}

const stored = async (number: string, bodyCode = body.code) =>
  (await t.stores.certificates.findByNumbers(bodyCode, [number]))[0];

describe('dates typed as digits', () => {
  test('when 20240301 is typed into General cells (stored by Excel as numbers), then an atomic upload takes them as dates, beside Date cells and serials', async () => {
    const typed = row({ 5: 20240301, 6: 20270228 });
    const dated = row({ 5: new Date(Date.UTC(2024, 2, 5)), 6: new Date(Date.UTC(2027, 2, 4)) });
    const serial = row({ 5: 45356, 6: 46450 });

    const res = await upload(await workbook([typed, dated, serial]), { mode: 'atomic' });

    expect(res).toMatchObject({
      status: 201,
      body: { state: 'succeeded', progress: { rowsRead: 3, accepted: 3, rejected: 0 }, errorsStored: 0 },
    });
    expect(await stored(typed[0] as string)).toMatchObject({
      issueDate: '2024-03-01',
      expiryDate: '2027-02-28',
    });
    expect(await stored(dated[0] as string)).toMatchObject({
      issueDate: '2024-03-05',
      expiryDate: '2027-03-04',
    });
    expect(await stored(serial[0] as string)).toMatchObject({
      issueDate: '2024-03-05',
      expiryDate: '2027-03-04',
    });
  });

  test('when digits typed as a date name no day (20240230), then the row is ROW_INVALID_DATE', async () => {
    const bad = row({ 5: 20240230 });
    const res = await upload(await workbook([bad]));
    expect(res).toMatchObject({ status: 201, body: { progress: { rejected: 1 } } });
    expect((await report(res.body.id)).slice(1)).toEqual([
      ['3', '发证日期', 'ROW_INVALID_DATE', expect.stringContaining('20240230'), bad[0], 'issueDate'],
    ]);
  });
});

describe('the body named in the 认证机构 column', () => {
  const headers = [...HEADERS, '认证机构'];

  test('when a body writes its own name, approval number or code (any width or case), then every row is its own and stored', async () => {
    const rows = [
      row({ 7: body.name }),
      row({ 7: '重庆渝州质量认证中心(有限公司)' }),
      row({ 7: 'ＣＮＣＡ－Ｒ－２００８－０４２' }),
      row({ 7: 'cnca-r-2008-042' }),
      row({ 7: 'chongqing yuzhou quality certification centre' }),
      row({ 7: body.code.toLowerCase() }),
    ];

    const res = await upload(await workbook(rows, headers), { mode: 'atomic' });

    expect(res).toMatchObject({ status: 201, body: { progress: { accepted: 6, rejected: 0 } } });
    for (const r of rows) expect(await stored(r[0] as string)).toBeDefined();
  });

  test('when a row names another body, then it alone is ROW_OTHER_BODY, quoting that body and this one', async () => {
    const other = row({ 7: '中国质量认证中心' });
    const res = await upload(await workbook([row({ 7: body.name }), other], headers));

    expect(res).toMatchObject({ status: 201, body: { progress: { accepted: 1, rejected: 1 } } });
    const [, error] = await report(res.body.id);
    expect(error).toEqual([
      '4',
      '认证机构',
      'ROW_OTHER_BODY',
      `认证机构：该行是认证机构“中国质量认证中心”的证书；本令牌只能上报 ${body.code}（${body.name}）的证书`,
      other[0],
      'bodyCode',
    ]);
    expect(await stored(other[0] as string)).toBeUndefined();
  });
});

describe('formulas whose result is an Excel error', () => {
  test('when a VLOOKUP found nothing (#N/A) and a reference broke (#REF!), then each cell is ROW_EXCEL_ERROR naming its error, not an empty cell', async () => {
    const lookup = row({ 1: { formula: 'VLOOKUP(C3,客户!A:B,2,FALSE)', result: { error: '#N/A' } } });
    const broken = row({ 4: { error: '#REF!' } });

    const res = await upload(await workbook([lookup, broken]), { mode: 'atomic' });

    expect(res).toMatchObject({
      status: 422,
      body: { code: 'UPLOAD_REJECTED', job: { progress: { rejected: 2 } } },
    });
    expect((await report(res.body.job.id, '?lang=en')).slice(1)).toEqual([
      [
        '3',
        '获证单位名称',
        'ROW_EXCEL_ERROR',
        expect.stringMatching(/^获证单位名称: the cell shows the Excel error #N\/A/),
        lookup[0],
        'holder.name',
      ],
      [
        '4',
        '认证范围',
        'ROW_EXCEL_ERROR',
        expect.stringMatching(/^认证范围: the cell shows the Excel error #REF!/),
        broken[0],
        'scope',
      ],
    ]);
    const zh = await report(res.body.job.id);
    expect(zh[1]?.[3]).toMatch(/^获证单位名称：单元格显示 Excel 错误 #N\/A/);
  });
});

describe('a total row under the data', () => {
  test('when the sheet ends with a 合计 row, then it is skipped with one notice and no row errors', async () => {
    const rows = [row(), row(), row()];
    const total = ['合计', null, null, null, '共 3 张证书', null, null];

    const res = await upload(await workbook([...rows, total]), { mode: 'atomic' });

    expect(res).toMatchObject({
      status: 201,
      body: {
        state: 'succeeded',
        progress: { rowsRead: 3, accepted: 3, rejected: 0 },
        errorsStored: 0,
        warnings: [
          {
            code: 'UPLOAD_TOTAL_ROW_SKIPPED',
            rows: [6],
            message: expect.stringContaining('第 6 行是合计行'),
          },
        ],
      },
    });
    const job = await request(t.app)
      .get(`/api/v1/uploads/${res.body.id}?lang=en`)
      .set('Authorization', `Bearer ${token}`);
    expect(job.body.warnings).toEqual([
      expect.objectContaining({
        code: 'UPLOAD_TOTAL_ROW_SKIPPED',
        message: expect.stringMatching(/^Row 6 is a total row/),
      }),
    ]);
  });

  test.each(['总计', 'Total', 'TOTAL:', '合计：'])(
    'when the total row starts with %s, then it is skipped too',
    async (word) => {
      const res = await upload(await workbook([row(), [word, null, null, null, null, null, null, 12]]));
      expect(res).toMatchObject({
        status: 201,
        body: { progress: { rowsRead: 1, rejected: 0 }, warnings: [{ code: 'UPLOAD_TOTAL_ROW_SKIPPED' }] },
      });
    },
  );
});

describe('every error of a row, in the clerk’s language', () => {
  test('when a row has three mistakes, then the report lists all three, in Chinese by default, with the headers as the clerk wrote them', async () => {
    const bad = row({ 2: '91500106MA5U4KXX1A', 3: 'ISO 99999', 5: '2025-02-30' });

    const res = await upload(await workbook([row(), bad]));

    expect(res).toMatchObject({ status: 201, body: { progress: { accepted: 1, rejected: 1 } } });
    const zh = await report(res.body.id);
    expect(zh[0]).toEqual(['行号', '列', '错误代码', '错误说明', '证书编号', '字段']);
    expect(zh.slice(1)).toEqual([
      ['4', '认证类别', 'ROW_UNKNOWN_SCHEME', '认证类别：“ISO 99999”不是已知的认证项目', bad[0], 'scheme'],
      [
        '4',
        '发证日期',
        'ROW_INVALID_DATE',
        expect.stringMatching(/^发证日期：“2025-02-30”不是日期/),
        bad[0],
        'issueDate',
      ],
      [
        '4',
        '社会信用代码',
        'ROW_INVALID_CREDIT_CODE',
        '社会信用代码：不是有效的统一社会信用代码（18 位，校验位须正确）',
        bad[0],
        'holder.creditCode',
      ],
    ]);
    const en = await report(res.body.id, '?lang=en');
    expect(en[0]).toEqual(['row', 'column', 'code', 'message', 'number', 'field']);
    expect(en.slice(1).map((r) => [r[1], r[2], r[3]])).toEqual([
      ['认证类别', 'ROW_UNKNOWN_SCHEME', '认证类别: "ISO 99999" is not a known certification scheme'],
      ['发证日期', 'ROW_INVALID_DATE', expect.stringMatching(/^发证日期: "2025-02-30" is not a date/)],
      [
        '社会信用代码',
        'ROW_INVALID_CREDIT_CODE',
        expect.stringMatching(/^社会信用代码: not a valid unified social credit code/),
      ],
    ]);
  });

  test('when the request prefers English (Accept-Language), then the job and the report answer in English', async () => {
    const res = await upload(await workbook([row({ 5: 'soon' })]), {
      lang: 'en-GB,en;q=0.9',
      mode: 'atomic',
    });
    expect(res).toMatchObject({
      status: 422,
      body: { detail: expect.stringMatching(/^Nothing stored: 1 of 1 rows/) },
    });
    const csv = await request(t.app)
      .get(`/api/v1/uploads/${res.body.job.id}/errors.csv`)
      .set('Authorization', `Bearer ${token}`)
      .set('Accept-Language', 'en');
    expect(csv.text).toContain('is not a date');
    expect(csv.headers['content-language']).toBe('en');
  });

  test('when a row of empty cells has more errors than a row reports, then it reports the first ten', async () => {
    const headers = [
      ...HEADERS,
      '审核开始日期',
      '审核结束日期',
      '审核人日',
      '审核组成员',
      '组织地址',
      '有效人数',
      '证书状态',
    ];
    const many = [
      '#N/A',
      '#N/A',
      '#N/A',
      '#N/A',
      '#N/A',
      '#N/A',
      '#N/A',
      '#N/A',
      '#N/A',
      '#N/A',
      '#N/A',
      '#N/A',
      '#N/A',
      '#N/A',
    ];

    const res = await upload(await workbook([many], headers));

    expect(res).toMatchObject({ status: 201, body: { progress: { rejected: 1 }, errorsStored: 10 } });
  });
});

describe('status dates in an upload', () => {
  const headers = [...HEADERS, '证书状态', '变更原因', '状态变更日期'];

  test('when a suspension is dated before the issue date, then the row is ROW_STATUS_DATE_BEFORE_ISSUE', async () => {
    const bad = row({ 7: '暂停', 8: '未按期接受监督审核', 9: '2025-01-10' });
    const res = await upload(await workbook([bad], headers));
    expect((await report(res.body.id)).slice(1)).toEqual([
      [
        '3',
        '状态变更日期',
        'ROW_STATUS_DATE_BEFORE_ISSUE',
        '状态变更日期：状态变更日期 2025-01-10 早于颁证日期 2025-03-05',
        bad[0],
        'statusDate',
      ],
    ]);
  });

  test('when a change is dated before the last status change in the registry, then the row is ROW_STATUS_DATE_BEFORE_LAST_CHANGE', async () => {
    const number = unique('QS-');
    const suspended = row({ 0: number, 7: '暂停', 8: '未按期接受监督审核', 9: '2025-09-01' });
    expect((await upload(await workbook([suspended], headers))).body.progress.created).toBe(1);

    const revokedEarlier = [...suspended];
    revokedEarlier.splice(7, 3, '撤销', '伪造审核记录', '2025-08-01');
    const res = await upload(await workbook([revokedEarlier], headers));

    expect(res).toMatchObject({ status: 201, body: { progress: { rejected: 1 } } });
    expect((await report(res.body.id, '?lang=en')).slice(1)).toEqual([
      [
        '3',
        '状态变更日期',
        'ROW_STATUS_DATE_BEFORE_LAST_CHANGE',
        "状态变更日期: the status date 2025-08-01 is before the certificate's last status change, on 2025-09-01",
        number,
        'statusDate',
      ],
    ]);
    expect(await stored(number)).toMatchObject({ status: 'suspended', statusDate: '2025-09-01' });
  });
});

describe('the templates', () => {
  test.each(['HZC', 'XNA'])(
    'when demo body %s uploads the XLSX and CSV templates as downloaded, then every sample row is accepted',
    async (code) => {
      const demo = demoBodies().find((b) => b.code === code) as Body;
      await t.services.bodies.upsert(demo);
      const as = await t.tokenFor('body', demo.code);

      const xlsx = await upload(await templateXlsx(), { as, mode: 'atomic' });
      expect(xlsx).toMatchObject({
        status: 201,
        body: { progress: { rowsRead: 2, accepted: 2, rejected: 0 } },
      });
      for (const lang of ['zh', 'en'] as const) {
        const csv = await upload(templateCsv(lang), { as, mode: 'atomic', type: CONTENT_TYPES.csv });
        expect(csv).toMatchObject({
          status: 201,
          body: { progress: { rowsRead: 2, accepted: 2, rejected: 0 } },
        });
      }
    },
  );
});

describe('a file refused whole', () => {
  test('when a clerk’s sheet lacks a required column, then the 400 says so in Chinese by default and in English on request', async () => {
    const file = await workbook([row().slice(0, 6)], HEADERS.slice(0, 6));

    const zh = await upload(file);
    expect(zh).toMatchObject({
      status: 400,
      body: {
        code: 'UPLOAD_MISSING_COLUMNS',
        detail: expect.stringMatching(/^文件缺少必填列.*缺少：证书到期日期 \(Expiry date\)。$/),
        job: {
          state: 'failed',
          failure: { code: 'UPLOAD_MISSING_COLUMNS', message: expect.stringMatching(/^文件缺少必填列/) },
        },
      },
    });
    const en = await upload(file, { lang: 'en' });
    expect(en).toMatchObject({
      status: 400,
      body: {
        code: 'UPLOAD_MISSING_COLUMNS',
        detail: expect.stringMatching(/^Required columns are missing: 证书到期日期/),
      },
    });
  });
});
