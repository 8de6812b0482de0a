import request from 'supertest';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { creditCode, metricValue, seedBody, seedCertificate } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let known: Certificate;
beforeAll(async () => {
  t = createTestApp();
  const body = await seedBody(t.services);
  known = await seedCertificate(t.services, {
    number: 'KNOWN-0001',
    bodyCode: body.code,
    holder: { name: '重庆嘉陵江船舶配件有限公司', creditCode: creditCode() },
  });
});
afterAll(() => t.close());

const PROBLEM = /^application\/problem\+json/;

describe('security headers', () => {
  /** The directives of a Content-Security-Policy header, by name. */
  const cspOf = (res: { headers: Record<string, unknown> }) =>
    new Map(
      String(res.headers['content-security-policy'])
        .split(';')
        .map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values] as const;
        }),
    );
  const common = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': expect.stringContaining('max-age='),
    'cross-origin-opener-policy': 'same-origin',
  };

  test.each([
    ['an API answer', '/api/v1/search?q=%E5%98%89%E9%99%B5'],
    ['an API problem', '/api/v1/certificates/AAAAAAAAAAAAAAAAAAAAAA'],
    ['an API answer of the hot lookup', '/api/v1/certificates/not-an-id'],
  ])(
    'when %s is served, then the API policy comes with it: nothing may load or frame it',
    async (_what, path) => {
      const res = await request(t.app).get(path);
      expect(res.status).toBeLessThan(500);
      expect(res.headers).toMatchObject({ ...common, 'x-frame-options': 'DENY' });
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect([...cspOf(res)]).toEqual([
        ['default-src', ["'none'"]],
        ['frame-ancestors', ["'none'"]],
      ]);
    },
  );

  test.each([
    ['the docs page', '/api/docs'],
    ['the home page', '/'],
    ['the health check', '/healthz'],
  ])('when %s is served, then helmet headers and the strict page CSP come with it', async (_what, path) => {
    const res = await request(t.app).get(path);
    expect(res.status).toBeLessThan(500);
    expect(res.headers).toMatchObject({ ...common, 'x-frame-options': 'SAMEORIGIN' });
    expect(res.headers['x-powered-by']).toBeUndefined();
    const directives = cspOf(res);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});

describe('errors', () => {
  test.each([
    [
      'a certificate not found',
      () => request(t.app).get('/api/v1/certificates/AAAAAAAAAAAAAAAAAAAAAA'),
      404,
      'CERTIFICATE_NOT_FOUND',
    ],
    ['a bad parameter', () => request(t.app).get('/api/v1/search?q=a'), 400, 'QUERY_TOO_SHORT'],
    ['an unknown API route', () => request(t.app).get('/api/v1/nope/123'), 404, 'ROUTE_NOT_FOUND'],
    ['an unknown API version', () => request(t.app).get('/api/v2/certificates'), 404, 'ROUTE_NOT_FOUND'],
    ['a bare /api path', () => request(t.app).get('/api/'), 404, 'ROUTE_NOT_FOUND'],
    [
      'malformed JSON',
      () => request(t.app).post('/api/v1/certificates').set('Content-Type', 'application/json').send('{"a":'),
      400,
      'MALFORMED_JSON',
    ],
  ] as const)(
    'when the answer is %s, then an application/problem+json document with a stable code',
    async (_what, send, status, code) => {
      const res = await send();
      expect(res).toMatchObject({
        status,
        headers: { 'content-type': expect.stringMatching(PROBLEM) },
        body: {
          type: `urn:certwatch:problem:${code}`,
          title: expect.any(String),
          status,
          code,
          detail: expect.any(String),
        },
      });
      expect(res.text).not.toMatch(/at .+\.ts:\d+|node_modules|SQLITE|stack/i);
    },
  );

  test('when an unknown API route is asked for, then the problem names it without the query', async () => {
    const res = await request(t.app).get('/api/v1/unknown?secret=1').set('Accept-Language', 'en');
    expect(res).toMatchObject({
      status: 404,
      body: { code: 'ROUTE_NOT_FOUND', detail: 'No API route GET /api/v1/unknown.' },
    });
  });

  test('when a GET route is posted to, then a 404 ROUTE_NOT_FOUND problem', async () => {
    for (const path of ['/api/v1/certificates', `/api/v1/certificates/${known.publicId}`, '/api/v1/search']) {
      const res = await request(t.app)
        .post(path)
        .send({ number: { $gt: '' } });
      expect(res).toMatchObject({ status: 404, body: { code: 'ROUTE_NOT_FOUND' } });
    }
  });

  test('when a request body is over 100 kB, then 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(t.app)
      .post('/api/v1/search')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ q: 'x'.repeat(200 * 1024) }));
    expect(res).toMatchObject({
      status: 413,
      headers: { 'content-type': expect.stringMatching(PROBLEM) },
      body: { code: 'PAYLOAD_TOO_LARGE' },
    });
  });

  test('when a JSON body has an unsupported charset, then 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await request(t.app)
      .post('/api/v1/search')
      .set('Content-Type', 'application/json; charset=latin1')
      .send('{}');
    expect(res).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });
});

