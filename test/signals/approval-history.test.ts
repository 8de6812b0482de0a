import request from 'supertest';
import { creditCode, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { CONTENT_TYPES } from '../helpers/upload-files';

/** One NDJSON row: a QMS certificate issued on `issueDate`. */
function line(number: string, issueDate: string): string {
  return JSON.stringify({
    number,
    scheme: 'QMS',
    holder: { name: '重庆沙坪坝批准期间机械有限公司', creditCode: creditCode() },
    scope: '机械零部件的生产',
    issueDate,
    expiryDate: `${Number(issueDate.slice(0, 4)) + 3}${issueDate.slice(4)}`,
  });
}

describe('approval as a history of periods (through the API)', () => {
  let t: TestApp;
  let admin: string;
  let inspector: string;
  beforeAll(async () => {
    t = createTestApp();
    admin = await t.tokenFor('admin');
    inspector = await t.tokenFor('inspector');
  });
  afterAll(() => t.close());

  async function register(): Promise<string> {
    const code = unique('AH').slice(0, 32);
    const res = await request(t.app)
      .post('/api/v1/bodies')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        code,
        name: `批准历史认证有限公司${code}`,
        approvalNumber: 'CNCA-R-2010-011',
        approvalStatus: 'approved',
        approvedSchemes: ['QMS'],
      });
    expect(res.status).toBe(201);
    return code;
  }

  const patch = (code: string, payload: object) =>
    request(t.app).patch(`/api/v1/bodies/${code}`).set('Authorization', `Bearer ${admin}`).send(payload);

  async function upload(code: string, lines: string[]) {
    return request(t.app)
      .post('/api/v1/uploads?mode=partial')
      .set('Authorization', `Bearer ${await t.tokenFor('body', code)}`)
      .set('Content-Type', CONTENT_TYPES.ndjson)
      .send(`${lines.join('\n')}\n`);
  }

  async function scopeSignals(code: string) {
    const res = await request(t.app)
      .get(`/api/v1/signals?ruleId=body-scope-at-issue&bodyCode=${code}`)
      .set('Authorization', `Bearer ${inspector}`);
    expect(res.status).toBe(200);
    return res.body.items as Array<{ certificatePublicIds: string[]; evidence: Record<string, unknown> }>;
  }

  const publicIdOf = async (code: string, number: string) =>
    (await t.stores.certificates.findByNumber(number, code, 1))[0]?.publicId;

  test('when a suspension is recorded late with an earlier effective date, then the certificates stored in its window are signalled, and those before it are not', async () => {
    const code = await register();
    const [before, inside, later] = [unique('AH-B-'), unique('AH-I-'), unique('AH-L-')];
    const stored = await upload(code, [
      line(before, '2025-03-31'),
      line(inside, '2025-04-15'),
      line(later, '2025-06-20'),
    ]);
    expect(stored).toMatchObject({ status: 201, body: { progress: { created: 3 } } });
    await expect(scopeSignals(code)).resolves.toEqual([]);

    const suspended = await patch(code, { approvalStatus: 'suspended', approvalStatusDate: '2025-04-01' });
    expect(suspended).toMatchObject({
      status: 200,
      body: {
        approvalStatus: 'suspended',
        approvalStatusDate: '2025-04-01',
        approvalHistory: [
          { status: 'approved', from: '2010-01-01' },
          { status: 'suspended', from: '2025-04-01' },
        ],
      },
    });
    const signalled = (await scopeSignals(code)).flatMap((s) => s.certificatePublicIds).sort();
    expect(signalled).toEqual([await publicIdOf(code, inside), await publicIdOf(code, later)].sort());

    // Reinstated from June: the approval reads differently from there, and nothing new is raised there.
    const reinstated = await patch(code, { approvalStatus: 'approved', approvalStatusDate: '2025-06-01' });
    expect(reinstated.body.approvalHistory).toHaveLength(3);
    expect(reinstated.body.approvalStatus).toBe('approved');

    // Uploads now follow the periods: a certificate of the suspension is refused, one after it stored.
    const next = await upload(code, [
      line(unique('AH-S-'), '2025-05-10'),
      line(unique('AH-A-'), '2025-07-01'),
    ]);
    expect(next).toMatchObject({ status: 201, body: { progress: { created: 1, rejected: 1 } } });
    expect(await scopeSignals(code)).toHaveLength(2);
  });

  test('when the same change is recorded again, or a change is dated before the others, then the history stays ordered and one change per day', async () => {
    const code = await register();
    await patch(code, { approvalStatus: 'suspended', approvalStatusDate: '2024-02-01' });
    const again = await patch(code, { approvalStatus: 'suspended', approvalStatusDate: '2024-02-01' });
    expect(again.status).toBe(200);
    expect(again.body.approvalHistory).toHaveLength(2);
    const earlier = await patch(code, { approvalStatus: 'withdrawn', approvalStatusDate: '2023-01-01' });
    expect(earlier.body).toMatchObject({
      // The latest change still decides the current status.
      approvalStatus: 'suspended',
      approvalStatusDate: '2024-02-01',
    });
    expect(
      (earlier.body.approvalHistory as Array<{ status: string; from: string }>).map(
        (c) => `${c.status}@${c.from}`,
      ),
    ).toEqual(['approved@2010-01-01', 'withdrawn@2023-01-01', 'suspended@2024-02-01']);
    const audit = await request(t.app)
      .get(`/api/v1/audit/entries?targetType=body&targetId=${code}`)
      .set('Authorization', `Bearer ${admin}`);
    expect(audit.status).toBe(200);
    // Two changes recorded (the repeat wrote nothing), each with its effective date and window.
    const recorded = JSON.stringify(audit.body).match(/"approvalChange"/g) ?? [];
    expect(recorded).toHaveLength(2);
  });

  test('when a body is registered with a history that disagrees with its status, then 400 and nothing is stored', async () => {
    const code = unique('AHX').slice(0, 32);
    const res = await request(t.app)
      .post('/api/v1/bodies')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        code,
        name: '矛盾历史认证有限公司',
        approvalNumber: 'CNCA-R-2010-012',
        approvalStatus: 'approved',
        approvalHistory: [
          { status: 'approved', from: '2010-01-01' },
          { status: 'suspended', from: '2024-01-01' },
        ],
      });
    expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    await expect(t.stores.bodies.findByCode(code)).resolves.toBeUndefined();
  });
});
