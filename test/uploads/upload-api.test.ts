import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import request from 'supertest';
import type { Body } from '../../server/bodies/body-schema';
import type { UploadJob } from '../../server/uploads/upload-schema';
import { seedBody, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { newJobId, streamUpload } from '../helpers/upload-request';
import { CONTENT_TYPES, toCsv, toNdjson, toXlsx, uploadRow, type UploadRow } from '../helpers/upload-files';

let t: TestApp;
let body: Body;
let token: string;
beforeAll(async () => {
  t = createTestApp();
  body = await seedBody(t.services, {
    approvedSchemes: ['QMS', 'EMS', 'CCC'],
    approvedIndustryCodes: ['18', '19.01'],
  });
  token = await t.tokenFor('body', body.code);
});
afterAll(() => t.close());

const PROBLEM = /^application\/problem\+json/;

function upload(
  content: string | Buffer,
  options: { mode?: 'atomic' | 'partial'; type?: string; query?: string; as?: string; jobId?: string } = {},
) {
  const query = [`mode=${options.mode ?? 'partial'}`, options.query].filter(Boolean).join('&');
  const req = request(t.app)
    .post(`/api/v1/uploads?${query}`)
    .set('Authorization', `Bearer ${options.as ?? token}`)
    .set('Content-Type', options.type ?? CONTENT_TYPES.csv);
  if (options.jobId) req.set('Upload-Job-Id', options.jobId);
  return req.send(content);
}

const get = (path: string, as = token) => request(t.app).get(path).set('Authorization', `Bearer ${as}`);

async function lookup(number: string, bodyCode = body.code) {
  const res = await request(t.app).get('/api/v1/certificates').query({ number, body: bodyCode });
  expect(res.status).toBe(200);
  return res.body.items as { number: string; status: string; statusReason?: string; statusDate?: string }[];
}

const REPORT_HEADER = ['row', 'column', 'code', 'message', 'number', 'field'];

/**
 * The English error report of a job (BOM and header checked), as rows of [row, field, code, message,
 * number], header first as ['row', 'field', 'code', 'message', 'number'] (the tests below key on those);
 * the columns as the file names them are checked by the tests of their own.
 */
async function errorReport(jobId: string, as = token): Promise<string[][]> {
  const res = await get(`/api/v1/uploads/${jobId}/errors.csv?lang=en`, as).buffer(true);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
  const text = res.text;
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const [header, ...rows] = parseCsv(text.slice(1), { relaxColumnCount: false }) as string[][];
  expect(header).toEqual(REPORT_HEADER);
  return [
    ['row', 'field', 'code', 'message', 'number'],
    ...rows.map(([row, , code, message, number, field]) => [
      row as string,
      field as string,
      code as string,
      message as string,
      number as string,
    ]),
  ];
}

describe('formats', () => {
  test.each([
    ['CSV with Chinese headers', async (rows: UploadRow[]) => toCsv(rows), CONTENT_TYPES.csv],
    ['CSV with English headers', async (rows: UploadRow[]) => toCsv(rows, { lang: 'en' }), CONTENT_TYPES.csv],
    [
      'CSV in GB18030 (Excel on Chinese Windows)',
      async (rows: UploadRow[]) => iconv.encode(toCsv(rows), 'gb18030'),
      CONTENT_TYPES.csv,
    ],
    ['CSV with a UTF-8 BOM', async (rows: UploadRow[]) => `\ufeff${toCsv(rows)}`, CONTENT_TYPES.csv],
    ['XLSX with Chinese headers', async (rows: UploadRow[]) => toXlsx(rows), CONTENT_TYPES.xlsx],
    [
      'XLSX with English headers',
      async (rows: UploadRow[]) => toXlsx(rows, { lang: 'en' }),
      CONTENT_TYPES.xlsx,
    ],
    ['NDJSON', async (rows: UploadRow[]) => toNdjson(rows), CONTENT_TYPES.ndjson],
  ])('when a body uploads %s, then every row is stored and found by a lookup', async (_what, write, type) => {
    const rows = [uploadRow({ name: '重庆格式测试甲有限公司' }), uploadRow({ scheme: 'EMS' }), uploadRow()];
    const res = await upload(await write(rows), { type });
    expect(res).toMatchObject({
      status: 201,
      headers: { location: `/api/v1/uploads/${res.body.id}` },
      body: {
        id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        bodyCode: body.code,
        state: 'succeeded',
        progress: { rowsRead: 3, accepted: 3, rejected: 0, created: 3, updated: 0, unchanged: 0 },
        errorsStored: 0,
      },
    });
    expect(res.body.progress.bytes).toBeGreaterThan(0);
    for (const row of rows) {
      await expect(lookup(row.number as string)).resolves.toMatchObject([
        { number: row.number, status: 'valid' },
      ]);
    }
  });

  test('when the format is given as a parameter, then the Content-Type does not matter', async () => {
    const res = await upload(toNdjson([uploadRow()]), {
      type: 'application/octet-stream',
      query: 'format=ndjson',
    });
    expect(res).toMatchObject({ status: 201, body: { format: 'ndjson', state: 'succeeded' } });
  });

  test('when the file name is given, then the job keeps it', async () => {
    const res = await upload(toCsv([uploadRow()]), {
      query: `fileName=${encodeURIComponent('2026年3月证书.csv')}`,
    });
    expect(res).toMatchObject({ status: 201, body: { fileName: '2026年3月证书.csv' } });
  });

  test('when the format is unknown, then 415 and no job', async () => {
    const res = await upload('x', { type: 'application/pdf' });
    expect(res).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_UPLOAD_FORMAT' } });
  });

  test.each([
    ['an empty file', 400, 'UPLOAD_EMPTY', ''],
    ['a header row only', 400, 'UPLOAD_EMPTY', toCsv([])],
    ['an unterminated quote', 400, 'UPLOAD_MALFORMED', `${toCsv([uploadRow()])}"UP-1,重庆,`],
    ['binary junk', 400, 'UPLOAD_MALFORMED', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10, 0x11])],
    ['headers that name nothing', 400, 'UPLOAD_MISSING_COLUMNS', 'a,b,c\r\n1,2,3\r\n'],
  ])('when the file is %s, then %i %s with the failed job', async (_what, status, code, content) => {
    const res = await upload(content);
    expect(res).toMatchObject({
      status,
      headers: { 'content-type': expect.stringMatching(PROBLEM) },
      body: { code, job: { state: 'failed', failure: { code } } },
    });
    const job = await get(`/api/v1/uploads/${res.body.job.id}`);
    expect(job).toMatchObject({ status: 200, body: { state: 'failed', failure: { code } } });
  });
});

