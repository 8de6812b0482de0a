import request from 'supertest';
import type { Body } from '../../server/bodies/body-schema';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { createCertificateService } from '../../server/certificates/certificate-service';
import { errorText } from '../../server/error-texts';
import { todayInChina } from '../../server/platform/china-time';
import { addDays, seedBody, seedCertificate } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let body: Body;
let other: Body;
let admin: string;
let bodyToken: string;
let otherToken: string;
beforeAll(async () => {
  t = createTestApp();
  body = await seedBody(t.services);
  other = await seedBody(t.services);
  admin = await t.tokenFor('admin');
  bodyToken = await t.tokenFor('body', body.code);
  otherToken = await t.tokenFor('body', other.code);
});
afterAll(() => t.close());

const auth = (secret: string) => ({ Authorization: `Bearer ${secret}` });
const today = () => todayInChina();

function changeStatus(cert: Pick<Certificate, 'publicId'>, payload: unknown, as = bodyToken) {
  return request(t.app)
    .post(`/api/v1/certificates/${cert.publicId}/status`)
    .set(auth(as))
    .send(payload as object);
}

const stored = async (cert: Certificate) => t.stores.certificates.findByPublicId(cert.publicId);
const statusAudit = async (cert: Certificate) =>
  (await t.stores.audit.forTarget('certificate', cert.publicId, 50)).filter(
    (e) => e.action === 'certificate.status',
  );

