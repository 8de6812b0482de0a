import request from 'supertest';
import type { Body } from '../../server/bodies/body-schema';
import { seedBody, seedCertificate, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let body: Body;
let other: Body;
let admin: string;
let inspector: string;
let partner: string;
let bodyToken: string;
beforeAll(async () => {
  t = createTestApp();
  body = await seedBody(t.services);
  other = await seedBody(t.services);
  admin = await t.tokenFor('admin');
  inspector = await t.tokenFor('inspector');
  partner = await t.tokenFor('partner');
  bodyToken = await t.tokenFor('body', body.code);
});
afterAll(() => t.close());

const auth = (secret: string) => ({ Authorization: `Bearer ${secret}` });
const newCode = () => unique('NB').slice(0, 32);

function newBody(overrides: Record<string, unknown> = {}) {
  return {
    code: newCode(),
    name: '重庆新认证有限公司',
    approvalNumber: 'CNCA-R-2024-123',
    approvalStatus: 'approved',
    approvedSchemes: ['QMS', 'EMS'],
    ...overrides,
  };
}

const auditOf = (code: string) => t.stores.audit.forTarget('body', code, 50);

describe('registering a body', () => {
  test('when an admin registers a body, then 201, it can be read back, and the registration is audited', async () => {
    const input = newBody({
      nameEn: 'Chongqing New Certification Co., Ltd.',
      approvedIndustryCodes: ['18', '19.05'],
    });
    const res = await request(t.app).post('/api/v1/bodies').set(auth(admin)).send(input);

    const expected = {
      ...input,
      approvedIndustryCodes: ['18', '19.05'],
    };
    expect(res).toMatchObject({ status: 201, body: expected });
    expect(res.body).not.toHaveProperty('lastReportedAt');
    const read = await request(t.app).get(`/api/v1/bodies/${input.code}`).set(auth(admin));
    expect(read).toMatchObject({ status: 200, body: expected });
    expect(await auditOf(input.code)).toMatchObject([
      { action: 'body.create', actor: { type: 'token', role: 'admin' }, change: expected },
    ]);
  });

  test('when codes and schemes are typed loosely, then they are stored normalised, without repeats', async () => {
    const code = newCode();
    const res = await request(t.app)
      .post('/api/v1/bodies')
      .set(auth(admin))
      .send(newBody({ code: ` ${code.toLowerCase()} `, approvedSchemes: ['qms', 'QMS', 'enms'] }));
    expect(res).toMatchObject({ status: 201, body: { code, approvedSchemes: ['QMS', 'EnMS'] } });
  });

  test('when the code is taken, then 409 BODY_EXISTS and the existing body is unchanged', async () => {
    const res = await request(t.app)
      .post('/api/v1/bodies')
      .set(auth(admin))
      .send(newBody({ code: body.code, name: '冒名机构' }));
    expect(res).toMatchObject({ status: 409, body: { code: 'BODY_EXISTS' } });
    const read = await request(t.app).get(`/api/v1/bodies/${body.code}`).set(auth(admin));
    expect(read.body.name).toBe(body.name);
  });

  test('when the same new code is registered twice at once, then exactly one wins', async () => {
    const code = newCode();
    const answers = await Promise.all(
      ['甲', '乙'].map((n) =>
        request(t.app)
          .post('/api/v1/bodies')
          .set(auth(admin))
          .send(newBody({ code, name: `并发机构${n}` })),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await auditOf(code)).filter((e) => e.action === 'body.create')).toHaveLength(1);
  });

  test.each([
    ['an unknown scheme', { approvedSchemes: ['QMS', 'FAKE'] }, 'UNKNOWN_SCHEME'],
    ['a malformed code', { code: "CQC' OR '1'='1" }, 'INVALID_BODY_CODE'],
    ['a one-letter code', { code: 'C' }, 'INVALID_BODY_CODE'],
    ['a control character in the code', { code: 'AB\u0000CD' }, 'INVALID_BODY_CODE'],
    ['a malformed approval number', { approvalNumber: 'R-2002-1' }, 'VALIDATION_FAILED'],
    ['an unknown approval status', { approvalStatus: 'pending' }, 'VALIDATION_FAILED'],
    ['a suspension without its date', { approvalStatus: 'suspended' }, 'VALIDATION_FAILED'],
    [
      'a malformed date',
      { approvalStatus: 'withdrawn', approvalStatusDate: '2026/3/5' },
      'VALIDATION_FAILED',
    ],
    ['an empty name', { name: '  ' }, 'VALIDATION_FAILED'],
    ['a 10 kB name', { name: '名'.repeat(10_000) }, 'VALIDATION_FAILED'],
    ['a control character in the name', { name: '机构\u202e名称' }, 'INVALID_CHARACTERS'],
    ['a malformed industry code', { approvedIndustryCodes: ['18; DROP'] }, 'VALIDATION_FAILED'],
    ['a scheme list that is not a list', { approvedSchemes: 'QMS' }, 'VALIDATION_FAILED'],
    [
      'a report time (set by reports only)',
      { lastReportedAt: '2026-01-01T00:00:00.000Z' },
      'VALIDATION_FAILED',
    ],
    ['an operator as the code', { code: { $ne: '' } }, 'INVALID_BODY_CODE'],
  ] as const)(
    'when the registration has %s, then 400 with its stable code and nothing is stored',
    async (_w, change, code) => {
      const input = newBody(change);
      const before = (await t.services.bodies.list()).length;
      const res = await request(t.app).post('/api/v1/bodies').set(auth(admin)).send(input);
      expect(res).toMatchObject({ status: 400, body: { code } });
      expect((await t.services.bodies.list()).length).toBe(before);
    },
  );
});

describe('reading bodies', () => {
  test('when an admin or an inspector lists bodies, then every body comes', async () => {
    for (const secret of [admin, inspector]) {
      const res = await request(t.app).get('/api/v1/bodies').set(auth(secret));
      expect(res.status).toBe(200);
      expect(res.body.items.map((b: Body) => b.code)).toEqual(
        expect.arrayContaining([body.code, other.code]),
      );
    }
  });

  test('when a body token lists bodies, then it sees only itself', async () => {
    const res = await request(t.app).get('/api/v1/bodies').set(auth(bodyToken));
    expect(res).toMatchObject({ status: 200, body: { items: [{ code: body.code }] } });
    expect(res.body.items).toHaveLength(1);
  });

  test('when a body token reads its own body, then 200 with its approved scope', async () => {
    const res = await request(t.app).get(`/api/v1/bodies/${body.code}`).set(auth(bodyToken));
    expect(res).toMatchObject({
      status: 200,
      body: { code: body.code, approvedSchemes: body.approvedSchemes },
    });
  });

  test('when a body token reads another body, then 403 whether that body exists or not', async () => {
    for (const code of [other.code, 'NO-SUCH-BODY']) {
      const res = await request(t.app).get(`/api/v1/bodies/${code}`).set(auth(bodyToken));
      expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    }
  });

  test('when an admin or an inspector reads an unknown body, then 404 BODY_NOT_FOUND', async () => {
    for (const secret of [admin, inspector]) {
      const res = await request(t.app).get('/api/v1/bodies/NO-SUCH-BODY').set(auth(secret));
      expect(res).toMatchObject({ status: 404, body: { code: 'BODY_NOT_FOUND' } });
    }
  });

  test.each([
    ['no token', undefined, 401, 'UNAUTHENTICATED'],
    ['a partner token', 'partner', 403, 'FORBIDDEN'],
  ] as const)(
    'when bodies are read with %s, then 401 or 403 with its stable code',
    async (_w, role, status, code) => {
      for (const path of ['/api/v1/bodies', `/api/v1/bodies/${body.code}`]) {
        const req = request(t.app).get(path);
        if (role) req.set(auth(partner));
        expect(await req).toMatchObject({ status, body: { code } });
      }
    },
  );

  test('when a body is read with a malformed code or the list with a parameter, then 400', async () => {
    const bad = await request(t.app)
      .get(`/api/v1/bodies/${encodeURIComponent("' OR 1=1")}`)
      .set(auth(admin));
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_BODY_CODE' } });
    const param = await request(t.app).get('/api/v1/bodies?code[$ne]=x').set(auth(admin));
    expect(param).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });
  });
});

