import request from 'supertest';
import { creditCode, seedBody, seedCertificates } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

const UNIT = '重庆市沙坪坝区市场监督管理局';

interface Setup {
  t: TestApp;
  admin: string;
}

async function setup(): Promise<Setup> {
  const t = createTestApp({ env: { PUBLIC_BASE_URL: 'https://certs.example.gov.cn' } });
  const admin = `Bearer ${await t.tokenFor('admin')}`;
  for (const id of ['P-1', 'P-2', 'P-3']) {
    const res = await request(t.app)
      .post('/api/v1/inspectors')
      .set('Authorization', admin)
      .send({ id, name: `检查员${id}<b>`, unit: UNIT, conflicts: [] });
    expect(res.status).toBe(201);
  }
  const body = await seedBody(t.services);
  await seedCertificates(
    t.services,
    Array.from({ length: 3 }, (_, i) => ({
      bodyCode: body.code,
      holder: { name: `重庆"精密'机械${i}<有限>公司`, creditCode: creditCode(), address: '重庆市沙坪坝区' },
    })),
  );
  return { t, admin };
}

async function plan(s: Setup, title: string): Promise<string> {
  const res = await request(s.t.app)
    .post('/api/v1/draws')
    .set('Authorization', s.admin)
    .send({ title, description: '按信用等级分类抽查', population: { kind: 'holders' }, rates: { A: 100 } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function execute(s: Setup, id: string) {
  const res = await request(s.t.app).post(`/api/v1/draws/${id}/execution`).set('Authorization', s.admin);
  expect(res.status).toBe(200);
  return res.body as {
    execution: { seed: string; targets: { id: string; name: string; inspectorIds: string[] }[] };
    commitment: string;
    planHash: string;
  };
}

describe('GET /draws and /draws/:id: executed draws as public pages', () => {
  let s: Setup;
  let executedId: string;
  let plannedId: string;
  let drawn: Awaited<ReturnType<typeof execute>>;

  beforeAll(async () => {
    s = await setup();
    executedId = await plan(s, '2026 年第一批双随机抽查 <i>沙坪坝</i>');
    plannedId = await plan(s, '尚未抽取的计划');
    drawn = await execute(s, executedId);
    const [first] = drawn.execution.targets;
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    for (const summary of ['初次结果', '现场核查发现审核记录缺失 <img src=x>']) {
      const res = await request(s.t.app)
        .post(`/api/v1/draws/${executedId}/results`)
        .set('Authorization', s.admin)
        .send({ targetId: first?.id, outcome: 'rectification_ordered', summary, inspectedOn: today });
      expect(res.status).toBe(201);
    }
  }, 60_000);

  afterAll(async () => {
    await s.t.close();
  });

  test('when the list is asked for, then it shows executed draws only, linked, with their target counts', async () => {
    const res = await request(s.t.app).get('/draws').set('Accept-Language', 'zh-CN');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.text).toContain(`href="/draws/${executedId}"`);
    expect(res.text).not.toContain(plannedId);
    expect(res.text).toContain('共 1 次已执行的抽查。');
    expect(res.text).toContain('抽中 3 个对象');
    // The title is escaped, never markup.
    expect(res.text).toContain('2026 年第一批双随机抽查 &lt;i&gt;沙坪坝&lt;/i&gt;');
    expect(res.text).not.toContain('<i>沙坪坝');
  });

  test('when an executed draw is shown, then targets, inspectors, the latest outcome and the re-check data are there', async () => {
    const res = await request(s.t.app).get(`/draws/${executedId}?lang=zh`);
    expect(res.status).toBe(200);
    const html = res.text;
    for (const target of drawn.execution.targets) {
      expect(html).toContain(target.id);
      expect(html).toContain(
        target.name
          .replace(/"/g, '&quot;')
          .replace(/'/g, '&#39;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;'),
      );
      for (const inspector of target.inspectorIds)
        expect(html).toContain(`检查员${inspector}&lt;b&gt;（${UNIT}）`);
    }
    expect(html).toContain('责令整改');
    expect(html).toContain('现场核查发现审核记录缺失 &lt;img src=x&gt;');
    expect(html).not.toContain('初次结果');
    expect(html).toContain('此前公布的 1 个结果已被更正');
    expect(html).toContain('已公布 1 / 3 个检查结果');
    expect(html.match(/尚未公布/g)).toHaveLength(2);
    expect(html).toContain(drawn.execution.seed);
    expect(html).toContain(drawn.commitment);
    expect(html).toContain(drawn.planHash);
    expect(html).toContain(`npm run verify-draw -- ${executedId} --url https://certs.example.gov.cn`);
    expect(html).toContain(`href="/api/v1/draws/${executedId}"`);
    // Readable with JavaScript off: the whole answer is in the HTML, and the page loads no script.
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<nav class="site-nav"');
  });

  test('when the page is asked for in English, then it reads in English', async () => {
    const res = await request(s.t.app).get(`/draws/${executedId}`).set('Accept-Language', 'en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Targets drawn, their inspectors and the outcomes');
    expect(res.text).toContain('Rectification ordered');
    expect(res.text).toContain('How to re-check this draw');
    expect(res.text).toContain('Certificate holders');
  });

  test('when the draw is unknown or not executed yet, then a 404 page says so; a malformed id is a 400 page', async () => {
    const unknown = await request(s.t.app).get('/draws/DRAAAAAAAAAAAAAAAA');
    const planned = await request(s.t.app).get(`/draws/${plannedId}`);
    for (const res of [unknown, planned]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('data-code="DRAW_NOT_FOUND"');
      expect(res.text).not.toContain('尚未抽取的计划');
    }
    const malformed = await request(s.t.app).get('/draws/%3Cscript%3E');
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('data-code="INVALID_DRAW_ID"');
    expect(malformed.text).not.toContain('<script>');
    const badPage = await request(s.t.app).get('/draws?page=x');
    expect(badPage.status).toBe(400);
    expect(badPage.text).toContain('data-code="INVALID_PAGE"');
    const badQuery = await request(s.t.app).get(`/draws/${executedId}?x=1`);
    expect(badQuery.status).toBe(400);
  });
});