describe('health and readiness', () => {
  test('when /healthz is asked, then 200 ok', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  test('when /readyz is asked with store and cache up, then 200 with both checks ok', async () => {
    const res = await request(t.app).get('/readyz');
    expect(res).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        checks: { store: { status: 'ok', backend: 'sqlite' }, cache: { status: 'ok', backend: 'memory' } },
      },
    });
  });
});

describe('metrics', () => {
  test('when lookups are served, then http_requests_total counts them by route pattern, never by raw id', async () => {
    const missing = 'ZZZZZZZZZZZZZZZZZZZZZZ';
    await request(t.app).get(`/api/v1/certificates/${known.publicId}`).expect(200);
    await request(t.app).get(`/api/v1/certificates/${missing}`).expect(404);
    await request(t.app).get('/api/v1/certificates/not-an-id').expect(400);
    await request(t.app).get('/api/v1/certificates?number=KNOWN-0001').expect(200);
    await request(t.app).get('/api/v1/no-such-route/RAWSEGMENT123').expect(404);

    const res = await request(t.app).get('/metrics');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const route = '/api/v1/certificates/:publicId';
    expect(metricValue(res.text, 'http_requests_total', { route, status: '200' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(res.text, 'http_requests_total', { route, status: '404' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(res.text, 'http_requests_total', { route, status: '400' })).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(res.text, 'http_requests_total', { route: '/api/v1/certificates', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(metricValue(res.text, 'http_request_duration_seconds_count', { route })).toBeGreaterThanOrEqual(3);
    for (const raw of [known.publicId, missing, 'not-an-id', 'KNOWN-0001', 'RAWSEGMENT123']) {
      expect(res.text).not.toContain(raw);
    }
    const routes = [...res.text.matchAll(/^http_requests_total\{.*route="([^"]*)"/gm)].map((m) => m[1]);
    for (const r of routes) expect(r).toMatch(/^(unmatched|\/[\w/:.-]*)$/);
  });

  test('when a certificate is looked up twice, then cache_lookups_total shows a miss then a hit', async () => {
    const before = await request(t.app).get('/metrics');
    const cert = await seedCertificate(t.services, { bodyCode: known.bodyCode });
    await request(t.app).get(`/api/v1/certificates/${cert.publicId}`).expect(200);
    await request(t.app).get(`/api/v1/certificates/${cert.publicId}`).expect(200);
    const after = await request(t.app).get('/metrics');
    const labels = (result: string) => ({ kind: 'publicId', result });
    expect(metricValue(after.text, 'cache_lookups_total', labels('miss'))).toBe(
      metricValue(before.text, 'cache_lookups_total', labels('miss')) + 1,
    );
    expect(metricValue(after.text, 'cache_lookups_total', labels('hit'))).toBe(
      metricValue(before.text, 'cache_lookups_total', labels('hit')) + 1,
    );
  });
});

/** A layer of an Express 5 router stack; `rawPath` is where `use()` mounted it (router 2 internals). */
interface RouterLayer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
}

/** Every "METHOD /path" the router serves, with mount paths prefixed and params as OpenAPI templates. */
function servedRoutes(stack: RouterLayer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = `${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${path}`);
    }
    if (layer.handle.stack) {
      const mount = !layer.rawPath || layer.rawPath === '/' ? '' : layer.rawPath;
      return servedRoutes(layer.handle.stack, `${prefix}${mount}`);
    }
    return [];
  });
}

describe('API description', () => {
  test('when /api/v1/openapi.json is fetched, then it is OpenAPI 3.1 and lists exactly the routes served under /api/v1', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    expect(res).toMatchObject({
      status: 200,
      body: { openapi: expect.stringMatching(/^3\.1\./), info: { title: 'CertWatch' } },
    });
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((op) => op.split(' ')[1]!.startsWith('/api/v1/'));
    const router = (t.app as unknown as { router: { stack: RouterLayer[] } }).router;
    const served = servedRoutes(router.stack).filter((op) => op.split(' ')[1]!.startsWith('/api/v1/'));

    expect(served).toEqual(
      expect.arrayContaining([
        'GET /api/v1/certificates/{publicId}',
        'GET /api/v1/certificates',
        'GET /api/v1/search',
      ]),
    );
    expect([...new Set(documented)].sort()).toEqual([...new Set(served)].sort());
  });

  test('when the description is read, then each public operation documents its parameters and problems', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    const paths = res.body.paths;
    expect(paths['/api/v1/certificates/{publicId}'].get).toMatchObject({
      parameters: [{ name: 'publicId', in: 'path', required: true }],
      responses: { 200: expect.any(Object), 400: expect.any(Object), 404: expect.any(Object) },
    });
    expect(paths['/api/v1/search'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'body',
      'page',
      'pageSize',
      'q',
      'scheme',
      'status',
    ]);
    expect(res.body.components.schemas.Problem.properties.code.enum).toEqual(
      expect.arrayContaining(['CERTIFICATE_NOT_FOUND', 'RATE_LIMITED', 'INVALID_QUERY']),
    );
  });

  test('when /api/docs is opened, then an HTML page lists every operation, with no inline script', async () => {
    const doc = await request(t.app).get('/api/v1/openapi.json');
    const res = await request(t.app).get('/api/docs');
    expect(res).toMatchObject({
      status: 200,
      headers: { 'content-type': expect.stringMatching(/^text\/html/) },
    });
    for (const path of Object.keys(doc.body.paths)) expect(res.text).toContain(path);
    expect(res.text).toContain('/api/v1/openapi.json');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)|\son\w+=|style="/i);
  });
});