describe('bad rows', () => {
  /** One bad row between two good ones; `setup` may seed what the row is checked against. */
  const cases: [what: string, code: string, field: string, row: () => UploadRow | Promise<UploadRow>][] = [
    [
      'a credit code whose check character is wrong',
      'ROW_INVALID_CREDIT_CODE',
      'holder.creditCode',
      () => uploadRow({ creditCode: '91500106MA5U4KXX1A' }),
    ],
    ['an unknown scheme', 'ROW_UNKNOWN_SCHEME', 'scheme', () => uploadRow({ scheme: 'ISO 99999' })],
    [
      'an expiry date before the issue date',
      'ROW_EXPIRY_BEFORE_ISSUE',
      'expiryDate',
      () => uploadRow({ issueDate: '2025-03-05', expiryDate: '2024-03-05' }),
    ],
    ['an empty required cell', 'ROW_MISSING_FIELD', 'scope', () => uploadRow({ scope: '' })],
    ['an impossible date', 'ROW_INVALID_DATE', 'issueDate', () => uploadRow({ issueDate: '2025-02-30' })],
    ['an unknown status', 'ROW_UNKNOWN_STATUS', 'status', () => uploadRow({ status: '作废中' })],
    [
      'a certificate of another body',
      'ROW_OTHER_BODY',
      'bodyCode',
      () => uploadRow({ bodyCode: 'OTHERBODY' }),
    ],
    [
      'a scheme outside the approved scope',
      'ROW_OUT_OF_SCOPE',
      'scheme',
      () => uploadRow({ scheme: 'ISMS' }),
    ],
    [
      'an industry code outside the approved scope',
      'ROW_OUT_OF_SCOPE',
      'industryCodes',
      () => uploadRow({ industryCodes: '18.01;28.02' }),
    ],
    [
      'a suspension without its reason and date',
      'ROW_MISSING_FIELD',
      'statusDate',
      () => uploadRow({ status: '暂停' }),
    ],
    [
      'a revoked certificate reported valid again',
      'ROW_ILLEGAL_STATUS_TRANSITION',
      'status',
      async () => {
        const number = unique('REV-');
        const revoked = uploadRow({
          number,
          status: '撤销',
          statusReason: '伪造审核记录',
          statusDate: '2025-06-01',
        });
        expect((await upload(toCsv([revoked]))).status).toBe(201);
        return { ...revoked, status: '有效', statusReason: undefined, statusDate: undefined };
      },
    ],
  ];

  test.each(cases)(
    'when a row has %s, then it is rejected with %s on %s and the others are stored',
    async (_what, code, field, makeRow) => {
      const bad = await makeRow();
      const [first, last] = [uploadRow(), uploadRow()];
      const before = await t.stores.certificates.count();

      const res = await upload(toCsv([first, bad, last]));

      expect(res).toMatchObject({
        status: 201,
        body: { state: 'succeeded', progress: { rowsRead: 3, accepted: 2, rejected: 1, created: 2 } },
      });
      const report = await errorReport(res.body.id);
      expect(report[0]).toEqual(['row', 'field', 'code', 'message', 'number']);
      // Row 1 is the header: the bad row is the file's row 3.
      expect(report.slice(1)).toContainEqual(['3', field, code, expect.any(String), bad.number ?? '']);
      expect(report.slice(1).every((r) => r[0] === '3')).toBe(true);
      expect(await t.stores.certificates.count()).toBe(before + 2);
      await expect(lookup(first.number as string)).resolves.toHaveLength(1);
      await expect(lookup(last.number as string)).resolves.toHaveLength(1);
    },
  );

  test('when a number appears twice in one file, then the later row is rejected and the first stored', async () => {
    const number = unique('DUP-');
    const rows = [uploadRow({ number }), uploadRow(), uploadRow({ number, name: '另一家重复编号有限公司' })];
    const res = await upload(toCsv(rows));
    expect(res).toMatchObject({ status: 201, body: { progress: { accepted: 2, rejected: 1 } } });
    const report = await errorReport(res.body.id);
    expect(report.slice(1)).toEqual([
      ['4', 'number', 'ROW_DUPLICATE_NUMBER', expect.stringContaining('row 2'), number],
    ]);
    await expect(lookup(number)).resolves.toMatchObject([{ number }]);
    const [stored] = await t.stores.certificates.findByNumbers(body.code, [number]);
    expect(stored?.holder.name).toBe(rows[0]?.name);
  });

  test('when a file lacks a required column, then 400 UPLOAD_MISSING_COLUMNS names it', async () => {
    const res = await upload(toCsv([uploadRow()], { omit: ['creditCode'] }));
    expect(res).toMatchObject({
      status: 400,
      body: { code: 'UPLOAD_MISSING_COLUMNS', detail: expect.stringContaining('统一社会信用代码') },
    });
  });

  test('when a row has several problems, then each is reported once, on its field', async () => {
    const res = await upload(toCsv([uploadRow({ scheme: 'ISMS', industryCodes: '99' })]));
    const report = await errorReport(res.body.id);
    expect(report.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['2', 'scheme', 'ROW_OUT_OF_SCOPE'],
      ['2', 'industryCodes', 'ROW_OUT_OF_SCOPE'],
    ]);
    expect(report[1]?.[3]).toContain('ISMS');
    expect(report[2]?.[3]).toContain('99');
  });
});