describe('changing the status of one certificate', () => {
  test('when a body suspends its own certificate, then 200, every cached lookup shows it at once, and it is audited', async () => {
    const cert = await seedCertificate(t.services, { bodyCode: body.code });
    const byId = `/api/v1/certificates/${cert.publicId}`;
    const byNumber = `/api/v1/certificates?number=${cert.number}&body=${body.code}`;
    // Looked up twice each: both answers are cached as valid.
    for (let i = 0; i < 2; i += 1) {
      expect((await request(t.app).get(byId)).body.status).toBe('valid');
      expect((await request(t.app).get(byNumber)).body.items[0].status).toBe('valid');
    }
    const date = addDays(today(), -2);

    const res = await changeStatus(cert, {
      status: 'suspended',
      reason: '未按期接受监督审核',
      effectiveDate: date,
    });

    const expected = {
      publicId: cert.publicId,
      status: 'suspended',
      statusReason: '未按期接受监督审核',
      statusDate: date,
    };
    expect(res).toMatchObject({ status: 200, body: expected });
    expect(await request(t.app).get(byId)).toMatchObject({ status: 200, body: expected });
    expect((await request(t.app).get(byNumber)).body.items[0]).toMatchObject(expected);
    expect(await statusAudit(cert)).toMatchObject([
      {
        actor: { type: 'token', role: 'body', bodyCode: body.code },
        target: { type: 'certificate', id: cert.publicId },
        change: {
          number: cert.number,
          bodyCode: body.code,
          status: 'suspended',
          reason: '未按期接受监督审核',
          date,
        },
      },
    ]);
  });

  test('when a suspended certificate is reinstated without a reason, then it is valid again and the history keeps both steps', async () => {
    const cert = await seedCertificate(t.services, { bodyCode: body.code });
    await changeStatus(cert, {
      status: 'suspended',
      reason: '监督审核推迟',
      effectiveDate: addDays(today(), -10),
    }).expect(200);

    const res = await changeStatus(cert, { status: 'valid', effectiveDate: today() });

    expect(res).toMatchObject({ status: 200, body: { status: 'valid' } });
    expect((await stored(cert))?.statusHistory.map((h) => h.status)).toEqual(['valid', 'suspended', 'valid']);
    expect(await statusAudit(cert)).toHaveLength(2);
  });

  test("when an admin changes any body's certificate, then 200 and the admin is the actor on record", async () => {
    const cert = await seedCertificate(t.services, { bodyCode: other.code });
    const res = await changeStatus(
      cert,
      { status: 'withdrawn', reason: '获证组织申请注销', effectiveDate: today() },
      admin,
    );
    expect(res).toMatchObject({ status: 200, body: { status: 'withdrawn' } });
    expect(await statusAudit(cert)).toMatchObject([{ actor: { type: 'token', role: 'admin' } }]);
  });

  describe.each(['revoked', 'withdrawn'] as const)('when a certificate is %s', (final) => {
    test.each(['valid', 'suspended', 'revoked', 'withdrawn'] as const)(
      'then a move to %s is 409 ILLEGAL_STATUS_TRANSITION and nothing changes',
      async (to) => {
        const cert = await seedCertificate(t.services, { bodyCode: body.code });
        await changeStatus(cert, { status: final, reason: '最终状态', effectiveDate: today() }).expect(200);
        const before = await stored(cert);

        const res = await changeStatus(cert, { status: to, reason: '再次变更', effectiveDate: today() });

        expect(res).toMatchObject({
          status: 409,
          body: { code: 'ILLEGAL_STATUS_TRANSITION', from: final, to },
        });
        expect(await stored(cert)).toEqual(before);
        expect(await statusAudit(cert)).toHaveLength(1);
      },
    );
  });

  test('when the status asked for is the current one, then 409 ILLEGAL_STATUS_TRANSITION', async () => {
    const cert = await seedCertificate(t.services, { bodyCode: body.code });
    const res = await changeStatus(cert, { status: 'valid', effectiveDate: today() });
    expect(res).toMatchObject({ status: 409, body: { code: 'ILLEGAL_STATUS_TRANSITION' } });
  });

  test('when the effective date is before the issue date, then 409 STATUS_DATE_BEFORE_ISSUE, nothing changes and nothing is audited', async () => {
    const cert = await seedCertificate(t.services, { bodyCode: body.code, issueDate: '2025-01-10' });

    const res = await changeStatus(cert, {
      status: 'suspended',
      reason: '未按期接受监督审核',
      effectiveDate: '2021-06-01',
    });

    expect(res).toMatchObject({
      status: 409,
      body: { code: 'STATUS_DATE_BEFORE_ISSUE', effectiveDate: '2021-06-01', issueDate: '2025-01-10' },
    });
    expect(await stored(cert)).toMatchObject({ status: 'valid', updatedAt: cert.updatedAt });
    expect((await stored(cert))?.statusHistory).toHaveLength(cert.statusHistory.length);
    expect(await statusAudit(cert)).toEqual([]);
    // The issue date itself is a valid effective date.
    const same = await changeStatus(cert, {
      status: 'suspended',
      reason: '暂停',
      effectiveDate: '2025-01-10',
    });
    expect(same).toMatchObject({ status: 200, body: { status: 'suspended', statusDate: '2025-01-10' } });
  });

  test('when the effective date is before the last status change, then 409 STATUS_DATE_BEFORE_LAST_CHANGE and the history stays in order', async () => {
    const cert = await seedCertificate(t.services, { bodyCode: body.code, issueDate: '2025-01-10' });
    await changeStatus(cert, { status: 'suspended', reason: '暂停', effectiveDate: '2025-09-01' }).expect(
      200,
    );

    const res = await changeStatus(cert, {
      status: 'revoked',
      reason: '伪造审核记录',
      effectiveDate: '2025-08-01',
    });

    expect(res).toMatchObject({
      status: 409,
      body: {
        code: 'STATUS_DATE_BEFORE_LAST_CHANGE',
        effectiveDate: '2025-08-01',
        lastChangeDate: '2025-09-01',
      },
    });
    expect(await stored(cert)).toMatchObject({ status: 'suspended', statusDate: '2025-09-01' });
    expect(await statusAudit(cert)).toHaveLength(1);
    const later = await changeStatus(cert, {
      status: 'revoked',
      reason: '伪造审核记录',
      effectiveDate: '2025-09-01',
    });
    expect(later).toMatchObject({ status: 200, body: { status: 'revoked', statusDate: '2025-09-01' } });
  });

  test('when the date refusals are looked up in the error texts, then each has Chinese and English', () => {
    for (const code of ['STATUS_DATE_BEFORE_ISSUE', 'STATUS_DATE_BEFORE_LAST_CHANGE'] as const) {
      expect(errorText(code, 'zh')).toMatch(/日期/);
      expect(errorText(code, 'en')).toMatch(/date/);
    }
  });

  test('when two final changes race on one certificate, then exactly one wins and the other is 409', async () => {
    const cert = await seedCertificate(t.services, { bodyCode: body.code });
    await changeStatus(cert, { status: 'suspended', reason: '暂停', effectiveDate: today() }).expect(200);

    const answers = await Promise.all([
      changeStatus(cert, { status: 'revoked', reason: '撤销', effectiveDate: today() }),
      changeStatus(cert, { status: 'withdrawn', reason: '注销', effectiveDate: today() }),
    ]);

    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const history = (await stored(cert))?.statusHistory.map((h) => h.status);
    expect(history).toHaveLength(3);
    expect(history?.[2]).toBe(answers.find((r) => r.status === 200)?.body.status);
  });

  test('when the store answers slowly (as over a network) and two final changes race, then still exactly one wins', async () => {
    const cert = await seedCertificate(t.services, { bodyCode: body.code, status: 'suspended' });
    // Every read takes a while, so both changes would read "suspended" before either writes, were they not serialised.
    const repo = t.stores.certificates;
    const slow = {
      ...repo,
      async findByPublicId(publicId: string) {
        const found = await repo.findByPublicId(publicId);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return found;
      },
    };
    const service = createCertificateService({
      certificates: slow,
      bodies: t.services.bodies,
      cache: t.deps.cache,
      ttlSeconds: 60,
      negativeTtlSeconds: 10,
    });

    const outcomes = await Promise.allSettled([
      service.changeStatus(cert.publicId, { status: 'revoked', reason: '撤销', date: today() }),
      service.changeStatus(cert.publicId, { status: 'withdrawn', reason: '注销', date: today() }),
    ]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
      reason: { code: 'ILLEGAL_STATUS_TRANSITION' },
    });
    expect((await stored(cert))?.statusHistory).toHaveLength(2);
  });
});

