import request from 'supertest';
import { MAX_PAGE_SIZE, MAX_SEARCH_DEPTH } from '../../server/certificates/certificate-service';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { withCheckCharacter } from '../../server/platform/credit-code';
import { creditCode, seedBody, seedCertificate, seedCertificates, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let bodyCode: string;
beforeAll(async () => {
  t = createTestApp();
  bodyCode = (await seedBody(t.services)).code;
});
afterAll(() => t.close());

interface Item {
  publicId: string;
  number: string;
  holder: { name: string; creditCode: string };
}

const search = (query: Record<string, string | number>) => request(t.app).get('/api/v1/search').query(query);
const ids = (items: Item[]) => items.map((i) => i.publicId);

describe('name search', () => {
  test('when two characters from the middle of a Chinese name are typed, then that holder is found and no other', async () => {
    const [hit] = await seedCertificates(t.services, [
      { bodyCode, holder: { name: '重庆渝北琥珀电子科技有限公司', creditCode: creditCode() } },
      { bodyCode, holder: { name: '成都琥光电子有限公司', creditCode: creditCode() } },
    ]);

    const res = await search({ q: '琥珀' });

    expect(res).toMatchObject({
      status: 200,
      body: {
        items: [{ publicId: hit!.publicId, holder: { name: '重庆渝北琥珀电子科技有限公司' } }],
        page: 1,
        pageSize: 20,
        total: 1,
        totalCapped: false,
      },
    });
  });

  test('when the fragment spans a word in the middle of the name, then it matches as a substring only', async () => {
    const [a, b] = await seedCertificates(t.services, [
      { bodyCode, holder: { name: '贵州遵义翡翠湖茶业有限公司', creditCode: creditCode() } },
      { bodyCode, holder: { name: '湖北翡翠湖酒店管理有限公司', creditCode: creditCode() } },
      // Same characters, other order: must not match a bigram phrase.
      { bodyCode, holder: { name: '湖翠翡商贸有限公司', creditCode: creditCode() } },
    ]);

    const res = await search({ q: '翡翠湖' });

    expect(res.status).toBe(200);
    expect(ids(res.body.items).sort()).toEqual([a!.publicId, b!.publicId].sort());
    expect(res.body.total).toBe(2);
  });

  test('when the fragment is typed with full-width letters and odd case, then Latin names are found too', async () => {
    const cert = await seedCertificate(t.services, {
      bodyCode,
      holder: { name: 'Zorblax Robotics (Chongqing) Co., Ltd.', creditCode: creditCode() },
    });
    const res = await search({ q: 'ＺＯＲＢＬＡＸ' });
    expect(res).toMatchObject({ status: 200, body: { items: [{ publicId: cert.publicId }], total: 1 } });
  });

  test('when nothing matches, then an empty page', async () => {
    const res = await search({ q: '馘馘馘' });
    expect(res).toMatchObject({ status: 200, body: { items: [], total: 0, totalCapped: false } });
  });

  test('when answers are returned, then they carry no internal id and no personal data', async () => {
    await seedCertificate(t.services, {
      bodyCode,
      holder: { name: '重庆玳瑁精工有限公司', creditCode: creditCode() },
      audit: {
        startDate: '2025-01-06',
        endDate: '2025-01-08',
        manDays: 6,
        auditors: [{ name: '诸葛明亮', registrationNumber: '2025-N1QMS-9990001', role: 'leader' }],
      },
    });
    const res = await search({ q: '玳瑁' });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).not.toHaveProperty('id');
    expect(res.body.items[0]).not.toHaveProperty('audit');
    expect(JSON.stringify(res.body)).not.toMatch(/诸葛明亮|2025-N1QMS-9990001/);
  });
});