describe('atomic and partial', () => {
  test('when an atomic upload has a bad row, then 422 UPLOAD_REJECTED, nothing is stored, and every error is reported', async () => {
    const rows = [
      uploadRow(),
      uploadRow({ creditCode: '91500106MA5U4KXX1A' }),
      uploadRow(),
      uploadRow({ scheme: 'ISMS' }),
    ];
    const before = await t.stores.certificates.count();

    const res = await upload(toCsv(rows), { mode: 'atomic' });

    expect(res).toMatchObject({
      status: 422,
      headers: { 'content-type': expect.stringMatching(PROBLEM) },
      body: {
        code: 'UPLOAD_REJECTED',
        // Chinese unless the request asks for English.
        detail: expect.stringMatching(/^未保存任何数据：4 行中有 2 行有错误/),
        job: {
          state: 'rejected',
          mode: 'atomic',
          progress: { rowsRead: 4, accepted: 2, rejected: 2, created: 0, updated: 0, unchanged: 0 },
          errorsStored: 2,
        },
      },
    });
    expect(await t.stores.certificates.count()).toBe(before);
    await expect(lookup(rows[0]?.number as string)).resolves.toEqual([]);
    const report = await errorReport(res.body.job.id);
    expect(report.slice(1).map((r) => [r[0], r[2]])).toEqual([
      ['3', 'ROW_INVALID_CREDIT_CODE'],
      ['5', 'ROW_OUT_OF_SCOPE'],
    ]);
  });

  test('when the same bad file is uploaded partially, then the good rows are stored', async () => {
    const rows = [uploadRow(), uploadRow({ creditCode: '91500106MA5U4KXX1A' }), uploadRow()];
    const res = await upload(toCsv(rows), { mode: 'partial' });
    expect(res).toMatchObject({
      status: 201,
      body: { state: 'succeeded', progress: { accepted: 2, rejected: 1, created: 2 } },
    });
    await expect(lookup(rows[2]?.number as string)).resolves.toHaveLength(1);
  });

  test('when an atomic upload is all valid, then every row is stored', async () => {
    const rows = Array.from({ length: 25 }, () => uploadRow());
    const res = await upload(toCsv(rows), { mode: 'atomic' });
    expect(res).toMatchObject({
      status: 201,
      body: { state: 'succeeded', progress: { created: 25, accepted: 25 } },
    });
    await expect(lookup(rows[24]?.number as string)).resolves.toHaveLength(1);
  });

  test('when no mode is given, then the upload is atomic', async () => {
    const res = await request(t.app)
      .post('/api/v1/uploads')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', CONTENT_TYPES.csv)
      .send(toCsv([uploadRow()]));
    expect(res).toMatchObject({ status: 201, body: { mode: 'atomic' } });
  });
});

