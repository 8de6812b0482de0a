import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import request, { type Response } from 'supertest';
import { createApp } from '../../server/app';
import { SYSTEM_ACTOR } from '../../server/audit/audit-schema';
import { generateWitnessKey, parseWitnessKey } from '../../server/audit/checkpoint';
import type { Body } from '../../server/bodies/body-schema';
import { createTokenService, hashSecret } from '../../server/bodies/token-service';
import { ROLES, type Role } from '../../server/platform/auth';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { todayInChina } from '../../server/platform/china-time';
import { createLogger } from '../../server/platform/logger';
import { createCaseSchema } from '../../server/cases/case-schema';
import { createRecordSchema, repairRequestSchema } from '../../server/dishonesty/dishonesty-schema';
import { createDishonestyService, type DishonestyService } from '../../server/dishonesty/dishonesty-service';
import { createDrawSchema } from '../../server/draws/draw-schema';
import { createInspectorSchema } from '../../server/inspectors/inspector-schema';
import type { RowError } from '../../server/uploads/upload-schema';
import { seedBody, seedCertificate, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { CONTENT_TYPES, toCsv, uploadRow } from '../helpers/upload-files';

/**
 * What every row of the matrix can act on: a body with a certificate and a token of its own, and a
 * second body. Rows that need more (an inspector, a draw, a dishonesty record) make it in `setup`.
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

/** Sends one row's request with this Authorization header (none when undefined). */
type Send = (authorization: string | undefined) => Promise<Response>;

/** Who may call a write route, and what an allowed call does. */
interface RouteRules {
  /** `METHOD /path`, as the OpenAPI description names it. */
  route: string;
  /** Roles that may call the route at all (its `x-roles`); every other role must get 403. */
  roles: readonly Role[];
  /** The route acts on one body's data: a token of another body must get 403. */
  bodyScoped: boolean;
  /**
   * The route writes nothing (a query sent as POST because of its size): an allowed call, too, leaves
   * the database unchanged.
   */
  readOnly?: boolean;
}

/**
 * One write route. Its request is one an allowed caller would succeed with (the control test below
 * checks that), so every refusal in the matrix is about the caller, never about the input.
 */
type WriteRoute = RouteRules &
  (
    | {
        /** The request, on the common fixture alone. */
        send(f: Fixture, authorization: string | undefined): Promise<Response>;
      }
    | {
        /**
         * Makes what the row acts on beyond the common fixture (through the services of `f`'s app), once
         * per fixture and before any request of the row; resolves to the row's request.
         */
        setup(f: Fixture): Promise<Send>;
      }
  );

/** The request of `route` on `f`, after the row's own setup. */
async function prepare(route: WriteRoute, f: Fixture): Promise<Send> {
  if ('setup' in route) return route.setup(f);
  return (authorization) => route.send(f, authorization);
}

/** Sends `req` with the Authorization header, when there is one. */
function withAuth(req: request.Test, authorization: string | undefined): request.Test {
  return authorization === undefined ? req : req.set('Authorization', authorization);
}

const DAY = 86_400_000;
const UNIT = '重庆市沙坪坝区市场监督管理局';

/** An active inspector without conflicts, registered through the inspector service; its id. */
async function addInspector(f: Fixture): Promise<string> {
  const inspector = await f.t.services.inspectors.create(
    createInspectorSchema.parse({ id: unique('MX-I'), name: '矩阵检查员', unit: UNIT }),
    SYSTEM_ACTOR,
  );
  return inspector.id;
}

/** A plan over the holders of `body`'s certificates, every one of them drawn. */
function plan(f: Fixture) {
  return {
    title: '矩阵测试双随机抽查计划',
    population: { kind: 'holders', bodyCodes: [f.body.code] },
    // A rate for every tier: the holders' credit levels follow whatever records other rows add.
    rates: { A: 100, B: 100, C: 100, D: 100 },
  };
}

/** A published plan (with the two inspectors per target it needs), through the draw service; its id. */
async function publishDraw(f: Fixture): Promise<string> {
  await addInspector(f);
  await addInspector(f);
  const draw = await f.t.services.draws.create(createDrawSchema.parse(plan(f)), SYSTEM_ACTOR);
  return draw.id;
}

/**
 * The dishonesty service of `f`'s stores on a clock sixty days back: a repair asked for then has long
 * finished its public notice (5 working days), so it can be decided today.
 */
function dishonestyInThePast(f: Fixture): DishonestyService {
  return createDishonestyService({
    records: f.t.stores.dishonesty,
    audit: f.t.services.audit,
    cache: f.t.deps.cache,
    ttlSeconds: f.t.deps.config.CACHE_TTL_SECONDS,
    now: () => Date.now() - 60 * DAY,
  });
}

/** A listed record about `body` itself, minor and of 2015: credit repair may be asked for since 2016. */
async function listBody(
  f: Fixture,
  dishonesty: DishonestyService = f.t.services.dishonesty,
): Promise<string> {
  const record = await dishonesty.create(
    createRecordSchema.parse({
      subject: { kind: 'body', bodyCode: f.body.code, name: f.body.name },
      severity: 'minor',
      basis: '《认证机构管理办法》第四十条',
      facts: '矩阵测试：未按规定上报证书信息。',
      startDate: '2015-01-10',
    }),
    SYSTEM_ACTOR,
  );
  return record.id;
}

/** Every write route of the API that needs a token (public writes: PUBLIC_WRITES). A new one adds its row. */
const WRITE_ROUTES: WriteRoute[] = [
  {
    route: 'POST /api/v1/open-data/exports',
    roles: ['admin'],
    bodyScoped: false,
    // It writes files under OPEN_DATA_DIR, never the registry.
    readOnly: true,
    send: (f, auth) => withAuth(request(f.t.app).post('/api/v1/open-data/exports'), auth),
  },
  {
    route: 'POST /api/v1/audit/witnesses',
    roles: ['admin'],
    bodyScoped: false,
    send: (f, auth) =>
      withAuth(request(f.t.app).post('/api/v1/audit/witnesses'), auth).send({
        vkey: parseWitnessKey(generateWitnessKey(`${unique('w')}.example/witness`)).vkey,
        label: '矩阵测试见证方',
      }),
  },
  {
    route: 'DELETE /api/v1/audit/witnesses/{name}',
    roles: ['admin'],
    bodyScoped: false,
    async setup(f) {
      const signer = parseWitnessKey(generateWitnessKey(`${unique('w')}.example/witness`));
      await f.t.services.transparency.registerWitness(SYSTEM_ACTOR, {
        vkey: signer.vkey,
        label: '矩阵测试见证方',
      });
      return (auth) =>
        withAuth(request(f.t.app).delete(`/api/v1/audit/witnesses/${encodeURIComponent(signer.name)}`), auth);
    },
  },
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
    route: 'POST /api/v1/bodies/{code}/commitments',
    roles: ['admin', 'body'],
    bodyScoped: true,
    send: (f, auth) =>
      withAuth(request(f.t.app).post(`/api/v1/bodies/${f.body.code}/commitments`), auth).send({
        text: '矩阵测试承诺书。',
        dated: todayInChina(),
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
  {
    route: 'POST /api/v1/uploads',
    roles: ['body'],
    // Not body-scoped: the request names no body. The job and every row are the token's own body's,
    // so another body's token has nothing here to be refused; what it must never do (reach `body`'s
    // certificates or jobs through an upload) is checked in "uploads across bodies" below.
    bodyScoped: false,
    send: (f, auth) =>
      withAuth(request(f.t.app).post('/api/v1/uploads'), auth)
        .set('Content-Type', CONTENT_TYPES.csv)
        .send(toCsv([uploadRow()])),
  },
  {
    route: 'POST /api/v1/auditors/imports',
    roles: ['admin'],
    bodyScoped: false,
    send: (f, auth) =>
      withAuth(request(f.t.app).post('/api/v1/auditors/imports'), auth)
        .set('Content-Type', CONTENT_TYPES.csv)
        .send(
          `姓名,注册号,注册领域,有效期起,有效期至\n矩阵审核员,${unique('2025-N1QMS-')},QMS,2025-01-01,2027-12-31\n`,
        ),
  },
  {
    route: 'POST /api/v1/inspectors',
    roles: ['admin'],
    bodyScoped: false,
    send: (f, auth) =>
      withAuth(request(f.t.app).post('/api/v1/inspectors'), auth).send({
        id: unique('MX-I'),
        name: '矩阵新检查员',
        unit: UNIT,
      }),
  },
  {
    route: 'PATCH /api/v1/inspectors/{id}',
    roles: ['admin'],
    bodyScoped: false,
    setup: async (f) => {
      const id = await addInspector(f);
      return (auth) =>
        withAuth(request(f.t.app).patch(`/api/v1/inspectors/${id}`), auth).send({
          unit: `${UNIT}稽查支队`,
        });
    },
  },
  {
    route: 'POST /api/v1/draws',
    roles: ['admin', 'inspector'],
    bodyScoped: false,
    setup: async (f) => {
      await addInspector(f);
      await addInspector(f);
      return (auth) => withAuth(request(f.t.app).post('/api/v1/draws'), auth).send(plan(f));
    },
  },
  {
    route: 'POST /api/v1/draws/{id}/execution',
    roles: ['admin', 'inspector'],
    bodyScoped: false,
    setup: async (f) => {
      const id = await publishDraw(f);
      return (auth) => withAuth(request(f.t.app).post(`/api/v1/draws/${id}/execution`), auth);
    },
  },
  {
    route: 'POST /api/v1/draws/{id}/results',
    roles: ['admin', 'inspector'],
    bodyScoped: false,
    setup: async (f) => {
      const executed = await f.t.services.draws.execute(await publishDraw(f), {}, SYSTEM_ACTOR);
      const target = executed.execution?.targets[0]?.id;
      if (target === undefined) throw new Error('setup: the executed plan drew no target');
      return (auth) =>
        withAuth(request(f.t.app).post(`/api/v1/draws/${executed.id}/results`), auth).send({
          targetId: target,
          outcome: 'no_problem',
          summary: '矩阵测试：未发现问题',
          // Today, read when sent: never before the execution, never in the future.
          inspectedOn: todayInChina(),
        });
    },
  },
  {
    route: 'POST /api/v1/dishonesty',
    roles: ['inspector', 'admin'],
    bodyScoped: false,
    send: (f, auth) =>
      withAuth(request(f.t.app).post('/api/v1/dishonesty'), auth).send({
        subject: {
          kind: 'organisation',
          creditCode: f.certificate.holder.creditCode,
          name: f.certificate.holder.name,
        },
        severity: 'minor',
        basis: '《认证认可条例》第七十一条',
        facts: '矩阵测试：伪造认证证书。',
        startDate: todayInChina(),
      }),
  },
  {
    route: 'POST /api/v1/dishonesty/{id}/repairs',
    roles: ['inspector', 'admin', 'body'],
    // A body token may ask only about records of its own body (or its auditors).
    bodyScoped: true,
    setup: async (f) => {
      const id = await listBody(f);
      return (auth) =>
        withAuth(request(f.t.app).post(`/api/v1/dishonesty/${id}/repairs`), auth).send({
          statement: '矩阵测试：已完成整改。',
        });
    },
  },
  {
    route: 'POST /api/v1/dishonesty/{id}/repairs/{repairId}/decision',
    roles: ['inspector', 'admin'],
    bodyScoped: false,
    setup: async (f) => {
      const past = dishonestyInThePast(f);
      const id = await listBody(f, past);
      const repair = await past.requestRepair(
        id,
        repairRequestSchema.parse({ statement: '矩阵测试：已完成整改。' }),
        SYSTEM_ACTOR,
      );
      return (auth) =>
        withAuth(request(f.t.app).post(`/api/v1/dishonesty/${id}/repairs/${repair.id}/decision`), auth).send({
          outcome: 'approved',
          reason: '公示期满无异议',
        });
    },
  },
  {
    route: 'POST /api/v1/partner/credit-queries',
    roles: ['partner', 'admin', 'inspector'],
    bodyScoped: false,
    // A POST only because a batch of codes does not fit a URL: it reads.
    readOnly: true,
    send: (f, auth) =>
      withAuth(request(f.t.app).post('/api/v1/partner/credit-queries'), auth).send({
        creditCodes: [f.certificate.holder.creditCode],
        bodyCodes: [f.body.code],
      }),
  },
  {
    route: 'PATCH /api/v1/signals/{id}',
    roles: ['inspector'],
    bodyScoped: false,
    setup: async (f) => {
      const [signal] = await f.t.services.signals.raise([
        {
          ruleId: 'issued-before-audit-end',
          severity: 'medium',
          subject: { kind: 'certificate', key: f.certificate.publicId, label: f.certificate.number },
          dedupKey: `matrix:${f.certificate.publicId}`,
          summary: '矩阵测试',
          evidence: {},
          certificatePublicIds: [f.certificate.publicId],
          bodyCode: f.body.code,
        },
      ]);
      return (auth) =>
        withAuth(request(f.t.app).patch(`/api/v1/signals/${signal?.id}`), auth).send({
          state: 'dismissed',
          note: '矩阵测试：核实无问题。',
        });
    },
  },
  {
    route: 'POST /api/v1/flags',
    roles: ['inspector'],
    bodyScoped: false,
    send: (f, auth) =>
      withAuth(request(f.t.app).post('/api/v1/flags'), auth).send({
        publicId: f.certificate.publicId,
        reason: '矩阵测试：审核人日明显不足。',
      }),
  },
  {
    route: 'POST /api/v1/cases',
    roles: ['inspector'],
    bodyScoped: false,
    send: (f, auth) =>
      withAuth(request(f.t.app).post('/api/v1/cases'), auth).send({
        title: '矩阵测试案件',
        publicIds: [f.certificate.publicId],
      }),
  },
  {
    route: 'PATCH /api/v1/cases/{id}',
    roles: ['inspector'],
    bodyScoped: false,
    setup: async (f) => {
      const opened = await f.t.services.cases.create(
        createCaseSchema.parse({ title: '矩阵测试案件', publicIds: [f.certificate.publicId] }),
        SYSTEM_ACTOR,
      );
      return (auth) =>
        withAuth(request(f.t.app).patch(`/api/v1/cases/${opened.id}`), auth).send({
          action: 'note',
          text: '矩阵测试：已电话核实。',
        });
    },
  },
  {
    route: 'POST /api/v1/cases/{id}/attachments',
    roles: ['inspector'],
    bodyScoped: false,
    setup: async (f) => {
      const opened = await f.t.services.cases.create(
        createCaseSchema.parse({ title: '矩阵测试案件', publicIds: [f.certificate.publicId] }),
        SYSTEM_ACTOR,
      );
      return (auth) =>
        withAuth(request(f.t.app).post(`/api/v1/cases/${opened.id}/attachments?name=a.pdf`), auth)
          .set('Content-Type', 'application/pdf')
          .send(Buffer.from('%PDF-1.7 矩阵测试'));
    },
  },
  {
    route: 'POST /api/v1/tips/{id}/dismissal',
    roles: ['inspector'],
    bodyScoped: false,
    setup: async (f) => {
      await f.t.services.tips.submit(
        { category: 'other', description: '矩阵测试：一条待驳回的举报。' },
        { clientAddress: '127.0.0.1' },
      );
      const { items } = await f.t.services.tips.list({ state: 'new', page: 1, pageSize: 1 });
      const id = items[0]?.id as string;
      return (auth) =>
        withAuth(request(f.t.app).post(`/api/v1/tips/${id}/dismissal`), auth).send({ reason: '矩阵测试' });
    },
  },
];

/**
 * Write routes anyone may call, so outside the matrix. Explicit, so that a new write route cannot slip
 * out of the matrix by forgetting to declare its roles.
 */
const PUBLIC_WRITES = [
  'POST /api/v1/audit/cosignatures',
  'POST /api/v1/scan',
  'POST /api/v1/tips',
  // Receipts store nothing: a signed record of a public lookup, and its check.
  'POST /api/v1/certificates/{publicId}/receipts',
  'POST /api/v1/receipts/verify',
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
        : `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} token`,
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

/**
 * What is stored of one body: its record, certificates, upload jobs and their error reports, read
 * over a second connection.
 */
function rowsOfBody(t: TestApp, code: string): string {
  const db = new Database(path.join(t.dataDir, 'registry.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return JSON.stringify([
      db.prepare('SELECT * FROM bodies WHERE code = ?').all(code),
      db.prepare('SELECT * FROM certificates WHERE body_code = ? ORDER BY id').all(code),
      db.prepare('SELECT * FROM upload_jobs WHERE body_code = ? ORDER BY id').all(code),
      db
        .prepare(
          'SELECT e.* FROM upload_errors e JOIN upload_jobs j ON j.id = e.job_id WHERE j.body_code = ? ORDER BY e.rowid',
        )
        .all(code),
    ]);
  } finally {
    db.close();
  }
}

/** A write operation of the OpenAPI description, with its `x-roles` when it declares them. */
interface DocumentedWrite {
  route: string;
  roles?: string[];
}

/** Methods that write (GET, HEAD, OPTIONS and TRACE do not). */
const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

async function documentedWrites(t: TestApp): Promise<DocumentedWrite[]> {
  const doc = await request(t.app).get('/api/v1/openapi.json');
  expect(doc.status).toBe(200);
  const paths = doc.body.paths as Record<string, Record<string, { 'x-roles'?: string[] }>>;
  return Object.entries(paths).flatMap(([p, item]) =>
    Object.entries(item)
      .filter(([method]) => WRITE_METHODS.has(method))
      .map(([method, op]) => ({ route: `${method.toUpperCase()} ${p}`, roles: op['x-roles'] })),
  );
}

/** The token an allowed caller of `route` sends: the body's own when bodies may call it. */
function allowedCaller(route: WriteRoute, tokens: Tokens): string {
  if (route.roles.includes('body')) return tokens.ownBody;
  const role = route.roles.includes('admin') ? 'admin' : route.roles[0];
  if (role === undefined || role === 'body') throw new Error(`${route.route} allows no role`);
  return tokens.ofRole[role];
}

describe('authorization matrix: every write route refuses every caller it must, and changes nothing', () => {
  let f: Fixture;
  let tokens: Tokens;
  /** Each row's request on the shared fixture, after its setup. */
  const sends = new Map<string, Send>();
  beforeAll(async () => {
    ({ f, tokens } = await setup());
    for (const route of WRITE_ROUTES) sends.set(route.route, await prepare(route, f));
  });
  afterAll(() => f.t.close());

  const cases = WRITE_ROUTES.flatMap((route) =>
    [...UNAUTHENTICATED, ...forbiddenCallers(route)].map(
      (caller) => [route.route, caller.name, caller] as const,
    ),
  );

  test.each(cases)('when %s is called with %s, then it is refused', async (route, _caller, caller) => {
    const send = sends.get(route);
    if (!send) throw new Error(`no request prepared for ${route}`);
    const before = snapshot(f.t);
    const res = await send(caller.authorization(f, tokens));
    expect(res).toMatchObject({ status: caller.status, body: { code: caller.code } });
    expect(snapshot(f.t)).toBe(before);
  });

  test('when the matrix is listed, then it covers every documented write route that needs a token, with its documented roles', async () => {
    const documented = (await documentedWrites(f.t)).filter((w) => w.roles !== undefined);
    expect(WRITE_ROUTES.map((r) => r.route).sort()).toEqual(documented.map((w) => w.route).sort());
    // The matrix refuses by the roles the description promises, not by roles of its own.
    const rolesOf = (routes: readonly { route: string; roles?: readonly string[] }[]) =>
      Object.fromEntries(routes.map((r) => [r.route, [...(r.roles ?? [])].sort()]));
    expect(rolesOf(WRITE_ROUTES)).toEqual(rolesOf(documented));
  });

  test('when the public write routes are listed, then they are exactly the known ones (a route that forgot its roles would slip out of the matrix)', async () => {
    const open = (await documentedWrites(f.t)).filter((w) => w.roles === undefined).map((w) => w.route);
    expect(open.sort()).toEqual([...PUBLIC_WRITES].sort());
  });
});

describe('authorization matrix control: an allowed caller succeeds with the same requests', () => {
  test.each(WRITE_ROUTES.map((r) => [r.route, r] as const))(
    'when %s is called by an allowed caller, then it succeeds',
    async (_route, route) => {
      const { f, tokens } = await setup();
      try {
        const send = await prepare(route, f);
        const before = snapshot(f.t);
        const res = await send(bearer(allowedCaller(route, tokens)));
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(300);
        if (route.readOnly) expect(snapshot(f.t)).toBe(before);
        else expect(snapshot(f.t)).not.toBe(before);
      } finally {
        await f.t.close();
      }
    },
  );
});

describe("uploads across bodies: another body's token never reaches the body's data", () => {
  let f: Fixture;
  let tokens: Tokens;
  beforeAll(async () => {
    ({ f, tokens } = await setup());
  });
  afterAll(() => f.t.close());

  function upload(token: string, csv: string, jobId?: string): request.Test {
    const req = request(f.t.app)
      .post('/api/v1/uploads?mode=atomic')
      .set('Authorization', bearer(token))
      .set('Content-Type', CONTENT_TYPES.csv);
    return (jobId === undefined ? req : req.set('Upload-Job-Id', jobId)).send(csv);
  }

  test("when another body uploads a row naming the body, then the row is rejected and the body's data is unchanged", async () => {
    const before = rowsOfBody(f.t, f.body.code);
    const res = await upload(tokens.otherBody, toCsv([uploadRow({ bodyCode: f.body.code })]));
    expect(res).toMatchObject({
      status: 422,
      body: { code: 'UPLOAD_REJECTED', job: { bodyCode: f.otherBody.code, state: 'rejected' } },
    });
    const errors: RowError[] = [];
    for await (const error of f.t.stores.uploadJobs.errors(res.body.job.id as string)) errors.push(error);
    expect(errors).toMatchObject([{ code: 'ROW_OTHER_BODY', field: 'bodyCode' }]);
    expect(rowsOfBody(f.t, f.body.code)).toBe(before);
  });

  test("when another body uploads the number of the body's certificate, then it is stored as its own and the body's certificate is unchanged", async () => {
    const before = rowsOfBody(f.t, f.body.code);
    const res = await upload(
      tokens.otherBody,
      toCsv([uploadRow({ number: f.certificate.number, name: '重庆另一家机械有限公司' })]),
    );
    expect(res).toMatchObject({
      status: 201,
      body: { bodyCode: f.otherBody.code, progress: { created: 1, updated: 0 } },
    });
    expect(rowsOfBody(f.t, f.body.code)).toBe(before);
    await expect(f.t.stores.certificates.findByPublicId(f.certificate.publicId)).resolves.toEqual(
      f.certificate,
    );
  });

  test("when another body proposes the id of the body's upload job, then 409 UPLOAD_JOB_EXISTS and the job is unchanged", async () => {
    const own = await upload(tokens.ownBody, toCsv([uploadRow()]));
    expect(own).toMatchObject({ status: 201, body: { bodyCode: f.body.code } });
    const before = rowsOfBody(f.t, f.body.code);
    const res = await upload(tokens.otherBody, toCsv([uploadRow()]), own.body.id as string);
    expect(res).toMatchObject({ status: 409, body: { code: 'UPLOAD_JOB_EXISTS' } });
    expect(rowsOfBody(f.t, f.body.code)).toBe(before);
  });
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
      // Files only: DATA_DIR also holds the QR signing keys' folder.
      if (!fs.statSync(path.join(t.dataDir, file)).isFile()) continue;
      expect(fs.readFileSync(path.join(t.dataDir, file)).includes(secretPart)).toBe(false);
    }
  });
});

