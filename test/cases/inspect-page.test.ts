import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(() => {
  t = createTestApp();
});
afterAll(() => t.close());

/** The directives of the Content-Security-Policy header, by name. */
function csp(res: request.Response): Map<string, string[]> {
  return new Map(
    String(res.headers['content-security-policy'])
      .split(';')
      .map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
  );
}

describe('GET /inspect', () => {
  test('when the console is opened, then a Chinese shell loads the console bundle under the strict CSP, with a noscript message', async () => {
    const res = await request(t.app).get('/inspect');
    expect(res).toMatchObject({ status: 200, type: 'text/html' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.vary).toMatch(/Accept-Language/i);
    const policy = csp(res);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('<title>检查人员工作台 · 认证证书查验</title>');
    expect(res.text).toContain('<meta name="robots" content="noindex">');
    expect(res.text).toContain('<script src="/assets/inspect.js" defer></script>');
    // Only the console's bundle: the public scanner has no business here.
    expect(res.text).not.toContain('/assets/app.js');
    expect(res.text).toMatch(/<noscript><p class="warning">检查人员工作台需要启用 JavaScript。/);
    expect(res.text).toContain('data-slot="inspect-console"');
    // No inline script or style for the CSP to refuse.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  test.each([
    ['?lang=en', {}],
    ['', { 'Accept-Language': 'en-GB,en;q=0.9' }],
  ])('when English is asked for (%s), then the shell is English', async (query, headers) => {
    const res = await request(t.app).get(`/inspect${query}`).set(headers);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('<h1>Inspector console</h1>');
    expect(res.text).toContain('The inspector console needs JavaScript.');
    // The switch leads back to Chinese on the same page.
    expect(res.text).toMatch(/<a class="lang-switch" href="\/inspect\?lang=zh"/);
  });

  test('when the console bundle is fetched, then it is served as JavaScript from /assets', async () => {
    const res = await request(t.app).get('/assets/inspect.js');
    expect(res).toMatchObject({ status: 200 });
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.text.length).toBeGreaterThan(1000);
    // The token is kept in sessionStorage only, under the console's key.
    expect(res.text).toContain('certwatch.inspect.token');
    expect(res.text).not.toMatch(/localStorage|document\.cookie/);
  });

  test('when the page is asked for with a token, then it is the same shell: the page holds no data', async () => {
    const token = await t.tokenFor('inspector');
    const anonymous = await request(t.app).get('/inspect');
    const withToken = await request(t.app).get('/inspect').set('Authorization', `Bearer ${token}`);
    expect(withToken.status).toBe(200);
    expect(withToken.text).toBe(anonymous.text);
  });
});
