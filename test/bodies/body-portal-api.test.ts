import request from 'supertest';
import type { Body } from '../../server/bodies/body-schema';
import { todayInChina } from '../../server/platform/china-time';
import { addDays, seedBody } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { CONTENT_TYPES, toCsv, uploadRow } from '../helpers/upload-files';

let t: TestApp;
let body: Body;
let other: Body;
let bodyToken: string;
let otherToken: string;
let inspector: string;
let admin: string;
beforeAll(async () => {
  t = createTestApp();
  body = await seedBody(t.services, { lastReportedAt: undefined });
  other = await seedBody(t.services, { lastReportedAt: undefined });
  bodyToken = await t.tokenFor('body', body.code);
  otherToken = await t.tokenFor('body', other.code);
  inspector = await t.tokenFor('inspector');
  admin = await t.tokenFor('admin');
});
afterAll(() => t.close());

const auth = (secret: string) => ({ Authorization: `Bearer ${secret}` });

async function upload(token: string, csv: string, mode = 'partial') {
  return request(t.app)
    .post(`/api/v1/uploads?mode=${mode}&fileName=report.csv`)
    .set(auth(token))
    .set('Content-Type', CONTENT_TYPES.csv)
    .send(csv);
}

describe("a body's upload jobs", () => {
  test('when a body lists its uploads, then it sees its own jobs only, newest first, paged', async () => {
    const first = await upload(bodyToken, toCsv([uploadRow()]));
    const second = await upload(bodyToken, toCsv([uploadRow(), uploadRow({ creditCode: 'BAD' })]));
    await upload(otherToken, toCsv([uploadRow()]));
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);

    const res = await request(t.app).get('/api/v1/uploads?pageSize=1').set(auth(bodyToken));
    expect(res).toMatchObject({ status: 200, body: { total: 2, page: 1, pageSize: 1 } });
    expect(res.body.items.map((j: { id: string }) => j.id)).toEqual([second.body.id]);
    const next = await request(t.app).get('/api/v1/uploads?pageSize=1&page=2').set(auth(bodyToken));
    expect(next.body.items.map((j: { id: string }) => j.id)).toEqual([first.body.id]);
    expect(next.body.items[0]).toMatchObject({ bodyCode: body.code, state: 'succeeded' });
  });

  test("when a body asks for another body's uploads, then 403 whether that body exists or not", async () => {
    for (const code of [other.code, 'NOSUCHBODY']) {
      const res = await request(t.app).get(`/api/v1/uploads?body=${code}`).set(auth(bodyToken));
      expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    }
  });

  test('when an inspector lists uploads, then the body must be named, and its jobs come back', async () => {
    const unnamed = await request(t.app).get('/api/v1/uploads').set(auth(inspector));
    expect(unnamed).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });
    const named = await request(t.app).get(`/api/v1/uploads?body=${other.code}`).set(auth(inspector));
    expect(named).toMatchObject({ status: 200, body: { total: 1, items: [{ bodyCode: other.code }] } });
  });

  test('when the list is asked for without a token or with a bad page, then 401 and 400 with stable codes', async () => {
    expect(await request(t.app).get('/api/v1/uploads')).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED' },
    });
    const bad = await request(t.app).get('/api/v1/uploads?pageSize=1000').set(auth(bodyToken));
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_PAGE' } });
  });
});

