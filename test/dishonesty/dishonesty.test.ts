import request from 'supertest';
import { createApp } from '../../server/app';
import { createServices, type AppDeps, type Services } from '../../server/composition/services';
import type { Body } from '../../server/bodies/body-schema';
import type { Role } from '../../server/platform/auth';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { createMetrics } from '../../server/platform/metrics';
import { creditCode, seedBody, seedCertificate } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** China 10:00 on Monday 2 March 2026: every date rule below runs on this clock, moved by the tests. */
const START = Date.parse('2026-03-02T02:00:00Z');
const DAY = 86_400_000;
const PROBLEM = /^application\/problem\+json/;

let t: TestApp;
let app: ReturnType<typeof createApp>;
let services: Services;
let clock = START;
let tokens: Record<Exclude<Role, 'body'>, string> & { body: string; otherBody: string };
let body: Body;
let otherBody: Body;

const bearer = (token: string | undefined) =>
  token === undefined ? {} : { Authorization: `Bearer ${token}` };
const get = (path: string, token?: string) => request(app).get(path).set(bearer(token));
const post = (path: string, data: unknown, token?: string) =>
  request(app)
    .post(path)
    .set(bearer(token))
    .send(data as object);

beforeAll(async () => {
  t = createTestApp();
  // The same stores and cache as the test app, with a clock the tests move (and metrics of its own:
  // services register their metrics once per registry).
  const deps: AppDeps = { ...t.deps, metrics: createMetrics(), now: () => clock };
  services = createServices(deps);
  app = createApp(deps, services);
  body = await seedBody(services, { name: '重庆诚信认证有限公司' });
  otherBody = await seedBody(services);
  tokens = {
    admin: await t.tokenFor('admin'),
    inspector: await t.tokenFor('inspector'),
    partner: await t.tokenFor('partner'),
    body: await t.tokenFor('body', body.code),
    otherBody: await t.tokenFor('body', otherBody.code),
  };
});
afterAll(() => t.close());
beforeEach(() => {
  clock = START;
});

interface RecordInput {
  subject: Record<string, string>;
  severity?: string;
  startDate?: string;
  basis?: string;
  facts?: string;
  caseRef?: string;
}

function recordInput(overrides: RecordInput): Record<string, unknown> {
  return {
    severity: 'serious',
    basis: '《中华人民共和国认证认可条例》第七十一条',
    facts: '伪造认证证书，用于政府采购投标。',
    startDate: '2020-01-10',
    caseRef: '渝沙市监处罚〔2020〕7号',
    ...overrides,
  };
}

const holderSubject = (code: string, name = '重庆嘉陵江阀门制造有限公司') => ({
  kind: 'organisation',
  creditCode: code,
  name,
});

