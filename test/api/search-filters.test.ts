import request from 'supertest';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { todayInChina } from '../../server/platform/china-time';
import { addDays, creditCode, seedBody, seedCertificates, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let bodyA: string;
let bodyB: string;
const today = todayInChina();
const marker = `筛选${Date.now() % 100000}`;
const name = `重庆${marker}检测有限公司`;
const holderCode = creditCode();
let certs: Record<'valid' | 'ems' | 'otherBody' | 'expired' | 'suspended' | 'revoked', Certificate>;

beforeAll(async () => {
  t = createTestApp();
  bodyA = (await seedBody(t.services, { code: unique('FA').slice(0, 20) })).code;
  bodyB = (await seedBody(t.services, { code: unique('FB').slice(0, 20), name: '乙认证有限公司' })).code;
  const holder = { name, creditCode: holderCode };
  const future = addDays(today, 400);
  const [valid, ems, otherBody, expired, suspended, revoked] = await seedCertificates(t.services, [
    { bodyCode: bodyA, holder, expiryDate: future },
    { bodyCode: bodyA, holder, expiryDate: future, scheme: 'EMS' },
    { bodyCode: bodyB, holder, expiryDate: future },
    { bodyCode: bodyA, holder, expiryDate: addDays(today, -1) },
    { bodyCode: bodyA, holder, expiryDate: future, status: 'suspended', statusDate: addDays(today, -10) },
    { bodyCode: bodyA, holder, expiryDate: future, status: 'revoked', statusDate: addDays(today, -20) },
  ]);
  certs = {
    valid: valid!,
    ems: ems!,
    otherBody: otherBody!,
    expired: expired!,
    suspended: suspended!,
    revoked: revoked!,
  };
});
afterAll(() => t.close());

const search = (query: Record<string, string | number>) => request(t.app).get('/api/v1/search').query(query);
const ids = (items: { publicId: string }[]) => items.map((i) => i.publicId).sort();
const idsOf = (...list: Certificate[]) => list.map((c) => c.publicId).sort();

describe('GET /api/v1/search with filters', () => {
  test('when filtered by each effective status, then only certificates of that status are listed and counted', async () => {
    const expected: Record<string, Certificate[]> = {
      valid: [certs.valid, certs.ems, certs.otherBody],
      expired: [certs.expired],
      suspended: [certs.suspended],
      revoked: [certs.revoked],
      withdrawn: [],
    };
    for (const [status, list] of Object.entries(expected)) {
      const res = await search({ q: marker, status });
      expect({ status, code: res.status, ids: ids(res.body.items), total: res.body.total }).toEqual({
        status,
        code: 200,
        ids: idsOf(...list),
        total: list.length,
      });
      for (const item of res.body.items) expect(item.status).toBe(status);
    }
  });

  test('when filtered by scheme and body together, then both apply; scheme codes are taken in any case', async () => {
    const ems = await search({ q: marker, scheme: 'ems' });
    expect(ems).toMatchObject({ status: 200, body: { total: 1 } });
    expect(ids(ems.body.items)).toEqual(idsOf(certs.ems));
    const ofB = await search({ q: marker, body: bodyB.toLowerCase() });
    expect(ids(ofB.body.items)).toEqual(idsOf(certs.otherBody));
    const both = await search({ q: marker, body: bodyA, scheme: 'QMS', status: 'valid' });
    expect(ids(both.body.items)).toEqual(idsOf(certs.valid));
  });

  test('when the query is the credit code, then the exact matches are filtered as well', async () => {
    const res = await search({ q: holderCode, status: 'valid', body: bodyA });
    expect(res.status).toBe(200);
    expect(ids(res.body.items)).toEqual(idsOf(certs.valid, certs.ems));
    expect(res.body.total).toBe(2);
  });

  test.each([
    ['an unknown status', { status: 'active' }],
    ['an empty status', { status: '' }],
    ['an unknown scheme', { scheme: 'ISO9001' }],
    ['a malformed body code', { body: 'A B!' }],
    ['an operator object', { 'status[$ne]': 'valid' }],
    ['a repeated status', { status: ['valid', 'expired'] }],
  ])('when a filter has %s, then it is a 400 INVALID_QUERY', async (_label, filter) => {
    const res = await request(t.app)
      .get('/api/v1/search')
      .query({ q: marker, ...filter });
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });
  });

  test('when the query is one character, then the API still answers 400 QUERY_TOO_SHORT', async () => {
    await expect(search({ q: '重' })).resolves.toMatchObject({
      status: 400,
      body: { code: 'QUERY_TOO_SHORT' },
    });
  });
});