describe('idempotence', () => {
  test('when the same file is uploaded twice, then the second run changes nothing and says so', async () => {
    const rows = Array.from({ length: 10 }, () => uploadRow());
    const file = toCsv(rows);
    const first = await upload(file);
    expect(first).toMatchObject({ status: 201, body: { progress: { created: 10 } } });
    const [before] = await t.stores.certificates.findByNumbers(body.code, [rows[0]?.number as string]);
    const count = await t.stores.certificates.count();

    const second = await upload(file);

    expect(second).toMatchObject({
      status: 201,
      body: {
        state: 'succeeded',
        summary: expect.stringMatching(/^没有变化/),
        progress: { rowsRead: 10, accepted: 10, created: 0, updated: 0, unchanged: 10, rejected: 0 },
      },
    });
    expect(await t.stores.certificates.count()).toBe(count);
    const [after] = await t.stores.certificates.findByNumbers(body.code, [rows[0]?.number as string]);
    expect(after).toEqual(before);
  });

  test('when a file changes one row, then only that row is updated', async () => {
    const rows = [uploadRow(), uploadRow()];
    await upload(toCsv(rows));
    const changed = [rows[0] as UploadRow, { ...rows[1], scope: '机械零部件的设计、生产和服务' }];
    const res = await upload(toCsv(changed));
    expect(res).toMatchObject({ status: 201, body: { progress: { updated: 1, unchanged: 1, created: 0 } } });
  });
});