/** Creates a record through the API as an inspector; its id. */
async function createRecord(overrides: RecordInput): Promise<string> {
  const res = await post('/api/v1/dishonesty', recordInput(overrides), tokens.inspector);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function auditActions(recordId: string): Promise<string[]> {
  const entries = await services.audit.forTarget('dishonesty', recordId, 20);
  return entries.map((e) => e.action).reverse();
}

describe('the whole path: listing, public list, partner query, lookup and result page, repair', () => {
  let cert: Certificate;
  let holder: string;
  beforeAll(async () => {
    holder = creditCode();
    cert = await seedCertificate(services, {
      bodyCode: body.code,
      holder: { name: '重庆嘉陵江阀门制造有限公司', creditCode: holder },
    });
  });

  test('when a holder is listed and later repaired, then every answer follows, and every step is audited', async () => {
    // Looked up first, so that a cached "not listed" must be invalidated by the listing.
    const before = await get(`/api/v1/certificates/${cert.publicId}`);
    expect(before).toMatchObject({ status: 200, body: { listings: [] } });

    const created = await post(
      '/api/v1/dishonesty',
      recordInput({ subject: holderSubject(` ${holder.toLowerCase()} `) }),
      tokens.inspector,
    );
    expect(created).toMatchObject({
      status: 201,
      body: {
        subject: { kind: 'organisation', creditCode: holder },
        severity: 'serious',
        startDate: '2020-01-10',
        earliestRepairDate: '2025-01-10',
        state: 'listed',
        repairs: [],
        createdAt: new Date(START).toISOString(),
      },
    });
    const id = created.body.id as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const list = await get('/api/v1/dishonesty?kind=organisation');
    expect(list.status).toBe(200);
    const published = list.body.items.find((r: { id: string }) => r.id === id);
    expect(published).toEqual({
      id,
      subject: { kind: 'organisation', name: '重庆嘉陵江阀门制造有限公司', creditCode: holder },
      severity: 'serious',
      basis: '《中华人民共和国认证认可条例》第七十一条',
      caseRef: '渝沙市监处罚〔2020〕7号',
      // Published prose keeps its full-width punctuation (the comma included).
      facts: '伪造认证证书，用于政府采购投标。',
      startDate: '2020-01-10',
      earliestRepairDate: '2025-01-10',
      // Where the record entered the transparency log, and its proof (issue 13).
      logEntry: {
        seq: expect.any(Number),
        index: expect.any(Number),
        size: expect.any(Number),
        inclusionProof: expect.stringMatching(/^\/api\/v1\/audit\/proofs\/inclusion\?index=\d+&size=\d+$/),
      },
    });

    const partner = await post('/api/v1/partner/credit-queries', { creditCodes: [holder] }, tokens.partner);
    expect(partner).toMatchObject({
      status: 200,
      body: {
        results: [
          {
            index: 0,
            kind: 'organisation',
            code: holder,
            level: 'D',
            listed: true,
            keySupervisionTarget: true,
            reasons: [{ rule: 'SERIOUS_RECORD', level: 'D', recordIds: [id] }],
            records: [{ id, severity: 'serious' }],
          },
        ],
      },
    });

    const lookup = await get(`/api/v1/certificates/${cert.publicId}`);
    expect(lookup).toMatchObject({
      status: 200,
      body: {
        listings: [
          {
            subject: 'holder',
            recordId: id,
            name: '重庆嘉陵江阀门制造有限公司',
            severity: 'serious',
            startDate: '2020-01-10',
          },
        ],
      },
    });
    const pageZh = await get(`/v/${cert.publicId}`);
    expect(pageZh.status).toBe(200);
    expect(pageZh.text).toContain('失信名单提示');
    expect(pageZh.text).toContain(
      '持证组织“重庆嘉陵江阀门制造有限公司”自 2020-01-10 起被列入失信名单（严重失信）',
    );
    expect(pageZh.text).toContain('href="/dishonesty"');
    const pageEn = await get(`/v/${cert.publicId}?lang=en`);
    expect(pageEn.text).toContain('is on the dishonesty list since 2020-01-10 (serious)');
    expect(pageEn.text).toContain('href="/dishonesty?lang=en"');

    const listPage = await get('/dishonesty');
    expect(listPage.status).toBe(200);
    expect(listPage.text).toContain('重庆嘉陵江阀门制造有限公司');
    expect(listPage.text).toContain(holder);

    // Repair: asked for (after the earliest date), under notice for 5 working days, decided after it.
    const requested = await post(
      `/api/v1/dishonesty/${id}/repairs`,
      { statement: '已撤回全部伪造证书并完成整改。' },
      tokens.inspector,
    );
    expect(requested).toMatchObject({
      status: 201,
      body: { recordId: id, noticeStartDate: '2026-03-03', noticeEndDate: '2026-03-09' },
    });
    const repairId = requested.body.id as string;
    const noticed = await get(`/api/v1/dishonesty/${id}`);
    expect(noticed).toMatchObject({
      status: 200,
      body: {
        repairNotice: {
          repairId,
          statement: '已撤回全部伪造证书并完成整改。',
          noticeStartDate: '2026-03-03',
          noticeEndDate: '2026-03-09',
        },
      },
    });
    expect((await get('/dishonesty')).text).toContain('信用修复公示中：2026-03-03 至 2026-03-09');

    const again = await post(`/api/v1/dishonesty/${id}/repairs`, { statement: '再次申请' }, tokens.inspector);
    expect(again).toMatchObject({ status: 409, body: { code: 'REPAIR_PENDING', repairId } });

    const decision = { outcome: 'approved', reason: '公示期内未收到异议。' };
    const decide = () =>
      post(`/api/v1/dishonesty/${id}/repairs/${repairId}/decision`, decision, tokens.inspector);
    const tooEarly = await decide();
    expect(tooEarly).toMatchObject({
      status: 409,
      headers: { 'content-type': expect.stringMatching(PROBLEM) },
      body: { code: 'REPAIR_NOTICE_RUNNING', noticeEndDate: '2026-03-09' },
    });
    clock = Date.parse('2026-03-09T15:00:00Z'); // 23:00 in China on the last day of the notice
    expect(await decide()).toMatchObject({ status: 409, body: { code: 'REPAIR_NOTICE_RUNNING' } });
    // Still listed while the notice runs.
    expect((await get(`/api/v1/certificates/${cert.publicId}`)).body.listings).toHaveLength(1);

    clock = Date.parse('2026-03-09T16:00:00Z'); // 00:00 on 10 March in China
    const decided = await decide();
    expect(decided).toMatchObject({
      status: 200,
      body: {
        record: {
          id,
          state: 'repaired',
          supersededBy: { repairId, decidedAt: '2026-03-09T16:00:00.000Z' },
          repairs: [{ id: repairId, decision: { outcome: 'approved', reason: decision.reason } }],
        },
        repair: { id: repairId, decision: { outcome: 'approved' } },
      },
    });
    // The record itself is unchanged but for its state.
    expect(decided.body.record).toMatchObject({
      ...created.body,
      state: 'repaired',
      repairs: expect.any(Array),
    });

    const after = await get('/api/v1/dishonesty?kind=organisation');
    expect(after.body.items.map((r: { id: string }) => r.id)).not.toContain(id);
    expect(await get(`/api/v1/dishonesty/${id}`)).toMatchObject({
      status: 404,
      body: { code: 'DISHONESTY_RECORD_NOT_FOUND' },
    });
    expect(await get(`/api/v1/dishonesty/${id}`, tokens.inspector)).toMatchObject({
      status: 200,
      body: { id, state: 'repaired' },
    });
    expect(await get(`/api/v1/certificates/${cert.publicId}`)).toMatchObject({
      status: 200,
      body: { listings: [] },
    });
    const pageAfter = await get(`/v/${cert.publicId}`);
    expect(pageAfter.text).not.toContain('失信名单提示');
    expect((await get('/dishonesty')).text).not.toContain(holder);
    expect(
      await post('/api/v1/partner/credit-queries', { creditCodes: [holder] }, tokens.partner),
    ).toMatchObject({
      status: 200,
      body: {
        results: [{ level: 'A', listed: false, reasons: [{ rule: 'NO_ACTIVE_RECORDS' }], records: [] }],
      },
    });

    // A second decision, or a new request, of a repaired record: refused.
    expect(await decide()).toMatchObject({ status: 409, body: { code: 'REPAIR_ALREADY_DECIDED' } });
    expect(
      await post(`/api/v1/dishonesty/${id}/repairs`, { statement: '再次申请' }, tokens.inspector),
    ).toMatchObject({ status: 409, body: { code: 'DISHONESTY_ALREADY_REPAIRED' } });

    expect(await auditActions(id)).toEqual([
      'dishonesty.create',
      'dishonesty.repair.request',
      'dishonesty.repair.decide',
    ]);
    const [, request, decision2] = await services.audit
      .forTarget('dishonesty', id, 20)
      .then((e) => e.reverse());
    expect(request).toMatchObject({ actor: { type: 'token', role: 'inspector' } });
    expect(decision2?.change).toMatchObject({
      repairId,
      state: 'repaired',
      decision: { outcome: 'approved' },
    });
  });

  test('when a repair is rejected, then the record stays listed and a new repair can be asked for', async () => {
    const id = await createRecord({ subject: holderSubject(creditCode()), severity: 'minor' });
    const first = await post(`/api/v1/dishonesty/${id}/repairs`, { statement: '整改完成' }, tokens.admin);
    expect(first.status).toBe(201);
    clock = START + 14 * DAY;
    const rejected = await post(
      `/api/v1/dishonesty/${id}/repairs/${first.body.id}/decision`,
      { outcome: 'rejected', reason: '公示期内收到实名异议，经核实整改不到位。' },
      tokens.admin,
    );
    expect(rejected).toMatchObject({ status: 200, body: { record: { state: 'listed' } } });
    expect(await get(`/api/v1/dishonesty/${id}`)).toMatchObject({ status: 200, body: { id } });
    const second = await post(`/api/v1/dishonesty/${id}/repairs`, { statement: '再次整改' }, tokens.admin);
    expect(second).toMatchObject({ status: 201, body: { noticeStartDate: '2026-03-17' } });
  });

  test('when repair is asked for before the earliest repair date, then 409 REPAIR_TOO_EARLY with the date', async () => {
    const id = await createRecord({
      subject: holderSubject(creditCode()),
      severity: 'moderate',
      startDate: '2025-06-30',
    });
    const res = await post(`/api/v1/dishonesty/${id}/repairs`, { statement: '整改完成' }, tokens.inspector);
    expect(res).toMatchObject({
      status: 409,
      body: { code: 'REPAIR_TOO_EARLY', earliestRepairDate: '2028-06-30' },
    });
    clock = Date.parse('2028-06-29T16:00:00Z'); // 30 June 2028, 00:00 in China
    expect(
      await post(`/api/v1/dishonesty/${id}/repairs`, { statement: '整改完成' }, tokens.inspector),
    ).toMatchObject({ status: 201 });
  });

  test('when a body is listed, then lookups of its certificates show it, and an auditor listing does not', async () => {
    const listedBody = await seedBody(services, { name: '重庆失信认证有限公司' });
    const own = await seedCertificate(services, { bodyCode: listedBody.code });
    await createRecord({
      subject: {
        kind: 'auditor',
        registrationNumber: '2025-N1QMS-7777777',
        name: '王强',
        bodyCode: body.code,
      },
    });
    const clean = await seedCertificate(services, { bodyCode: body.code });
    expect((await get(`/api/v1/certificates/${clean.publicId}`)).body.listings).toEqual([]);

    const id = await createRecord({
      subject: { kind: 'body', bodyCode: listedBody.code, name: '重庆失信认证有限公司' },
      severity: 'grave',
      startDate: '2026-03-02',
    });
    expect((await get(`/api/v1/certificates/${own.publicId}`)).body.listings).toEqual([
      {
        subject: 'body',
        recordId: id,
        name: '重庆失信认证有限公司',
        severity: 'grave',
        startDate: '2026-03-02',
      },
    ]);
    expect((await get(`/v/${own.publicId}`)).text).toContain(
      '发证的认证机构“重庆失信认证有限公司”自 2026-03-02 起被列入失信名单（特别严重失信）',
    );
  });
});

describe('bodies, auditors and partner queries', () => {
  test('when auditors of a body are listed, then the body is a key supervision target at level B, and may ask for their repair', async () => {
    const employer = await seedBody(services);
    const employerToken = await t.tokenFor('body', employer.code);
    const id = await createRecord({
      subject: {
        kind: 'auditor',
        registrationNumber: '2019-N1QMS-1234567',
        name: '赵敏',
        bodyCode: employer.code,
      },
      severity: 'minor',
      startDate: '2024-05-01',
    });

    const query = await post(
      '/api/v1/partner/credit-queries',
      { bodyCodes: [employer.code] },
      tokens.partner,
    );
    expect(query).toMatchObject({
      status: 200,
      body: {
        results: [
          {
            kind: 'body',
            code: employer.code,
            registered: true,
            level: 'B',
            listed: false,
            keySupervisionTarget: true,
            reasons: [{ rule: 'AUDITORS_LISTED', recordIds: [id] }],
            records: [
              { id, subject: { kind: 'auditor', registrationNumber: '2019-N1QMS-1234567', name: '赵敏' } },
            ],
          },
        ],
      },
    });

    // The public sees the auditor's name and body, never the registration number.
    const published = await get(`/api/v1/dishonesty/${id}`);
    expect(published).toMatchObject({
      status: 200,
      body: { subject: { kind: 'auditor', name: '赵敏', bodyCode: employer.code } },
    });
    expect(JSON.stringify(published.body)).not.toContain('2019-N1QMS-1234567');
    expect(JSON.stringify((await get('/api/v1/dishonesty?kind=auditor&pageSize=50')).body)).not.toContain(
      '2019-N1QMS-1234567',
    );
    expect((await get('/dishonesty?kind=auditor')).text).not.toContain('2019-N1QMS-1234567');

    expect(
      await post(`/api/v1/dishonesty/${id}/repairs`, { statement: '已重新培训' }, tokens.otherBody),
    ).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(
      await post(`/api/v1/dishonesty/${id}/repairs`, { statement: '已重新培训' }, employerToken),
    ).toMatchObject({ status: 201, body: { recordId: id } });
  });

  test('when a partner queries a mixed batch, then each code gets its own answer in order and invalid ones their own error', async () => {
    const listed = creditCode();
    const clean = creditCode();
    await createRecord({ subject: holderSubject(listed), severity: 'moderate' });
    await createRecord({ subject: holderSubject(listed), severity: 'minor' });
    const res = await post(
      '/api/v1/partner/credit-queries',
      {
        creditCodes: [clean, '91500106MA5U7W2X40', listed.toLowerCase(), 42, 'x'.repeat(5000), null],
        bodyCodes: [body.code, 'BAD/CODE', 'UNREGISTERED-1'],
      },
      tokens.partner,
    );
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(new Date(START).toISOString());
    expect(res.body.results).toMatchObject([
      { index: 0, kind: 'organisation', code: clean, level: 'A', listed: false, keySupervisionTarget: false },
      { index: 1, kind: 'organisation', input: '91500106MA5U7W2X40', error: { code: 'INVALID_CREDIT_CODE' } },
      {
        index: 2,
        code: listed,
        level: 'C',
        listed: true,
        reasons: [
          { rule: 'MODERATE_RECORD', level: 'C' },
          { rule: 'MINOR_RECORD', level: 'B' },
        ],
      },
      { index: 3, input: null, error: { code: 'INVALID_CREDIT_CODE' } },
      { index: 4, input: 'x'.repeat(64), error: { code: 'INVALID_CREDIT_CODE' } },
      { index: 5, input: null, error: { code: 'INVALID_CREDIT_CODE' } },
      { index: 0, kind: 'body', code: body.code, registered: true, keySupervisionTarget: true },
      { index: 1, kind: 'body', input: 'BAD/CODE', error: { code: 'INVALID_BODY_CODE' } },
      { index: 2, kind: 'body', code: 'UNREGISTERED-1', registered: false, level: 'A' },
    ]);
  });

  test('when a partner queries 1,000 codes, then all are answered in one request; 1,001 is TOO_MANY_CODES', async () => {
    const codes = Array.from({ length: 1000 }, () => creditCode());
    const res = await post('/api/v1/partner/credit-queries', { creditCodes: codes }, tokens.partner);
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1000);
    expect(res.body.results.every((r: { level: string }) => r.level === 'A')).toBe(true);
    const tooMany = await post(
      '/api/v1/partner/credit-queries',
      { creditCodes: codes.slice(0, 600), bodyCodes: Array.from({ length: 401 }, () => 'CQC') },
      tokens.partner,
    );
    expect(tooMany).toMatchObject({ status: 400, body: { code: 'TOO_MANY_CODES' } });
  });
});