describe('authenticated read routes: each refuses every caller outside the roles its description names', () => {
  let f: Fixture;
  let tokens: Tokens;
  beforeAll(async () => {
    ({ f, tokens } = await setup());
  });
  afterAll(() => f.t.close());

  /** A path of the description with a well-formed value for each parameter (the caller is refused first). */
  const concrete = (p: string) =>
    p.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'code' ? f.body.code : 'A'.repeat(22)));

  test('when every documented GET with roles is called without a token and with each other role, then 401 and 403', async () => {
    const doc = await request(f.t.app).get('/api/v1/openapi.json');
    const paths = doc.body.paths as Record<string, Record<string, { 'x-roles'?: Role[] }>>;
    const reads = Object.entries(paths).flatMap(([p, item]) =>
      item.get?.['x-roles'] ? [{ path: concrete(p), roles: item.get['x-roles'] }] : [],
    );
    expect(reads.length).toBeGreaterThan(10);
    const refusals: string[] = [];
    for (const { path: p, roles } of reads) {
      const anonymous = await request(f.t.app).get(p);
      if (anonymous.status !== 401) refusals.push(`${p} without a token: ${anonymous.status}`);
      for (const role of ROLES.filter((r) => !roles.includes(r))) {
        const token = role === 'body' ? tokens.ownBody : tokens.ofRole[role];
        const res = await request(f.t.app).get(p).set('Authorization', `Bearer ${token}`);
        if (res.status !== 403 || res.body.code !== 'FORBIDDEN')
          refusals.push(`${p} as ${role}: ${res.status}`);
      }
    }
    expect(refusals).toEqual([]);
  });
});