describe('status changes by upload', () => {
  test('when an upload suspends and then revokes certificates, then the next lookups show it, whatever was cached', async () => {
    const rows = [uploadRow(), uploadRow()];
    await upload(toCsv(rows));
    // Cached as valid by these lookups.
    await expect(lookup(rows[0]?.number as string)).resolves.toMatchObject([{ status: 'valid' }]);
    await expect(lookup(rows[1]?.number as string)).resolves.toMatchObject([{ status: 'valid' }]);

    const suspended = rows.map((r) => ({
      ...r,
      status: '暂停',
      statusReason: '监督审核逾期',
      statusDate: '2026-01-15',
    }));
    const res = await upload(toCsv(suspended));

    expect(res).toMatchObject({ status: 201, body: { progress: { updated: 2 } } });
    for (const row of rows) {
      await expect(lookup(row.number as string)).resolves.toMatchObject([
        { status: 'suspended', statusReason: '监督审核逾期', statusDate: '2026-01-15' },
      ]);
    }

    const revoked = [
      { ...suspended[0], status: '撤销', statusReason: '暂停期满未整改', statusDate: '2026-04-15' },
    ];
    await upload(toCsv(revoked));
    await expect(lookup(rows[0]?.number as string)).resolves.toMatchObject([
      { status: 'revoked', statusDate: '2026-04-15' },
    ]);
    const [stored] = await t.stores.certificates.findByNumbers(body.code, [rows[0]?.number as string]);
    expect(stored?.statusHistory.map((h) => h.status)).toEqual(['valid', 'suspended', 'revoked']);

    // Revoked is final: reinstating it by upload is refused, and the registry keeps it revoked.
    const reinstated = await upload(toCsv([{ ...revoked[0], status: '有效' }]));
    expect(reinstated).toMatchObject({ status: 201, body: { progress: { rejected: 1 } } });
    await expect(lookup(rows[0]?.number as string)).resolves.toMatchObject([{ status: 'revoked' }]);
  });

  test('when a suspended certificate is reported valid again, then it is reinstated', async () => {
    const row = uploadRow({ status: '暂停', statusReason: '监督审核逾期', statusDate: '2026-01-15' });
    await upload(toCsv([row]));
    const res = await upload(
      toCsv([{ ...row, status: '有效', statusReason: '监督审核已完成', statusDate: '2026-02-01' }]),
    );
    expect(res).toMatchObject({ status: 201, body: { progress: { updated: 1 } } });
    await expect(lookup(row.number as string)).resolves.toMatchObject([{ status: 'valid' }]);
  });
});

describe('error report', () => {
  test('when cells could be read as formulas by a spreadsheet, then they are prefixed with an apostrophe', async () => {
    const rows = [
      uploadRow({ number: '=HYPERLINK("http://evil.example","x")' }),
      uploadRow({ number: '+1+2' }),
      uploadRow({ number: '-3+4' }),
      uploadRow({ number: '@SUM(A1)' }),
      uploadRow({ scheme: '=cmd|"/c calc"!A0' }),
    ];
    const res = await upload(toCsv(rows));
    expect(res.status).toBe(201);
    const report = await errorReport(res.body.id);
    const cells = report.slice(1).flat();
    for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
    const numbers = report.slice(1).map((r) => r[4]);
    expect(numbers).toEqual(
      expect.arrayContaining(['\'=HYPERLINK("HTTP://EVIL.EXAMPLE","X")', "'+1+2", "'-3+4", "'@SUM(A1)"]),
    );
  });

  test('when messages hold Chinese, then the report is UTF-8 with a BOM and reads back as written', async () => {
    const res = await upload(toCsv([uploadRow({ scheme: '不存在的认证项目' })]));
    const report = await errorReport(res.body.id);
    expect(report[1]?.[3]).toContain('不存在的认证项目');
  });

  test('when a bad cell is huge, then its error message and number are clipped', async () => {
    const res = await upload(
      toCsv([uploadRow({ number: `N${'9'.repeat(5000)}`, status: '无效'.repeat(20_000) })]),
    );
    const report = await errorReport(res.body.id);
    expect(report.length).toBeGreaterThan(1);
    for (const [, , , message, number] of report.slice(1)) {
      expect(message?.length).toBeLessThanOrEqual(500);
      expect(number?.length).toBeLessThanOrEqual(100);
    }
  });

  test('when a job has no errors, then the report has only its header', async () => {
    const res = await upload(toCsv([uploadRow()]));
    await expect(errorReport(res.body.id)).resolves.toEqual([['row', 'field', 'code', 'message', 'number']]);
  });
});