describe('records are never edited or deleted', () => {
  test.each(['patch', 'put', 'delete'] as const)(
    'when %s is sent to a record or its repairs, even by an admin, then 405 METHOD_NOT_ALLOWED and nothing changes',
    async (method) => {
      const id = await createRecord({ subject: holderSubject(creditCode()) });
      const before = (await get(`/api/v1/dishonesty/${id}`, tokens.admin)).body;
      const paths = [
        ['/api/v1/dishonesty', 'GET, POST'],
        [`/api/v1/dishonesty/${id}`, 'GET'],
        [`/api/v1/dishonesty/${id}/repairs`, 'POST'],
        [`/api/v1/dishonesty/${id}/repairs/AAAAAAAAAAAAAAAAAAAAAA/decision`, 'POST'],
      ];
      for (const [path, allow] of paths) {
        for (const token of [undefined, tokens.admin, tokens.inspector]) {
          const agent = request(app);
          const res = await agent[method](path as string)
            .set(bearer(token))
            .send({ state: 'repaired', severity: 'minor' });
          expect(res).toMatchObject({
            status: 405,
            headers: { allow, 'content-type': expect.stringMatching(PROBLEM) },
            body: { code: 'METHOD_NOT_ALLOWED' },
          });
        }
      }
      expect((await get(`/api/v1/dishonesty/${id}`, tokens.admin)).body).toEqual(before);
      expect(await auditActions(id)).toEqual(['dishonesty.create']);
    },
  );
});

