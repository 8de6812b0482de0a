/**
 * GET /api/v1/bodies/:code/certificates through the API on a real SQLite file: a body's own certificates in
 * number order, keyset paged, filtered by effective status and number prefix; who may list whom.
 */
import request from 'supertest';
import type { Body } from '../../server/bodies/body-schema';
import type { BodyCertificateItem } from '../../server/certificates/certificate-schema';
import { encodeCursor } from '../../server/platform/keyset';
import { seedBody, seedCertificates } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let body: Body;
let other: Body;
let bodyToken: string;
let otherToken: string;
let inspector: string;
let admin: string;
/** The body's 45 numbers, in the order the list must give them. */
let numbers: string[];

const auth = (secret: string) => ({ Authorization: `Bearer ${secret}` });
const list = (code: string, query = '') => `/api/v1/bodies/${code}/certificates${query ? `?${query}` : ''}`;

interface ListPage {
  items: BodyCertificateItem[];
  next?: string;
  total: number;
  totalCapped: boolean;
  pageSize: number;
}

/** Every page of a list, following `next` from the first; the pages as answered. */
async function walk(token: string, code: string, query: string): Promise<ListPage[]> {
  const pages: ListPage[] = [];
  let after: string | undefined;
  for (let i = 0; i < 100; i += 1) {
    const q = [query, after === undefined ? '' : `after=${after}`].filter(Boolean).join('&');
    const res = await request(t.app).get(list(code, q)).set(auth(token));
    expect(res.status).toBe(200);
    const page = res.body as ListPage;
    pages.push(page);
    if (page.next === undefined) return pages;
    after = page.next;
  }
  throw new Error('the walk did not end');
}

beforeAll(async () => {
  t = createTestApp();
  body = await seedBody(t.services);
  other = await seedBody(t.services);
  // 45 certificates, stored out of order: 30 "A-" numbers (two expired, one revoked past expiry, one
  // suspended), 15 "B-" numbers; the other body has numbers that would sort among them.
  const reports = Array.from({ length: 45 }, (_, i) => ({
    bodyCode: body.code,
    number: i < 30 ? `A-${String(i).padStart(3, '0')}` : `B-${String(i).padStart(3, '0')}`,
    expiryDate: i === 3 || i === 4 || i === 5 ? '2020-12-31' : '2099-01-01',
    issueDate: '2019-01-01',
  }));
  numbers = reports.map((r) => r.number).sort();
  await seedCertificates(t.services, [...reports].reverse());
  await seedCertificates(t.services, [
    { bodyCode: other.code, number: 'A-0005' },
    { bodyCode: other.code, number: 'B-0001' },
  ]);
  const find = async (number: string) =>
    (await t.services.certificates.findByNumber(number, body.code)).items[0]!.publicId;
  await t.services.certificates.changeStatus(await find('A-005'), {
    status: 'revoked',
    reason: '伪造审核记录',
    date: '2020-06-01',
  });
  await t.services.certificates.changeStatus(await find('A-010'), {
    status: 'suspended',
    reason: '监督审核逾期',
    date: '2024-06-01',
  });
  bodyToken = await t.tokenFor('body', body.code);
  otherToken = await t.tokenFor('body', other.code);
  inspector = await t.tokenFor('inspector');
  admin = await t.tokenFor('admin');
});
afterAll(() => t.close());

