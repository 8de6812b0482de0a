import request from 'supertest';
import { SYSTEM_ACTOR } from '../../server/audit/audit-schema';
import type { Body } from '../../server/bodies/body-schema';
import type { SignalDraft } from '../../server/signals/signal-schema';
import { creditCode, seedBody, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { CONTENT_TYPES } from '../helpers/upload-files';

/** One NDJSON line: a QMS certificate issued the day its audit ended (the issued-before-audit-end rule). */
function sameDayLine(number: string): string {
  return JSON.stringify({
    number,
    scheme: 'QMS',
    holder: { name: '重庆沙坪坝同日发证机械有限公司', creditCode: creditCode(), employees: 40 },
    scope: '机械零部件的生产',
    issueDate: '2025-03-08',
    expiryDate: '2028-03-07',
    audit: {
      startDate: '2025-03-06',
      endDate: '2025-03-08',
      // One auditor three days on site: three man-days (more would be padded).
      manDays: 3,
      auditors: [{ name: '张伟', registrationNumber: unique('2025-N1QMS-') }],
    },
  });
}

/** A draft of a rule of this test file's own, so that its filters see only its signals. */
function draft(overrides: Partial<SignalDraft> = {}): SignalDraft {
  const publicId = unique('P').padEnd(22, 'x').slice(0, 22);
  return {
    ruleId: 'issued-before-audit-end',
    severity: 'medium',
    subject: { kind: 'certificate', key: publicId },
    dedupKey: unique('api-key:'),
    summary: 'A test signal.',
    evidence: { n: 1 },
    certificatePublicIds: [publicId],
    ...overrides,
  };
}

describe('risk signals API', () => {
  let t: TestApp;
  let body: Body;
  let inspector: string;
  let admin: string;
  beforeAll(async () => {
    t = createTestApp();
    body = await seedBody(t.services);
    inspector = await t.tokenFor('inspector');
    admin = await t.tokenFor('admin');
  });
  afterAll(() => t.close());

  const get = (path: string, token = inspector) =>
    request(t.app).get(path).set('Authorization', `Bearer ${token}`);
  const patch = (id: string, payload: object, token = inspector) =>
    request(t.app).patch(`/api/v1/signals/${id}`).set('Authorization', `Bearer ${token}`).send(payload);

  describe('raised by an upload', () => {
    test('when an upload stores a certificate issued the day its audit ended, then the queue shows the signal; the same file again adds none', async () => {
      const number = unique('SAMEDAY-');
      const file = `${sameDayLine(number)}\n`;
      const upload = async () =>
        request(t.app)
          .post('/api/v1/uploads')
          .set('Authorization', `Bearer ${await t.tokenFor('body', body.code)}`)
          .set('Content-Type', CONTENT_TYPES.ndjson)
          .send(file);

      const first = await upload();
      expect(first).toMatchObject({ status: 201, body: { progress: { created: 1 } } });
      const [cert] = await t.stores.certificates.findByNumber(number, body.code, 1);
      const query = `/api/v1/signals?publicId=${cert?.publicId}`;
      const listed = await get(query);
      expect(listed).toMatchObject({
        status: 200,
        body: {
          total: 1,
          page: 1,
          pageSize: 20,
          items: [
            {
              ruleId: 'issued-before-audit-end',
              rule: {
                id: 'issued-before-audit-end',
                title: {
                  zh: '颁证日期早于、等于或紧接审核结束日期',
                  en: 'Issued before, on or the day after the audit ended',
                },
              },
              severity: 'medium',
              state: 'open',
              occurrences: 1,
              bodyCode: body.code,
              certificatePublicIds: [cert?.publicId],
            },
          ],
        },
      });
      // Created by the system, audited once.
      const id = listed.body.items[0].id as string;
      const raised = () => t.services.audit.forTarget('signal', id, 10);
      expect(await raised()).toMatchObject([{ action: 'signal.raise', actor: SYSTEM_ACTOR }]);
      // The evidence names no auditor.
      expect(JSON.stringify(listed.body)).not.toContain('张伟');

      const second = await upload();
      expect(second).toMatchObject({ status: 201, body: { progress: { unchanged: 1 } } });
      await expect(get(query)).resolves.toMatchObject({
        body: { total: 1, items: [{ id, occurrences: 1 }] },
      });
      expect(await raised()).toHaveLength(1);
    });
  });

  describe('GET /api/v1/signals', () => {
    test('when the queue is filtered and paged, then it answers the matching page with the total', async () => {
      const bodyCode = unique('SQ').slice(0, 32);
      const raised = await t.services.signals.raise([
        draft({ bodyCode, severity: 'high' }),
        draft({ bodyCode, severity: 'low' }),
        draft({ bodyCode, severity: 'high' }),
      ]);
      const ids = raised.map((s) => s.id);
      const high = await get(`/api/v1/signals?bodyCode=${bodyCode.toLowerCase()}&severity=high&state=open`);
      expect(high.status).toBe(200);
      expect(high.body.total).toBe(2);
      expect(high.body.items.map((s: { id: string }) => s.id).sort()).toEqual([ids[0], ids[2]].sort());

      const paged = await get(`/api/v1/signals?bodyCode=${bodyCode}&page=2&pageSize=2`, admin);
      expect(paged).toMatchObject({ status: 200, body: { total: 3, page: 2, pageSize: 2 } });
      expect(paged.body.items).toHaveLength(1);

      const later = await get(`/api/v1/signals?bodyCode=${bodyCode}&since=2999-01-01`);
      expect(later.body).toMatchObject({ total: 0, items: [] });
      const dated = await get(
        `/api/v1/signals?bodyCode=${bodyCode}&ruleId=issued-before-audit-end&since=${encodeURIComponent('2000-01-01T08:00:00+08:00')}`,
      );
      expect(dated.body.total).toBe(3);
    });

    test.each([
      ['severity=urgent', 'INVALID_QUERY'],
      ['state=closed', 'INVALID_QUERY'],
      ['ruleId=Bad%20Rule', 'INVALID_QUERY'],
      ['since=yesterday', 'INVALID_QUERY'],
      ['unknown=1', 'INVALID_QUERY'],
      ['bodyCode=%27%20OR%201%3D1', 'INVALID_BODY_CODE'],
      ['publicId=short', 'INVALID_PUBLIC_ID'],
      ['page=0', 'INVALID_PAGE'],
      ['pageSize=101', 'INVALID_PAGE'],
    ])('when the query has %s, then 400 %s', async (query, code) => {
      await expect(get(`/api/v1/signals?${query}`)).resolves.toMatchObject({ status: 400, body: { code } });
    });

    test.each([
      ['no token', 401, 'UNAUTHENTICATED', undefined],
      ['a body token', 403, 'FORBIDDEN', 'body'],
      ['a partner token', 403, 'FORBIDDEN', 'partner'],
    ] as const)('when it is called with %s, then %i %s', async (_name, status, code, role) => {
      const req = request(t.app).get('/api/v1/signals');
      const token =
        role === undefined ? undefined : await t.tokenFor(role, role === 'body' ? body.code : undefined);
      const res = token === undefined ? await req : await req.set('Authorization', `Bearer ${token}`);
      expect(res).toMatchObject({ status, body: { code } });
    });
  });

  describe('GET /api/v1/signals/{id}', () => {
    test('when a signal exists, then it is answered with its rule title; an unknown id is 404, a malformed one 400', async () => {
      const [signal] = await t.services.signals.raise([draft()]);
      await expect(get(`/api/v1/signals/${signal?.id}`, admin)).resolves.toMatchObject({
        status: 200,
        body: { ...signal, rule: { id: 'issued-before-audit-end' } },
      });
      await expect(get(`/api/v1/signals/${'A'.repeat(22)}`)).resolves.toMatchObject({
        status: 404,
        body: { code: 'SIGNAL_NOT_FOUND' },
      });
      await expect(get('/api/v1/signals/not-an-id')).resolves.toMatchObject({
        status: 400,
        body: { code: 'INVALID_SIGNAL_ID' },
      });
    });
  });

  describe('PATCH /api/v1/signals/{id}', () => {
    test('when an inspector dismisses a signal and opens it again, then each change is audited with its note', async () => {
      const [signal] = await t.services.signals.raise([draft()]);
      const id = signal?.id as string;
      const dismissed = await patch(id, { state: 'dismissed', note: '经核实，审核记录完整。' });
      expect(dismissed).toMatchObject({ status: 200, body: { id, state: 'dismissed' } });
      // The same state again changes nothing and is not audited again.
      await expect(patch(id, { state: 'dismissed', note: '再次确认' })).resolves.toMatchObject({
        status: 200,
        body: { state: 'dismissed' },
      });
      // Raised again by its rule, a dismissed signal stays dismissed.
      await t.services.signals.raise([draft({ dedupKey: signal?.dedupKey })]);
      await expect(get(`/api/v1/signals/${id}`)).resolves.toMatchObject({
        body: { state: 'dismissed', occurrences: 2 },
      });
      await expect(patch(id, { state: 'open', note: '发现新的线索' })).resolves.toMatchObject({
        status: 200,
        body: { state: 'open' },
      });

      const entries = await t.services.audit.forTarget('signal', id, 10);
      expect(entries.map((e) => [e.action, e.change])).toEqual([
        ['signal.reopen', { from: 'dismissed', to: 'open', note: '发现新的线索' }],
        // Prose keeps its full-width punctuation.
        ['signal.dismiss', { from: 'open', to: 'dismissed', note: '经核实，审核记录完整。' }],
        ['signal.raise', expect.objectContaining({ ruleId: 'issued-before-audit-end' })],
      ]);
      expect(entries[0]?.actor).toMatchObject({ type: 'token', role: 'inspector' });
    });

    test('when the signal is in a case, then 409 SIGNAL_IN_CASE and it stays in the case', async () => {
      const [signal] = await t.services.signals.raise([draft()]);
      const id = signal?.id as string;
      await t.services.signals.setState([id], 'in-case', 'CASE-API-1');
      await expect(patch(id, { state: 'dismissed', note: '无问题' })).resolves.toMatchObject({
        status: 409,
        body: { code: 'SIGNAL_IN_CASE' },
      });
      await expect(t.services.signals.get(id)).resolves.toMatchObject({
        state: 'in-case',
        caseId: 'CASE-API-1',
      });
    });

    test.each([
      ['no note', { state: 'dismissed' }],
      ['an empty note', { state: 'dismissed', note: '  ' }],
      ['another state', { state: 'in-case', note: '并案' }],
      ['an unknown field', { state: 'open', note: '说明', caseId: 'X' }],
    ])('when the body has %s, then 400 VALIDATION_FAILED', async (_name, payload) => {
      const [signal] = await t.services.signals.raise([draft()]);
      await expect(patch(signal?.id as string, payload)).resolves.toMatchObject({
        status: 400,
        body: { code: 'VALIDATION_FAILED' },
      });
    });

    test('when an admin or an unknown id is sent, then 403 and 404', async () => {
      const [signal] = await t.services.signals.raise([draft()]);
      await expect(
        patch(signal?.id as string, { state: 'dismissed', note: '管理员' }, admin),
      ).resolves.toMatchObject({
        status: 403,
        body: { code: 'FORBIDDEN' },
      });
      await expect(patch('B'.repeat(22), { state: 'dismissed', note: '无此信号' })).resolves.toMatchObject({
        status: 404,
        body: { code: 'SIGNAL_NOT_FOUND' },
      });
    });
  });

  describe('credit levels', () => {
    const creditOf = async (query: { creditCodes?: string[]; bodyCodes?: string[] }) => {
      const partner = await t.tokenFor('partner');
      const res = await request(t.app)
        .post('/api/v1/partner/credit-queries')
        .set('Authorization', `Bearer ${partner}`)
        .send(query);
      expect(res.status).toBe(200);
      return res.body.results[0] as { level: string; reasons: Array<{ rule: string; signalIds?: string[] }> };
    };

    test('when a holder or a body has an open high-severity signal, then its level is one step lower until the signal is dismissed', async () => {
      const holder = creditCode();
      const other = await seedBody(t.services);
      const [aboutHolder, aboutBody, medium] = await t.services.signals.raise([
        draft({
          ruleId: 'ban-period-hopping',
          severity: 'high',
          subject: { kind: 'organisation', key: holder },
        }),
        draft({ severity: 'high', bodyCode: other.code }),
        draft({ severity: 'medium', subject: { kind: 'organisation', key: holder } }),
      ]);

      expect(await creditOf({ creditCodes: [holder] })).toMatchObject({
        level: 'B',
        reasons: [{ rule: 'NO_ACTIVE_RECORDS' }, { rule: 'HIGH_RISK_SIGNALS', signalIds: [aboutHolder?.id] }],
      });
      expect(await creditOf({ bodyCodes: [other.code] })).toMatchObject({
        level: 'B',
        reasons: [{ rule: 'NO_ACTIVE_RECORDS' }, { rule: 'HIGH_RISK_SIGNALS', signalIds: [aboutBody?.id] }],
      });
      expect(medium?.severity).toBe('medium');

      expect(
        (await patch(aboutHolder?.id as string, { state: 'dismissed', note: '已核实，无违规' })).status,
      ).toBe(200);
      expect(await creditOf({ creditCodes: [holder] })).toMatchObject({
        level: 'A',
        reasons: [{ rule: 'NO_ACTIVE_RECORDS' }],
      });
    });
  });
});