describe('updating a body', () => {
  test('when an admin suspends a body, then a cached public lookup shows the suspension at once, and it is audited', async () => {
    const subject = await seedBody(t.services);
    const cert = await seedCertificate(t.services, { bodyCode: subject.code });
    const path = `/api/v1/certificates/${cert.publicId}`;
    // Looked up twice, so the certificate and its body are cached.
    await request(t.app).get(path).expect(200);
    expect((await request(t.app).get(path)).body.body).toMatchObject({ approvalStatus: 'approved' });

    const res = await request(t.app)
      .patch(`/api/v1/bodies/${subject.code}`)
      .set(auth(admin))
      .send({ approvalStatus: 'suspended', approvalStatusDate: '2026-05-20' });
    expect(res).toMatchObject({
      status: 200,
      body: {
        code: subject.code,
        approvalStatus: 'suspended',
        approvalStatusDate: '2026-05-20',
        name: subject.name,
      },
    });

    expect(await request(t.app).get(path)).toMatchObject({
      status: 200,
      body: { body: { code: subject.code, approvalStatus: 'suspended', approvalStatusDate: '2026-05-20' } },
    });
    expect((await auditOf(subject.code)).find((e) => e.action === 'body.update')).toMatchObject({
      actor: { role: 'admin' },
      change: {
        changes: {
          approvalStatus: { from: 'approved', to: 'suspended' },
          approvalStatusDate: { from: null, to: '2026-05-20' },
        },
      },
    });
  });

  test('when the scope and names change, then only the named fields change; nameEn null removes the English name', async () => {
    const subject = await seedBody(t.services, { nameEn: 'Old Name' });
    const res = await request(t.app)
      .patch(`/api/v1/bodies/${subject.code}`)
      .set(auth(admin))
      .send({ nameEn: null, approvedSchemes: ['isms', 'QMS'], approvedIndustryCodes: ['33'] });
    const { nameEn: _removed, ...rest } = subject;
    expect(res).toMatchObject({
      status: 200,
      body: {
        ...rest,
        approvedSchemes: ['ISMS', 'QMS'],
        approvedIndustryCodes: ['33'],
      },
    });
    expect(res.body).not.toHaveProperty('nameEn');
  });

  test('when a patch changes nothing, then 200 with the body and no audit entry', async () => {
    const subject = await seedBody(t.services);
    const before = (await auditOf(subject.code)).length;
    const res = await request(t.app)
      .patch(`/api/v1/bodies/${subject.code}`)
      .set(auth(admin))
      .send({ name: subject.name, approvedSchemes: subject.approvedSchemes });
    expect(res).toMatchObject({ status: 200, body: subject });
    expect((await auditOf(subject.code)).length).toBe(before);
  });

  test('when an unknown body is patched, then 404 BODY_NOT_FOUND and nothing is created', async () => {
    const res = await request(t.app)
      .patch('/api/v1/bodies/NO-SUCH-BODY')
      .set(auth(admin))
      .send({ name: '新名称' });
    expect(res).toMatchObject({ status: 404, body: { code: 'BODY_NOT_FOUND' } });
    expect((await t.services.bodies.list()).some((b) => b.code === 'NO-SUCH-BODY')).toBe(false);
  });

  test.each([
    ['nothing', {}, 'VALIDATION_FAILED'],
    ['an approval status without its date', { approvalStatus: 'withdrawn' }, 'VALIDATION_FAILED'],
    ['an unknown scheme', { approvedSchemes: ['FAKE'] }, 'UNKNOWN_SCHEME'],
    ['a new code', { code: 'OTHER' }, 'VALIDATION_FAILED'],
    ['a report time', { lastReportedAt: '2026-01-01T00:00:00.000Z' }, 'VALIDATION_FAILED'],
    ['a null name', { name: null }, 'VALIDATION_FAILED'],
    ['a malformed approval number', { approvalNumber: 'nope' }, 'VALIDATION_FAILED'],
  ] as const)(
    'when a patch has %s, then 400 with its stable code and the body is unchanged',
    async (_w, patch, code) => {
      const subject = await seedBody(t.services);
      const res = await request(t.app).patch(`/api/v1/bodies/${subject.code}`).set(auth(admin)).send(patch);
      expect(res).toMatchObject({ status: 400, body: { code } });
      expect((await t.services.bodies.list()).find((b) => b.code === subject.code)).toEqual(subject);
    },
  );
});