describe('authorization for every route', () => {
  type Caller = 'anonymous' | 'body' | 'inspector' | 'admin' | 'partner';
  const CALLERS: Caller[] = ['anonymous', 'body', 'inspector', 'admin', 'partner'];
  const tokenOf = (caller: Caller) => (caller === 'anonymous' ? undefined : tokens[caller]);
  const refusal = (caller: Caller) =>
    caller === 'anonymous' ? { status: 401, code: 'UNAUTHENTICATED' } : { status: 403, code: 'FORBIDDEN' };

  test.each(CALLERS)('when %s reads the public list and a record, then it is answered', async (caller) => {
    const id = await createRecord({ subject: holderSubject(creditCode()) });
    expect(await get('/api/v1/dishonesty', tokenOf(caller))).toMatchObject({ status: 200 });
    const one = await get(`/api/v1/dishonesty/${id}`, tokenOf(caller));
    expect(one).toMatchObject({ status: 200, body: { id } });
    // Only inspectors and admins see the whole record with its repairs and who recorded it.
    const full = caller === 'inspector' || caller === 'admin';
    expect('repairs' in one.body).toBe(full);
    expect('createdBy' in one.body).toBe(full);
    expect(await get('/dishonesty', tokenOf(caller))).toMatchObject({ status: 200 });
  });

  test.each(CALLERS)('when %s records a listing, then only inspectors and admins may', async (caller) => {
    const code = creditCode();
    const res = await post(
      '/api/v1/dishonesty',
      recordInput({ subject: holderSubject(code) }),
      tokenOf(caller),
    );
    if (caller === 'inspector' || caller === 'admin') {
      expect(res).toMatchObject({ status: 201, body: { subject: { creditCode: code } } });
    } else {
      expect(res).toMatchObject({ status: refusal(caller).status, body: { code: refusal(caller).code } });
      expect(await services.dishonesty.listedConcerning({ creditCodes: [code], bodyCodes: [] })).toEqual([]);
    }
  });

  test.each(CALLERS)(
    "when %s asks for a repair of the body's own record, then inspectors, admins and that body may",
    async (caller) => {
      const id = await createRecord({ subject: { kind: 'body', bodyCode: body.code, name: body.name } });
      const res = await post(`/api/v1/dishonesty/${id}/repairs`, { statement: '整改完成' }, tokenOf(caller));
      if (caller === 'anonymous' || caller === 'partner') {
        expect(res).toMatchObject({ status: refusal(caller).status, body: { code: refusal(caller).code } });
        expect((await get(`/api/v1/dishonesty/${id}`, tokens.admin)).body.repairs).toEqual([]);
      } else {
        expect(res).toMatchObject({ status: 201, body: { recordId: id } });
      }
    },
  );

  test.each(CALLERS)('when %s decides a repair, then only inspectors and admins may', async (caller) => {
    const id = await createRecord({ subject: holderSubject(creditCode()) });
    const repair = await post(
      `/api/v1/dishonesty/${id}/repairs`,
      { statement: '整改完成' },
      tokens.inspector,
    );
    clock = START + 30 * DAY;
    const res = await post(
      `/api/v1/dishonesty/${id}/repairs/${repair.body.id}/decision`,
      { outcome: 'approved', reason: '无异议' },
      tokenOf(caller),
    );
    if (caller === 'inspector' || caller === 'admin') {
      expect(res).toMatchObject({ status: 200, body: { record: { state: 'repaired' } } });
    } else {
      expect(res).toMatchObject({ status: refusal(caller).status, body: { code: refusal(caller).code } });
      expect((await get(`/api/v1/dishonesty/${id}`, tokens.admin)).body.state).toBe('listed');
    }
  });

  test.each(CALLERS)(
    'when %s sends a credit query, then partners, inspectors and admins may',
    async (caller) => {
      const res = await post(
        '/api/v1/partner/credit-queries',
        { creditCodes: [creditCode()] },
        tokenOf(caller),
      );
      if (caller === 'anonymous' || caller === 'body') {
        expect(res).toMatchObject({ status: refusal(caller).status, body: { code: refusal(caller).code } });
      } else {
        expect(res).toMatchObject({ status: 200, body: { results: [{ level: 'A' }] } });
      }
    },
  );

  test('when the API description is read, then every dishonesty and partner route is there with its roles', async () => {
    const doc = (await get('/api/v1/openapi.json')).body;
    const roles = (path: string, method: string) => doc.paths[path]?.[method]?.['x-roles'];
    expect(doc.paths['/api/v1/dishonesty'].get).toBeDefined();
    expect(roles('/api/v1/dishonesty', 'get')).toBeUndefined();
    expect(roles('/api/v1/dishonesty/{id}', 'get')).toBeUndefined();
    expect(roles('/api/v1/dishonesty', 'post')).toEqual(['inspector', 'admin']);
    expect(roles('/api/v1/dishonesty/{id}/repairs', 'post')).toEqual(['inspector', 'admin', 'body']);
    expect(roles('/api/v1/dishonesty/{id}/repairs/{repairId}/decision', 'post')).toEqual([
      'inspector',
      'admin',
    ]);
    expect(roles('/api/v1/partner/credit-queries', 'post')).toEqual(['partner', 'admin', 'inspector']);
    expect(doc.paths['/api/v1/dishonesty/{id}'].patch).toBeUndefined();
    expect(doc.paths['/api/v1/dishonesty/{id}'].delete).toBeUndefined();
  });
});

