import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { createApp } from '../../server/app';
import { createServices, type AppDeps, type Services } from '../../server/composition/services';
import { SYSTEM_ACTOR } from '../../server/audit/audit-schema';
import type { Body } from '../../server/bodies/body-schema';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { createMetrics } from '../../server/platform/metrics';
import type { Case } from '../../server/cases/case-schema';
import { createInspectorSchema } from '../../server/inspectors/inspector-schema';
import type { Tip } from '../../server/tips/tip-schema';
import { creditCode, seedBody, seedCertificate, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** China 10:00 on Monday 2 March 2026: every date rule below runs on this clock, moved by the tests. */
const START = Date.parse('2026-03-02T02:00:00Z');
const TODAY = '2026-03-02';
const PROBLEM = /^application\/problem\+json/;
const CASE_REFERENCE = /^C-2026-[0-9A-HJKMNP-TV-Z]{8}$/;
const BASIS = '《中华人民共和国认证认可条例》第六十九条';

let t: TestApp;
let app: ReturnType<typeof createApp>;
let services: Services;
let clock = START;
let tokens: { inspector: string; admin: string; partner: string };
let body: Body;

beforeAll(async () => {
  t = createTestApp();
  // The same stores and cache as the test app, on a clock the tests move (and metrics of its own:
  // services register their metrics once per registry).
  const deps: AppDeps = { ...t.deps, metrics: createMetrics(), now: () => clock };
  services = createServices(deps);
  app = createApp(deps, services);
  body = await seedBody(services, { name: '重庆诚信认证有限公司' });
  tokens = {
    inspector: await t.tokenFor('inspector'),
    admin: await t.tokenFor('admin'),
    partner: await t.tokenFor('partner'),
  };
});
afterAll(async () => {
  await services.qr.close();
  await services.scanRules.idle();
  await t.close();
});
beforeEach(() => {
  clock = START;
});

const auth = (token: string | undefined) => (token === undefined ? {} : { Authorization: `Bearer ${token}` });
const get = (url: string, token?: string) => request(app).get(url).set(auth(token));
const post = (url: string, data: unknown, token?: string) =>
  request(app)
    .post(url)
    .set(auth(token))
    .send(data as object);
const patch = (id: string, data: unknown, token = tokens.inspector) =>
  request(app)
    .patch(`/api/v1/cases/${id}`)
    .set(auth(token))
    .send(data as object);

/** A certificate of `body` held by a fresh organisation. */
async function certificate(holderName = '重庆嘉陵江阀门制造有限公司'): Promise<Certificate> {
  return seedCertificate(services, {
    bodyCode: body.code,
    holder: { name: holderName, creditCode: creditCode() },
  });
}

/** An inspector of the directory, with declared conflicts; its id. */
async function inspector(conflicts: { kind: 'holder' | 'body'; code: string }[] = [], active = true) {
  const created = await services.inspectors.create(
    createInspectorSchema.parse({
      id: unique('CQ-'),
      name: '检查员',
      unit: '重庆市沙坪坝区市场监督管理局',
      active,
      conflicts: conflicts.map((c) => ({ ...c, reason: '近亲属在该单位任职' })),
    }),
    SYSTEM_ACTOR,
  );
  return created.id;
}

/** A public tip about `cert`, sent through the API; the stored tip as inspectors see it. */
async function tipAbout(cert: Certificate): Promise<Tip> {
  const sent = await post('/api/v1/tips', {
    category: 'forged',
    publicId: cert.publicId,
    description: '投标文件中的证书与现场看到的证书编号不一致。',
    contact: '13800000000',
  });
  expect(sent.status).toBe(201);
  const list = await get('/api/v1/tips?state=new&pageSize=100', tokens.inspector);
  const tip = (list.body.items as Tip[]).find((item) => item.reference === sent.body.reference);
  if (!tip) throw new Error('the tip is not in the queue');
  return tip;
}

/** A risk signal about `cert`, raised as the rules engine raises them; its id. */
async function signalAbout(cert: Certificate): Promise<string> {
  const [signal] = await services.signals.raise([
    {
      ruleId: 'issued-before-audit-end',
      severity: 'medium',
      subject: { kind: 'certificate', key: cert.publicId, label: cert.number },
      dedupKey: `issued-before-audit-end:${cert.publicId}:${unique()}`,
      summary: `Certificate ${cert.number} was issued on the day its audit ended.`,
      evidence: { certificateNumber: cert.number },
      certificatePublicIds: [cert.publicId],
      bodyCode: cert.bodyCode,
    },
  ]);
  if (!signal) throw new Error('no signal raised');
  return signal.id;
}

/** A flag on `cert`, through the API; its id. */
async function flagOn(cert: Certificate): Promise<string> {
  const res = await post(
    '/api/v1/flags',
    { publicId: cert.publicId, reason: '审核人日明显不足。' },
    tokens.inspector,
  );
  expect(res).toMatchObject({ status: 201, body: { publicId: cert.publicId, state: 'open' } });
  return res.body.id as string;
}

async function openCase(items: Record<string, unknown>): Promise<Case> {
  const res = await post('/api/v1/cases', { title: '疑似伪造认证证书', ...items }, tokens.inspector);
  expect(res.status).toBe(201);
  return res.body as Case;
}

/** Every row of the workflow's tables and of the dishonesty records, read over a second connection. */
function stored(): string {
  const db = new Database(path.join(t.dataDir, 'registry.sqlite'), { readonly: true });
  try {
    return JSON.stringify(
      ['tips', 'flags', 'signals', 'cases', 'case_events', 'dishonesty_records', 'certificates'].map(
        (table) => db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all(),
      ),
    );
  } finally {
    db.close();
  }
}

const actionsOf = async (type: string, id: string) =>
  (await services.audit.forTarget(type, id, 50)).map((e) => e.action).reverse();

describe('the whole path: tip and signal, case, decision, dishonesty record, public list, partner query, result page, repair', () => {
  test('when a tip and a signal become a case that is confirmed, then the certificate is revoked and the holder listed everywhere, until repaired', async () => {
    const cert = await certificate();
    const holder = cert.holder.creditCode;
    const recused = await inspector([{ kind: 'holder', code: holder }]);
    const assignee = await inspector([{ kind: 'body', code: 'OTHER-BODY' }]);

    const tip = await tipAbout(cert);
    const signalId = await signalAbout(cert);
    expect(await get(`/api/v1/signals/${signalId}`, tokens.inspector)).toMatchObject({
      status: 200,
      body: { state: 'open' },
    });

    // Opened from the tip and the signal: both leave the queue, the certificate joins the case.
    const opened = await openCase({
      summary: '群众举报与风险信号指向同一证书。',
      tipIds: [tip.id],
      signalIds: [signalId],
    });
    expect(opened).toMatchObject({
      reference: expect.stringMatching(CASE_REFERENCE),
      state: 'open',
      publicIds: [cert.publicId],
      tipIds: [tip.id],
      signalIds: [signalId],
      flagIds: [],
      events: [{ action: 'create', tipIds: [tip.id], signalIds: [signalId], publicIds: [cert.publicId] }],
      createdAt: new Date(START).toISOString(),
    });
    expect(opened).not.toHaveProperty('assignee');
    expect(await get(`/api/v1/tips/${tip.id}`, tokens.inspector)).toMatchObject({
      body: { state: 'in-case', caseId: opened.id },
    });
    expect(await get(`/api/v1/signals/${signalId}`, tokens.inspector)).toMatchObject({
      body: { state: 'in-case', caseId: opened.id },
    });

    // Recusal: an inspector who declared a conflict with the holder cannot take the case.
    const refused = await patch(opened.id, { action: 'assign', assignee: recused });
    expect(refused).toMatchObject({
      status: 409,
      headers: { 'content-type': expect.stringMatching(PROBLEM) },
      body: { code: 'INSPECTOR_CONFLICT', conflicts: [{ kind: 'holder', code: holder }] },
    });
    expect(JSON.stringify(refused.body)).not.toContain('近亲属');

    clock += 3_600_000;
    const assigned = await patch(opened.id, { action: 'assign', assignee: assignee.toLowerCase() });
    expect(assigned).toMatchObject({ status: 200, body: { assignee, version: 2 } });
    const noted = await patch(opened.id, {
      action: 'note',
      text: '已联系认证机构核实。\n机构称未颁发过此证书。',
    });
    expect(noted).toMatchObject({ status: 200, body: { version: 3 } });
    const evidence = await patch(opened.id, {
      action: 'evidence',
      description: '认证机构出具的书面说明',
      reference: '渝沙市监证〔2026〕3号',
    });
    expect(evidence.status).toBe(200);

    clock += 3_600_000;
    const decided = await patch(opened.id, {
      action: 'decide',
      outcome: 'confirmed',
      basis: BASIS,
      facts: '该公司伪造认证证书用于政府采购投标。',
      statusChange: { publicId: cert.publicId, status: 'revoked', reason: '伪造证书用于投标', date: TODAY },
      records: [
        {
          subject: { kind: 'organisation', creditCode: holder.toLowerCase(), name: cert.holder.name },
          severity: 'minor',
        },
      ],
    });
    expect(decided).toMatchObject({
      status: 200,
      body: {
        state: 'confirmed',
        assignee,
        decision: {
          outcome: 'confirmed',
          basis: BASIS,
          facts: '该公司伪造认证证书用于政府采购投标。',
          decidedAt: new Date(clock).toISOString(),
          statusChange: { publicId: cert.publicId, status: 'revoked', date: TODAY },
          recordIds: [expect.stringMatching(/^[A-Za-z0-9_-]{22}$/)],
        },
      },
    });
    const c = decided.body as Case;
    expect(c.events.map((e) => e.action)).toEqual(['create', 'assign', 'note', 'evidence', 'decide']);
    expect(c.events[2]).toMatchObject({ text: '已联系认证机构核实。\n机构称未颁发过此证书。' });
    const recordId = c.decision?.recordIds[0] as string;

    // Final: any further action is refused, the case unchanged.
    for (const action of [
      { action: 'note', text: '补充' },
      { action: 'assign', assignee },
      { action: 'decide', outcome: 'dismissed', facts: '重新认定' },
    ]) {
      expect(await patch(opened.id, action)).toMatchObject({
        status: 409,
        body: { code: 'CASE_DECIDED', state: 'confirmed' },
      });
    }
    expect((await get(`/api/v1/cases/${opened.id}`, tokens.admin)).body).toEqual(c);
    // A confirmed case keeps what it took up.
    expect((await get(`/api/v1/tips/${tip.id}`, tokens.inspector)).body.state).toBe('in-case');
    expect((await get(`/api/v1/signals/${signalId}`, tokens.inspector)).body.state).toBe('in-case');

    // The public list, with the case reference, today's start and the decision's facts and basis.
    const list = await get('/api/v1/dishonesty?kind=organisation');
    expect(list.body.items).toContainEqual({
      id: recordId,
      subject: { kind: 'organisation', name: cert.holder.name, creditCode: holder },
      severity: 'minor',
      basis: BASIS,
      caseRef: c.reference,
      facts: '该公司伪造认证证书用于政府采购投标。',
      startDate: TODAY,
      earliestRepairDate: '2027-03-02',
      // Where the record's audit entry is proven in the transparency log.
      logEntry: expect.objectContaining({
        inclusionProof: expect.stringContaining('/api/v1/audit/proofs/inclusion?'),
      }),
    });
    // The partner departments' query.
    const partner = await post('/api/v1/partner/credit-queries', { creditCodes: [holder] }, tokens.partner);
    expect(partner).toMatchObject({
      status: 200,
      body: { results: [{ code: holder, listed: true, records: [{ id: recordId, caseRef: c.reference }] }] },
    });
    // The lookup and the consumer's result page: revoked, with the reason and date, and the listing.
    expect(await get(`/api/v1/certificates/${cert.publicId}`)).toMatchObject({
      status: 200,
      body: {
        status: 'revoked',
        statusReason: '伪造证书用于投标',
        statusDate: TODAY,
        listings: [{ subject: 'holder', recordId, severity: 'minor', startDate: TODAY }],
      },
    });
    const page = await get(`/v/${cert.publicId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('证书已撤销，无效');
    expect(page.text).toContain('伪造证书用于投标');
    expect(page.text).toContain('失信名单提示');
    expect(page.text).toContain(`持证组织“${cert.holder.name}”自 ${TODAY} 起被列入失信名单`);

    // Everything in the hash chain: the case's steps, the status change and the record.
    expect(await actionsOf('case', opened.id)).toEqual([
      'case.create',
      'case.assign',
      'case.note',
      'case.evidence',
      'case.decide',
    ]);
    const [statusEntry] = await services.audit.forTarget('certificate', cert.publicId, 5);
    expect(statusEntry).toMatchObject({
      action: 'certificate.status',
      actor: { type: 'token', role: 'inspector' },
      change: { status: 'revoked', caseRef: c.reference },
    });
    expect(await actionsOf('dishonesty', recordId)).toEqual(['dishonesty.create']);
    expect(await actionsOf('tip', tip.id)).toEqual(['tip.submit']);
    const chain = await services.audit.verify();
    expect(chain.firstBreak).toBeUndefined();

    // Credit repair, a year on (minor), after its public notice of 5 working days.
    clock = Date.parse('2027-03-03T02:00:00Z');
    const repair = await post(
      `/api/v1/dishonesty/${recordId}/repairs`,
      { statement: '已停止使用伪造证书并完成整改。' },
      tokens.inspector,
    );
    expect(repair.status).toBe(201);
    const notice = repair.body as { id: string; noticeEndDate: string };
    const decideRepair = () =>
      post(
        `/api/v1/dishonesty/${recordId}/repairs/${notice.id}/decision`,
        { outcome: 'approved', reason: '公示期内未收到异议。' },
        tokens.inspector,
      );
    expect(await decideRepair()).toMatchObject({ status: 409, body: { code: 'REPAIR_NOTICE_RUNNING' } });
    clock = Date.parse(`${notice.noticeEndDate}T16:00:00Z`); // 00:00 the next day in China
    expect(await decideRepair()).toMatchObject({
      status: 200,
      body: { record: { id: recordId, state: 'repaired' } },
    });
    const after = await get('/api/v1/dishonesty?kind=organisation&pageSize=50');
    expect(after.body.items.map((r: { id: string }) => r.id)).not.toContain(recordId);
    expect(
      await post('/api/v1/partner/credit-queries', { creditCodes: [holder] }, tokens.partner),
    ).toMatchObject({
      body: { results: [{ code: holder, listed: false, records: [] }] },
    });
    const pageAfter = await get(`/v/${cert.publicId}`);
    expect(pageAfter.text).not.toContain('失信名单提示');
    // The revocation is final: a repair lifts the listing, not the status.
    expect(pageAfter.text).toContain('证书已撤销，无效');
  });

  test('when a case from a tip, a signal and a flag is dismissed, then no record and no status change, its tip and signal are dismissed', async () => {
    const cert = await certificate('重庆长江食品有限公司');
    const tip = await tipAbout(cert);
    const signalId = await signalAbout(cert);
    const flagId = await flagOn(cert);
    const opened = await openCase({ tipIds: [tip.id], signalIds: [signalId], flagIds: [flagId] });
    expect(opened.publicIds).toEqual([cert.publicId]);
    expect((await get('/api/v1/flags?state=in-case&pageSize=100', tokens.admin)).body.items).toContainEqual(
      expect.objectContaining({ id: flagId, caseId: opened.id }),
    );

    const decided = await patch(opened.id, {
      action: 'decide',
      outcome: 'dismissed',
      facts: '经核实，证书真实有效，举报所述系证书复印件模糊所致。',
    });
    expect(decided).toMatchObject({
      status: 200,
      body: { state: 'dismissed', decision: { outcome: 'dismissed', recordIds: [] } },
    });
    expect(decided.body.decision).not.toHaveProperty('statusChange');
    expect((await get(`/api/v1/tips/${tip.id}`, tokens.inspector)).body).toMatchObject({
      state: 'dismissed',
    });
    expect((await get(`/api/v1/tips/${tip.id}`, tokens.inspector)).body).not.toHaveProperty('caseId');
    expect((await get(`/api/v1/signals/${signalId}`, tokens.inspector)).body).toMatchObject({
      state: 'dismissed',
    });
    // The flag stays with the case that took it up.
    expect((await get('/api/v1/flags?state=in-case&pageSize=100', tokens.admin)).body.items).toContainEqual(
      expect.objectContaining({ id: flagId, caseId: opened.id }),
    );
    const list = await get('/api/v1/dishonesty?pageSize=50');
    expect(list.body.items.filter((r: { caseRef?: string }) => r.caseRef === opened.reference)).toEqual([]);
    expect(await get(`/api/v1/certificates/${cert.publicId}`)).toMatchObject({
      body: { status: 'valid', listings: [] },
    });
    expect(await actionsOf('case', opened.id)).toEqual(['case.create', 'case.decide']);
    expect(await patch(opened.id, { action: 'note', text: '补充' })).toMatchObject({
      status: 409,
      body: { code: 'CASE_DECIDED' },
    });
  });
});

describe('working a case', () => {
  test('when another instance changes a case between this one reading and writing it, then 409 CASE_CHANGED and only the other change is stored', async () => {
    const opened = await openCase({ publicIds: [(await certificate()).publicId] });
    // A second instance on the same registry (as in cluster mode) whose case reads let the first
    // instance add a note just after them, once: the race, made to happen.
    let interfere: (() => Promise<unknown>) | undefined;
    const realCases = t.stores.cases;
    const otherDeps: AppDeps = {
      ...t.deps,
      metrics: createMetrics(),
      now: () => clock,
      stores: {
        ...t.stores,
        cases: {
          ...realCases,
          async findById(id) {
            const found = await realCases.findById(id);
            const step = interfere;
            interfere = undefined;
            await step?.();
            return found;
          },
        },
      },
    };
    const other = createServices(otherDeps);
    const otherApp = createApp(otherDeps, other);
    try {
      interfere = () => patch(opened.id, { action: 'note', text: '先到的记录, 现场核查' }).expect(200);

      const late = await request(otherApp)
        .patch(`/api/v1/cases/${opened.id}`)
        .set(auth(tokens.inspector))
        .send({ action: 'note', text: '后到的记录, 基于旧版本' });

      expect(late).toMatchObject({ status: 409, body: { code: 'CASE_CHANGED' } });
      const final = await get(`/api/v1/cases/${opened.id}`, tokens.inspector);
      expect(final.body.version).toBe(opened.version + 1);
      expect(
        (final.body.events as { action: string; text?: string }[]).filter((e) => e.action === 'note'),
      ).toEqual([expect.objectContaining({ text: '先到的记录, 现场核查' })]);
    } finally {
      await other.qr.close();
      await other.scanRules.idle();
    }
  });

  test('when items are linked and unlinked, then they move into the case and back to the queue, each step an event', async () => {
    const cert = await certificate();
    const other = await certificate('重庆渝州机电有限公司');
    const opened = await openCase({ publicIds: [cert.publicId] });
    const tip = await tipAbout(other);
    const flagId = await flagOn(other);
    const signalId = await signalAbout(other);

    const linked = await patch(opened.id, {
      action: 'link',
      tipIds: [tip.id],
      flagIds: [flagId],
      signalIds: [signalId],
    });
    expect(linked).toMatchObject({
      status: 200,
      body: {
        publicIds: [cert.publicId, other.publicId],
        tipIds: [tip.id],
        flagIds: [flagId],
        signalIds: [signalId],
      },
    });
    expect(linked.body.events[1]).toMatchObject({
      action: 'link',
      publicIds: [other.publicId],
      tipIds: [tip.id],
      flagIds: [flagId],
      signalIds: [signalId],
    });
    expect((await get(`/api/v1/tips/${tip.id}`, tokens.inspector)).body.state).toBe('in-case');
    // Linking what the case holds again changes nothing of what it holds.
    const again = await patch(opened.id, { action: 'link', tipIds: [tip.id] });
    expect(again.body.tipIds).toEqual([tip.id]);

    const unlinked = await patch(opened.id, {
      action: 'unlink',
      tipIds: [tip.id],
      flagIds: [flagId],
      signalIds: [signalId],
    });
    expect(unlinked).toMatchObject({ status: 200, body: { tipIds: [], flagIds: [], signalIds: [] } });
    expect((await get(`/api/v1/tips/${tip.id}`, tokens.inspector)).body).toMatchObject({ state: 'new' });
    expect((await get(`/api/v1/signals/${signalId}`, tokens.inspector)).body).toMatchObject({
      state: 'open',
    });
    expect((await get('/api/v1/flags?state=open&pageSize=100', tokens.inspector)).body.items).toContainEqual(
      expect.objectContaining({ id: flagId, state: 'open' }),
    );
    expect(await actionsOf('case', opened.id)).toEqual([
      'case.create',
      'case.link',
      'case.link',
      'case.unlink',
    ]);

    const notHeld = await patch(opened.id, { action: 'unlink', tipIds: [tip.id] });
    expect(notHeld).toMatchObject({ status: 409, body: { code: 'NOT_IN_CASE', kind: 'tipIds', id: tip.id } });
  });

  test('when a tip belongs to one case, then another case cannot take it, and nothing is stored', async () => {
    const cert = await certificate();
    const tip = await tipAbout(cert);
    const first = await openCase({ tipIds: [tip.id] });
    const before = stored();
    const res = await post('/api/v1/cases', { title: '另一个案件', tipIds: [tip.id] }, tokens.inspector);
    expect(res).toMatchObject({
      status: 409,
      body: { code: 'ITEM_IN_OTHER_CASE', kind: 'tip', id: tip.id, caseId: first.id },
    });
    expect(stored()).toBe(before);
    const second = await openCase({});
    expect(await patch(second.id, { action: 'link', tipIds: [tip.id] })).toMatchObject({
      status: 409,
      body: { code: 'ITEM_IN_OTHER_CASE' },
    });
  });

  test('when the assignee has a conflict with a certificate linked later, then the link is refused', async () => {
    const cert = await certificate();
    const conflicted = await certificate('重庆某关联企业有限公司');
    const id = await inspector([{ kind: 'holder', code: conflicted.holder.creditCode }]);
    const opened = await openCase({ publicIds: [cert.publicId], assignee: id });
    expect(opened.assignee).toBe(id);
    const res = await patch(opened.id, { action: 'link', publicIds: [conflicted.publicId] });
    expect(res).toMatchObject({ status: 409, body: { code: 'INSPECTOR_CONFLICT' } });
    expect((await get(`/api/v1/cases/${opened.id}`, tokens.inspector)).body.publicIds).toEqual([
      cert.publicId,
    ]);
    // Nor can a case be opened with a conflicted assignee; a body conflict counts as well.
    const byBody = await inspector([{ kind: 'body', code: body.code }]);
    expect(
      await post(
        '/api/v1/cases',
        { title: '案件', publicIds: [cert.publicId], assignee: byBody },
        tokens.inspector,
      ),
    ).toMatchObject({
      status: 409,
      body: { code: 'INSPECTOR_CONFLICT', conflicts: [{ kind: 'body', code: body.code }] },
    });
  });

  test('when a decision orders a change the certificate cannot make, then nothing happens and the case stays open', async () => {
    const cert = await certificate();
    await services.certificates.changeStatus(cert.publicId, {
      status: 'withdrawn',
      reason: '停业',
      date: TODAY,
    });
    const opened = await openCase({ publicIds: [cert.publicId] });
    const before = stored();
    const res = await patch(opened.id, {
      action: 'decide',
      outcome: 'confirmed',
      basis: BASIS,
      facts: '事实',
      statusChange: { publicId: cert.publicId, status: 'revoked', reason: '伪造', date: TODAY },
      records: [
        {
          subject: { kind: 'organisation', creditCode: cert.holder.creditCode, name: cert.holder.name },
          severity: 'grave',
        },
      ],
    });
    expect(res).toMatchObject({ status: 409, body: { code: 'ILLEGAL_STATUS_TRANSITION' } });
    expect(stored()).toBe(before);
    expect((await get(`/api/v1/cases/${opened.id}`, tokens.inspector)).body.state).toBe('open');
  });

  test('when a decision names a certificate outside the case, or a future date, then it is refused and nothing changes', async () => {
    const cert = await certificate();
    const outside = await certificate();
    const opened = await openCase({ publicIds: [cert.publicId] });
    const decide = (statusChange: Record<string, string>) =>
      patch(opened.id, { action: 'decide', outcome: 'confirmed', basis: BASIS, facts: '事实', statusChange });
    const before = stored();
    expect(
      await decide({ publicId: outside.publicId, status: 'suspended', reason: '核查中', date: TODAY }),
    ).toMatchObject({ status: 409, body: { code: 'NOT_IN_CASE', id: outside.publicId } });
    expect(
      await decide({ publicId: cert.publicId, status: 'suspended', reason: '核查中', date: '2026-03-03' }),
    ).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(stored()).toBe(before);
  });
});

describe('bad input: 4xx with stable codes, nothing stored', () => {
  let cert: Certificate;
  let openId: string;
  let inactive: string;
  beforeAll(async () => {
    cert = await certificate();
    openId = (await openCase({ publicIds: [cert.publicId] })).id;
    inactive = await inspector([], false);
  });

  const ids = (n: number) =>
    Array.from({ length: n }, (_, i) => `${'A'.repeat(21)}${String.fromCharCode(65 + (i % 26))}`);
  const UNKNOWN = 'AAAAAAAAAAAAAAAAAAAAAA';

  test.each([
    ['no title', 400, 'VALIDATION_FAILED', () => ({})],
    ['an empty title', 400, 'VALIDATION_FAILED', () => ({ title: ' ' })],
    ['a title with a control character', 400, 'INVALID_CHARACTERS', () => ({ title: '案件\u0007' })],
    ['a malformed tip id', 400, 'INVALID_TIP_ID', () => ({ title: '案件', tipIds: ['x'] })],
    ['a malformed signal id', 400, 'INVALID_SIGNAL_ID', () => ({ title: '案件', signalIds: ['x'] })],
    ['a malformed flag id', 400, 'INVALID_FLAG_ID', () => ({ title: '案件', flagIds: ['x'] })],
    ['a malformed public id', 400, 'INVALID_PUBLIC_ID', () => ({ title: '案件', publicIds: ['x'] })],
    ['51 tips', 400, 'INVALID_TIP_ID', () => ({ title: '案件', tipIds: ids(51) })],
    ['ids that are not a list', 400, 'INVALID_TIP_ID', () => ({ title: '案件', tipIds: UNKNOWN })],
    ['an unknown tip', 404, 'TIP_NOT_FOUND', () => ({ title: '案件', tipIds: [UNKNOWN] })],
    ['an unknown signal', 404, 'SIGNAL_NOT_FOUND', () => ({ title: '案件', signalIds: [UNKNOWN] })],
    ['an unknown flag', 404, 'FLAG_NOT_FOUND', () => ({ title: '案件', flagIds: [UNKNOWN] })],
    ['an unknown certificate', 404, 'CERTIFICATE_NOT_FOUND', () => ({ title: '案件', publicIds: [UNKNOWN] })],
    ['a malformed assignee', 400, 'INVALID_INSPECTOR_ID', () => ({ title: '案件', assignee: '检查员' })],
    ['an unknown assignee', 404, 'INSPECTOR_NOT_FOUND', () => ({ title: '案件', assignee: 'NO-SUCH-ONE' })],
    ['an inactive assignee', 409, 'INSPECTOR_INACTIVE', () => ({ title: '案件', assignee: inactive })],
    ['an unknown member', 400, 'VALIDATION_FAILED', () => ({ title: '案件', state: 'confirmed' })],
  ] as const)('when a case is opened with %s, then %i %s', async (_what, status, code, data) => {
    const before = stored();
    const res = await post('/api/v1/cases', data(), tokens.inspector);
    expect(res).toMatchObject({
      status,
      headers: { 'content-type': expect.stringMatching(PROBLEM) },
      body: { code },
    });
    expect(stored()).toBe(before);
  });

  const organisation = () => ({
    kind: 'organisation',
    creditCode: cert.holder.creditCode,
    name: cert.holder.name,
  });
  test.each([
    ['no action', 400, 'VALIDATION_FAILED', () => ({ text: '备注' })],
    ['an unknown action', 400, 'VALIDATION_FAILED', () => ({ action: 'close' })],
    ['an empty note', 400, 'VALIDATION_FAILED', () => ({ action: 'note', text: '' })],
    [
      'a note of 4001 characters',
      400,
      'VALIDATION_FAILED',
      () => ({ action: 'note', text: '字'.repeat(4001) }),
    ],
    [
      'a note with a member of another action',
      400,
      'VALIDATION_FAILED',
      () => ({ action: 'note', text: '备注', assignee: 'X' }),
    ],
    ['evidence without a description', 400, 'VALIDATION_FAILED', () => ({ action: 'evidence' })],
    ['a link of nothing', 400, 'VALIDATION_FAILED', () => ({ action: 'link' })],
    ['an unlink of empty lists', 400, 'VALIDATION_FAILED', () => ({ action: 'unlink', tipIds: [] })],
    ['a link of an unknown tip', 404, 'TIP_NOT_FOUND', () => ({ action: 'link', tipIds: [UNKNOWN] })],
    ['an assignment of nobody', 400, 'INVALID_INSPECTOR_ID', () => ({ action: 'assign' })],
    [
      'an unknown outcome',
      400,
      'VALIDATION_FAILED',
      () => ({ action: 'decide', outcome: 'settled', facts: '事实' }),
    ],
    [
      'a confirmation without basis',
      400,
      'VALIDATION_FAILED',
      () => ({ action: 'decide', outcome: 'confirmed', facts: '事实' }),
    ],
    [
      'a decision without facts',
      400,
      'VALIDATION_FAILED',
      () => ({ action: 'decide', outcome: 'dismissed' }),
    ],
    [
      'a dismissal with a status change',
      400,
      'VALIDATION_FAILED',
      () => ({
        action: 'decide',
        outcome: 'dismissed',
        facts: '事实',
        statusChange: { publicId: cert.publicId, status: 'revoked', reason: '伪造', date: TODAY },
      }),
    ],
    [
      'a dismissal with records',
      400,
      'VALIDATION_FAILED',
      () => ({
        action: 'decide',
        outcome: 'dismissed',
        facts: '事实',
        records: [{ subject: organisation(), severity: 'minor' }],
      }),
    ],
    [
      'an ordered reinstatement',
      400,
      'VALIDATION_FAILED',
      () => ({
        action: 'decide',
        outcome: 'confirmed',
        basis: BASIS,
        facts: '事实',
        statusChange: { publicId: cert.publicId, status: 'valid', reason: '恢复', date: TODAY },
      }),
    ],
    [
      'a record with a bad credit code',
      400,
      'INVALID_CREDIT_CODE',
      () => ({
        action: 'decide',
        outcome: 'confirmed',
        basis: BASIS,
        facts: '事实',
        records: [{ subject: { ...organisation(), creditCode: '91500106MA5U8XKX2A' }, severity: 'minor' }],
      }),
    ],
    [
      'a record of an unknown severity',
      400,
      'VALIDATION_FAILED',
      () => ({
        action: 'decide',
        outcome: 'confirmed',
        basis: BASIS,
        facts: '事实',
        records: [{ subject: organisation(), severity: 'mild' }],
      }),
    ],
    [
      'an empty list of records',
      400,
      'VALIDATION_FAILED',
      () => ({ action: 'decide', outcome: 'confirmed', basis: BASIS, facts: '事实', records: [] }),
    ],
  ] as const)(
    'when a case is patched with %s, then %i %s and the case is unchanged',
    async (_what, status, code, data) => {
      const before = stored();
      const res = await patch(openId, data());
      expect(res).toMatchObject({
        status,
        headers: { 'content-type': expect.stringMatching(PROBLEM) },
        body: { code },
      });
      expect(stored()).toBe(before);
    },
  );

  test.each([
    ['a malformed case id', 'patch', `/api/v1/cases/${'x'.repeat(30)}`, 400, 'INVALID_CASE_ID'],
    ['a malformed case id', 'get', '/api/v1/cases/x', 400, 'INVALID_CASE_ID'],
    ['an unknown case', 'get', `/api/v1/cases/${UNKNOWN}`, 404, 'CASE_NOT_FOUND'],
    ['an unknown case', 'patch', `/api/v1/cases/${UNKNOWN}`, 404, 'CASE_NOT_FOUND'],
    ['an unknown state', 'get', '/api/v1/cases?state=closed', 400, 'INVALID_QUERY'],
    ['a malformed assignee', 'get', '/api/v1/cases?assignee=%E6%A3%80', 400, 'INVALID_INSPECTOR_ID'],
    ['a page of 0', 'get', '/api/v1/cases?page=0', 400, 'INVALID_PAGE'],
    ['an unknown flag state', 'get', '/api/v1/flags?state=dismissed', 400, 'INVALID_QUERY'],
  ] as const)('when %s is asked for (%s %s), then %i %s', async (_what, method, url, status, code) => {
    const res =
      method === 'get'
        ? await get(url, tokens.inspector)
        : await request(app).patch(url).set(auth(tokens.inspector)).send({ action: 'note', text: '备注' });
    expect(res).toMatchObject({ status, body: { code } });
  });

  test.each([
    ['a malformed public id', 400, 'INVALID_PUBLIC_ID', () => ({ publicId: 'x', reason: '可疑' })],
    ['an unknown certificate', 404, 'CERTIFICATE_NOT_FOUND', () => ({ publicId: UNKNOWN, reason: '可疑' })],
    ['no reason', 400, 'VALIDATION_FAILED', () => ({ publicId: cert.publicId })],
    [
      'a reason of 1001 characters',
      400,
      'VALIDATION_FAILED',
      () => ({ publicId: cert.publicId, reason: '疑'.repeat(1001) }),
    ],
    [
      'an unknown member',
      400,
      'VALIDATION_FAILED',
      () => ({ publicId: cert.publicId, reason: '可疑', state: 'in-case' }),
    ],
  ] as const)(
    'when a flag is raised with %s, then %i %s and nothing is stored',
    async (_what, status, code, data) => {
      const before = stored();
      const res = await post('/api/v1/flags', data(), tokens.inspector);
      expect(res).toMatchObject({ status, body: { code } });
      expect(stored()).toBe(before);
    },
  );

  test('when cases are listed by state and assignee, then only those, newest first', async () => {
    const assignee = await inspector();
    const mine = await openCase({ publicIds: [cert.publicId], assignee });
    const res = await get(`/api/v1/cases?state=open&assignee=${assignee}`, tokens.admin);
    expect(res).toMatchObject({ status: 200, body: { total: 1, page: 1, pageSize: 20 } });
    // A list gives the cases themselves; one case's answers add its attachments and names (refs).
    const { attachments: _attachments, refs: _refs, ...listed } = mine as Case & Record<string, unknown>;
    expect(res.body.items).toEqual([listed]);
    // Made later than any other flag of the run: the first of the list.
    clock = START + 86_400_000;
    const flag = await flagOn(cert);
    const flags = await get('/api/v1/flags?state=open&pageSize=1', tokens.admin);
    expect(flags).toMatchObject({ status: 200, body: { pageSize: 1, items: [{ id: flag, state: 'open' }] } });
    expect(await actionsOf('flag', flag)).toEqual(['flag.create']);
  });
});
