import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import request, { type Response } from 'supertest';
import { createApp } from '../../server/app';
import type { Body } from '../../server/bodies/body-schema';
import { createTokenService, hashSecret } from '../../server/bodies/token-service';
import { ROLES, type Role } from '../../server/bodies/token-schema';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { todayInChina } from '../../server/certificates/certificate-status';
import { createLogger } from '../../server/platform/logger';
import { seedBody, seedCertificate, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * What every row of the matrix can act on: a body with a certificate and a token of its own, and a
 * second body. Rows that need more (an upload job, say) add it in `setup`.
 */
interface Fixture {
  t: TestApp;
  /** The body whose data each row targets. */
  body: Body;
  /** Another body: its token must never reach `body`'s data. */
  otherBody: Body;
  /** A certificate of `body`. */
  certificate: Certificate;
  /** The id of a token of `body` (what a revocation targets). */
  bodyTokenId: string;
}

/**
 * One write route. `send` makes a request that an allowed caller would succeed with (the control test
 * below checks that), so every refusal in the matrix is about the caller, never about the input.
 */
interface WriteRoute {
  /** `METHOD /path`, as the OpenAPI description names it. */
  route: string;
  /** Roles that may call the route at all; every other role must get 403. */
  roles: readonly Role[];
  /** The route acts on one body's data: a token of another body must get 403. */
  bodyScoped: boolean;
  send(f: Fixture, authorization: string | undefined): Promise<Response>;
}

/** Sends `req` with the Authorization header, when there is one. */
function withAuth(req: request.Test, authorization: string | undefined): request.Test {
  return authorization === undefined ? req : req.set('Authorization', authorization);
}

/** Every write route of the API. A new write route adds its row here (uploads: POST /uploads, ...). */
const WRITE_ROUTES: WriteRoute[] = [
  {
    route: 'POST /api/v1/tokens',
    roles: ['admin'],
    bodyScoped: false,
    send: (f, auth) =>
      withAuth(request(f.t.app).post('/api/v1/tokens'), auth).send({
        role: 'body',
        bodyCode: f.body.code,
        label: 'matrix',
      }),
  },
  {
    route: 'DELETE /api/v1/tokens/{id}',
    roles: ['admin', 'body'],
    bodyScoped: true,
    send: (f, auth) => withAuth(request(f.t.app).delete(`/api/v1/tokens/${f.bodyTokenId}`), auth),
  },
  {
    route: 'POST /api/v1/bodies',
    roles: ['admin'],
    bodyScoped: false,
    send: (f, auth) =>
      withAuth(request(f.t.app).post('/api/v1/bodies'), auth).send({
        code: unique('MX').slice(0, 32),
        name: '矩阵测试认证有限公司',
        approvalNumber: 'CNCA-R-2020-001',
        approvalStatus: 'approved',
        approvedSchemes: ['QMS'],
      }),
  },
  {
    route: 'PATCH /api/v1/bodies/{code}',
    roles: ['admin'],
    bodyScoped: true,
    send: (f, auth) =>
      withAuth(request(f.t.app).patch(`/api/v1/bodies/${f.body.code}`), auth).send({
        approvalStatus: 'withdrawn',
        approvalStatusDate: todayInChina(),
      }),
  },
  {
    route: 'POST /api/v1/bodies/{code}/confirmations',
    roles: ['admin', 'body'],
    bodyScoped: true,
    send: (f, auth) =>
      withAuth(request(f.t.app).post(`/api/v1/bodies/${f.body.code}/confirmations`), auth).send({
        note: 'matrix',
      }),
  },
  {
    route: 'POST /api/v1/certificates/{publicId}/status',
    roles: ['admin', 'body'],
    bodyScoped: true,
    send: (f, auth) =>
      withAuth(request(f.t.app).post(`/api/v1/certificates/${f.certificate.publicId}/status`), auth).send({
        status: 'revoked',
        reason: '矩阵测试',
        effectiveDate: todayInChina(),
      }),
  },
];

/** A caller the matrix sends, and the answer it must get. */
interface Caller {
  name: string;
  /** The Authorization header value, or undefined for none. */
  authorization: (f: Fixture, tokens: Tokens) => string | undefined;
  status: 401 | 403;
  code: 'UNAUTHENTICATED' | 'FORBIDDEN';
}

/** Bearer values prepared once per fixture. */
interface Tokens {
  ofRole: Record<Exclude<Role, 'body'>, string>;
  ownBody: string;
  otherBody: string;
  expiredAdmin: string;
  revokedAdmin: string;
}

const bearer = (secret: string) => `Bearer ${secret}`;

/** Unauthenticated callers: every route answers 401 to all of them. Admin-role tokens, so only the token's state is wrong. */
const UNAUTHENTICATED: Caller[] = [
  { name: 'no token', authorization: () => undefined, status: 401, code: 'UNAUTHENTICATED' },
  {
    name: 'Basic credentials',
    authorization: () => 'Basic YWRtaW46YWRtaW4=',
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a malformed bearer',
    authorization: () => 'Bearer cw.short',
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'an unknown token',
    authorization: () => bearer(`cw.${'Q'.repeat(16)}.${'x'.repeat(43)}`),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'an expired admin token',
    authorization: (_f, k) => bearer(k.expiredAdmin),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a revoked admin token',
    authorization: (_f, k) => bearer(k.revokedAdmin),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
];

/** Authenticated callers this route must refuse: roles it does not allow, and another body's token. */
function forbiddenCallers(route: WriteRoute): Caller[] {
  const callers: Caller[] = ROLES.filter((role) => !route.roles.includes(role)).map((role) => ({
    name:
      role === 'body'
        ? "a body token (even the body's own)"
        : `${role === 'inspector' ? 'an' : 'a'} ${role} token`,
    authorization: (_f, k) => bearer(role === 'body' ? k.ownBody : k.ofRole[role]),
    status: 403,
    code: 'FORBIDDEN',
  }));
  if (route.bodyScoped && route.roles.includes('body')) {
    callers.push({
      name: "another body's token",
      authorization: (_f, k) => bearer(k.otherBody),
      status: 403,
      code: 'FORBIDDEN',
    });
  }
  return callers;
}

async function setup(): Promise<{ f: Fixture; tokens: Tokens }> {
  const t = createTestApp();
  const body = await seedBody(t.services);
  const otherBody = await seedBody(t.services);
  const certificate = await seedCertificate(t.services, { bodyCode: body.code });
  const issue = (role: Role, bodyCode?: string) =>
    t.services.tokens.issue({ role, bodyCode, label: `matrix ${role}`, expiresInDays: 30 }, undefined);
  const target = await issue('body', body.code);
  const past = createTokenService({
    tokens: t.stores.tokens,
    bodies: t.services.bodies,
    audit: t.services.audit,
    now: () => new Date(Date.now() - 400 * 86_400_000),
  });
  const expired = await past.issue({ role: 'admin', label: 'expired', expiresInDays: 30 }, undefined);
  const revoked = await issue('admin');
  await t.services.tokens.revoke(revoked.token.id, { tokenId: 'system', role: 'admin' });
  const tokens: Tokens = {
    ofRole: {
      admin: await t.tokenFor('admin'),
      inspector: await t.tokenFor('inspector'),
      partner: await t.tokenFor('partner'),
    },
    ownBody: await t.tokenFor('body', body.code),
    otherBody: await t.tokenFor('body', otherBody.code),
    expiredAdmin: expired.secret,
    revokedAdmin: revoked.secret,
  };
  return { f: { t, body, otherBody, certificate, bodyTokenId: target.token.id }, tokens };
}

/**
 * Every row of every table of the registry file, read over a second connection (what is committed).
 * Unordered: an unchanged table reads back in the same order.
 */
function snapshot(t: TestApp): string {
  const db = new Database(path.join(t.dataDir, 'registry.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
      )
      .all();
    return JSON.stringify(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()]));
  } finally {
    db.close();
  }
}

