import request from 'supertest';
import { creditCode, seedBody, seedCertificates } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Chinese prose with the full-width punctuation the identifier normaliser would turn half-width. */
const NAME = '张三（组长）';
const UNIT = '重庆市沙坪坝区市场监督管理局（第一分局）';
const REASON = '曾任该公司顾问：2024 年（已离职），需回避';
const TITLE = '2026 年第二批双随机抽查（沙坪坝区）：重点行业';
const DESCRIPTION = '按信用等级分类抽查，比例如下：\nD 类（高风险）全部抽查；A 类抽 100%。';
const SOURCE = '中国福利彩票双色球 2026 年第 61 期开奖号码（计划公布后开奖）';
const SUMMARY = '现场核查：审核记录缺失（两份），已责令整改；\n整改期限：30 日。';

describe('draw and inspector prose keeps its full-width punctuation; identifiers are still normalised', () => {
  let t: TestApp;
  let admin: string;
  let holderCode: string;

  beforeAll(async () => {
    t = createTestApp({ env: { PUBLIC_BASE_URL: 'https://certs.example.gov.cn' } });
    admin = `Bearer ${await t.tokenFor('admin')}`;
    const body = await seedBody(t.services);
    holderCode = creditCode();
    await seedCertificates(t.services, [
      {
        bodyCode: body.code,
        holder: { name: '重庆精密机械有限公司', creditCode: holderCode, address: '重庆市' },
      },
    ]);
  }, 60_000);

  afterAll(async () => {
    await t.close();
  });

  test('when an inspector is registered with Chinese prose, then name, unit and reason are stored byte for byte, while its id and conflict code are normalised', async () => {
    const created = await request(t.app)
      .post('/api/v1/inspectors')
      .set('Authorization', admin)
      .send({
        // Full-width letters, digits and hyphen: an identifier, so half-width and upper-case.
        id: 'ｐｒ－１',
        name: `  ${NAME}  `,
        unit: UNIT,
        conflicts: [{ kind: 'holder', code: ` ${holderCode.toLowerCase()} `, reason: REASON }],
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'PR-1',
      name: NAME,
      unit: UNIT,
      conflicts: [{ kind: 'holder', code: holderCode, reason: REASON }],
    });
    for (const id of ['PR-2', 'PR-3']) {
      const res = await request(t.app)
        .post('/api/v1/inspectors')
        .set('Authorization', admin)
        .send({ id, name: `检查员${id}`, unit: UNIT });
      expect(res.status).toBe(201);
    }
    const patched = await request(t.app)
      .patch('/api/v1/inspectors/ｐｒ－２')
      .set('Authorization', admin)
      .send({ name: '李四（副组长）', unit: UNIT });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: 'PR-2', name: '李四（副组长）', unit: UNIT });
    const stored = await request(t.app).get('/api/v1/inspectors/PR-1').set('Authorization', admin);
    expect(stored.body).toMatchObject({ name: NAME, unit: UNIT, conflicts: [{ reason: REASON }] });
  });

  test('when a draw is planned, executed and its result published with Chinese prose, then the answer and the public page keep it, while the entropy value and target id are normalised', async () => {
    const created = await request(t.app)
      .post('/api/v1/draws')
      .set('Authorization', admin)
      .send({
        title: TITLE,
        description: DESCRIPTION,
        population: { kind: 'holders' },
        rates: { A: 100 },
        externalEntropySource: SOURCE,
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: TITLE,
      description: DESCRIPTION,
      externalEntropySource: SOURCE,
    });
    const { id } = created.body as { id: string };

    // The entropy is a value mixed into the draw: typed full-width, it is drawn with as half-width.
    const executed = await request(t.app)
      .post(`/api/v1/draws/${id}/execution`)
      .set('Authorization', admin)
      .send({ externalEntropy: '０３　０７＋０９' });
    expect(executed.status).toBe(200);
    expect(executed.body.execution.externalEntropy).toBe('03 07+09');
    const [target] = executed.body.execution.targets as { id: string }[];
    expect(target?.id).toBe(holderCode);

    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const result = await request(t.app)
      .post(`/api/v1/draws/${id}/results`)
      .set('Authorization', admin)
      .send({
        targetId: ` ${holderCode.toLowerCase()} `,
        outcome: 'rectification_ordered',
        summary: SUMMARY,
        inspectedOn: today,
      });
    expect(result.status).toBe(201);
    expect(JSON.stringify(result.body)).toContain(JSON.stringify(SUMMARY));
    expect(JSON.stringify(result.body)).toContain(`"targetId":"${holderCode}"`);

    const published = await request(t.app).get(`/api/v1/draws/${id}`);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      title: TITLE,
      description: DESCRIPTION,
      externalEntropySource: SOURCE,
    });
    const snapshotNames = (published.body.snapshot.inspectors as { name: string; unit: string }[]).map(
      (i) => `${i.name}|${i.unit}`,
    );
    expect(snapshotNames).toContain(`${NAME}|${UNIT}`);
    expect(JSON.stringify(published.body)).toContain(JSON.stringify(SUMMARY));

    const page = await request(t.app).get(`/draws/${id}?lang=zh`);
    expect(page.status).toBe(200);
    for (const prose of [TITLE, SOURCE, ...DESCRIPTION.split('\n'), ...SUMMARY.split('\n')])
      expect(page.text).toContain(prose);
    expect(page.text).toContain('03 07+09');
    // The drawn inspectors (PR-1 is recused from the one target): name and unit as typed.
    expect(page.text).toContain(`李四（副组长）（${UNIT}）`);
    // The reason of a conflict stays in the directory: never published.
    expect(page.text).not.toContain(REASON);
    expect(page.text).not.toMatch(/\(组长\)|\(沙坪坝区\)|\(两份\)/);
  });
});
