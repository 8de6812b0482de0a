import request from 'supertest';
import { SYSTEM_ACTOR } from '../../server/audit/audit-schema';
import type { Body } from '../../server/bodies/body-schema';
import { todayInChina } from '../../server/platform/china-time';
import { addDays, creditCode, seedBody, seedCertificates } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

const ADMIN = SYSTEM_ACTOR;

/** The `<details>` table of one chart, by the chart's id. */
function tableOf(html: string, chartId: string): string {
  const start = html.indexOf(`aria-labelledby="${chartId}-h"`);
  expect(start).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</figure>', start));
}

/** The cells of the table row whose header is `header`, as text. */
function rowOf(table: string, header: string): string[] {
  const row = new RegExp(`<tr><th scope="row">${header}</th>(.*?)</tr>`).exec(table);
  expect(row).not.toBeNull();
  return [...(row?.[1] ?? '').matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1] as string);
}

describe('GET /stats: the registry and supervision at a glance', () => {
  let t: TestApp;
  let body: Body;
  const today = todayInChina();
  const thisMonth = today.slice(0, 7);

  beforeAll(async () => {
    t = createTestApp();
    body = await seedBody(t.services, { approvedSchemes: ['QMS', 'EMS', 'CCC'] });
    const far = addDays(today, 900);
    await seedCertificates(t.services, [
      ...Array.from({ length: 3 }, () => ({
        bodyCode: body.code,
        scheme: 'QMS',
        issueDate: today,
        expiryDate: far,
      })),
      { bodyCode: body.code, scheme: 'EMS', issueDate: today, expiryDate: far },
      {
        bodyCode: body.code,
        scheme: 'EMS',
        issueDate: today,
        expiryDate: far,
        status: 'suspended',
        statusReason: '监督审核逾期',
        statusDate: today,
      },
      // Past its expiry date: expired, whatever is stored.
      { bodyCode: body.code, scheme: 'QMS', issueDate: addDays(today, -400), expiryDate: addDays(today, -1) },
      // Revoked stays revoked even past its expiry date.
      {
        bodyCode: body.code,
        scheme: 'CCC',
        issueDate: addDays(today, -500),
        expiryDate: addDays(today, -2),
        status: 'revoked',
        statusReason: '冒用认证标志',
        statusDate: addDays(today, -3),
      },
    ]);

    const tips = [];
    for (let i = 0; i < 3; i += 1) {
      tips.push(
        await t.services.tips.submit(
          { category: 'forged', description: `证书二维码扫不出结果，疑似伪造证书 ${i}。` },
          { clientAddress: '127.0.0.1' },
        ),
      );
    }
    const listed = await t.services.tips.list({ page: 1, pageSize: 10 });
    const [a, b] = listed.items;
    const opened = await t.services.cases.create({ title: '疑似伪造证书', tipIds: [a!.id] }, ADMIN);
    await t.services.cases.create({ title: '另一宗', tipIds: [b!.id] }, ADMIN);
    await t.services.cases.act(
      opened.id,
      { action: 'decide', outcome: 'dismissed', facts: '经核查证书真实有效。' },
      ADMIN,
    );

    await t.services.dishonesty.create(
      {
        subject: { kind: 'organisation', creditCode: creditCode(), name: '重庆<某>公司' },
        severity: 'serious',
        basis: '《认证认可条例》第六十二条',
        facts: '伪造认证证书。',
        startDate: today,
      },
      ADMIN,
    );
    await t.services.dishonesty.create(
      {
        subject: { kind: 'body', bodyCode: body.code, name: body.name },
        severity: 'moderate',
        basis: '《认证机构管理办法》第四十条',
        facts: '超范围认证。',
        startDate: today,
      },
      ADMIN,
    );

    // Two scans today, through the public scan API; the recorder writes them in its next batch.
    for (let i = 0; i < 2; i += 1) {
      await request(t.app).post('/api/v1/scan').send({ text: 'https://example.com/not-ours' });
    }
    await t.services.qr.flushScans();
    expect(tips).toHaveLength(3);
  }, 60_000);

  afterAll(async () => {
    await t.close();
  });

  test('when the page is asked for, then each chart and its table carry the seeded figures', async () => {
    const res = await request(t.app).get('/stats?lang=zh');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const html = res.text;
    expect(html).toContain('登记库中共有 7 张认证证书。');

    const status = tableOf(html, 'chart-status');
    expect(rowOf(status, '有效')).toEqual(['4']);
    expect(rowOf(status, '暂停')).toEqual(['1']);
    expect(rowOf(status, '撤销')).toEqual(['1']);
    expect(rowOf(status, '过期')).toEqual(['1']);
    expect(rowOf(status, '合计')).toEqual(['7']);
    expect(status).toContain('共 7 张证书，其中有效 4 张。');

    const scheme = tableOf(html, 'chart-scheme');
    expect(rowOf(scheme, '质量管理体系认证')).toEqual(['3']);
    expect(rowOf(scheme, '合计')).toEqual(['4']);

    const issued = tableOf(html, 'chart-issued');
    const monthLabel = `${thisMonth.slice(0, 4)}年${Number(thisMonth.slice(5, 7))}月`;
    // valid, suspended, revoked, withdrawn, expired, total: this month's five certificates.
    expect(rowOf(issued, monthLabel)).toEqual(['4', '1', '0', '0', '0', '5']);

    // The one approved body never reported: on time in none of its months (late or not as its
    // timeliness says today).
    const timeliness = await t.services.reporting.timeliness(body);
    expect(timeliness.onTimeMonths).toBe(0);
    const reporting = tableOf(html, 'chart-reporting');
    expect(reporting).toContain(`已批准的认证机构 1 家，其中 ${timeliness.late ? 1 : 0} 家当前逾期未报送。`);
    expect(rowOf(reporting, '每月按时')).toEqual(['0']);
    expect(rowOf(reporting, '少数月份按时')).toEqual(['1']);
    expect(rowOf(reporting, '合计')).toEqual(['1']);

    // Tips: one dismissed with its case, one taken into the open case, one new.
    expect(rowOf(tableOf(html, 'chart-tips'), monthLabel)).toEqual(['1', '1', '1', '3']);
    // Cases: open, confirmed, dismissed.
    expect(rowOf(tableOf(html, 'chart-cases'), monthLabel)).toEqual(['1', '0', '1', '2']);
    expect(rowOf(tableOf(html, 'chart-listed'), '持证组织')).toEqual(['1']);
    expect(rowOf(tableOf(html, 'chart-listed'), '认证机构')).toEqual(['1']);
    expect(rowOf(tableOf(html, 'chart-records'), monthLabel)).toEqual(['1', '1', '0', '2']);
    expect(rowOf(tableOf(html, 'chart-scans'), today)).toEqual(['2']);
    expect(rowOf(tableOf(html, 'chart-scans'), '合计')).toEqual(['2']);

    // Charts are inline SVG images with a title; no script anywhere: readable with JavaScript off.
    expect(html.match(/<svg class="chart-svg"[^>]*role="img"/g)).toHaveLength(9);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\sstyle=/i);
    // Nothing about anyone: no name of a listed party, no tip text.
    expect(html).not.toContain('重庆&lt;某&gt;公司');
    expect(html).not.toContain('疑似伪造证书');
  });

  test('when asked in English, then the page reads in English with the same numbers', async () => {
    const res = await request(t.app).get('/stats').set('Accept-Language', 'en-GB');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('The registry holds 7 certificates.');
    expect(rowOf(tableOf(res.text, 'chart-status'), 'Valid')).toEqual(['4']);
    expect(res.text).toContain('Show the numbers');
  });

  test('when more data arrives within the cache time, then the page keeps the figures computed first', async () => {
    await seedCertificates(t.services, [
      { scheme: 'QMS', issueDate: today, expiryDate: addDays(today, 900) },
    ]);
    const res = await request(t.app).get('/stats?lang=zh');
    expect(res.text).toContain('登记库中共有 7 张认证证书。');
  });

  test('when the query has anything but lang, then a 400 page, never a 500', async () => {
    const res = await request(t.app).get('/stats?x=%3Cb%3E');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('data-code="INVALID_QUERY"');
    expect(res.text).not.toContain('<b>');
  });
});
