import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { SYSTEM_ACTOR } from '../../server/audit/audit-schema';
import type { Body } from '../../server/bodies/body-schema';
import { createTokenService, hashSecret } from '../../server/bodies/token-service';
import { TSX_ARGS } from '../helpers/cli';
import { seedBody } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let body: Body;
let other: Body;
let admin: string;
beforeAll(async () => {
  t = createTestApp();
  body = await seedBody(t.services);
  other = await seedBody(t.services);
  admin = await t.tokenFor('admin');
});
afterAll(() => t.close());

const bearer = (secret: string) => `Bearer ${secret}`;
const TOKEN_FORMAT = /^cw\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/;

function issue(payload: unknown, as = admin) {
  return request(t.app)
    .post('/api/v1/tokens')
    .set('Authorization', bearer(as))
    .send(payload as object);
}

describe('issuing tokens', () => {
  test('when an admin issues a body token, then 201 with the secret once and a view without any hash', async () => {
    const res = await issue({ role: 'body', bodyCode: body.code, label: '上报接口', expiresInDays: 30 });

    expect(res).toMatchObject({
      status: 201,
      body: {
        secret: expect.stringMatching(TOKEN_FORMAT),
        token: { role: 'body', bodyCode: body.code, label: '上报接口', createdBy: expect.any(String) },
      },
    });
    const { token, secret } = res.body as { token: Record<string, string>; secret: string };
    expect(secret.split('.')[1]).toBe(token.id);
    expect(token).not.toHaveProperty('secretHash');
    expect(JSON.stringify(res.body)).not.toContain(hashSecret(secret.split('.')[2] as string));
    const days = (Date.parse(token.expiresAt as string) - Date.parse(token.createdAt as string)) / 86_400_000;
    expect(days).toBe(30);

    // The new token works at once, as its body.
    const mine = await request(t.app).get('/api/v1/tokens').set('Authorization', bearer(secret));
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((i: { id: string }) => i.id)).toContain(token.id);
  });

  test('when a token is issued, then the audit log records who issued what, without the secret or its hash', async () => {
    const res = await issue({ role: 'inspector', label: '稽查一组' });
    expect(res.status).toBe(201);
    const { token, secret } = res.body as { token: { id: string }; secret: string };
    const entries = await t.stores.audit.forTarget('token', token.id, 10);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'token.issue',
      actor: { type: 'token', role: 'admin' },
      target: { type: 'token', id: token.id },
      change: { id: token.id, role: 'inspector', label: '稽查一组' },
    });
    const text = JSON.stringify(entries);
    expect(text).not.toContain(secret.split('.')[2]);
    expect(text).not.toContain(hashSecret(secret.split('.')[2] as string));
  });

  test('when no expiry is given, then the token lives 365 days', async () => {
    const res = await issue({ role: 'partner', label: '采购中心' });
    expect(res.status).toBe(201);
    const { createdAt, expiresAt } = res.body.token as { createdAt: string; expiresAt: string };
    expect((Date.parse(expiresAt) - Date.parse(createdAt)) / 86_400_000).toBe(365);
  });

  test('when two tokens are issued, then their ids and secrets differ', async () => {
    const a = await issue({ role: 'admin', label: 'a' });
    const b = await issue({ role: 'admin', label: 'b' });
    expect(a.body.token.id).not.toBe(b.body.token.id);
    expect(a.body.secret).not.toBe(b.body.secret);
  });

  test.each([
    [
      'a body token for an unknown body',
      { role: 'body', bodyCode: 'NO-SUCH-BODY', label: 'x' },
      404,
      'BODY_NOT_FOUND',
    ],
    ['a body token without a body', { role: 'body', label: 'x' }, 400, 'VALIDATION_FAILED'],
    [
      'an admin token bound to a body',
      { role: 'admin', bodyCode: 'CQC', label: 'x' },
      400,
      'VALIDATION_FAILED',
    ],
    ['an unknown role', { role: 'root', label: 'x' }, 400, 'VALIDATION_FAILED'],
    ['no label', { role: 'admin' }, 400, 'VALIDATION_FAILED'],
    ['a blank label', { role: 'admin', label: '   ' }, 400, 'VALIDATION_FAILED'],
    ['a 10 kB label', { role: 'admin', label: 'x'.repeat(10_000) }, 400, 'VALIDATION_FAILED'],
    ['zero days', { role: 'admin', label: 'x', expiresInDays: 0 }, 400, 'VALIDATION_FAILED'],
    ['three years', { role: 'admin', label: 'x', expiresInDays: 1095 }, 400, 'VALIDATION_FAILED'],
    ['days as text', { role: 'admin', label: 'x', expiresInDays: '30' }, 400, 'VALIDATION_FAILED'],
    ['a fractional day', { role: 'admin', label: 'x', expiresInDays: 1.5 }, 400, 'VALIDATION_FAILED'],
    ['a lower-case body code', { role: 'body', bodyCode: 'cqc', label: 'x' }, 400, 'VALIDATION_FAILED'],
    ['a body code operator', { role: 'body', bodyCode: { $ne: '' }, label: 'x' }, 400, 'VALIDATION_FAILED'],
    ['an unknown field', { role: 'admin', label: 'x', secretHash: 'f'.repeat(64) }, 400, 'VALIDATION_FAILED'],
    ['an array', [{ role: 'admin', label: 'x' }], 400, 'VALIDATION_FAILED'],
  ] as const)(
    'when the request asks for %s, then a 4xx with its stable code and nothing is issued',
    async (_what, payload, status, code) => {
      const before = await t.stores.tokens.count();
      const res = await issue(payload);
      expect(res).toMatchObject({ status, body: { code } });
      expect(await t.stores.tokens.count()).toBe(before);
    },
  );

  test('when the body is not JSON, then 400 and nothing is issued', async () => {
    const before = await t.stores.tokens.count();
    const res = await request(t.app)
      .post('/api/v1/tokens')
      .set('Authorization', bearer(admin))
      .set('Content-Type', 'application/json')
      .send('{"role":');
    expect(res).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
    const none = await request(t.app).post('/api/v1/tokens').set('Authorization', bearer(admin));
    expect(none).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await t.stores.tokens.count()).toBe(before);
  });
});

