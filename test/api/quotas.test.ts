/**
 * Request budgets: anonymous requests share their address's (IPv6: its prefix), each token has its own
 * by role, and the two never mix. Also with two app instances counting in one Redis.
 */
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { createApp } from '../../server/app';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { ConfigError, loadConfig, tokenQuotas } from '../../server/config';
import { createLogger } from '../../server/platform/logger';
import { redisRateLimitStore } from '../../server/platform/rate-limit';
import { createRedisClient } from '../../server/platform/redis';
import { seedBody, seedCertificate } from '../helpers/factories';
import { removeKeysUnder, SHARED_REDIS_URL, waitForReady } from '../helpers/redis-server';
import { createTestApp, type TestApp } from '../helpers/test-app';

const ANONYMOUS = 2;
const INSPECTOR = 3;
const BODY = 5;
const ENV = {
  TRUST_PROXY: '1',
  RATE_LIMIT_PER_MINUTE: String(ANONYMOUS),
  RATE_LIMIT_INSPECTOR_PER_MINUTE: String(INSPECTOR),
  RATE_LIMIT_BODY_PER_MINUTE: String(BODY),
};

/** A fresh address of the documentation range for each call: tests never share a budget by accident. */
let nextAddress = 1;
const freshAddress = () => `198.51.100.${nextAddress++}`;

const tokenIdOf = (bearer: string) => bearer.split('.')[1] as string;

function client(app: Express, address: string, token?: string) {
  const get = (path: string) => {
    const req = request(app).get(path).set('X-Forwarded-For', address);
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };
  return { get };
}

