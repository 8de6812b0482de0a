import request, { type Test } from 'supertest';
import { ERROR_TEXT } from '../../server/error-texts';
import { ERROR_CODES, type ErrorCode } from '../../server/platform/errors';
import { seedBody } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

const PROBLEM = /^application\/problem\+json/;
/** ASCII sentence punctuation that Chinese text writes full-width (，；：！？（）). */
const ASCII_PUNCTUATION = /[,;:!?()]/;

let t: TestApp;
let admin: string;
let bodyToken: string;

beforeAll(async () => {
  t = createTestApp();
  admin = `Bearer ${await t.tokenFor('admin')}`;
  const body = await seedBody(t.services);
  bodyToken = `Bearer ${await t.tokenFor('body', body.code)}`;
  const first = await request(t.app)
    .post('/api/v1/inspectors')
    .set('Authorization', admin)
    .send({ id: 'LANG-1', name: '检查员甲', unit: '重庆市市场监督管理局' });
  expect(first.status).toBe(201);
}, 60_000);
afterAll(() => t.close());

/** Bad requests of several features, each answered with one code whatever the language. */
const CASES: { name: string; code: ErrorCode; status: number; send: (path?: string) => Test }[] = [
  {
    name: 'an unknown certificate (404, the hot path outside the API router)',
    code: 'CERTIFICATE_NOT_FOUND',
    status: 404,
    send: (q = '') => request(t.app).get(`/api/v1/certificates/AAAAAAAAAAAAAAAAAAAAAA${q}`),
  },
  {
    name: 'an unknown draw (404)',
    code: 'DRAW_NOT_FOUND',
    status: 404,
    send: (q = '') => request(t.app).get(`/api/v1/draws/DRAAAAAAAAAAAAAAAA${q}`),
  },
  {
    name: 'an inspector without a unit (400, a field named in English)',
    code: 'VALIDATION_FAILED',
    status: 400,
    send: (q = '') =>
      request(t.app)
        .post(`/api/v1/inspectors${q}`)
        .set('Authorization', admin)
        .send({ id: 'LANG-2', name: '检查员乙' }),
  },
  {
    name: 'the inspector directory without a token (401)',
    code: 'UNAUTHENTICATED',
    status: 401,
    send: (q = '') => request(t.app).get(`/api/v1/inspectors${q}`),
  },
  {
    name: "the inspector directory with a body's token (403)",
    code: 'FORBIDDEN',
    status: 403,
    send: (q = '') => request(t.app).get(`/api/v1/inspectors${q}`).set('Authorization', bodyToken),
  },
  {
    name: 'an inspector registered twice (409)',
    code: 'INSPECTOR_EXISTS',
    status: 409,
    send: (q = '') =>
      request(t.app)
        .post(`/api/v1/inspectors${q}`)
        .set('Authorization', admin)
        .send({ id: 'LANG-1', name: '检查员甲', unit: '重庆市市场监督管理局' }),
  },
];