describe('who may change a status', () => {
  test("when a body changes another body's certificate, then 403 FORBIDDEN and nothing changes", async () => {
    const cert = await seedCertificate(t.services, { bodyCode: body.code });
    const before = await stored(cert);
    const res = await changeStatus(
      cert,
      { status: 'revoked', reason: '恶意撤销', effectiveDate: today() },
      otherToken,
    );
    expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await stored(cert)).toEqual(before);
    expect(await statusAudit(cert)).toHaveLength(0);
  });

  test('when the public id is unknown, then 404 CERTIFICATE_NOT_FOUND for a body and for an admin alike', async () => {
    for (const as of [bodyToken, admin]) {
      const res = await changeStatus(
        { publicId: 'AAAAAAAAAAAAAAAAAAAAAA' },
        { status: 'suspended', reason: 'x', effectiveDate: today() },
        as,
      );
      expect(res).toMatchObject({ status: 404, body: { code: 'CERTIFICATE_NOT_FOUND' } });
    }
  });
});

describe('bad status changes', () => {
  let cert: Certificate;
  beforeAll(async () => {
    cert = await seedCertificate(t.services, { bodyCode: body.code });
  });

  test.each([
    [
      'a suspension without a reason',
      { status: 'suspended', effectiveDate: '2026-01-01' },
      'VALIDATION_FAILED',
    ],
    [
      'a revocation with a blank reason',
      { status: 'revoked', reason: '  ', effectiveDate: '2026-01-01' },
      'VALIDATION_FAILED',
    ],
    [
      'expired (derived, never set)',
      { status: 'expired', reason: 'x', effectiveDate: '2026-01-01' },
      'VALIDATION_FAILED',
    ],
    [
      'an unknown status',
      { status: 'cancelled', reason: 'x', effectiveDate: '2026-01-01' },
      'VALIDATION_FAILED',
    ],
    ['no effective date', { status: 'suspended', reason: 'x' }, 'VALIDATION_FAILED'],
    [
      'a date Excel-style',
      { status: 'suspended', reason: 'x', effectiveDate: '2026/1/5' },
      'VALIDATION_FAILED',
    ],
    [
      'an impossible date',
      { status: 'suspended', reason: 'x', effectiveDate: '2026-02-30' },
      'VALIDATION_FAILED',
    ],
    ['a future date', { status: 'suspended', reason: 'x', effectiveDate: '2999-01-01' }, 'VALIDATION_FAILED'],
    [
      'a control character in the reason',
      { status: 'suspended', reason: 'a\u0000b', effectiveDate: '2026-01-01' },
      'INVALID_CHARACTERS',
    ],
    [
      'a 10 kB reason',
      { status: 'suspended', reason: 'x'.repeat(10_000), effectiveDate: '2026-01-01' },
      'VALIDATION_FAILED',
    ],
    [
      'an operator as the status',
      { status: { $ne: 'valid' }, reason: 'x', effectiveDate: '2026-01-01' },
      'VALIDATION_FAILED',
    ],
    [
      'an unknown field',
      { status: 'suspended', reason: 'x', effectiveDate: '2026-01-01', bodyCode: 'X' },
      'VALIDATION_FAILED',
    ],
    ['the old field name', { status: 'suspended', reason: 'x', date: '2026-01-01' }, 'VALIDATION_FAILED'],
  ] as const)(
    'when the change has %s, then 400 with its stable code and nothing changes',
    async (_w, payload, code) => {
      const before = await stored(cert);
      const res = await changeStatus(cert, payload);
      expect(res).toMatchObject({ status: 400, body: { code } });
      expect(await stored(cert)).toEqual(before);
    },
  );

  test.each([
    ['a short id', 'AAAA'],
    ['an id with SQL', encodeURIComponent("' OR 1=1 --")],
    ['a 10 kB id', 'A'.repeat(10_000)],
  ])('when the public id is %s, then 400 INVALID_PUBLIC_ID', async (_w, publicId) => {
    const res = await changeStatus(
      { publicId },
      { status: 'suspended', reason: 'x', effectiveDate: '2026-01-01' },
    );
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_PUBLIC_ID' } });
  });

  test('when the body is not JSON or missing, then 400', async () => {
    const broken = await request(t.app)
      .post(`/api/v1/certificates/${cert.publicId}/status`)
      .set(auth(bodyToken))
      .set('Content-Type', 'application/json')
      .send('{"status":');
    expect(broken).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
    const none = await request(t.app)
      .post(`/api/v1/certificates/${cert.publicId}/status`)
      .set(auth(bodyToken));
    expect(none).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });
});

