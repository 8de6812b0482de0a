import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeBody, makeCertificate } from '../helpers/factories';

let t: TestApp;
beforeAll(() => {
  t = createTestApp();
});
afterAll(() => t.close());

test('when a certificate is stored, then its public id answers with status and body', async () => {
  const body = await t.services.bodies.upsert(makeBody());
  const [result] = await t.services.certificates.upsertMany([makeCertificate({ bodyCode: body.code })]);
  const res = await request(t.app).get(`/api/v1/certificates/${result!.certificate.publicId}`);
  expect(res).toMatchObject({
    status: 200,
    body: { status: 'valid', body: { code: body.code, approvalStatus: 'approved' } },
  });
  expect(JSON.stringify(res.body)).not.toContain('张伟');
  const search = await request(t.app).get('/api/v1/search').query({ q: '沙坪坝' });
  expect(search.status).toBe(200);
  expect(search.body.total).toBeGreaterThanOrEqual(1);
  const bad = await request(t.app).get('/api/v1/search').query({ q: 'a' });
  expect(bad).toMatchObject({ status: 400, body: { code: 'QUERY_TOO_SHORT' } });
  const op = await request(t.app).get('/api/v1/search?q[$gt]=');
  expect(op).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY' } });
  const nul = await request(t.app).get('/api/v1/search?q=ab%00c');
  expect(nul).toMatchObject({ status: 400, body: { code: 'INVALID_CHARACTERS' } });
  const doc = await request(t.app).get('/api/v1/openapi.json');
  expect(doc.status).toBe(200);
});