describe('when requests carry tokens or none, on one instance', () => {
  let t: TestApp;
  let cert: Certificate;
  let bodyCode: string;
  beforeAll(async () => {
    t = createTestApp({ env: ENV });
    bodyCode = (await seedBody(t.services)).code;
    cert = await seedCertificate(t.services, { bodyCode });
  });
  afterAll(() => t.close());

  test('when two tokens call from one address, then each has its own budget', async () => {
    const address = freshAddress();
    const a = client(t.app, address, await t.tokenFor('inspector'));
    const b = client(t.app, address, await t.tokenFor('inspector'));

    for (let i = 0; i < INSPECTOR; i += 1) {
      const ok = await a.get('/api/v1/audit/head');
      expect(ok.status).toBe(200);
      expect(ok.headers.ratelimit).toMatch(new RegExp(`remaining=${INSPECTOR - 1 - i}\\b`));
    }
    const refused = await a.get('/api/v1/audit/head');
    const other = await b.get('/api/v1/audit/head');

    expect(refused).toMatchObject({
      status: 429,
      headers: {
        'retry-after': expect.stringMatching(/^\d+$/),
        'ratelimit-policy': expect.stringMatching(new RegExp(`^${INSPECTOR};w=60`)),
        ratelimit: expect.stringMatching(/remaining=0\b/),
      },
      body: { code: 'RATE_LIMITED', status: 429 },
    });
    expect(other).toMatchObject({
      status: 200,
      headers: { ratelimit: expect.stringMatching(/remaining=2\b/) },
    });
  });

  test('when anonymous traffic uses up its address budget, then tokens from that address still answer', async () => {
    const address = freshAddress();
    const anonymous = client(t.app, address);
    const inspector = client(t.app, address, await t.tokenFor('inspector'));
    for (let i = 0; i < ANONYMOUS; i += 1)
      await anonymous.get(`/api/v1/certificates/${cert.publicId}`).expect(200);
    await anonymous.get(`/api/v1/certificates/${cert.publicId}`).expect(429);
    await anonymous.get('/api/v1/audit/head').expect(429);

    const lookup = await inspector.get(`/api/v1/certificates/${cert.publicId}`);
    const head = await inspector.get('/api/v1/audit/head');

    expect(lookup).toMatchObject({ status: 200, body: { publicId: cert.publicId } });
    expect(lookup.headers['ratelimit-policy']).toMatch(new RegExp(`^${INSPECTOR};w=60`));
    expect(head.status).toBe(200);
    // and the token's requests gave the address nothing back: it is still limited
    await anonymous.get('/api/v1/audit/head').expect(429);
  });

  test('when a token uses up its budget, then anonymous requests from its address are not limited', async () => {
    const address = freshAddress();
    const inspector = client(t.app, address, await t.tokenFor('inspector'));
    for (let i = 0; i < INSPECTOR; i += 1)
      await inspector.get(`/api/v1/certificates/${cert.publicId}`).expect(200);
    await inspector.get(`/api/v1/certificates/${cert.publicId}`).expect(429);

    const anonymous = await client(t.app, address).get(`/api/v1/certificates/${cert.publicId}`);

    expect(anonymous).toMatchObject({ status: 200, body: { publicId: cert.publicId } });
    expect(anonymous.headers.ratelimit).toMatch(new RegExp(`remaining=${ANONYMOUS - 1}\\b`));
    expect(anonymous.headers['ratelimit-policy']).toMatch(new RegExp(`^${ANONYMOUS};w=60`));
  });

  test('when tokens of different roles call, then each gets its role budget', async () => {
    const address = freshAddress();
    const body = await client(t.app, address, await t.tokenFor('body', bodyCode)).get('/api/v1/audit/head');
    const inspector = await client(t.app, address, await t.tokenFor('inspector')).get('/api/v1/audit/head');
    const admin = await client(t.app, address, await t.tokenFor('admin')).get('/api/v1/audit/head');

    expect(body.headers['ratelimit-policy']).toMatch(new RegExp(`^${BODY};w=60`));
    expect(body.headers.ratelimit).toMatch(new RegExp(`remaining=${BODY - 1}\\b`));
    expect(inspector.headers['ratelimit-policy']).toMatch(new RegExp(`^${INSPECTOR};w=60`));
    // Not set in ENV: the admin default (createTestApp raises it for the rest of the suite).
    expect(admin.headers['ratelimit-policy']).toMatch(/^100000;w=60/);
  });

  test('when a bad token is sent, then 401, counted against the address; past its budget 429; a valid token still answers', async () => {
    const address = freshAddress();
    const forged = client(t.app, address, `cw.${'A'.repeat(16)}.${'B'.repeat(43)}`);

    const first = await forged.get('/api/v1/audit/head');
    const second = await forged.get(`/api/v1/certificates/${cert.publicId}`);
    const third = await forged.get('/api/v1/audit/head');
    const valid = await client(t.app, address, await t.tokenFor('inspector')).get('/api/v1/audit/head');

    expect(first).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED' },
      headers: { ratelimit: expect.stringMatching(/remaining=1\b/) },
    });
    expect(second).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(third).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(valid.status).toBe(200);
  });

  test('when a malformed Authorization header is sent, then 401, never an anonymous answer', async () => {
    const res = await request(t.app)
      .get(`/api/v1/certificates/${cert.publicId}`)
      .set('X-Forwarded-For', freshAddress())
      .set('Authorization', 'Basic dXNlcjpwYXNz');
    expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    expect(JSON.stringify(res.body)).not.toContain(cert.holder.name);
  });

  test('when anonymous IPv6 clients share a /56, then they share one budget; another /56 has its own', async () => {
    const home = (suffix: string) => client(t.app, `2001:db8:42:${suffix}`);
    await home('100::1').get('/api/v1/audit/head').expect(200);
    await home('1ff:aaaa::2').get('/api/v1/audit/head').expect(200);

    const sameHome = await home('17a::3').get('/api/v1/audit/head');
    const neighbour = await home('200::1').get('/api/v1/audit/head');

    expect(sameHome).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(neighbour.status).toBe(200);
  });
});

describe('when RATE_LIMIT_IPV6_SUBNET is 64', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp({ env: { ...ENV, RATE_LIMIT_IPV6_SUBNET: '64' } });
  });
  afterAll(() => t.close());

  test('when two /64s of one /56 call, then each has its own budget', async () => {
    for (let i = 0; i < ANONYMOUS; i += 1) {
      await client(t.app, `2001:db8:43:100::${i + 1}`)
        .get('/api/v1/audit/head')
        .expect(200);
    }
    await client(t.app, '2001:db8:43:100::9').get('/api/v1/audit/head').expect(429);

    const nextPrefix = await client(t.app, '2001:db8:43:101::1').get('/api/v1/audit/head');

    expect(nextPrefix.status).toBe(200);
  });
});