describe('exact search', () => {
  test('when a credit code is typed (lower-case, full-width), then every certificate of that holder is found', async () => {
    const code = creditCode();
    const mine = await seedCertificates(t.services, [
      { bodyCode, holder: { name: '重庆磐石建材有限公司', creditCode: code } },
      { bodyCode, scheme: 'EMS', holder: { name: '重庆磐石建材有限公司', creditCode: code } },
    ]);
    await seedCertificate(t.services, {
      bodyCode,
      holder: { name: '重庆磐石建材有限公司', creditCode: creditCode() },
    });

    for (const q of [
      code,
      code.toLowerCase(),
      ` ${code.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))} `,
    ]) {
      const res = await search({ q });
      expect(res).toMatchObject({ status: 200, body: { total: 2 } });
      expect(ids(res.body.items).sort()).toEqual(mine.map((c) => c.publicId).sort());
    }
  });

  test('when a certificate number is typed, then exactly that certificate is found', async () => {
    const number = unique('00124Q');
    const cert = await seedCertificate(t.services, { bodyCode, number });
    await seedCertificate(t.services, { bodyCode, number: `${number}X` });

    const res = await search({ q: number.toLowerCase() });

    expect(res).toMatchObject({
      status: 200,
      body: { items: [{ publicId: cert.publicId, number }], total: 1 },
    });
  });

  test('when the query is both a number and a fragment of a name, then the certificate is listed once and total counts it once', async () => {
    const token = unique('QX').slice(0, 12);
    const [byNumber] = await seedCertificates(t.services, [
      { bodyCode, number: token, holder: { name: `重庆${token}科技有限公司`, creditCode: creditCode() } },
      { bodyCode, holder: { name: `成都${token}贸易有限公司`, creditCode: creditCode() } },
      { bodyCode, holder: { name: `西安${token}物流有限公司`, creditCode: creditCode() } },
    ]);

    const all = await search({ q: token });
    expect(all).toMatchObject({ status: 200, body: { total: 3, totalCapped: false } });
    expect(ids(all.body.items)).toHaveLength(3);
    expect(new Set(ids(all.body.items)).size).toBe(3);
    expect(ids(all.body.items)[0]).toBe(byNumber!.publicId);

    const seen: string[] = [];
    for (let page = 1; page <= 4; page += 1) {
      const res = await search({ q: token, page, pageSize: 1 });
      expect(res).toMatchObject({ status: 200, body: { total: 3 } });
      seen.push(...ids(res.body.items));
      expect(res.body.items).toHaveLength(page <= 3 ? 1 : 0);
    }
    expect(seen.sort()).toEqual(ids(all.body.items).sort());
  });

  test('when a credit code with a wrong check character is typed, then 400 INVALID_CREDIT_CODE', async () => {
    const good = creditCode();
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const res = await search({ q: bad });
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_CREDIT_CODE' } });
  });

  test.each(['I', 'O', 'Z', 'S', 'V'])(
    'when a credit code carries the letter %s, which GB 32100 never uses, then 400 INVALID_CREDIT_CODE',
    async (letter) => {
      const res = await search({ q: `91500106MA5U7W2X${letter}1` });
      expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_CREDIT_CODE' } });
    },
  );

  test('when an 18-character certificate number fails the credit-code check, then it is still found as a number', async () => {
    const number = withCheckCharacter('91500106MA5U7W2X4');
    const wrong = number.slice(0, 17) + (number[17] === 'A' ? 'B' : 'A');
    const cert = await seedCertificate(t.services, { bodyCode, number: wrong });
    const res = await search({ q: wrong });
    expect(res).toMatchObject({ status: 200, body: { items: [{ publicId: cert.publicId }] } });
  });
});

