import request from 'supertest';
import type { Body } from '../../../server/bodies/body-schema';
import { creditCode, seedBody, unique } from '../../helpers/factories';
import { createTestApp, type TestApp } from '../../helpers/test-app';
import { CONTENT_TYPES } from '../../helpers/upload-files';

/** One NDJSON row of a certificate report. */
function line(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    number: unique('ATT-'),
    scheme: 'QMS',
    holder: { name: '重庆沙坪坝越界认证机械有限公司', creditCode: creditCode() },
    scope: '机械零部件的生产',
    issueDate: '2025-03-10',
    expiryDate: '2028-03-09',
    ...overrides,
  });
}

describe('rule out-of-scope-attempt (through uploads)', () => {
  let t: TestApp;
  let inspector: string;
  beforeAll(async () => {
    t = createTestApp();
    inspector = await t.tokenFor('inspector');
  });
  afterAll(() => t.close());

  async function upload(body: Body, lines: string[], mode: 'partial' | 'atomic' = 'partial') {
    return request(t.app)
      .post(`/api/v1/uploads?mode=${mode}`)
      .set('Authorization', `Bearer ${await t.tokenFor('body', body.code)}`)
      .set('Content-Type', CONTENT_TYPES.ndjson)
      .send(`${lines.join('\n')}\n`);
  }

  const signalsOf = async (body: Body) => {
    const res = await request(t.app)
      .get(`/api/v1/signals?ruleId=out-of-scope-attempt&bodyCode=${body.code}`)
      .set('Authorization', `Bearer ${inspector}`);
    expect(res.status).toBe(200);
    return res.body.items as Array<Record<string, unknown> & { evidence: Record<string, unknown> }>;
  };

  test('when a body uploads rows of a scheme outside its scope, then the rows are refused and one high signal per body and kind lists them', async () => {
    const body = await seedBody(t.services, { code: unique('OOS').slice(0, 32), approvedSchemes: ['QMS'] });
    const ems = [line({ scheme: 'EMS' }), line({ scheme: 'EMS' })];
    const res = await upload(body, [line(), ...ems]);
    expect(res).toMatchObject({ status: 201, body: { progress: { created: 1, rejected: 2 } } });
    const errors = await request(t.app)
      .get(`/api/v1/uploads/${res.body.id}/errors.csv`)
      .set('Authorization', `Bearer ${inspector}`);
    expect(errors.text).toContain('ROW_OUT_OF_SCOPE');

    const [signal, ...more] = await signalsOf(body);
    expect(more).toEqual([]);
    expect(signal).toMatchObject({
      ruleId: 'out-of-scope-attempt',
      severity: 'high',
      subject: { kind: 'body', key: body.code },
      dedupKey: `out-of-scope-attempt:${body.code}:scheme`,
      occurrences: 1,
      evidence: { kind: 'scheme', pattern: '超范围认证', jobId: res.body.id, rowsRefused: 2 },
    });
    expect(
      (signal?.evidence.rows as Array<{ row: number; scheme: string }>).map((r) => [r.row, r.scheme]),
    ).toEqual([
      [2, 'EMS'],
      [3, 'EMS'],
    ]);

    // A second attempt is the same signal again, with the new rows as evidence.
    const again = await upload(body, [line({ scheme: 'EMS' })], 'atomic');
    expect(again).toMatchObject({
      status: 422,
      body: { code: 'UPLOAD_REJECTED', job: { state: 'rejected' } },
    });
    const [repeated, ...none] = await signalsOf(body);
    expect(none).toEqual([]);
    expect(repeated).toMatchObject({
      id: signal?.id,
      occurrences: 2,
      evidence: { jobId: again.body.job.id, rowsRefused: 1 },
    });
  });

  test('when rows are dated while the body was suspended, then a high 假机构 signal; industry codes outside the scope a medium one beside it', async () => {
    const body = await seedBody(t.services, {
      code: unique('SUS').slice(0, 32),
      approvedSchemes: ['QMS'],
      approvedIndustryCodes: ['18'],
      approvalStatus: 'suspended',
      approvalStatusDate: '2025-01-01',
    });
    const res = await upload(body, [
      line({ issueDate: '2025-02-01', expiryDate: '2028-01-31', industryCodes: ['18.05'] }),
      line({ issueDate: '2024-06-01', expiryDate: '2027-05-31', industryCodes: ['29.01'] }),
    ]);
    expect(res).toMatchObject({ status: 201, body: { progress: { created: 0, rejected: 2 } } });
    const byKind = new Map((await signalsOf(body)).map((s) => [s.evidence.kind, s]));
    expect(byKind.get('approval')).toMatchObject({
      severity: 'high',
      evidence: { pattern: '假机构', rows: [{ row: 1, issueDate: '2025-02-01' }] },
    });
    expect(byKind.get('industry-codes')).toMatchObject({
      severity: 'medium',
      evidence: { rows: [{ row: 2, industryCodes: ['29.01'] }] },
    });
    expect(byKind.size).toBe(2);
  });

  test('when rows are refused for other reasons only, or every row is in scope, then no attempt is raised', async () => {
    const body = await seedBody(t.services, { code: unique('INS').slice(0, 32), approvedSchemes: ['QMS'] });
    const res = await upload(body, [
      line(),
      line({ holder: { name: '错误信用代码有限公司', creditCode: '91500106000000000X' } }),
      line({ scheme: 'NOPE' }),
    ]);
    expect(res).toMatchObject({ status: 201, body: { progress: { created: 1, rejected: 2 } } });
    await expect(signalsOf(body)).resolves.toEqual([]);
  });
});
