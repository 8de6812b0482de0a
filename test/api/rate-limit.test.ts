import request from 'supertest';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { seedBody, seedCertificate } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

const LIMIT = 3;

describe('behind a trusted proxy', () => {
  let t: TestApp;
  let cert: Certificate;
  beforeAll(async () => {
    t = createTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: '1' } });
    const body = await seedBody(t.services);
    cert = await seedCertificate(t.services, { bodyCode: body.code });
  });
  afterAll(() => t.close());

  const from = (address: string, path: string) => request(t.app).get(path).set('X-Forwarded-For', address);

  test('when a client goes over the limit, then 429 RATE_LIMITED with Retry-After and RateLimit headers', async () => {
    const client = '203.0.113.10';
    for (let i = 0; i < LIMIT; i += 1) {
      const ok = await from(client, `/api/v1/certificates/${cert.publicId}`);
      expect(ok).toMatchObject({ status: 200, body: { publicId: cert.publicId } });
      expect(ok.headers.ratelimit).toMatch(new RegExp(`remaining=${LIMIT - 1 - i}\\b`));
    }

    const res = await from(client, `/api/v1/certificates/${cert.publicId}`);

    expect(res).toMatchObject({
      status: 429,
      headers: {
        'content-type': expect.stringMatching(/^application\/problem\+json/),
        'retry-after': expect.stringMatching(/^\d+$/),
        ratelimit: expect.stringMatching(/remaining=0\b/),
        'ratelimit-policy': expect.stringMatching(new RegExp(`^${LIMIT};w=60`)),
      },
      body: {
        type: 'urn:certwatch:problem:RATE_LIMITED',
        status: 429,
        code: 'RATE_LIMITED',
        title: expect.any(String),
        detail: expect.any(String),
      },
    });
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(JSON.stringify(res.body)).not.toContain(cert.holder.name);
  });

  test('when a client is limited, then every public API route refuses it: one budget per client', async () => {
    const client = '203.0.113.20';
    for (let i = 0; i < LIMIT; i += 1) await from(client, '/api/v1/search?q=%E7%B2%BE%E5%AF%86').expect(200);
    for (const path of [
      '/api/v1/search?q=%E7%B2%BE%E5%AF%86',
      `/api/v1/certificates?number=${cert.number}`,
      `/api/v1/certificates/${cert.publicId}`,
      '/api/v1/openapi.json',
      '/api/v1/no-such-route',
    ]) {
      const res = await from(client, path);
      expect(res).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    }
  });

  test('when a client of the pages is limited, then it gets a 429 page in its language, not JSON', async () => {
    const client = '203.0.113.30';
    for (let i = 0; i < LIMIT; i += 1) await from(client, `/v/${cert.publicId}`).expect(200);

    const zh = await from(client, `/v/${cert.publicId}`);
    const en = await from(client, `/v/${cert.publicId}?lang=en`);

    expect(zh.status).toBe(429);
    expect(zh.headers['content-type']).toMatch(/^text\/html/);
    expect(zh.headers['retry-after']).toMatch(/^\d+$/);
    expect(zh.text).toContain('<html lang="zh-CN"');
    // How long to wait, in words, and not in the red of a "not valid" verdict.
    expect(zh.text).toContain('查询过于频繁');
    expect(zh.text).toContain(`请在 ${zh.headers['retry-after']} 秒后再试。`);
    expect(zh.text).toContain('banner banner-notice');
    expect(zh.text).not.toMatch(/banner-(error|revoked|expired|notfound)/);
    expect(en.text).toContain('Too many requests');
    expect(en).toMatchObject({
      status: 429,
      headers: { 'content-type': expect.stringMatching(/^text\/html/) },
    });
    expect(en.text).toContain('<html lang="en"');
  });

  test('when one client is limited, then a client at another address is not', async () => {
    const noisy = '198.51.100.7';
    for (let i = 0; i < LIMIT; i += 1) await from(noisy, `/api/v1/certificates/${cert.publicId}`).expect(200);
    await from(noisy, `/api/v1/certificates/${cert.publicId}`).expect(429);

    const other = await from('198.51.100.8', `/api/v1/certificates/${cert.publicId}`);

    expect(other).toMatchObject({ status: 200, body: { publicId: cert.publicId } });
  });

  test('when a client is limited, then /healthz, /readyz and /metrics still answer it', async () => {
    const client = '192.0.2.44';
    for (let i = 0; i <= LIMIT; i += 1) await from(client, '/api/v1/openapi.json');
    await from(client, '/api/v1/openapi.json').expect(429);

    for (let i = 0; i < LIMIT + 2; i += 1) {
      expect(await from(client, '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    }
    expect(await from(client, '/readyz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await from(client, '/metrics')).status).toBe(200);
  });

  test('when requests are refused, then /metrics counts them as 429 without a client address in any label', async () => {
    const metrics = await request(t.app).get('/metrics');
    expect(metrics.text).toMatch(/^http_requests_total\{[^}]*status="429"[^}]*\} [1-9]/m);
    expect(metrics.text).not.toMatch(/203\.0\.113|198\.51\.100|192\.0\.2/);
  });
});

describe('without a trusted proxy', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: 'false' } });
  });
  afterAll(() => t.close());

  test('when a client forges X-Forwarded-For, then it is still counted by its own address', async () => {
    // express-rate-limit warns once on console about the header (a hint for operators); keep test output clean.
    const warn = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    for (let i = 0; i < LIMIT; i += 1) {
      await request(t.app)
        .get('/api/v1/openapi.json')
        .set('X-Forwarded-For', `203.0.113.${i + 1}`)
        .expect(200);
    }
    const res = await request(t.app).get('/api/v1/openapi.json').set('X-Forwarded-For', '203.0.113.99');
    warn.mockRestore();
    expect(res).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
  });
});
