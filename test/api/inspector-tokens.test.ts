/**
 * Inspector tokens linked to the inspector who holds them (`inspectorId`): issued through the API only
 * for an inspector of the directory, and the case log and its refs then name who acted by that link. A
 * token without a link (issued before it) is named by its label, marked as a label (`fromLabel`).
 */
import request from 'supertest';
import { SYSTEM_ACTOR } from '../../server/audit/audit-schema';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { seedBody, seedCertificate, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let cert: Certificate;
let admin: string;
let inspectorId: string;

beforeAll(async () => {
  t = createTestApp();
  const body = await seedBody(t.services);
  cert = await seedCertificate(t.services, { bodyCode: body.code });
  admin = await t.tokenFor('admin');
  inspectorId = unique('CQ-').slice(0, 30);
  await t.services.inspectors.create(
    { id: inspectorId, name: '王检查', unit: '渝中区市场监督管理局', active: true, conflicts: [] },
    SYSTEM_ACTOR,
  );
});
afterAll(async () => {
  await t.close();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const issue = (payload: object) => request(t.app).post('/api/v1/tokens').set(auth(admin)).send(payload);

describe('issuing an inspector token linked to an inspector', () => {
  test('when an admin names an inspector of the directory, then the token carries the link, typed loosely or not', async () => {
    const res = await issue({
      role: 'inspector',
      inspectorId: inspectorId.toLowerCase(),
      label: '王检查的平板',
    });
    expect(res).toMatchObject({
      status: 201,
      body: { token: { role: 'inspector', inspectorId, label: '王检查的平板' } },
    });
    const listed = await request(t.app).get('/api/v1/tokens').set(auth(admin));
    expect(listed.body.items.find((i: { id: string }) => i.id === res.body.token.id)).toMatchObject({
      inspectorId,
    });
    const [entry] = await t.services.audit.forTarget('token', res.body.token.id, 1);
    expect(entry).toMatchObject({ action: 'token.issue', change: { inspectorId } });
  });

  test('when the directory has no such inspector, then 404 INSPECTOR_NOT_FOUND and nothing is issued', async () => {
    const before = await t.stores.tokens.count();
    await expect(
      issue({ role: 'inspector', inspectorId: 'CQ-NOBODY-01', label: 'x' }),
    ).resolves.toMatchObject({
      status: 404,
      body: { code: 'INSPECTOR_NOT_FOUND' },
    });
    expect(await t.stores.tokens.count()).toBe(before);
  });

  test.each(['admin', 'partner'])(
    'when an inspector is named for a %s token, then 400 INSPECTOR_LINK_NOT_ALLOWED',
    async (role) => {
      const res = await issue({ role, inspectorId, label: 'x' });
      expect(res).toMatchObject({
        status: 400,
        body: { code: 'INSPECTOR_LINK_NOT_ALLOWED', errors: [{ field: 'inspectorId' }] },
      });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    },
  );

  test('when the inspector id is malformed, then 400 INVALID_INSPECTOR_ID', async () => {
    await expect(issue({ role: 'inspector', inspectorId: '王/1', label: 'x' })).resolves.toMatchObject({
      status: 400,
      body: { code: 'INVALID_INSPECTOR_ID' },
    });
  });
});

describe('who acted, in a case', () => {
  test('when a linked token acts, then the case names its inspector; an unlinked token is named by its label, marked as such', async () => {
    const linked = await issue({ role: 'inspector', inspectorId, label: '办公室电脑' });
    // The old convention: the directory id as the label, and no link. It names no one any more.
    const old = await t.services.tokens.issue(
      { role: 'inspector', label: inspectorId, expiresInDays: 1 },
      undefined,
    );
    const opened = await request(t.app)
      .post('/api/v1/cases')
      .set(auth(linked.body.secret))
      .send({ title: '经办人测试', publicIds: [cert.publicId] });
    expect(opened.status).toBe(201);
    const noted = await request(t.app)
      .patch(`/api/v1/cases/${opened.body.id}`)
      .set(auth(old.secret))
      .send({ action: 'note', text: '旧令牌的备注。' });
    expect(noted.status).toBe(200);

    const read = await request(t.app).get(`/api/v1/cases/${opened.body.id}`).set(auth(linked.body.secret));
    const people = read.body.refs.people as Record<string, object>;
    expect(read.body.events.map((e: { by: string }) => e.by)).toEqual([linked.body.token.id, old.token.id]);
    expect(people[linked.body.token.id]).toEqual({ name: '王检查', unit: '渝中区市场监督管理局' });
    expect(people[old.token.id]).toEqual({ name: inspectorId, fromLabel: true });
    // The PATCH answer carries the same names.
    expect(noted.body.refs.people[old.token.id]).toEqual({ name: inspectorId, fromLabel: true });
  });
});