describe("a body's list of its own certificates", () => {
  test('when a body pages through its 45 certificates, then it sees each exactly once, in number order, with the total', async () => {
    const pages = await walk(bodyToken, body.code, 'pageSize=20');
    expect(pages.map((p) => p.items.length)).toEqual([20, 20, 5]);
    for (const p of pages) expect(p).toMatchObject({ total: 45, totalCapped: false, pageSize: 20 });
    expect(pages.flatMap((p) => p.items.map((c) => c.number))).toEqual(numbers);
    // A row says what the list shows: number, holder, scheme, effective status and validity.
    const first = pages[0]!.items[0]!;
    expect(first).toMatchObject({
      number: 'A-000',
      holder: { name: expect.any(String) },
      scheme: { code: 'QMS', zh: expect.any(String), en: expect.any(String) },
      status: 'valid',
      expiryDate: '2099-01-01',
    });
    expect(first.publicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // The default page is 20.
    const plain = await request(t.app).get(list(body.code)).set(auth(bodyToken));
    expect(plain.body).toMatchObject({ pageSize: 20, total: 45 });
    expect(plain.body.items).toHaveLength(20);
  });

  test('when the list is filtered by effective status, then expired is derived from the expiry date and revoked stays revoked', async () => {
    const expired = (await walk(bodyToken, body.code, 'status=expired&pageSize=1')).flatMap((p) => p.items);
    expect(expired.map((c) => c.number)).toEqual(['A-003', 'A-004']);
    expect(expired.every((c) => c.status === 'expired')).toBe(true);
    const revoked = await request(t.app).get(list(body.code, 'status=revoked')).set(auth(bodyToken));
    expect(revoked.body).toMatchObject({ total: 1, items: [{ number: 'A-005', status: 'revoked' }] });
    const suspended = await request(t.app).get(list(body.code, 'status=suspended')).set(auth(bodyToken));
    expect(suspended.body).toMatchObject({
      total: 1,
      items: [{ number: 'A-010', statusDate: '2024-06-01' }],
    });
    const valid = await walk(bodyToken, body.code, 'status=valid');
    expect(valid.flatMap((p) => p.items).length).toBe(41);
    expect(valid[0]).toMatchObject({ total: 41 });
    const none = await request(t.app).get(list(body.code, 'status=withdrawn')).set(auth(bodyToken));
    expect(none.body).toEqual({ items: [], total: 0, totalCapped: false, pageSize: 20 });
  });

  test('when the list is filtered by a number prefix, then only numbers starting with it come, normalised as numbers are', async () => {
    const b = await walk(bodyToken, body.code, 'numberPrefix=b-&pageSize=10');
    expect(b.flatMap((p) => p.items.map((c) => c.number))).toEqual(numbers.filter((n) => n.startsWith('B-')));
    expect(b[0]).toMatchObject({ total: 15 });
    // Full-width and lower case are folded, as a typed number is.
    const narrow = await request(t.app)
      .get(list(body.code, `numberPrefix=${encodeURIComponent('ａ-01')}&status=valid`))
      .set(auth(bodyToken));
    expect(narrow.body.items.map((c: BodyCertificateItem) => c.number)).toEqual(
      numbers.filter((n) => n.startsWith('A-01') && n !== 'A-010'),
    );
    const nothing = await request(t.app).get(list(body.code, 'numberPrefix=Z')).set(auth(bodyToken));
    expect(nothing.body).toMatchObject({ items: [], total: 0 });
    const bad = await request(t.app).get(list(body.code, 'numberPrefix=%25')).set(auth(bodyToken));
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_CERTIFICATE_NUMBER' } });
  });

  test('when a cursor is altered, cut or made up, then 400 INVALID_CURSOR, and a cursor handed out still works', async () => {
    const first = await request(t.app).get(list(body.code, 'pageSize=5')).set(auth(bodyToken));
    const next = first.body.next as string;
    expect(next).toMatch(/^[A-Za-z0-9_-]+$/);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const forged = Buffer.from(JSON.stringify('A-020')).toString('base64url');
    for (const after of [
      flip(next, 0),
      flip(next, next.length - 2),
      next.slice(0, -3),
      `${next}x`,
      'garbage!',
      forged,
      encodeCursor({ number: 'A-020' }), // our own encoding, but not a number
      'x'.repeat(600),
    ]) {
      const res = await request(t.app)
        .get(list(body.code, `after=${encodeURIComponent(after)}`))
        .set(auth(bodyToken));
      expect({ after, status: res.status, code: res.body.code }).toEqual({
        after,
        status: 400,
        code: 'INVALID_CURSOR',
      });
    }
    const ok = await request(t.app)
      .get(list(body.code, `pageSize=5&after=${next}`))
      .set(auth(bodyToken));
    expect(ok.body.items.map((c: BodyCertificateItem) => c.number)).toEqual(numbers.slice(5, 10));
  });

  test('when the page size is out of 1 to 100, then 400 INVALID_PAGE; 100 is a page', async () => {
    for (const size of ['0', '101', '-1', 'ten', '1e2']) {
      const res = await request(t.app)
        .get(list(body.code, `pageSize=${size}`))
        .set(auth(bodyToken));
      expect({ size, status: res.status, code: res.body.code }).toEqual({
        size,
        status: 400,
        code: 'INVALID_PAGE',
      });
    }
    const all = await request(t.app).get(list(body.code, 'pageSize=100')).set(auth(bodyToken));
    expect(all.body.items).toHaveLength(45);
    expect(all.body.next).toBeUndefined();
    const unknown = await request(t.app).get(list(body.code, 'page=2')).set(auth(bodyToken));
    expect(unknown).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });
  });

  test("when a body token asks for another body's list, then 403 whether that body exists or not", async () => {
    for (const code of [other.code, 'NOSUCHBODY']) {
      const res = await request(t.app).get(list(code)).set(auth(bodyToken));
      expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    }
    const own = await request(t.app).get(list(other.code)).set(auth(otherToken));
    expect(own.body.items.map((c: BodyCertificateItem) => c.number)).toEqual(['A-0005', 'B-0001']);
  });

  test('when the list is asked for without a token, then 401', async () => {
    expect(await request(t.app).get(list(body.code))).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED' },
    });
  });

  test('when an inspector or an admin lists a body, then they see its list; an unknown body is 404, a bad code 400', async () => {
    for (const token of [inspector, admin]) {
      const res = await request(t.app).get(list(body.code, 'numberPrefix=B')).set(auth(token));
      expect(res).toMatchObject({ status: 200, body: { total: 15 } });
    }
    const unknown = await request(t.app).get(list('NOSUCHBODY')).set(auth(inspector));
    expect(unknown).toMatchObject({ status: 404, body: { code: 'BODY_NOT_FOUND' } });
    const bad = await request(t.app).get(list('%E2%80%8BX')).set(auth(inspector));
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_BODY_CODE' } });
  });
});