describe('the status history a person reads', () => {
  test('when a certificate is suspended and reinstated, then its result page and public answer show the timeline', async () => {
    const cert = await seedCertificate(t.services, { bodyCode: body.code, issueDate: '2025-01-10' });
    await changeStatus(cert, {
      status: 'suspended',
      reason: '监督审核不符合',
      effectiveDate: '2025-06-01',
    }).expect(200);
    await changeStatus(cert, { status: 'valid', effectiveDate: '2025-07-15' }).expect(200);
    const api = await request(t.app).get(`/api/v1/certificates/${cert.publicId}`);
    expect(api.body.statusHistory).toEqual([
      { status: 'valid', date: '2025-01-10' },
      { status: 'suspended', date: '2025-06-01', reason: '监督审核不符合' },
      { status: 'valid', date: '2025-07-15' },
    ]);
    const zh = await request(t.app).get(`/v/${cert.publicId}`);
    expect(zh.text).toContain('<h2 id="history-title">状态记录</h2>');
    expect(zh.text).toContain('<time datetime="2025-01-10">2025-01-10</time> 颁证');
    expect(zh.text).toContain('<time datetime="2025-06-01">2025-06-01</time> 暂停（监督审核不符合）');
    expect(zh.text).toContain('<time datetime="2025-07-15">2025-07-15</time> 恢复有效');
    const en = await request(t.app).get(`/v/${cert.publicId}`).query({ lang: 'en' });
    expect(en.text).toContain('2025-07-15</time> Reinstated');
  });
});