describe('authorization matrix: every write route refuses every caller it must, and changes nothing', () => {
  let f: Fixture;
  let tokens: Tokens;
  beforeAll(async () => {
    ({ f, tokens } = await setup());
  });
  afterAll(() => f.t.close());

  const cases = WRITE_ROUTES.flatMap((route) =>
    [...UNAUTHENTICATED, ...forbiddenCallers(route)].map(
      (caller) => [route.route, caller.name, route, caller] as const,
    ),
  );

  test.each(cases)(
    'when %s is called with %s, then it is refused',
    async (_route, _caller, route, caller) => {
      const before = snapshot(f.t);
      const res = await route.send(f, caller.authorization(f, tokens));
      expect(res).toMatchObject({ status: caller.status, body: { code: caller.code } });
      expect(snapshot(f.t)).toBe(before);
    },
  );

  test('when the matrix is listed, then it covers every documented write route', async () => {
    const doc = await request(f.t.app).get('/api/v1/openapi.json');
    const writes = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([p, ops]) =>
        Object.keys(ops)
          .filter((m) => m !== 'get')
          .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(WRITE_ROUTES.map((r) => r.route).sort()).toEqual([...new Set(writes)].sort());
  });
});

describe('authorization matrix control: an allowed caller succeeds with the same requests', () => {
  test.each(WRITE_ROUTES.map((r) => [r.route, r] as const))(
    'when %s is called by an allowed caller, then it succeeds',
    async (_route, route) => {
      const { f, tokens } = await setup();
      try {
        const before = snapshot(f.t);
        const caller = route.roles.includes('body') ? tokens.ownBody : tokens.ofRole.admin;
        const res = await route.send(f, bearer(caller));
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(300);
        expect(snapshot(f.t)).not.toBe(before);
      } finally {
        await f.t.close();
      }
    },
  );
});