describe('when the budgets are configured', () => {
  test('when nothing is set, then the documented defaults apply', () => {
    const config = loadConfig({});
    expect(config.RATE_LIMIT_PER_MINUTE).toBe(1200);
    expect(config.RATE_LIMIT_IPV6_SUBNET).toBe(56);
    expect(tokenQuotas(config)).toEqual({ admin: 600, body: 1200, inspector: 600, partner: 1200 });
  });

  test.each([
    ['RATE_LIMIT_BODY_PER_MINUTE', '0'],
    ['RATE_LIMIT_PARTNER_PER_MINUTE', 'lots'],
    ['RATE_LIMIT_INSPECTOR_PER_MINUTE', '1.5'],
    ['RATE_LIMIT_IPV6_SUBNET', '128'],
  ])('when %s is %s, then start-up stops with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^\\s+${name}:`, 'm'));
  });
});

describe('when two instances count in one Redis', () => {
  const prefix = `certwatch-test:${randomUUID()}:`;
  let t: TestApp;
  let admin: Redis;
  const clients: Redis[] = [];
  const instances: Express[] = [];

  beforeAll(async () => {
    t = createTestApp({ env: ENV });
    admin = createRedisClient(SHARED_REDIS_URL, { logger: createLogger('silent') });
    await waitForReady(admin);
    for (let i = 0; i < 2; i += 1) {
      // Each instance has its own connection, as separate processes would.
      const redis = createRedisClient(SHARED_REDIS_URL, { logger: createLogger('silent') });
      await waitForReady(redis);
      clients.push(redis);
      const config = { ...t.deps.config, REDIS_KEY_PREFIX: prefix };
      instances.push(
        createApp(
          { ...t.deps, config, redis, rateLimitStore: redisRateLimitStore(redis, prefix) },
          t.services,
        ),
      );
    }
  });
  afterAll(async () => {
    await removeKeysUnder(admin, prefix);
    for (const redis of [admin, ...clients]) redis.disconnect();
    await t.close();
  });

  test('when one token calls both instances, then they spend one budget; another token from that address has its own', async () => {
    const address = freshAddress();
    const token = await t.tokenFor('inspector');
    const [one, two] = instances as [Express, Express];
    await client(one, address, token).get('/api/v1/audit/head').expect(200);
    await client(two, address, token).get('/api/v1/audit/head').expect(200);
    await client(one, address, token).get('/api/v1/audit/head').expect(200);

    const fourth = await client(two, address, token).get('/api/v1/audit/head');
    const other = await client(two, address, await t.tokenFor('inspector')).get('/api/v1/audit/head');

    expect(fourth).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(fourth.headers['retry-after']).toMatch(/^\d+$/);
    expect(other).toMatchObject({
      status: 200,
      headers: { ratelimit: expect.stringMatching(/remaining=2\b/) },
    });
  });

  test('when anonymous traffic uses up the address on both instances, then a token from that address still answers on both', async () => {
    const address = freshAddress();
    const [one, two] = instances as [Express, Express];
    await client(one, address).get('/api/v1/audit/head').expect(200);
    await client(two, address).get('/api/v1/audit/head').expect(200);
    await client(one, address).get('/api/v1/audit/head').expect(429);
    const token = await t.tokenFor('inspector');

    const onOne = await client(one, address, token).get('/api/v1/audit/head');
    const onTwo = await client(two, address, token).get('/api/v1/audit/head');

    expect(onOne.status).toBe(200);
    expect(onTwo).toMatchObject({
      status: 200,
      headers: { ratelimit: expect.stringMatching(/remaining=1\b/) },
    });
    await client(two, address).get('/api/v1/audit/head').expect(429);
  });

  test('when tokens are counted in Redis, then the keys name the token id, never its secret', async () => {
    const token = await t.tokenFor('inspector');
    await client(instances[0] as Express, freshAddress(), token)
      .get('/api/v1/audit/head')
      .expect(200);

    const keys = await admin.keys(`${prefix}*`);

    expect(keys).toContain(`${prefix}tokens:rl:token:${tokenIdOf(token)}`);
    const secret = token.split('.')[2] as string;
    expect(keys.filter((k) => k.includes(secret))).toEqual([]);
    expect(keys.some((k) => k.startsWith(`${prefix}rl:`))).toBe(true);
  });
});
