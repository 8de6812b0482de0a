import request from 'supertest';
import { todayInChina } from '../../server/platform/china-time';
import type { Body } from '../../server/bodies/body-schema';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  addDays,
  creditCode,
  metricValue,
  seedBody,
  seedCertificate,
  seedCertificates,
  unique,
} from '../helpers/factories';

let t: TestApp;
let body: Body;
beforeAll(async () => {
  t = createTestApp();
  body = await seedBody(t.services, {
    approvalStatus: 'approved',
    approvalStatusDate: '2024-03-01',
    lastReportedAt: '2026-10-30T02:00:00.000Z',
  });
});
afterAll(() => t.close());

const get = (path: string) => request(t.app).get(path);

/** Every key of a JSON value, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  }
  return [];
}

async function cacheLookups(kind: string, result: 'hit' | 'miss'): Promise<number> {
  const res = await get('/metrics');
  return metricValue(res.text, 'cache_lookups_total', { kind, result });
}

describe('GET /api/v1/certificates/:publicId', () => {
  test('when the certificate is stored, then the answer carries status, holder, scheme, scope, dates and body', async () => {
    const holderCode = creditCode();
    const cert = await seedCertificate(t.services, {
      bodyCode: body.code,
      scheme: 'qms',
      holder: {
        name: '重庆两江智能装备有限公司',
        creditCode: holderCode,
        address: '重庆市渝北区金开大道1号',
      },
      scope: '工业机器人的设计、生产和服务',
      issueDate: '2025-02-01',
      expiryDate: addDays(todayInChina(), 400),
    });

    const res = await get(`/api/v1/certificates/${cert.publicId}`);

    expect(res).toMatchObject({
      status: 200,
      headers: { 'content-type': expect.stringMatching(/^application\/json/) },
      body: {
        publicId: cert.publicId,
        number: cert.number,
        status: 'valid',
        holder: { name: '重庆两江智能装备有限公司', creditCode: holderCode },
        scheme: { code: 'QMS', zh: '质量管理体系认证', en: 'Quality management system' },
        scope: '工业机器人的设计、生产和服务',
        issueDate: '2025-02-01',
        expiryDate: cert.expiryDate,
        body: {
          code: body.code,
          name: body.name,
          approvalNumber: body.approvalNumber,
          approvalStatus: 'approved',
          approvalStatusDate: '2024-03-01',
          lastReportedAt: '2026-10-30T02:00:00.000Z',
        },
        updatedAt: cert.updatedAt,
      },
    });
    expect(res.body.statusReason).toBeUndefined();
  });

  test('when the certificate is stored with auditors, then no personal data and no internal id is in the answer', async () => {
    const cert = await seedCertificate(t.services, {
      bodyCode: body.code,
      audit: {
        startDate: '2025-01-06',
        endDate: '2025-01-08',
        manDays: 6,
        auditors: [
          { name: '欧阳秀英', registrationNumber: '2025-N1QMS-7654321', role: 'leader' },
          { name: '司马建国', registrationNumber: '2024-N2EMS-1112223', role: 'member' },
        ],
      },
    });

    const first = await get(`/api/v1/certificates/${cert.publicId}`);
    // The second answer comes from the cache: what is cached must be as clean as what is read.
    const second = await get(`/api/v1/certificates/${cert.publicId}`);

    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      for (const secret of ['欧阳秀英', '司马建国', '2025-N1QMS-7654321', '2024-N2EMS-1112223']) {
        expect(text).not.toContain(secret);
      }
      expect(keysOf(res.body)).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^(id|_id|audit|auditors|recordedAt|createdAt)$/)]),
      );
      // The status history is public as a person reads it: status, date and reason, never when recorded.
      expect(res.body.statusHistory).toEqual([{ status: 'valid', date: cert.issueDate }]);
    }
    expect(second.body).toEqual(first.body);
  });

  test('when no certificate has the id, then 404 CERTIFICATE_NOT_FOUND, and a second call is answered from the negative cache', async () => {
    const missing = 'AAAAAAAAAAAAAAAAAAAAAA';
    const lookups = jest.spyOn(t.stores.certificates, 'findByPublicId');
    const hitsBefore = await cacheLookups('publicId', 'hit');
    const missesBefore = await cacheLookups('publicId', 'miss');

    const first = await get(`/api/v1/certificates/${missing}`);
    const second = await get(`/api/v1/certificates/${missing}`);

    for (const res of [first, second]) {
      expect(res).toMatchObject({
        status: 404,
        headers: { 'content-type': expect.stringMatching(/^application\/problem\+json/) },
        body: { status: 404, code: 'CERTIFICATE_NOT_FOUND' },
      });
    }
    expect(lookups).toHaveBeenCalledTimes(1);
    lookups.mockRestore();
    expect(await cacheLookups('publicId', 'miss')).toBe(missesBefore + 1);
    expect(await cacheLookups('publicId', 'hit')).toBe(hitsBefore + 1);
  });

  test('when a found certificate is asked for twice, then the second answer is a cache hit', async () => {
    const cert = await seedCertificate(t.services, { bodyCode: body.code });
    const hitsBefore = await cacheLookups('publicId', 'hit');

    await get(`/api/v1/certificates/${cert.publicId}`).expect(200);
    await get(`/api/v1/certificates/${cert.publicId}`).expect(200);

    expect(await cacheLookups('publicId', 'hit')).toBe(hitsBefore + 1);
  });

  test('when a certificate was looked up and then its status changes, then the next answer shows the new status', async () => {
    const cert = await seedCertificate(t.services, { bodyCode: body.code });
    await get(`/api/v1/certificates/${cert.publicId}`).expect(200);

    await t.services.certificates.changeStatus(cert.publicId, {
      status: 'suspended',
      reason: '监督审核不合格',
      date: '2026-05-01',
    });

    const res = await get(`/api/v1/certificates/${cert.publicId}`);
    expect(res).toMatchObject({
      status: 200,
      body: { status: 'suspended', statusReason: '监督审核不合格', statusDate: '2026-05-01' },
    });
  });

  describe.each([
    ['suspended', '未按期接受监督审核', '2026-03-15'],
    ['revoked', '使用虚假材料获证', '2026-04-02'],
    ['withdrawn', '获证组织申请注销', '2026-02-20'],
  ] as const)('when the stored status is %s', (status, reason, date) => {
    test(`then the answer says ${status} with its reason and date`, async () => {
      const cert = await seedCertificate(t.services, {
        bodyCode: body.code,
        status,
        statusReason: reason,
        statusDate: date,
        expiryDate: addDays(todayInChina(), 300),
      });

      const res = await get(`/api/v1/certificates/${cert.publicId}`);

      expect(res).toMatchObject({
        status: 200,
        body: { status, statusReason: reason, statusDate: date, body: { code: body.code } },
      });
    });
  });

  describe('expiry is judged by the date, not by the stored status', () => {
    const today = todayInChina();

    test('when a stored "valid" certificate is past its expiry date, then it answers expired with that date', async () => {
      const cert = await seedCertificate(t.services, {
        bodyCode: body.code,
        status: 'valid',
        issueDate: '2020-01-01',
        expiryDate: addDays(today, -1),
      });
      const res = await get(`/api/v1/certificates/${cert.publicId}`);
      expect(res).toMatchObject({ status: 200, body: { status: 'expired', statusDate: addDays(today, -1) } });
    });

    test('when the expiry date is today, then the certificate is still valid', async () => {
      const cert = await seedCertificate(t.services, {
        bodyCode: body.code,
        issueDate: '2020-01-01',
        expiryDate: today,
      });
      const res = await get(`/api/v1/certificates/${cert.publicId}`);
      expect(res).toMatchObject({ status: 200, body: { status: 'valid' } });
    });

    test('when a suspended certificate is past its expiry date, then it answers expired', async () => {
      const cert = await seedCertificate(t.services, {
        bodyCode: body.code,
        status: 'suspended',
        statusReason: '暂停',
        statusDate: '2021-06-01',
        issueDate: '2020-01-01',
        expiryDate: '2023-01-01',
      });
      const res = await get(`/api/v1/certificates/${cert.publicId}`);
      expect(res).toMatchObject({ status: 200, body: { status: 'expired', statusDate: '2023-01-01' } });
    });

    test.each(['revoked', 'withdrawn'] as const)(
      'when a %s certificate is past its expiry date, then it keeps that status and its reason',
      async (status) => {
        const cert = await seedCertificate(t.services, {
          bodyCode: body.code,
          status,
          statusReason: '认证机构决定',
          statusDate: '2022-05-05',
          issueDate: '2020-01-01',
          expiryDate: '2023-01-01',
        });
        const res = await get(`/api/v1/certificates/${cert.publicId}`);
        expect(res).toMatchObject({
          status: 200,
          body: { status, statusReason: '认证机构决定', statusDate: '2022-05-05' },
        });
      },
    );
  });

  test('when the certificate names a body the registry does not know, then body is null', async () => {
    const cert = await seedCertificate(t.services, { bodyCode: unique('NB').slice(0, 20) });
    const res = await get(`/api/v1/certificates/${cert.publicId}`);
    expect(res).toMatchObject({ status: 200, body: { publicId: cert.publicId, body: null } });
  });

  test.each([
    ['too short', 'abc'],
    ['too long', 'A'.repeat(23)],
    ['not base64url', 'AAAAAAAAAAAAAAAAAAAA+A'],
    ['full-width', 'ＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡ'],
    ['a NUL byte', 'AAAAAAAAAAAAAAAAAAAAA%00'],
    ['SQL', "'%20OR%201=1%20--"],
    ['10 kB', 'A'.repeat(10_000)],
  ])('when the public id is %s, then 400 INVALID_PUBLIC_ID', async (_what, id) => {
    const res = await get(`/api/v1/certificates/${id}`);
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_PUBLIC_ID' } });
  });
});

describe('GET /api/v1/certificates?number=', () => {
  let other: Body;
  beforeAll(async () => {
    other = await seedBody(t.services, { lastReportedAt: '2026-11-02T09:30:00.000Z' });
  });

  test('when two bodies issued the same number, then both are listed, and body= narrows to one', async () => {
    const number = unique('DUP');
    const [a, b] = await seedCertificates(t.services, [
      { number, bodyCode: body.code },
      { number, bodyCode: other.code, scheme: 'EMS' },
    ]);

    const both = await get('/api/v1/certificates').query({ number });
    expect(both).toMatchObject({ status: 200 });
    expect(both.body.items).toHaveLength(2);
    expect(both.body.items.map((c: { publicId: string }) => c.publicId).sort()).toEqual(
      [a!.publicId, b!.publicId].sort(),
    );
    expect(both.body.registryLastReportedAt).toBeUndefined();

    const one = await get('/api/v1/certificates').query({ number, body: other.code.toLowerCase() });
    expect(one).toMatchObject({
      status: 200,
      body: { items: [{ publicId: b!.publicId, scheme: { code: 'EMS' }, body: { code: other.code } }] },
    });
    expect(one.body.items).toHaveLength(1);
    expect(keysOf(one.body)).not.toContain('id');
    expect(JSON.stringify(one.body)).not.toContain('张伟');
  });

  test('when the number is typed full-width, lower-case and with spaces, then it is found', async () => {
    const cert = await seedCertificate(t.services, { number: 'CERT01', bodyCode: body.code });

    const res = await get('/api/v1/certificates').query({ number: 'ｃｅｒｔ 0１' });

    expect(res).toMatchObject({
      status: 200,
      body: { items: [{ publicId: cert.publicId, number: 'CERT01' }] },
    });
  });

  test('when nothing has the number, then an empty list with the body and when the registry last heard', async () => {
    const res = await get('/api/v1/certificates').query({ number: unique('NONE'), body: body.code });
    expect(res).toMatchObject({
      status: 200,
      body: {
        items: [],
        body: { code: body.code, approvalStatus: 'approved', lastReportedAt: '2026-10-30T02:00:00.000Z' },
        registryLastReportedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
    expect(res.body.registryLastReportedAt >= '2026-11-02T09:30:00.000Z').toBe(true);
  });

  test('when nothing has the number and the body is unknown, then an empty list with body null', async () => {
    const res = await get('/api/v1/certificates').query({ number: unique('NONE'), body: 'NOSUCHBODY' });
    expect(res).toMatchObject({
      status: 200,
      body: { items: [], body: null, registryLastReportedAt: expect.any(String) },
    });
  });

  test('when a number is not found twice, then the second answer comes from the negative cache', async () => {
    const number = unique('GHOST');
    const lookups = jest.spyOn(t.stores.certificates, 'findByNumber');
    await get('/api/v1/certificates').query({ number }).expect(200);
    await get('/api/v1/certificates').query({ number }).expect(200);
    expect(lookups).toHaveBeenCalledTimes(1);
    lookups.mockRestore();
  });

  test('when a number was not found and is then reported, then the next lookup finds it', async () => {
    const number = unique('LATE');
    const empty = await get('/api/v1/certificates').query({ number });
    expect(empty).toMatchObject({ status: 200, body: { items: [] } });

    const cert = await seedCertificate(t.services, { number, bodyCode: body.code });

    const res = await get('/api/v1/certificates').query({ number });
    expect(res).toMatchObject({ status: 200, body: { items: [{ publicId: cert.publicId }] } });
  });
});