describe('secrets never leave the token record', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp();
  });
  afterAll(() => t.close());

  test('when tokens are issued, used, misused and revoked, then no log line carries a secret or its hash', async () => {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('trace', capture);
    const app = createApp({ ...t.deps, logger }, t.services);
    const body = await seedBody(t.services);
    const admin = await t.tokenFor('admin');

    const issued = await request(app)
      .post('/api/v1/tokens')
      .set('Authorization', bearer(admin))
      .send({ role: 'body', bodyCode: body.code, label: 'logged?' });
    expect(issued.status).toBe(201);
    const secret = issued.body.secret as string;
    await request(app).get('/api/v1/tokens').set('Authorization', bearer(secret)).expect(200);
    await request(app)
      .get('/api/v1/tokens')
      .set('Authorization', bearer(`${secret}x`))
      .expect(401);
    await request(app)
      .get(`/api/v1/bodies/${body.code}?token=${secret}`)
      .set('Authorization', bearer(secret));
    await request(app)
      .post('/api/v1/tokens')
      .set('Authorization', bearer(secret))
      .send({ secret })
      .expect(403);
    await request(app)
      .delete(`/api/v1/tokens/${issued.body.token.id}`)
      .set('Authorization', bearer(admin))
      .expect(200);
    await request(app).get('/api/v1/tokens').set('Authorization', bearer(secret)).expect(401);
    // Whatever else logs a request's headers is redacted by the logger itself.
    logger.info({ headers: { authorization: bearer(secret) }, token: secret }, 'a careless log line');
    logger.flush();

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    const secretPart = secret.split('.')[2] as string;
    for (const value of [secret, secretPart, hashSecret(secretPart), admin, admin.split('.')[2] as string]) {
      expect(log).not.toContain(value);
    }
    expect(log).toContain('[redacted]');
  });

  test('when a token is issued, then the registry file holds its hash but never its secret, and the audit log neither', async () => {
    const { secret } = await t.services.tokens.issue(
      { role: 'admin', label: 'stored?', expiresInDays: 1 },
      undefined,
    );
    const secretPart = secret.split('.')[2] as string;
    const db = new Database(path.join(t.dataDir, 'registry.sqlite'), { readonly: true });
    try {
      const tokens = JSON.stringify(db.prepare('SELECT * FROM tokens').all());
      expect(tokens).toContain(hashSecret(secretPart));
      expect(tokens).not.toContain(secretPart);
      const audit = JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
      expect(audit).not.toContain(secretPart);
      expect(audit).not.toContain(hashSecret(secretPart));
    } finally {
      db.close();
    }
    // The raw bytes too (the database file and its write-ahead log): nothing stores it in another form.
    for (const file of fs.readdirSync(t.dataDir)) {
      expect(fs.readFileSync(path.join(t.dataDir, file)).includes(secretPart)).toBe(false);
    }
  });
});
