import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import request from 'supertest';
import type { AuditorImport } from '../../server/auditors/auditor-schema';
import { createTestApp, type TestApp } from '../helpers/test-app';

const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PROBLEM = /^application\/problem\+json/;

/** The CCAA register's export as its query pages show it: a title row, then the register's columns. */
const HEADER = ['序号', '姓名', '注册号', '注册级别', '注册领域', '有效期起', '有效期至'];

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = createTestApp();
  admin = await t.tokenFor('admin');
});
afterAll(() => t.close());

const importFile = (content: string | Buffer, type = CSV, as = admin, query = '') =>
  request(t.app)
    .post(`/api/v1/auditors/imports${query}`)
    .set('Authorization', `Bearer ${as}`)
    .set('Content-Type', type)
    .send(content);

const csv = (rows: (string | number)[][]) =>
  [
    '中国认证认可协会 审核员注册名录（导出）',
    HEADER.join(','),
    ...rows.map((r) => r.map(String).join(',')),
  ].join('\r\n');

describe('auditor register import', () => {
  test('when an admin imports the register as CSV, then every row is stored and the answer counts them like a job', async () => {
    const res = await importFile(
      csv([
        [1, '王芳', '2023-N1QMS-2000001', '审核员', 'QMS', '2023-04-01', '2026-03-31'],
        [
          2,
          '赵强',
          '2024-n1ems-3000002',
          '高级审核员',
          '"EMS;职业健康安全管理体系"',
          '2024/1/1',
          '2027/12/31',
        ],
      ]),
      CSV,
      admin,
      '?fileName=register.csv',
    );
    expect(res).toMatchObject({
      status: 201,
      body: {
        state: 'completed',
        fileName: 'register.csv',
        counts: { rows: 2, created: 2, updated: 0, unchanged: 0, rejected: 0 },
        errors: [],
        registerSize: 2,
      },
    });
    const [zhao] = await t.stores.auditors.findByRegistrationNumbers(['2024-N1EMS-3000002']);
    expect(zhao).toMatchObject({
      name: '赵强',
      schemes: ['EMS', 'OHSMS'],
      level: '高级审核员',
      validFrom: '2024-01-01',
      validTo: '2027-12-31',
      importId: res.body.id,
    });
    // The import is in the audit log.
    const entries = await t.stores.audit.forTarget('auditor-register', res.body.id, 5);
    expect(entries.map((e) => e.action)).toEqual(['auditors.import']);

    // The same file again changes nothing; a renewal updates its registration.
    const again = await importFile(
      csv([
        [1, '王芳', '2023-N1QMS-2000001', '审核员', 'QMS', '2023-04-01', '2029-03-31'],
        [
          2,
          '赵强',
          '2024-N1EMS-3000002',
          '高级审核员',
          '"EMS;职业健康安全管理体系"',
          '2024-01-01',
          '2027-12-31',
        ],
      ]),
    );
    expect(again.body.counts).toEqual({ rows: 2, created: 0, updated: 1, unchanged: 1, rejected: 0 });
  });

  test('when rows are wrong, then the good rows are stored and each bad one comes back with its reasons in Chinese and English', async () => {
    const res = await importFile(
      iconv.encode(
        csv([
          [1, '钱明', '2025-N1ISMS-5000001', '审核员', '信息安全管理体系', '2025-01-01', '2027-12-31'],
          [2, '', '2025-N1QMS-5000002', '审核员', 'QMS', '2025-01-01', '2027-12-31'],
          [3, '李娜', '2025 N1QMS/5000003', '审核员', 'QMS', '2025-01-01', '2027-12-31'],
          [4, '周杰', '2025-N1QMS-5000004', '审核员', '汽车维修', '2025-01-01', '2027-12-31'],
          [5, '吴敏', '2025-N1QMS-5000005', '审核员', 'QMS', '2025-13-01', '2024-12-31'],
          [6, '郑华', '2025-N1QMS-5000006', '审核员', 'QMS', '2026-01-01', '2025-12-31'],
          [7, '钱明', '2025-n1isms-5000001', '审核员', 'ISMS', '2025-01-01', '2027-12-31'],
        ]),
        'gb18030',
      ),
    );
    expect(res.status).toBe(201);
    const body = res.body as AuditorImport;
    expect(body).toMatchObject({
      state: 'completed-with-errors',
      counts: { rows: 7, created: 1, rejected: 6 },
    });
    const codes = body.errors.map((e) => [e.row, e.field, e.code]);
    expect(codes).toEqual([
      [4, 'name', 'AUDITOR_ROW_MISSING_FIELD'],
      [5, 'registrationNumber', 'AUDITOR_ROW_INVALID_NUMBER'],
      [6, 'schemes', 'AUDITOR_ROW_UNKNOWN_SCHEME'],
      [7, 'validFrom', 'AUDITOR_ROW_INVALID_DATE'],
      [8, 'validTo', 'AUDITOR_ROW_VALIDITY_REVERSED'],
      [9, 'registrationNumber', 'AUDITOR_ROW_DUPLICATE'],
    ]);
    for (const e of body.errors) {
      expect(e.message.zh).toMatch(/[\u4e00-\u9fff]/);
      // English but for the value quoted from the file.
      expect(e.message.en.replace(/"[^"]*"/g, '')).toMatch(/^[\x20-\x7e]+$/);
    }
    expect(body.errors[2]?.message).toEqual({
      zh: '注册领域“汽车维修”不是已知的认证领域（例如 QMS、EMS、OHSMS 或其中文名称）。',
      en: '"汽车维修" is not a known scheme (e.g. QMS, EMS, OHSMS, or their Chinese names).',
    });
    expect(body.errors[5]?.message.en).toContain('row 3');
  });

  test('when the register comes as XLSX with English headers and the validity as one range, then it is read the same', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Register');
    sheet.addRow(['Name', 'Registration number', 'Schemes', 'Validity']);
    sheet.addRow(['孙丽', '2026-N1QMS-4000003', 'ISO 9001', '2026-03-30 至 2029-03-29']);
    sheet.addRow(['Liu Yang', '2026-N1EMS-4000004', 'EMS', '2026-01-01~2028-12-31']);
    const res = await importFile(Buffer.from(await workbook.xlsx.writeBuffer()), XLSX);
    expect(res).toMatchObject({ status: 201, body: { state: 'completed', counts: { created: 2 } } });
    const found = await t.stores.auditors.findByRegistrationNumbers(['2026-N1QMS-4000003']);
    expect(found).toMatchObject([{ schemes: ['QMS'], validFrom: '2026-03-30', validTo: '2029-03-29' }]);
    expect(found[0]).not.toHaveProperty('level');
  });

  test('when the file is not the register, then 400 names the missing columns in both languages and nothing is stored', async () => {
    const before = await t.stores.auditors.count();
    const res = await importFile('证书编号,获证组织名称\nA-1,某公司\n');
    expect(res).toMatchObject({ status: 400, body: { code: 'AUDITOR_REGISTER_MISSING_COLUMNS' } });
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.detail).toContain('注册领域 (Schemes)');
    expect(await t.stores.auditors.count()).toBe(before);
    const empty = await importFile('');
    expect(empty).toMatchObject({ status: 400, body: { code: 'UPLOAD_EMPTY' } });
    const ndjson = await importFile('{}\n', 'application/x-ndjson');
    expect(ndjson).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_UPLOAD_FORMAT' } });
  });

  test('when anyone but an admin imports, then 401 or 403 and nothing is stored', async () => {
    const before = await t.stores.auditors.count();
    const file = csv([[1, '冒名', '2025-N1QMS-6660001', '审核员', 'QMS', '2025-01-01', '2027-12-31']]);
    const anonymous = await request(t.app)
      .post('/api/v1/auditors/imports')
      .set('Content-Type', CSV)
      .send(file);
    expect(anonymous).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    for (const role of ['inspector', 'partner'] as const) {
      const res = await importFile(file, CSV, await t.tokenFor(role));
      expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    }
    expect(await t.stores.auditors.count()).toBe(before);
  });
});