describe('bad inputs get stable codes', () => {
  const valid = () => recordInput({ subject: holderSubject(creditCode()) });
  test.each([
    [
      'a credit code with a bad check character',
      { subject: holderSubject('91500106MA5U7W2X40') },
      'INVALID_CREDIT_CODE',
    ],
    ['a 10 kB credit code', { subject: holderSubject('9'.repeat(10_000)) }, 'INVALID_CREDIT_CODE'],
    [
      'a bad body code',
      { subject: { kind: 'body', bodyCode: 'CQC OR 1=1', name: 'x' } },
      'INVALID_BODY_CODE',
    ],
    [
      "an auditor's bad body code",
      { subject: { kind: 'auditor', registrationNumber: '2025-N1-1', name: '张', bodyCode: '' } },
      'INVALID_BODY_CODE',
    ],
    ['an unknown subject kind', { subject: { kind: 'person', name: 'x' } }, 'VALIDATION_FAILED'],
    ['an unknown severity', { severity: 'catastrophic' }, 'VALIDATION_FAILED'],
    ['a start date in the future', { startDate: '2026-03-03' }, 'VALIDATION_FAILED'],
    ['a malformed start date', { startDate: '2026-02-30' }, 'VALIDATION_FAILED'],
    ['an empty basis', { basis: '   ' }, 'VALIDATION_FAILED'],
    ['a control character in the facts', { facts: '伪造\u0000证书' }, 'INVALID_CHARACTERS'],
    ['an unknown field', { state: 'repaired' }, 'VALIDATION_FAILED'],
    ['an operator object', { severity: { $ne: 'minor' } }, 'VALIDATION_FAILED'],
  ] as const)('when a listing has %s, then 400 and nothing is stored', async (_what, patch, code) => {
    const before = (await get('/api/v1/dishonesty?pageSize=1')).body.total;
    const res = await post('/api/v1/dishonesty', { ...valid(), ...patch }, tokens.inspector);
    expect(res).toMatchObject({
      status: 400,
      headers: { 'content-type': expect.stringMatching(PROBLEM) },
      body: { code },
    });
    expect((await get('/api/v1/dishonesty?pageSize=1')).body.total).toBe(before);
  });

  test('when a listing has no body or malformed JSON, then 400 VALIDATION_FAILED or MALFORMED_JSON', async () => {
    expect(await post('/api/v1/dishonesty', undefined, tokens.inspector)).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    const malformed = await request(app)
      .post('/api/v1/dishonesty')
      .set(bearer(tokens.inspector))
      .set('Content-Type', 'application/json')
      .send('{"subject":');
    expect(malformed).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
  });

  test.each([
    ['an unknown kind', '/api/v1/dishonesty?kind=person', 'INVALID_QUERY'],
    ['page 0', '/api/v1/dishonesty?page=0', 'INVALID_PAGE'],
    ['a page of SQL', `/api/v1/dishonesty?page=${encodeURIComponent('1; DROP TABLE x')}`, 'INVALID_PAGE'],
    ['pageSize 51', '/api/v1/dishonesty?pageSize=51', 'INVALID_PAGE'],
    ['an unknown parameter', '/api/v1/dishonesty?state=repaired', 'INVALID_QUERY'],
    ['a repeated kind', '/api/v1/dishonesty?kind=body&kind=auditor', 'INVALID_QUERY'],
    ['kind[$ne]', '/api/v1/dishonesty?kind[$ne]=body', 'INVALID_QUERY'],
    ['a malformed id', '/api/v1/dishonesty/not-an-id', 'INVALID_DISHONESTY_ID'],
    ['a 10 kB id', `/api/v1/dishonesty/${'A'.repeat(10_000)}`, 'INVALID_DISHONESTY_ID'],
    ['a query on a record', '/api/v1/dishonesty/AAAAAAAAAAAAAAAAAAAAAA?x=1', 'INVALID_QUERY'],
  ])('when the list or a record is asked with %s, then 400 with its code', async (_what, path, code) => {
    expect(await get(path)).toMatchObject({ status: 400, body: { code } });
  });

  test('when a record or repair id is unknown or malformed, then 404 or 400 with its own code', async () => {
    const missing = 'AAAAAAAAAAAAAAAAAAAAAA';
    expect(await get(`/api/v1/dishonesty/${missing}`)).toMatchObject({
      status: 404,
      body: { code: 'DISHONESTY_RECORD_NOT_FOUND' },
    });
    expect(await get(`/api/v1/dishonesty/${missing}`, tokens.inspector)).toMatchObject({
      status: 404,
      body: { code: 'DISHONESTY_RECORD_NOT_FOUND' },
    });
    expect(
      await post(`/api/v1/dishonesty/${missing}/repairs`, { statement: 'x' }, tokens.inspector),
    ).toMatchObject({ status: 404, body: { code: 'DISHONESTY_RECORD_NOT_FOUND' } });
    const id = await createRecord({ subject: holderSubject(creditCode()) });
    const decide = (repairId: string, data: unknown) =>
      post(`/api/v1/dishonesty/${id}/repairs/${repairId}/decision`, data, tokens.inspector);
    const ok = { outcome: 'approved', reason: '无异议' };
    expect(await decide('bad', ok)).toMatchObject({ status: 400, body: { code: 'INVALID_REPAIR_ID' } });
    expect(await decide(missing, ok)).toMatchObject({ status: 404, body: { code: 'REPAIR_NOT_FOUND' } });
    const repair = await post(`/api/v1/dishonesty/${id}/repairs`, { statement: '整改' }, tokens.inspector);
    clock = START + 30 * DAY;
    expect(await decide(repair.body.id, { outcome: 'maybe', reason: 'x' })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    expect(await decide(repair.body.id, { outcome: 'approved' })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    expect(
      await post(`/api/v1/dishonesty/${id}/repairs`, { statement: '', extra: 1 }, tokens.inspector),
    ).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  test('when a credit query is empty, not an object, or has unknown fields, then 400 VALIDATION_FAILED', async () => {
    for (const data of [{}, { creditCodes: [] }, { creditCodes: 'X' }, { codes: ['X'] }, [1, 2]]) {
      expect(await post('/api/v1/partner/credit-queries', data, tokens.partner)).toMatchObject({
        status: 400,
        body: { code: 'VALIDATION_FAILED' },
      });
    }
  });

  test('when the list page is asked with a bad page, then an HTML error page with the code, not a 500', async () => {
    const res = await get('/dishonesty?page=abc&lang=en');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('data-code="INVALID_PAGE"');
    expect(res.text).toContain('<html lang="en">');
  });
});

describe('the public list', () => {
  test('when the list is paged, then pages follow one another without repeats and the page links carry the filter', async () => {
    for (let i = 0; i < 3; i += 1) {
      await createRecord({
        subject: {
          kind: 'body',
          bodyCode: `PG-${i}-${Date.now().toString(36).toUpperCase()}`,
          name: `分页机构${i}`,
        },
      });
    }
    const first = await get('/api/v1/dishonesty?kind=body&pageSize=2');
    const second = await get('/api/v1/dishonesty?kind=body&pageSize=2&page=2');
    expect(first.body).toMatchObject({ page: 1, pageSize: 2, total: expect.any(Number) });
    expect(first.body.items).toHaveLength(2);
    const ids = [...first.body.items, ...second.body.items].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      [...first.body.items, ...second.body.items].every(
        (r: { subject: { kind: string } }) => r.subject.kind === 'body',
      ),
    ).toBe(true);

    const page = await get('/dishonesty?kind=body&pageSize=2&lang=en');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Dishonesty list');
    expect(page.text).toContain('href="/dishonesty?kind=body&amp;page=2&amp;pageSize=2&amp;lang=en"');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)|\son\w+=|style="/i);
  });

  test('when clients call the list too often, then 429 RATE_LIMITED with Retry-After', async () => {
    const limited = createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      for (let i = 0; i < 3; i += 1) await request(limited.app).get('/api/v1/dishonesty').expect(200);
      const res = await request(limited.app).get('/api/v1/dishonesty');
      expect(res).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      expect(res.headers['retry-after']).toBeDefined();
      expect((await request(limited.app).get('/dishonesty')).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