describe('problem answers in the reader language: ?lang=, then Accept-Language, then Chinese', () => {
  test.each(CASES)(
    'when $name is asked for in Chinese, then the same code comes with the Chinese text in full-width punctuation',
    async ({ code, status, send }) => {
      const res = await send().set('Accept-Language', 'zh-CN,zh;q=0.9,en;q=0.8');
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['content-language']).toBe('zh-CN');
      expect(res.headers.vary).toMatch(/Accept-Language/i);
      expect(res.body).toMatchObject({ code, status, type: `urn:certwatch:problem:${code}` });
      expect(res.body.detail).toBe(ERROR_TEXT[code].zh);
      expect(res.body.detail).toMatch(/。$/);
      expect(res.body.detail).not.toMatch(ASCII_PUNCTUATION);
      expect(res.body.detail).not.toMatch(/[A-Za-z]{3}/);
    },
  );

  test.each(CASES)(
    'when $name is asked for in English, then the same code comes with English text',
    async ({ code, status, send }) => {
      const res = await send().set('Accept-Language', 'en-GB,en;q=0.9');
      expect(res.status).toBe(status);
      expect(res.headers['content-language']).toBe('en');
      expect(res.body).toMatchObject({ code, status });
      expect(res.body.detail).toMatch(/^[\x20-\x7e]+$/);
    },
  );

  test.each(CASES)(
    'when $name names ?lang=, then that language wins over Accept-Language',
    async ({ code, status, send }) => {
      const en = await send('?lang=en').set('Accept-Language', 'zh-CN');
      expect(en).toMatchObject({ status, body: { code } });
      expect(en.body.detail).toMatch(/^[\x20-\x7e]+$/);
      const zh = await send('?lang=zh').set('Accept-Language', 'en');
      expect(zh).toMatchObject({ status, body: { code, detail: ERROR_TEXT[code].zh } });
    },
  );

  test('when the request names no language, then the answer is Chinese, as pages and uploads are', async () => {
    const res = await request(t.app).get('/api/v1/inspectors');
    expect(res).toMatchObject({ status: 401, body: { detail: ERROR_TEXT.UNAUTHENTICATED.zh } });
    expect(res.headers['content-language']).toBe('zh-CN');
  });

  test('when Accept-Language weighs its entries, then the heavier supported one wins (zh-Hans counts as zh)', async () => {
    const send = (header: string) => request(t.app).get('/api/v1/nowhere').set('Accept-Language', header);
    const zh = await send('en;q=0.4, zh-Hans;q=0.9, fr');
    expect(zh.body).toMatchObject({ code: 'ROUTE_NOT_FOUND', detail: ERROR_TEXT.ROUTE_NOT_FOUND.zh });
    const en = await send('zh-CN;q=0.2, en');
    expect(en.body).toMatchObject({ code: 'ROUTE_NOT_FOUND', detail: 'No API route GET /api/v1/nowhere.' });
  });

  test('when a validation fails in Chinese, then the fields are named in the structured errors with Chinese words, never an English sentence', async () => {
    const res = await CASES[2]!.send().set('Accept-Language', 'zh');
    expect(res.body.detail).toBe(ERROR_TEXT.VALIDATION_FAILED.zh);
    expect(res.body.errors).toEqual([{ field: 'unit', message: '必须填写。' }]);
    const en = await CASES[2]!.send().set('Accept-Language', 'en');
    expect(en.body.detail).toMatch(/^unit: /);
    expect(en.body.errors).toEqual([{ field: 'unit', message: expect.stringMatching(/^[\x20-\x7e]+$/) }]);
  });

  test('when several fields fail in Chinese, then each says what its check wants, in full-width punctuation', async () => {
    const res = await request(t.app)
      .post('/api/v1/inspectors')
      .set('Authorization', admin)
      .set('Accept-Language', 'zh-CN')
      .send({ id: 'LANG-3', name: '', unit: '单'.repeat(201), active: 'yes', role: 'admin' });
    expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const byField = Object.fromEntries(
      (res.body.errors as { field: string; message: string }[]).map((e) => [e.field, e.message]),
    );
    expect(byField).toEqual({
      '': '不支持的参数或字段：role。',
      name: '不能为空。',
      unit: '最多 200 个字符。',
      active: '类型不正确。',
    });
    const query = await request(t.app).get('/api/v1/draws?pageSize=500').set('Accept-Language', 'zh-CN');
    expect(query.body).toMatchObject({
      code: 'INVALID_PAGE',
      detail: ERROR_TEXT.INVALID_PAGE.zh,
      errors: [{ field: 'pageSize', message: '不能大于 100。' }],
    });
  });

  test('when ?lang= is given to routes whose query is strict, then it names the language and is not refused', async () => {
    const list = await request(t.app).get('/api/v1/draws?lang=en');
    expect(list.status).toBe(200);
    const directory = await request(t.app).get('/api/v1/inspectors?lang=en').set('Authorization', admin);
    expect(directory.status).toBe(200);
    // A language the API does not speak is still an unknown parameter.
    const fr = await request(t.app).get('/api/v1/draws?lang=fr').set('Accept-Language', 'en');
    expect(fr).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });
    const other = await request(t.app).get('/api/v1/certificates/AAAAAAAAAAAAAAAAAAAAAA?lang=zh&x=1');
    expect(other).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });
  });

  test('when the limit is passed, then 429 says so in the reader language too', async () => {
    const limited = createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1' } });
    try {
      await request(limited.app).get('/api/v1/draws');
      const zh = await request(limited.app).get('/api/v1/draws').set('Accept-Language', 'zh-CN');
      expect(zh).toMatchObject({
        status: 429,
        body: { code: 'RATE_LIMITED', detail: ERROR_TEXT.RATE_LIMITED.zh },
      });
      const en = await request(limited.app).get('/api/v1/draws?lang=en');
      expect(en).toMatchObject({
        status: 429,
        body: { code: 'RATE_LIMITED', detail: ERROR_TEXT.RATE_LIMITED.en },
      });
    } finally {
      await limited.close();
    }
  });
});

describe('the error texts themselves', () => {
  test('when any error code is looked up, then it has non-empty Chinese and English texts', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect(ERROR_TEXT[code]?.zh.trim()).not.toBe('');
      expect(ERROR_TEXT[code]?.en.trim()).not.toBe('');
    }
  });

  test('when a Chinese error text is read, then its sentence punctuation is full-width', () => {
    const halfWidth = Object.entries(ERROR_TEXT)
      .filter(([, text]) => ASCII_PUNCTUATION.test(text.zh) || /\.$|\.[\u4e00-\u9fff]/.test(text.zh))
      .map(([code, text]) => `${code}: ${text.zh}`);
    expect(halfWidth).toEqual([]);
  });
});