describe('"nothing changed" confirmations', () => {
  test('when a body confirms, then its last report time is now, the public body shows it, and it is audited', async () => {
    const subject = await seedBody(t.services, { lastReportedAt: '2026-01-01T00:00:00.000Z' });
    const cert = await seedCertificate(t.services, { bodyCode: subject.code });
    const token = await t.tokenFor('body', subject.code);
    await request(t.app).get(`/api/v1/certificates/${cert.publicId}`).expect(200);
    const start = Date.now();

    const res = await request(t.app)
      .post(`/api/v1/bodies/${subject.code}/confirmations`)
      .set(auth(token))
      .send({ note: '2026-05 无变化' });

    expect(res).toMatchObject({
      status: 200,
      body: { code: subject.code, lastReportedAt: expect.any(String) },
    });
    const at = Date.parse(res.body.lastReportedAt);
    expect(at).toBeGreaterThanOrEqual(start - 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
    const lookup = await request(t.app).get(`/api/v1/certificates/${cert.publicId}`);
    expect(lookup.body.body.lastReportedAt).toBe(res.body.lastReportedAt);
    expect((await auditOf(subject.code)).find((e) => e.action === 'body.confirm')).toMatchObject({
      actor: { type: 'token', role: 'body', bodyCode: subject.code },
      change: { lastReportedAt: res.body.lastReportedAt, note: '2026-05 无变化' },
    });
  });

  test('when a confirmation has no body at all, then it is accepted', async () => {
    const res = await request(t.app).post(`/api/v1/bodies/${body.code}/confirmations`).set(auth(bodyToken));
    expect(res).toMatchObject({ status: 200, body: { code: body.code } });
  });

  test('when a body confirms for another body, then 403 whether it exists or not, and nothing changes', async () => {
    for (const code of [other.code, 'NO-SUCH-BODY']) {
      const res = await request(t.app)
        .post(`/api/v1/bodies/${code}/confirmations`)
        .set(auth(bodyToken))
        .send({});
      expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    }
    expect((await t.services.bodies.list()).find((b) => b.code === other.code)).toEqual(other);
  });

  test('when an admin confirms for an unknown body, then 404 BODY_NOT_FOUND', async () => {
    const res = await request(t.app)
      .post('/api/v1/bodies/NO-SUCH-BODY/confirmations')
      .set(auth(admin))
      .send({});
    expect(res).toMatchObject({ status: 404, body: { code: 'BODY_NOT_FOUND' } });
  });

  test.each([
    ['an unknown field', { period: '2026-05' }, 'VALIDATION_FAILED'],
    ['a control character in the note', { note: 'ok\u0007' }, 'INVALID_CHARACTERS'],
    ['a 10 kB note', { note: 'x'.repeat(10_000) }, 'VALIDATION_FAILED'],
    ['a note that is not text', { note: { $set: 1 } }, 'VALIDATION_FAILED'],
  ] as const)('when a confirmation has %s, then 400 with its stable code', async (_w, payload, code) => {
    const res = await request(t.app)
      .post(`/api/v1/bodies/${body.code}/confirmations`)
      .set(auth(bodyToken))
      .send(payload);
    expect(res).toMatchObject({ status: 400, body: { code } });
  });
});

describe("a body's public contact", () => {
  test("when a body has a telephone and a website, then its certificates' result pages show them; null removes them", async () => {
    const created = await request(t.app)
      .post('/api/v1/bodies')
      .set(auth(admin))
      .send(newBody({ phone: '023-6543 2100', website: 'https://www.example-cert.cn/' }));
    expect(created).toMatchObject({ status: 201, body: { phone: '023-6543 2100' } });
    const cert = await seedCertificate(t.services, { bodyCode: created.body.code });
    const page = await request(t.app).get(`/v/${cert.publicId}`);
    expect(page.text).toContain('<dt>咨询电话</dt><dd><a href="tel:02365432100">023-6543 2100</a></dd>');
    expect(page.text).toContain('<a href="https://www.example-cert.cn/" rel="noopener">');
    const api = await request(t.app).get(`/api/v1/certificates/${cert.publicId}`);
    expect(api.body.body).toMatchObject({ phone: '023-6543 2100', website: 'https://www.example-cert.cn/' });

    const cleared = await request(t.app)
      .patch(`/api/v1/bodies/${created.body.code}`)
      .set(auth(admin))
      .send({ phone: null, website: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).not.toHaveProperty('phone');
    const after = await request(t.app).get(`/v/${cert.publicId}`);
    expect(after.text).not.toContain('咨询电话');
  });

  test.each([
    ['a script URL as the website', { website: 'javascript:alert(1)' }],
    ['letters in the telephone', { phone: 'call us' }],
  ])('when a body is registered with %s, then 400 and nothing is stored', async (_label, contact) => {
    const input = newBody(contact);
    const res = await request(t.app).post('/api/v1/bodies').set(auth(admin)).send(input);
    expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    await request(t.app).get(`/api/v1/bodies/${input.code}`).set(auth(admin)).expect(404);
  });
});