/** One bad request and the answer it must get. */
type BadCase = [what: string, path: string, status: number, code: string];

const TEN_KB = 'x'.repeat(10 * 1024);

const BAD_PUBLIC_ID: BadCase[] = [
  [
    'empty id (the number route without a number)',
    '/api/v1/certificates/',
    400,
    'INVALID_CERTIFICATE_NUMBER',
  ],
  ['10 kB id', `/api/v1/certificates/${TEN_KB}`, 400, 'INVALID_PUBLIC_ID'],
  ['control character', '/api/v1/certificates/AAAAAAAAAAAAAAAAAAAAA%01', 400, 'INVALID_PUBLIC_ID'],
  ['%00', '/api/v1/certificates/AAAAAAAAAAAAAAAAAAAAA%00', 400, 'INVALID_PUBLIC_ID'],
  ['malformed percent-encoding', '/api/v1/certificates/%E0%A4%A', 400, 'MALFORMED_URL'],
  ['a lone %', '/api/v1/certificates/%', 400, 'MALFORMED_URL'],
  [
    'full-width',
    `/api/v1/certificates/${encodeURIComponent('ＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡＡ')}`,
    400,
    'INVALID_PUBLIC_ID',
  ],
  ['SQL', `/api/v1/certificates/${encodeURIComponent("' OR 1=1 --")}`, 400, 'INVALID_PUBLIC_ID'],
  [
    'SQL drop',
    `/api/v1/certificates/${encodeURIComponent('"; DROP TABLE certificates; --')}`,
    400,
    'INVALID_PUBLIC_ID',
  ],
  ['path traversal', '/api/v1/certificates/..%2F..%2Fetc%2Fpasswd', 400, 'INVALID_PUBLIC_ID'],
  // Not `lang`: every API route takes `lang=zh|en`, the language of its error answer.
  [
    'an unknown query parameter',
    '/api/v1/certificates/AAAAAAAAAAAAAAAAAAAAAA?verbose=1',
    400,
    'INVALID_QUERY',
  ],
  [
    'an operator object in the query',
    '/api/v1/certificates/AAAAAAAAAAAAAAAAAAAAAA?id[$ne]=x',
    400,
    'INVALID_QUERY',
  ],
];