describe('GET /search (page)', () => {
  test('when results are shown, then the search box comes first and each result gives its expiry date', async () => {
    const res = await request(t.app).get('/search').query({ q: marker });
    expect(res).toMatchObject({ status: 200, type: 'text/html' });
    const box = res.text.indexOf('role="search"');
    const firstResult = res.text.indexOf('class="result"');
    expect(box).toBeGreaterThan(0);
    expect(firstResult).toBeGreaterThan(box);
    expect(res.text).toContain(`有效期至 ${certs.valid.expiryDate}`);
    expect(res.text).toContain(`已于 ${certs.expired.expiryDate} 到期`);
    // Neither "valid until" nor "expired" for a suspended or revoked one: just its expiry date.
    expect(res.text).toContain(`证书到期日 ${certs.suspended.expiryDate}`);
    expect(res.text).toContain('<details class="filters-box">');
    expect(res.text.match(/class="result"/g)).toHaveLength(6);
    expect(res.text).toContain(`<option value="${bodyB}">乙认证有限公司 (${bodyB})</option>`);
  });

  test('when the page is filtered, then the choices stay selected, the filters are named, and pager and language links keep them', async () => {
    const res = await request(t.app)
      .get('/search')
      .query({ q: marker, status: 'valid', scheme: 'QMS', body: '', lang: 'en' });
    expect(res.status).toBe(200);
    expect(res.text.match(/class="result"/g)).toHaveLength(2);
    expect(res.text).toContain('<option value="valid" selected>');
    expect(res.text).toContain('<option value="QMS" selected>');
    expect(res.text).toContain('<option value="" selected>Any certifying body</option>');
    expect(res.text).toContain('Filtered by Valid, Quality management system');
    expect(res.text).toContain(`Valid until ${certs.valid.expiryDate}`);
    // A filter in force keeps the filters open; with none they start closed (results stay near the box).
    expect(res.text).toContain('<details class="filters-box" open>');
    expect(res.text).toContain(
      `href="/search?q=${encodeURIComponent(marker)}&amp;status=valid&amp;scheme=QMS&amp;body=&amp;lang=zh"`,
    );
  });

  test.each([
    ['one Chinese character', '重', 'zh', '只输入一个字无法查询'],
    ['one letter, in English', 'a', 'en', 'One character is too little to search'],
    ['punctuation only', '——', 'zh', '只输入一个字无法查询'],
  ])(
    'when the query is %s, then the page answers 200 with a hint and the box, not an error page',
    async (_l, q, lang, hint) => {
      const res = await request(t.app).get('/search').query({ q, lang });
      expect(res).toMatchObject({ status: 200, type: 'text/html' });
      expect(res.text).toContain(hint);
      expect(res.text).not.toContain('data-code=');
      expect(res.text).not.toContain('banner-error');
      expect(res.text).toContain(
        `id="q" name="q" type="search" maxlength="100" aria-describedby="q-hint" value="${q}"`,
      );
    },
  );

  test('when nothing is typed yet, then the page shows the box and what to type', async () => {
    for (const path of ['/search', '/search?q=']) {
      const res = await request(t.app).get(path);
      expect(res.status).toBe(200);
      expect(res.text).toContain('请输入组织名称中连续的两个字以上');
      expect(res.text).toContain('role="search"');
    }
  });

  test('when a filter value is made up by hand, then the page is a 400 naming INVALID_QUERY', async () => {
    const res = await request(t.app).get('/search').query({ q: marker, status: 'active' });
    expect(res).toMatchObject({ status: 400, type: 'text/html' });
    expect(res.text).toContain('data-code="INVALID_QUERY"');
    const short = await request(t.app).get('/search').query({ q: 'a', scheme: 'NOPE' });
    expect(short.status).toBe(400);
  });
});