describe('verifying tokens', () => {
  test('when a request carries an expired token, then 401 with the same message as any bad token', async () => {
    // Issued a year ago for one day, through the real issue path with a clock in the past.
    const past = createTokenService({
      tokens: t.stores.tokens,
      bodies: t.services.bodies,
      audit: t.services.audit,
      now: () => new Date(Date.now() - 365 * 86_400_000),
    });
    const expired = await past.issue({ role: 'admin', label: 'old', expiresInDays: 1 }, undefined);
    const unknown = `cw.${'A'.repeat(16)}.${'B'.repeat(43)}`;
    const [id, secret] = admin.split('.').slice(1) as [string, string];
    const wrongSecret = `cw.${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;

    const answers = await Promise.all(
      [expired.secret, unknown, wrongSecret].map((s) =>
        request(t.app).get('/api/v1/tokens').set('Authorization', bearer(s)),
      ),
    );
    for (const res of answers) expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(new Set(answers.map((r) => r.body.detail)).size).toBe(1);
  });

  test('when a token is revoked, then it is refused from the next request on', async () => {
    const issued = await issue({ role: 'admin', label: 'short-lived' });
    const secret = issued.body.secret as string;
    await request(t.app).get('/api/v1/tokens').set('Authorization', bearer(secret)).expect(200);
    await request(t.app)
      .delete(`/api/v1/tokens/${issued.body.token.id}`)
      .set('Authorization', bearer(admin))
      .expect(200);
    const res = await request(t.app).get('/api/v1/tokens').set('Authorization', bearer(secret));
    expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
  });

  test.each([
    ['Basic credentials', 'Basic YWRtaW46YWRtaW4='],
    ['a bare Bearer', 'Bearer'],
    ['a lower-case scheme', `bearer ${'x'.repeat(20)}`],
    ['a token with spaces', 'Bearer cw.abc def.ghi'],
    ['a 10 kB token', `Bearer ${'x'.repeat(10_000)}`],
    ['a token without the prefix', `Bearer ${'A'.repeat(16)}.${'B'.repeat(43)}`],
    [
      'two tokens',
      `Bearer cw.${'A'.repeat(16)}.${'B'.repeat(43)}, Bearer cw.${'A'.repeat(16)}.${'B'.repeat(43)}`,
    ],
  ])('when the Authorization header is %s, then 401 UNAUTHENTICATED', async (_what, header) => {
    const res = await request(t.app).get('/api/v1/tokens').set('Authorization', header);
    expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
  });

  test('when a public lookup carries a bad token, then 401: a typo never silently becomes anonymous', async () => {
    const res = await request(t.app)
      .get('/api/v1/search?q=%E9%87%8D%E5%BA%86')
      .set('Authorization', bearer(`cw.${'A'.repeat(16)}.${'B'.repeat(43)}`));
    expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    await request(t.app).get('/api/v1/search?q=%E9%87%8D%E5%BA%86').expect(200);
  });
});

describe('listing tokens', () => {
  test("when an admin lists, then every token comes; a body token sees only its own body's", async () => {
    const mine = await issue({ role: 'body', bodyCode: body.code, label: 'mine' });
    const theirs = await issue({ role: 'body', bodyCode: other.code, label: 'theirs' });

    const all = await request(t.app).get('/api/v1/tokens').set('Authorization', bearer(admin));
    expect(all.status).toBe(200);
    const allIds = all.body.items.map((i: { id: string }) => i.id);
    expect(allIds).toEqual(expect.arrayContaining([mine.body.token.id, theirs.body.token.id]));
    for (const item of all.body.items) expect(item).not.toHaveProperty('secretHash');

    const own = await request(t.app).get('/api/v1/tokens').set('Authorization', bearer(mine.body.secret));
    expect(own.status).toBe(200);
    expect(own.body.items.every((i: { bodyCode?: string }) => i.bodyCode === body.code)).toBe(true);
    expect(own.body.items.map((i: { id: string }) => i.id)).not.toContain(theirs.body.token.id);

    const filtered = await request(t.app)
      .get(`/api/v1/tokens?body=${other.code}`)
      .set('Authorization', bearer(admin));
    expect(filtered.body.items.map((i: { id: string }) => i.id)).toEqual([theirs.body.token.id]);
  });

  test("when a body token asks for another body's tokens, then 403", async () => {
    const mine = await t.tokenFor('body', body.code);
    const res = await request(t.app)
      .get(`/api/v1/tokens?body=${other.code}`)
      .set('Authorization', bearer(mine));
    expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });

  test.each([
    ['no token', undefined, 401, 'UNAUTHENTICATED'],
    ['an inspector token', 'inspector', 403, 'FORBIDDEN'],
    ['a partner token', 'partner', 403, 'FORBIDDEN'],
  ] as const)(
    'when tokens are listed with %s, then 401 or 403 with its stable code',
    async (_what, role, status, code) => {
      const req = request(t.app).get('/api/v1/tokens');
      if (role) req.set('Authorization', bearer(await t.tokenFor(role)));
      expect(await req).toMatchObject({ status, body: { code } });
    },
  );

  test.each([
    ['an unknown parameter', '?sort=id', 'INVALID_QUERY'],
    ['a bad body code', '?body=%27%20OR%201%3D1', 'INVALID_BODY_CODE'],
    ['a body operator', '?body[$ne]=x', 'INVALID_QUERY'],
  ])('when the listing query has %s, then 400 with its stable code', async (_what, query, code) => {
    const res = await request(t.app).get(`/api/v1/tokens${query}`).set('Authorization', bearer(admin));
    expect(res).toMatchObject({ status: 400, body: { code } });
  });
});

describe('revoking tokens', () => {
  test('when an admin revokes a token, then 200 with its revocation time, audited once; a second revoke changes nothing', async () => {
    const issued = await issue({ role: 'body', bodyCode: body.code, label: 'to revoke' });
    const id = issued.body.token.id as string;

    const first = await request(t.app).delete(`/api/v1/tokens/${id}`).set('Authorization', bearer(admin));
    expect(first).toMatchObject({ status: 200, body: { id, revokedAt: expect.any(String) } });
    expect(first.body).not.toHaveProperty('secretHash');

    const second = await request(t.app).delete(`/api/v1/tokens/${id}`).set('Authorization', bearer(admin));
    expect(second).toMatchObject({ status: 200, body: { id, revokedAt: first.body.revokedAt } });

    const entries = await t.stores.audit.forTarget('token', id, 10);
    expect(entries.map((e) => e.action).sort()).toEqual(['token.issue', 'token.revoke']);
    expect(entries.find((e) => e.action === 'token.revoke')).toMatchObject({
      actor: { type: 'token', role: 'admin' },
      change: { id, revokedAt: first.body.revokedAt },
    });
  });

  test("when a body token revokes a token of its own body, then 200; another body's or an admin's, 403", async () => {
    const mine = await issue({ role: 'body', bodyCode: body.code, label: 'mine' });
    const sibling = await issue({ role: 'body', bodyCode: body.code, label: 'sibling' });
    const theirs = await issue({ role: 'body', bodyCode: other.code, label: 'theirs' });
    const adminToken = await issue({ role: 'admin', label: 'another admin' });
    const as = (secret: string, id: string) =>
      request(t.app).delete(`/api/v1/tokens/${id}`).set('Authorization', bearer(secret));

    expect(await as(mine.body.secret, sibling.body.token.id)).toMatchObject({
      status: 200,
      body: { revokedAt: expect.any(String) },
    });
    for (const target of [theirs, adminToken]) {
      expect(await as(mine.body.secret, target.body.token.id)).toMatchObject({
        status: 403,
        body: { code: 'FORBIDDEN' },
      });
      expect((await t.stores.tokens.findById(target.body.token.id))?.revokedAt).toBeUndefined();
    }
  });

  test.each([
    ['an unknown id', 'AAAAAAAAAAAAAAAA'],
    ['a malformed id', 'not-a-token'],
    ['a 10 kB id', 'x'.repeat(10_000)],
    ['an id with SQL', encodeURIComponent("' OR 1=1 --")],
  ])('when %s is revoked, then 404 TOKEN_NOT_FOUND', async (_what, id) => {
    const res = await request(t.app).delete(`/api/v1/tokens/${id}`).set('Authorization', bearer(admin));
    expect(res).toMatchObject({ status: 404, body: { code: 'TOKEN_NOT_FOUND' } });
  });
});

/** Three English words in a row: what a Chinese message must not hold. */
const ENGLISH_SENTENCE = /\b[a-z]+ [a-z]+ [a-z]+\b/i;

describe('scripts/create-token.ts', () => {
  // Each run starts a TypeScript process: about two seconds on a quiet machine, 13 s and more on a loaded one.
  // A run is stopped only after two minutes (a hung CLI, not a slow one), and a test allows five such runs.
  /** Runs the CLI on the test app's registry file (SQLite lets a second process in). */
  function createToken(...args: string[]) {
    return spawnSync(
      process.execPath,
      [...TSX_ARGS, 'scripts/create-token.ts', '--data-dir', t.dataDir, ...args],
      {
        encoding: 'utf8',
        // An English locale unless --lang says otherwise.
        env: {
          ...process.env,
          STORE: 'sqlite',
          LOG_LEVEL: 'silent',
          LANG: 'C.UTF-8',
          LC_ALL: '',
          LC_MESSAGES: '',
        },
        timeout: 120_000,
      },
    );
  }

  test('when the CLI issues an admin token, then it prints the secret once on stdout and the API accepts it', async () => {
    const run = createToken('--label', '首个管理员', '--days', '7');

    expect(run.status).toBe(0);
    const secret = run.stdout.trim();
    expect(secret).toMatch(TOKEN_FORMAT);
    expect(run.stderr).toContain('首个管理员');
    expect(run.stderr).not.toContain(secret.split('.')[2]);
    const res = await request(t.app).get('/api/v1/tokens').set('Authorization', bearer(secret));
    expect(res.status).toBe(200);
    const id = secret.split('.')[1] as string;
    expect(res.body.items.find((i: { id: string }) => i.id === id)).toMatchObject({
      role: 'admin',
      label: '首个管理员',
      createdBy: 'system',
    });
    expect(await t.stores.audit.forTarget('token', id, 5)).toMatchObject([
      { action: 'token.issue', actor: { type: 'system' } },
    ]);
  }, 600_000);

  test('when --if-none finds tokens, or the request is bad, then nothing is issued and the exit status says why', async () => {
    const before = await t.stores.tokens.count();
    const ifNone = createToken('--if-none');
    expect(ifNone).toMatchObject({ status: 0, stdout: '' });
    const unknownBody = createToken('--role', 'body', '--body', 'NO-SUCH-BODY', '--lang', 'zh');
    expect(unknownBody).toMatchObject({ status: 1, stderr: expect.stringContaining('BODY_NOT_FOUND：') });
    expect(unknownBody.stderr).not.toMatch(ENGLISH_SENTENCE);
    const noBody = createToken('--role', 'body', '--lang', 'zh');
    expect(noBody).toMatchObject({ status: 2, stderr: expect.stringContaining('无法签发此令牌：') });
    expect(noBody.stderr).toContain('--body：body 令牌必须给出 --body');
    expect(noBody.stderr).not.toMatch(ENGLISH_SENTENCE);
    expect(createToken('--days', 'many')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--days'),
    });
    expect(createToken('--role', 'root')).toMatchObject({ status: 2, stdout: '' });
    expect(await t.stores.tokens.count()).toBe(before);
  }, 600_000);

  test('when the CLI is given --inspector, then the inspector token is linked to that inspector, and --help says so (in English in an English locale), a refusal with --lang zh in Chinese', async () => {
    const inspectorId = `CQ-CLI-${Date.now().toString(36).toUpperCase()}`;
    await t.services.inspectors.create(
      { id: inspectorId, name: '赵检查', unit: '江北区市场监督管理局', active: true, conflicts: [] },
      SYSTEM_ACTOR,
    );
    const run = createToken('--role', 'inspector', '--inspector', inspectorId.toLowerCase(), '--label', '赵');
    expect(run.status).toBe(0);
    const id = run.stdout.trim().split('.')[1] as string;
    expect(run.stderr).toContain(`for inspector ${inspectorId}`);
    await expect(t.stores.tokens.findById(id)).resolves.toMatchObject({ role: 'inspector', inspectorId });

    const before = await t.stores.tokens.count();
    expect(createToken('--role', 'inspector', '--inspector', 'CQ-NOBODY-9')).toMatchObject({
      status: 1,
      stdout: '',
      stderr: expect.stringContaining('INSPECTOR_NOT_FOUND'),
    });
    const wrongRole = createToken('--role', 'admin', '--inspector', inspectorId, '--lang', 'zh');
    expect(wrongRole).toMatchObject({ status: 2, stdout: '' });
    expect(wrongRole.stderr).toContain('仅用于 inspector 角色');
    expect(wrongRole.stderr).not.toMatch(ENGLISH_SENTENCE);
    expect(await t.stores.tokens.count()).toBe(before);

    const help = createToken('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--inspector ID');
    expect(help.stdout).toContain('the directory id of the inspector');
    expect(help.stdout).not.toContain('检查人员');
  }, 600_000);

  test('when the CLI issues a body token, then it is bound to that body', async () => {
    const run = createToken('--role', 'body', '--body', body.code.toLowerCase());
    expect(run.status).toBe(0);
    const res = await request(t.app).get('/api/v1/bodies').set('Authorization', bearer(run.stdout.trim()));
    expect(res).toMatchObject({ status: 200, body: { items: [{ code: body.code }] } });
  }, 600_000);
});