describe('paging', () => {
  const TOKEN = '璎珞';
  const COUNT = 47;
  let stored: Certificate[];
  beforeAll(async () => {
    stored = await seedCertificates(
      t.services,
      Array.from({ length: COUNT }, (_, i) => ({
        bodyCode,
        holder: { name: `重庆${TOKEN}第${i + 1}分公司`, creditCode: creditCode() },
      })),
    );
  });

  test('when every page is read, then each match appears exactly once and the total is exact', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 5; page += 1) {
      const res = await search({ q: TOKEN, page, pageSize: 10 });
      expect(res).toMatchObject({
        status: 200,
        body: { page, pageSize: 10, total: COUNT, totalCapped: false },
      });
      expect(res.body.items).toHaveLength(page < 5 ? 10 : COUNT - 40);
      seen.push(...ids(res.body.items));
    }
    expect(new Set(seen).size).toBe(COUNT);
    expect(seen.sort()).toEqual(stored.map((c) => c.publicId).sort());
  });

  test('when a page is read twice, then it holds the same items in the same order', async () => {
    const first = await search({ q: TOKEN, page: 3, pageSize: 7 });
    const again = await search({ q: TOKEN, page: 3, pageSize: 7 });
    expect(first.status).toBe(200);
    expect(ids(again.body.items)).toEqual(ids(first.body.items));
    expect(first.body.items).toHaveLength(7);
  });

  test('when a page lies past the last match, then it is empty with the total', async () => {
    const res = await search({ q: TOKEN, page: 6, pageSize: 10 });
    expect(res).toMatchObject({ status: 200, body: { items: [], total: COUNT } });
  });

  test('when no page size is given, then 20 per page', async () => {
    const res = await search({ q: TOKEN });
    expect(res).toMatchObject({ status: 200, body: { page: 1, pageSize: 20 } });
    expect(res.body.items).toHaveLength(20);
  });

  test(`when the page size is ${MAX_PAGE_SIZE}, then it is served; above, 400 INVALID_PAGE`, async () => {
    const max = await search({ q: TOKEN, pageSize: MAX_PAGE_SIZE });
    expect(max).toMatchObject({ status: 200, body: { pageSize: MAX_PAGE_SIZE } });
    expect(max.body.items).toHaveLength(COUNT);
    const over = await search({ q: TOKEN, pageSize: MAX_PAGE_SIZE + 1 });
    expect(over).toMatchObject({ status: 400, body: { code: 'INVALID_PAGE' } });
  });

  test(`when the page reaches past result ${MAX_SEARCH_DEPTH}, then 400 INVALID_PAGE with the limit`, async () => {
    const last = await search({ q: TOKEN, page: MAX_SEARCH_DEPTH / 20, pageSize: 20 });
    expect(last).toMatchObject({ status: 200, body: { items: [] } });
    const deep = await search({ q: TOKEN, page: MAX_SEARCH_DEPTH / 20 + 1, pageSize: 20 });
    expect(deep).toMatchObject({
      status: 400,
      headers: { 'content-type': expect.stringMatching(/^application\/problem\+json/) },
      body: { code: 'INVALID_PAGE', maxDepth: MAX_SEARCH_DEPTH },
    });
  });

  test.each([
    ['zero', { page: 0 }],
    ['negative', { page: -1 }],
    ['a fraction', { page: 1.5 }],
    ['not a number', { page: 'abc' }],
    ['empty', { page: '' }],
    ['huge', { page: '99999999999999999999' }],
    ['Infinity', { pageSize: 'Infinity' }],
    ['hexadecimal', { page: '0x2' }],
    ['an exponent', { page: '1e1' }],
    ['page size zero', { pageSize: 0 }],
  ])('when the page is %s, then 400 INVALID_PAGE', async (_what, paging) => {
    const res = await search({ q: TOKEN, ...paging });
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_PAGE' } });
  });
});

describe('counting', () => {
  test(`when more than ${MAX_SEARCH_DEPTH} names match, then total stops at ${MAX_SEARCH_DEPTH} and totalCapped is true`, async () => {
    await seedCertificates(
      t.services,
      Array.from({ length: MAX_SEARCH_DEPTH + 5 }, (_, i) => ({
        bodyCode,
        holder: { name: `四川麒麟${i}号农业合作社`, creditCode: creditCode() },
      })),
    );
    const res = await search({ q: '麒麟', pageSize: 50 });
    expect(res).toMatchObject({
      status: 200,
      body: { total: MAX_SEARCH_DEPTH, totalCapped: true, pageSize: 50 },
    });
    expect(res.body.items).toHaveLength(50);
  });
});

describe('minimum length', () => {
  test.each([
    ['missing', undefined],
    ['empty', ''],
    ['one letter', 'a'],
    ['one Chinese character', '琥'],
    ['only spaces', '   '],
    ['only punctuation', '"*^()'],
    ['one character between punctuation', '(琥)'],
  ])('when the query is %s, then 400 QUERY_TOO_SHORT', async (_what, q) => {
    const res = await request(t.app)
      .get('/api/v1/search')
      .query(q === undefined ? {} : { q });
    expect(res).toMatchObject({ status: 400, body: { code: 'QUERY_TOO_SHORT', status: 400 } });
  });

  test('when the query is 101 characters, then 400 QUERY_TOO_LONG', async () => {
    const res = await search({ q: '琥'.repeat(101) });
    expect(res).toMatchObject({ status: 400, body: { code: 'QUERY_TOO_LONG' } });
  });
});