const BAD_NUMBER: BadCase[] = [
  ['no number', '/api/v1/certificates', 400, 'INVALID_CERTIFICATE_NUMBER'],
  ['empty number', '/api/v1/certificates?number=', 400, 'INVALID_CERTIFICATE_NUMBER'],
  ['blank number', '/api/v1/certificates?number=%20%E3%80%80', 400, 'INVALID_CERTIFICATE_NUMBER'],
  ['10 kB number', `/api/v1/certificates?number=${TEN_KB}`, 400, 'INVALID_CERTIFICATE_NUMBER'],
  ['control character', '/api/v1/certificates?number=AB%07CD', 400, 'INVALID_CHARACTERS'],
  ['%00', '/api/v1/certificates?number=AB%00', 400, 'INVALID_CHARACTERS'],
  ['zero-width space', '/api/v1/certificates?number=AB%E2%80%8BCD', 400, 'INVALID_CHARACTERS'],
  ['malformed percent-encoding', '/api/v1/certificates?number=%E0%A4%A', 400, 'INVALID_CERTIFICATE_NUMBER'],
  [
    'Chinese characters',
    `/api/v1/certificates?number=${encodeURIComponent('证书一号')}`,
    400,
    'INVALID_CERTIFICATE_NUMBER',
  ],
  ['number[$gt]=', '/api/v1/certificates?number[$gt]=', 400, 'INVALID_QUERY'],
  ['number[$ne]=x', '/api/v1/certificates?number%5B%24ne%5D=x', 400, 'INVALID_QUERY'],
  ['number[]=a&number[]=b', '/api/v1/certificates?number[]=a&number[]=b', 400, 'INVALID_QUERY'],
  ['a repeated number', '/api/v1/certificates?number=A1&number=B2', 400, 'INVALID_QUERY'],
  ['__proto__', '/api/v1/certificates?number=A1&__proto__[admin]=1', 400, 'INVALID_QUERY'],
  [
    'SQL',
    `/api/v1/certificates?number=${encodeURIComponent("' OR 1=1 --")}`,
    400,
    'INVALID_CERTIFICATE_NUMBER',
  ],
  [
    'SQL drop',
    `/api/v1/certificates?number=${encodeURIComponent('"; DROP TABLE certificates; --')}`,
    400,
    'INVALID_CERTIFICATE_NUMBER',
  ],
  ['an unknown parameter', '/api/v1/certificates?number=A1&status=valid', 400, 'INVALID_QUERY'],
  ['empty body', '/api/v1/certificates?number=A1&body=', 400, 'INVALID_BODY_CODE'],
  ['10 kB body', `/api/v1/certificates?number=A1&body=${TEN_KB}`, 400, 'INVALID_BODY_CODE'],
  [
    'SQL body',
    `/api/v1/certificates?number=A1&body=${encodeURIComponent("CQC' OR '1'='1")}`,
    400,
    'INVALID_BODY_CODE',
  ],
  ['control character in body', '/api/v1/certificates?number=A1&body=CQC%0A', 400, 'INVALID_CHARACTERS'],
  ['body[$ne]=', '/api/v1/certificates?number=A1&body[$ne]=', 400, 'INVALID_QUERY'],
  ['a repeated body', '/api/v1/certificates?number=A1&body=CQC&body=X1', 400, 'INVALID_QUERY'],
];

const BAD_SEARCH: BadCase[] = [
  ['empty q', '/api/v1/search?q=', 400, 'QUERY_TOO_SHORT'],
  ['10 kB q', `/api/v1/search?q=${TEN_KB}`, 400, 'QUERY_TOO_LONG'],
  ['control character', '/api/v1/search?q=%E5%98%89%1B%E9%99%B5', 400, 'INVALID_CHARACTERS'],
  ['%00', '/api/v1/search?q=%E5%98%89%00%E9%99%B5', 400, 'INVALID_CHARACTERS'],
  ['a line break', '/api/v1/search?q=abc%0D%0A', 400, 'INVALID_CHARACTERS'],
  ['a C1 control', '/api/v1/search?q=%C2%85abc', 400, 'INVALID_CHARACTERS'],
  ['a bidi override', '/api/v1/search?q=abc%E2%80%AE', 400, 'INVALID_CHARACTERS'],
  ['malformed percent-encoding', '/api/v1/search?q=%E0%A4%A', 400, 'QUERY_TOO_SHORT'],
  ['q[$gt]=', '/api/v1/search?q[$gt]=', 400, 'INVALID_QUERY'],
  ['q[$regex]=.*', '/api/v1/search?q[$regex]=.*', 400, 'INVALID_QUERY'],
  ['q[]=a&q[]=b', '/api/v1/search?q[]=ab&q[]=cd', 400, 'INVALID_QUERY'],
  ['a repeated q', '/api/v1/search?q=ab&q=cd', 400, 'INVALID_QUERY'],
  ['a repeated page', '/api/v1/search?q=ab&page=1&page=2', 400, 'INVALID_QUERY'],
  ['page[$gt]=', '/api/v1/search?q=ab&page[$gt]=0', 400, 'INVALID_QUERY'],
  ['an unknown parameter', '/api/v1/search?q=ab&sort=name', 400, 'INVALID_QUERY'],
  ['a lone quote', '/api/v1/search?q=%22', 400, 'QUERY_TOO_SHORT'],
  ['a lone star', '/api/v1/search?q=*', 400, 'QUERY_TOO_SHORT'],
  ['a lone caret', '/api/v1/search?q=%5E', 400, 'QUERY_TOO_SHORT'],
  ['FTS column filter', '/api/v1/search?q=grams%3A', 200, ''],
  [
    'a credit code with a bad check character',
    '/api/v1/search?q=91500106MA5U7W2X40',
    400,
    'INVALID_CREDIT_CODE',
  ],
  ['a credit code with an I', '/api/v1/search?q=91500106MA5U7W2XI4', 400, 'INVALID_CREDIT_CODE'],
  [
    'a page of SQL',
    `/api/v1/search?q=ab&page=${encodeURIComponent('1; DROP TABLE certificates')}`,
    400,
    'INVALID_PAGE',
  ],
];