describe('reporting timeliness and the overdue signal', () => {
  test('when a body never reported, then it is late, and the overdue check raises one low signal for it, repeated not doubled', async () => {
    const silent = await seedBody(t.services, { lastReportedAt: undefined });
    const res = await request(t.app).get(`/api/v1/bodies/${silent.code}/reporting`).set(auth(inspector));
    expect(res).toMatchObject({ status: 200, body: { bodyCode: silent.code, late: true } });
    expect(res.body).not.toHaveProperty('lastReportAt');

    await t.services.reportingOverdue.run();
    await t.services.reportingOverdue.run();
    const signals = await request(t.app)
      .get(`/api/v1/signals?ruleId=reporting-overdue&bodyCode=${silent.code}`)
      .set(auth(inspector));
    expect(signals).toMatchObject({
      status: 200,
      body: {
        total: 1,
        items: [
          {
            severity: 'low',
            occurrences: 2,
            subject: { kind: 'body', key: silent.code },
            rule: { title: { zh: '认证机构逾期未报送证书信息' } },
          },
        ],
      },
    });
    expect(signals.body.items[0].text.zh).toContain('已逾期');
  });

  test('when a body confirms "nothing changed", then its last report is now, its next report is due on the 10th of next month, and no overdue signal is raised', async () => {
    const confirming = await seedBody(t.services, { lastReportedAt: undefined });
    const token = await t.tokenFor('body', confirming.code);
    const confirmed = await request(t.app)
      .post(`/api/v1/bodies/${confirming.code}/confirmations`)
      .set(auth(token))
      .send({ note: '本月无变化' });
    expect(confirmed.status).toBe(200);
    const res = await request(t.app).get(`/api/v1/bodies/${confirming.code}/reporting`).set(auth(token));
    const month = todayInChina().slice(0, 7);
    const [y, m] = month.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    expect(res).toMatchObject({
      status: 200,
      body: { late: false, nextDueDate: `${next}-10` },
    });
    // The confirmation's audit entry is written a moment after its answer's time.
    expect(res.body.lastReportAt >= confirmed.body.lastReportedAt).toBe(true);
    await t.services.reportingOverdue.run();
    const signals = await request(t.app)
      .get(`/api/v1/signals?ruleId=reporting-overdue&bodyCode=${confirming.code}`)
      .set(auth(inspector));
    expect(signals.body.total).toBe(0);
  });

  test('when an upload stores rows, then it counts as a report', async () => {
    const res = await request(t.app).get(`/api/v1/bodies/${body.code}/reporting`).set(auth(bodyToken));
    expect(res).toMatchObject({ status: 200, body: { late: false } });
    expect(res.body.lastReportAt).toEqual(expect.any(String));
  });

  test("when a body reads another body's timeliness, then 403", async () => {
    const res = await request(t.app).get(`/api/v1/bodies/${other.code}/reporting`).set(auth(bodyToken));
    expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });
});

describe('public commitments (承诺书)', () => {
  const text = '本机构郑重承诺：\n一、依法独立、公正地开展认证活动；\n二、按时如实报送证书信息。';

  test('when a body submits its commitment twice, then versions 1 and 2 are stored, audited, and listed publicly newest first', async () => {
    const today = todayInChina();
    const v1 = await request(t.app)
      .post(`/api/v1/bodies/${body.code}/commitments`)
      .set(auth(bodyToken))
      .send({ text, dated: addDays(today, -30) });
    expect(v1).toMatchObject({ status: 201, body: { bodyCode: body.code, version: 1, text } });
    const v2 = await request(t.app)
      .post(`/api/v1/bodies/${body.code}/commitments`)
      .set(auth(bodyToken))
      .send({ text: `${text}\n三、接受社会监督。`, dated: today });
    expect(v2).toMatchObject({ status: 201, body: { version: 2, dated: today } });

    const listed = await request(t.app).get(`/api/v1/bodies/${body.code}/commitments`);
    expect(listed).toMatchObject({ status: 200 });
    expect(listed.body.items.map((c: { version: number }) => c.version)).toEqual([2, 1]);
    // Full-width punctuation is kept: it is prose.
    expect(listed.body.items[1].text).toBe(text);
    const audit = await t.stores.audit.forTarget('body', body.code, 50);
    expect(audit.filter((e) => e.action === 'body.commitment')).toHaveLength(2);
  });

  test('when the commitment is dated in the future, empty, or sent for another body, then 400 or 403 and nothing is stored', async () => {
    const future = await request(t.app)
      .post(`/api/v1/bodies/${other.code}/commitments`)
      .set(auth(otherToken))
      .send({ text, dated: addDays(todayInChina(), 2) });
    expect(future).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const empty = await request(t.app)
      .post(`/api/v1/bodies/${other.code}/commitments`)
      .set(auth(otherToken))
      .send({ text: '   ', dated: todayInChina() });
    expect(empty).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const foreign = await request(t.app)
      .post(`/api/v1/bodies/${other.code}/commitments`)
      .set(auth(bodyToken))
      .send({ text, dated: todayInChina() });
    expect(foreign).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const listed = await request(t.app).get(`/api/v1/bodies/${other.code}/commitments`);
    expect(listed).toMatchObject({ status: 200, body: { items: [] } });
  });

  test('when the commitments of an unknown body are asked for, then 404 BODY_NOT_FOUND', async () => {
    const res = await request(t.app).get('/api/v1/bodies/NOSUCHBODY/commitments');
    expect(res).toMatchObject({ status: 404, body: { code: 'BODY_NOT_FOUND' } });
    const admin404 = await request(t.app)
      .post('/api/v1/bodies/NOSUCHBODY/commitments')
      .set(auth(admin))
      .send({ text, dated: todayInChina() });
    expect(admin404).toMatchObject({ status: 404, body: { code: 'BODY_NOT_FOUND' } });
  });
});
