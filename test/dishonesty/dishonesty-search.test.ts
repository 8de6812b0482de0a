import request from 'supertest';
import { creditCode, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
const code = creditCode();
const mark = `嘉${Date.now() % 100000}陵`;
const ids: Record<'holderOld' | 'holderNew' | 'body' | 'other', string> = {
  holderOld: '',
  holderNew: '',
  body: '',
  other: '',
};

async function list(subject: Record<string, string>, startDate: string, token: string): Promise<string> {
  const res = await request(t.app).post('/api/v1/dishonesty').set('Authorization', `Bearer ${token}`).send({
    subject,
    severity: 'serious',
    basis: '《中华人民共和国认证认可条例》第七十一条',
    facts: '伪造认证证书，用于政府采购投标。',
    startDate,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

beforeAll(async () => {
  t = createTestApp();
  const inspector = await t.tokenFor('inspector');
  const holder = { kind: 'organisation', creditCode: code, name: `重庆${mark}机械有限公司` };
  ids.holderOld = await list(holder, '2021-01-10', inspector);
  ids.holderNew = await list(holder, '2023-01-10', inspector);
  ids.body = await list(
    { kind: 'body', bodyCode: unique('DS').slice(0, 20), name: `${mark}认证中心` },
    '2022-01-10',
    inspector,
  );
  ids.other = await list(
    { kind: 'organisation', creditCode: creditCode(), name: '成都某某贸易有限公司' },
    '2022-05-10',
    inspector,
  );
});
afterAll(() => t.close());

const api = (query: Record<string, string>) => request(t.app).get('/api/v1/dishonesty').query(query);
const idsOf = (items: { id: string }[]) => items.map((i) => i.id);

describe('GET /api/v1/dishonesty?q=', () => {
  test('when the query is a credit code, typed in lower case and full width, then that organisation’s records come, newest first', async () => {
    const typed = ` ${code.toLowerCase().replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))} `;
    const res = await api({ q: typed });
    expect(res).toMatchObject({ status: 200, body: { total: 2, page: 1 } });
    expect(idsOf(res.body.items)).toEqual([ids.holderNew, ids.holderOld]);
  });

  test('when the query is part of a name, then every kind of subject with it is found, and the kind filter narrows it', async () => {
    const res = await api({ q: mark });
    expect(res).toMatchObject({ status: 200, body: { total: 3 } });
    expect(idsOf(res.body.items)).toEqual([ids.holderNew, ids.body, ids.holderOld]);
    const bodies = await api({ q: mark, kind: 'body' });
    expect(idsOf(bodies.body.items)).toEqual([ids.body]);
    const paged = await api({ q: mark, page: '2', pageSize: '2' });
    expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(idsOf(paged.body.items)).toEqual([ids.holderOld]);
  });

  test('when nothing matches, then the answer is an empty page, not an error', async () => {
    await expect(api({ q: '没有这个名字的公司' })).resolves.toMatchObject({
      status: 200,
      body: { items: [], total: 0 },
    });
  });

  test.each([
    ['one character', { q: '嘉' }, 'QUERY_TOO_SHORT'],
    ['an empty query', { q: '' }, 'QUERY_TOO_SHORT'],
    [
      'a credit code with a wrong check character',
      { q: `${code.slice(0, 17)}${code.endsWith('1') ? '2' : '1'}` },
      'INVALID_CREDIT_CODE',
    ],
    ['101 characters', { q: '名'.repeat(101) }, 'QUERY_TOO_LONG'],
    ['a control character', { q: '嘉陵\u0007' }, 'INVALID_CHARACTERS'],
    ['an operator object', { 'q[$regex]': '.*' }, 'INVALID_QUERY'],
  ])('when the query is %s, then it is a 400 with a stable code', async (_label, query, errorCode) => {
    await expect(api(query)).resolves.toMatchObject({ status: 400, body: { code: errorCode } });
  });
});

describe('GET /dishonesty?q= (page)', () => {
  test('when the page is searched by name, then the box keeps the query, the count says what was found, and links keep the search', async () => {
    const res = await request(t.app).get('/dishonesty').query({ q: mark });
    expect(res).toMatchObject({ status: 200, type: 'text/html' });
    expect(res.text).toContain(`value="${mark}"`);
    expect(res.text).toContain(`“${mark}”：找到 3 条公示中的失信记录`);
    expect(res.text.match(/class="result card-section"/g)).toHaveLength(3);
    expect(res.text).not.toContain('成都某某贸易有限公司');
    expect(res.text).toContain(`href="/dishonesty?kind=body&amp;q=${encodeURIComponent(mark)}"`);
    expect(res.text).toContain('<meta name="robots" content="noindex">');
  });

  test('when the page is searched by credit code in English, then the organisation is found', async () => {
    const res = await request(t.app).get('/dishonesty').query({ q: code, lang: 'en' });
    expect(res.status).toBe(200);
    expect(res.text).toContain(`“${code}”: 2 listed records found`);
    expect(res.text).toContain(`id="r-${ids.holderNew}"`);
  });

  test('when the box is sent empty, then the whole list is shown', async () => {
    const res = await request(t.app).get('/dishonesty').query({ q: '  ' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('共 4 条公示中的失信记录');
  });

  test('when the query is one character, then the page answers 200 with a hint and the box, not an error page', async () => {
    const res = await request(t.app).get('/dishonesty').query({ q: '嘉' });
    expect(res).toMatchObject({ status: 200, type: 'text/html' });
    expect(res.text).toContain('只输入一个字无法查询');
    expect(res.text).toContain('role="search"');
    expect(res.text).not.toContain('class="result card-section"');
  });

  test('when a mistyped credit code is searched, then the page is a 400 that says so, with the box', async () => {
    const bad = `${code.slice(0, 17)}${code.endsWith('1') ? '2' : '1'}`;
    const res = await request(t.app).get('/dishonesty').query({ q: bad, lang: 'en' });
    expect(res).toMatchObject({ status: 400, type: 'text/html' });
    expect(res.text).toContain('This is not a valid unified social credit code');
    expect(res.text).toContain(`value="${bad}"`);
  });
});