/**
 * Free text that carries SQL or FTS5 syntax. Company names may hold such letters ("AND" is in
 * "Sandvik"), so search treats them as literal text (punctuation folded away), never as syntax.
 */
const LITERAL_SEARCHES: [q: string, total: number][] = [
  ["' OR 1=1 --", 0],
  ['"; DROP TABLE certificates; --', 0],
  ['嘉陵" OR "a', 0],
  ['嘉陵 OR 船舶', 0],
  ['嘉陵 AND 江', 0],
  ['NEAR(嘉陵 江)', 0],
  ['ＮＥＡＲ（嘉陵', 0],
  ['{grams}: 嘉陵', 0],
  ['嘉陵 NOT 船舶', 0],
  // Punctuation is folded away: these are the name fragment "嘉陵" and find the one stored name.
  ['嘉陵*', 1],
  ['^嘉陵', 1],
  ['"嘉陵"', 1],
];

describe('bad input on every route', () => {
  let countBefore: number;
  beforeAll(async () => {
    countBefore = await t.stores.certificates.count();
  });

  test.each([...BAD_PUBLIC_ID, ...BAD_NUMBER, ...BAD_SEARCH])(
    'when the input is %s (%s), then %i %s',
    async (_what, path, status, code) => {
      const res = await request(t.app).get(path);
      if (status === 200) {
        expect(res).toMatchObject({ status: 200, body: { items: [] } });
      } else {
        expect(res).toMatchObject({
          status,
          headers: { 'content-type': expect.stringMatching(PROBLEM) },
          body: { status, code },
        });
      }
    },
  );

  test.each(LITERAL_SEARCHES)(
    'when the search text is %j, then it is searched as literal text (%i found)',
    async (q, total) => {
      const res = await request(t.app).get('/api/v1/search').query({ q });
      // Taken as syntax, OR/AND/NEAR/NOT would find the stored 嘉陵江 name, and SQL would fail or list all.
      expect(res).toMatchObject({ status: 200, body: { total } });
      expect(res.body.items).toHaveLength(total);
    },
  );

  test('when a JSON body with operator objects is sent with a GET, then the query alone decides', async () => {
    const res = await request(t.app)
      .get('/api/v1/certificates?number=KNOWN-0001')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ number: { $gt: '' }, body: { $ne: null } }));
    expect(res).toMatchObject({ status: 200, body: { items: [{ publicId: known.publicId }] } });
  });

  test('when a malformed JSON body is sent to an API route, then 400 MALFORMED_JSON', async () => {
    const res = await request(t.app)
      .post('/api/v1/search')
      .set('Content-Type', 'application/json')
      .send('{"q": {"$gt": ""');
    expect(res).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
  });

  test('when the barrage is over, then the stored data is intact and a known certificate still answers', async () => {
    expect(await t.stores.certificates.count()).toBe(countBefore);
    const byId = await request(t.app).get(`/api/v1/certificates/${known.publicId}`);
    expect(byId).toMatchObject({ status: 200, body: { number: 'KNOWN-0001', status: 'valid' } });
    const byName = await request(t.app).get('/api/v1/search').query({ q: '嘉陵江' });
    expect(byName).toMatchObject({ status: 200, body: { total: 1, items: [{ publicId: known.publicId }] } });
    const health = await request(t.app).get('/readyz');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