describe('size limit', () => {
  let small: TestApp;
  let smallToken: string;
  beforeAll(async () => {
    small = createTestApp({ env: { UPLOAD_MAX_BYTES: '4096' } });
    const b = await seedBody(small.services);
    smallToken = await small.tokenFor('body', b.code);
  });
  afterAll(() => small.close());

  const big = () => toCsv(Array.from({ length: 200 }, () => uploadRow()));

  test('when Content-Length is over the limit, then 413 before anything is read, and no job', async () => {
    const res = await request(small.app)
      .post('/api/v1/uploads?mode=partial')
      .set('Authorization', `Bearer ${smallToken}`)
      .set('Content-Type', CONTENT_TYPES.csv)
      .send(big());
    expect(res).toMatchObject({
      status: 413,
      headers: { 'content-type': expect.stringMatching(PROBLEM), connection: 'close' },
      body: { code: 'PAYLOAD_TOO_LARGE', maxBytes: 4096 },
    });
    expect(res.body.job).toBeUndefined();
    expect(await small.stores.certificates.count()).toBe(0);
  });

  test('when a streamed body without a length passes the limit, then 413 and the job says why', async () => {
    const server = small.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: { code: string; job: UploadJob } }>(
        (resolve, reject) => {
          const req = http.request(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: '/api/v1/uploads?mode=atomic',
              headers: { Authorization: `Bearer ${smallToken}`, 'Content-Type': CONTENT_TYPES.csv },
            },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (text += c));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
            },
          );
          // The server may close the connection before the client has written everything: that is the point.
          req.on('error', (err) =>
            err.message.includes('EPIPE') || err.message.includes('ECONNRESET') ? undefined : reject(err),
          );
          const text = big();
          for (let i = 0; i < text.length; i += 1000) req.write(text.slice(i, i + 1000));
          req.end();
        },
      );
      expect(answer).toMatchObject({
        status: 413,
        body: { code: 'PAYLOAD_TOO_LARGE', job: { state: 'failed', failure: { code: 'PAYLOAD_TOO_LARGE' } } },
      });
      expect(answer.body.job.progress.bytes).toBeLessThanOrEqual(4096 + 65536);
      expect(await small.stores.certificates.count()).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('job ids and progress', () => {
  test('when the client proposes a job id, then the job has it, and the id cannot be used twice', async () => {
    const jobId = 'Cl1entChosenId_0000000';
    const first = await upload(toCsv([uploadRow()]), { jobId });
    expect(first).toMatchObject({ status: 201, body: { id: jobId } });
    const again = await upload(toCsv([uploadRow()]), { jobId });
    expect(again).toMatchObject({ status: 409, body: { code: 'UPLOAD_JOB_EXISTS' } });
  });

  test('when a proposed job id is malformed, then 400 INVALID_UPLOAD_JOB_ID', async () => {
    const res = await upload(toCsv([uploadRow()]), { jobId: '../../etc/passwd' });
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_UPLOAD_JOB_ID' } });
  });

  test('when an upload is still being sent, then its job can be polled and shows progress', async () => {
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const jobId = newJobId('poll');
      const rows = Array.from({ length: 5000 }, () => uploadRow());
      const text = toCsv(rows);
      const half = text.lastIndexOf('\r\n', text.length / 2) + 2;
      const { req, answer } = streamUpload({ port, token, jobId });
      req.write(text.slice(0, half));
      // The rest follows only once a poll has seen the job running.
      let job: UploadJob | undefined;
      for (let i = 0; i < 4000; i += 1) {
        const res = await get(`/api/v1/uploads/${jobId}`);
        if (res.status === 200 && (res.body as UploadJob).progress.rowsRead >= 2000) {
          job = res.body as UploadJob;
          break;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(job).toMatchObject({ state: 'running', progress: { rowsRead: expect.any(Number) } });
      expect(job?.progress.bytes).toBeGreaterThan(0);
      req.end(text.slice(half));
      expect((await answer).status).toBe(201);
      const final = await get(`/api/v1/uploads/${jobId}`);
      expect(final).toMatchObject({ status: 200, body: { state: 'succeeded', progress: { created: 5000 } } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 180_000);

  // 12,000 rows (1.8 MB: past the 1 MiB from which the storing has a process of its own): three batches of
  // at most 5,000 rows (DEFAULT_BATCH_SIZE), each stored in slices of at most 5,000 (SLICE_ROWS.max) with
  // the progress written after each. The storing process commits its slices in groups of up to a second,
  // at once when a writer of the portal waits: each poll here follows such a write (a token issued), so
  // polls see the storing part-way however fast it runs. The test asserts no time.
  test('when an atomic upload stores its rows, then other requests are answered meanwhile', async () => {
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const jobId = newJobId('apply');
      const rows = 12_000;
      const text = toCsv(Array.from({ length: rows }, () => uploadRow()));
      const upload = streamUpload({
        port,
        token,
        jobId,
        mode: 'atomic',
        contentLength: Buffer.byteLength(text),
      });
      upload.req.end(text);
      const answer = upload.answer.then(({ status }) => status);
      // Polls that land while the rows are being stored: the registry writes leave room for them.
      const storing: number[] = [];
      let finished = false;
      void answer.then(() => (finished = true));
      while (!finished) {
        await t.tokenFor('body', body.code);
        const res = await get(`/api/v1/uploads/${jobId}`);
        const job = res.body as UploadJob;
        if (res.status === 200 && job.state === 'running' && job.progress.created > 0) {
          storing.push(job.progress.created);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(await answer).toBe(201);
      expect(storing.length).toBeGreaterThan(0);
      expect(Math.min(...storing)).toBeLessThan(rows);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 180_000);

  test('when the client goes away mid-upload, then the job ends interrupted and what was stored stays', async () => {
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const jobId = newJobId('gone');
      const text = toCsv(Array.from({ length: 5000 }, () => uploadRow()));
      const { req } = streamUpload({ port, token, jobId });
      req.write(text.slice(0, text.lastIndexOf('\r\n', text.length / 2)));
      let job: UploadJob | undefined;
      for (let i = 0; i < 4000 && !job; i += 1) {
        const res = await get(`/api/v1/uploads/${jobId}`);
        if (res.status === 200 && (res.body as UploadJob).progress.created > 0) job = res.body as UploadJob;
        else await new Promise((r) => setTimeout(r, 25));
      }
      req.destroy();
      let final: UploadJob | undefined;
      for (let i = 0; i < 4000; i += 1) {
        final = (await get(`/api/v1/uploads/${jobId}`)).body as UploadJob;
        if (final.state !== 'running') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(final).toMatchObject({ state: 'interrupted', failure: { code: 'UPLOAD_ABORTED' } });
      expect(final?.progress.created).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 180_000);
});

describe('authorization', () => {
  let otherToken: string;
  let jobId: string;
  beforeAll(async () => {
    const other = await seedBody(t.services);
    otherToken = await t.tokenFor('body', other.code);
    const res = await upload(toCsv([uploadRow(), uploadRow({ scheme: 'ISMS' })]));
    jobId = res.body.id as string;
  });

  test('when an upload comes without a token, then 401 and nothing is read or stored', async () => {
    const before = await t.stores.certificates.count();
    const res = await request(t.app)
      .post('/api/v1/uploads')
      .set('Content-Type', CONTENT_TYPES.csv)
      .send(toCsv([uploadRow()]));
    expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(await t.stores.certificates.count()).toBe(before);
  });

  test.each(['admin', 'inspector', 'partner'] as const)(
    'when the token is an %s token, then an upload is 403: uploads are made by bodies',
    async (role) => {
      const res = await upload(toCsv([uploadRow()]), { as: await t.tokenFor(role) });
      expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    },
  );

  test("when another body's token uploads, then its rows are stored under its own body, never this one's", async () => {
    const row = uploadRow({ bodyCode: body.code });
    const res = await upload(toCsv([row]), { as: otherToken });
    expect(res).toMatchObject({ status: 201, body: { progress: { rejected: 1, created: 0 } } });
    await expect(lookup(row.number as string)).resolves.toEqual([]);
  });

  test("when another body asks for a body's job or its error report, then 404 as if there were none", async () => {
    await expect(get(`/api/v1/uploads/${jobId}`, otherToken)).resolves.toMatchObject({
      status: 404,
      body: { code: 'UPLOAD_JOB_NOT_FOUND' },
    });
    await expect(get(`/api/v1/uploads/${jobId}/errors.csv`, otherToken)).resolves.toMatchObject({
      status: 404,
      body: { code: 'UPLOAD_JOB_NOT_FOUND' },
    });
  });

  test.each(['admin', 'inspector'] as const)(
    'when the %s asks for a job and its report, then both answer',
    async (role) => {
      const as = await t.tokenFor(role);
      await expect(get(`/api/v1/uploads/${jobId}`, as)).resolves.toMatchObject({
        status: 200,
        body: { id: jobId },
      });
      const report = await errorReport(jobId, as);
      expect(report).toHaveLength(2);
    },
  );

  test('when a partner or an anonymous caller asks for a job, then 403 or 401', async () => {
    await expect(get(`/api/v1/uploads/${jobId}`, await t.tokenFor('partner'))).resolves.toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    await expect(request(t.app).get(`/api/v1/uploads/${jobId}`)).resolves.toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED' },
    });
  });

  test('when a job id is unknown or malformed, then 404 or 400', async () => {
    await expect(get('/api/v1/uploads/AAAAAAAAAAAAAAAAAAAAAA')).resolves.toMatchObject({
      status: 404,
      body: { code: 'UPLOAD_JOB_NOT_FOUND' },
    });
    await expect(get('/api/v1/uploads/not-a-job')).resolves.toMatchObject({
      status: 400,
      body: { code: 'INVALID_UPLOAD_JOB_ID' },
    });
  });
});

describe('audit and report time', () => {
  test('when an upload finishes, then one upload.finish entry records it and the body last reported now', async () => {
    const rows = Array.from({ length: 5 }, () => uploadRow());
    const startedAt = new Date().toISOString();
    const res = await upload(toCsv([...rows, uploadRow({ scheme: 'ISMS' })]));
    const job = res.body as UploadJob;

    const entries = await t.stores.audit.forTarget('upload', job.id, 10);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'upload.finish',
      actor: { type: 'token', id: job.createdBy, role: 'body', bodyCode: body.code },
      target: { type: 'upload', id: job.id },
      change: { state: 'succeeded', progress: { created: 5, rejected: 1 }, errorsStored: 1 },
    });
    const stored = await t.stores.bodies.findByCode(body.code);
    expect(stored?.lastReportedAt && stored.lastReportedAt >= startedAt).toBe(true);
    expect(stored?.lastReportedAt).toBe(job.finishedAt);
  });

  test('when a partial upload has no valid row, then the body has not reported', async () => {
    const before = (await t.stores.bodies.findByCode(body.code))?.lastReportedAt;
    const res = await upload(toCsv([uploadRow({ scheme: 'ISMS' })]), { mode: 'partial' });
    expect(res).toMatchObject({ status: 201, body: { state: 'succeeded', progress: { accepted: 0 } } });
    expect((await t.stores.bodies.findByCode(body.code))?.lastReportedAt).toBe(before);
  });

  test('when an atomic upload is rejected, then it is audited, and the body has not reported', async () => {
    const before = (await t.stores.bodies.findByCode(body.code))?.lastReportedAt;
    const res = await upload(toCsv([uploadRow({ scheme: 'ISMS' })]), { mode: 'atomic' });
    const job = res.body.job as UploadJob;
    const entries = await t.stores.audit.forTarget('upload', job.id, 10);
    expect(entries).toMatchObject([{ action: 'upload.finish', change: { state: 'rejected' } }]);
    expect((await t.stores.bodies.findByCode(body.code))?.lastReportedAt).toBe(before);
  });
});
