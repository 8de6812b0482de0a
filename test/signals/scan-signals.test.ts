import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { createApp } from '../../server/app';
import { createServices } from '../../server/composition/services';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { createLogger } from '../../server/platform/logger';
import { createRedisClient } from '../../server/platform/redis';
import { metricValue, seedBody, seedCertificate, unique } from '../helpers/factories';
import { removeKeysUnder, SHARED_REDIS_URL, waitForReady } from '../helpers/redis-server';
import { createTestApp, type TestApp } from '../helpers/test-app';

const ORIGIN = 'https://certwatch.example.gov.cn';

/** Scans `text` from client address `from` (the test apps trust X-Forwarded-For). */
const scanFrom = (t: TestApp, text: string, from = '203.0.113.7') =>
  request(t.app).post('/api/v1/scan').set('X-Forwarded-For', from).send({ text });

async function signalsOf(t: TestApp, token: string, query: Record<string, string>) {
  await t.services.scanRules.idle();
  return request(t.app).get('/api/v1/signals').query(query).set('Authorization', `Bearer ${token}`);
}

describe('scan rules through the API (embedded mode)', () => {
  let t: TestApp;
  let bodyCode: string;
  let inspector: string;

  beforeAll(async () => {
    t = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN, TRUST_PROXY: 'true', CLONED_QR_MIN_NETWORKS: '5' } });
    bodyCode = (await seedBody(t.services, { code: unique('SR').slice(0, 20) })).code;
    inspector = await t.tokenFor('inspector');
  });
  afterAll(async () => {
    await t.close();
  });

  const certificate = (overrides: Parameters<typeof seedCertificate>[1] = {}) =>
    seedCertificate(t.services, { bodyCode, ...overrides });
  const link = (cert: Certificate) => t.services.qr.signedUrl(cert).url;

  test('when a revoked certificate is scanned, then the scan answers GENUINE_REVOKED and an open non-valid-scanned signal appears in the queue', async () => {
    const cert = await certificate();
    const url = link(cert);
    await t.services.certificates.changeStatus(cert.publicId, {
      status: 'revoked',
      reason: '暂停期满未整改',
      date: '2026-03-01',
    });
    const scan = await scanFrom(t, url);
    expect(scan).toMatchObject({ status: 200, body: { verdict: 'GENUINE_REVOKED' } });

    const res = await signalsOf(t, inspector, { publicId: cert.publicId });
    expect(res).toMatchObject({ status: 200, body: { total: 1 } });
    expect(res.body.items[0]).toMatchObject({
      ruleId: 'non-valid-scanned',
      rule: { id: 'non-valid-scanned', title: { en: 'Non-valid certificate scanned' } },
      severity: 'high',
      state: 'open',
      occurrences: 1,
      subject: { kind: 'certificate', key: cert.publicId, label: cert.number },
      certificatePublicIds: [cert.publicId],
      bodyCode,
      evidence: { verdict: 'GENUINE_REVOKED', status: 'revoked', statusReason: '暂停期满未整改' },
    });
    // The new signal is audited, by the system.
    const entries = await t.stores.audit.forTarget('signal', res.body.items[0].id, 10);
    expect(entries).toEqual([expect.objectContaining({ action: 'signal.raise' })]);
  });

  test('when a suspended code is scanned four times the same day, then it is one signal with four occurrences', async () => {
    const cert = await certificate({
      status: 'suspended',
      statusReason: '监督审核逾期未实施',
      statusDate: '2026-03-01',
    });
    const url = link(cert);
    for (let i = 0; i < 4; i += 1) {
      expect((await scanFrom(t, url)).body.verdict).toBe('GENUINE_SUSPENDED');
    }
    const res = await signalsOf(t, inspector, { publicId: cert.publicId, ruleId: 'non-valid-scanned' });
    expect(res.body).toMatchObject({ total: 1, items: [{ severity: 'medium', occurrences: 4 }] });
  });

  test('when a valid certificate is scanned, then no signal is raised', async () => {
    const cert = await certificate();
    expect((await scanFrom(t, link(cert))).body.verdict).toBe('GENUINE_VALID');
    const res = await signalsOf(t, inspector, { publicId: cert.publicId });
    expect(res.body).toMatchObject({ total: 0, items: [] });
  });

  test('when a code is scanned from as many networks as CLONED_QR_MIN_NETWORKS, then a cloned-qr signal appears; from fewer, none', async () => {
    const cloned = await certificate();
    const near = await certificate();
    for (let n = 1; n <= 5; n += 1) await scanFrom(t, link(cloned), `198.51.${n}.20`);
    // Four networks, one of them twice from another address of the same /24.
    for (const from of ['198.51.1.20', '198.51.1.99', '198.51.2.20', '198.51.3.20', '198.51.4.20']) {
      await scanFrom(t, link(near), from);
    }
    const raised = await signalsOf(t, inspector, { publicId: cloned.publicId, ruleId: 'cloned-qr' });
    expect(raised.body).toMatchObject({
      total: 1,
      items: [
        { severity: 'medium', state: 'open', evidence: { networks: 5, minNetworks: 5, windowMinutes: 60 } },
      ],
    });
    const quiet = await signalsOf(t, inspector, { publicId: near.publicId, ruleId: 'cloned-qr' });
    expect(quiet.body.total).toBe(0);
    const metrics = (await t.deps.metrics?.registry.metrics()) ?? '';
    expect(metricValue(metrics, 'scan_rule_errors_total')).toBe(0);
    expect(metricValue(metrics, 'scan_rules_skipped_total')).toBe(0);
  });
});

describe('scan rules through the API (cluster mode: clone counts on Redis)', () => {
  const prefix = `certwatch-test:${randomUUID()}:`;
  let redis: Redis;
  let t: TestApp;

  beforeAll(async () => {
    redis = createRedisClient(SHARED_REDIS_URL, {
      logger: createLogger('silent'),
      connectionName: 'certwatch-test',
    });
    await waitForReady(redis);
    t = createTestApp({
      env: {
        PUBLIC_BASE_URL: ORIGIN,
        TRUST_PROXY: 'true',
        CLONED_QR_MIN_NETWORKS: '4',
        REDIS_KEY_PREFIX: prefix,
      },
      redis,
    });
  });
  afterAll(async () => {
    await t.close();
    await removeKeysUnder(redis, prefix);
    await redis.quit();
  });

  test('when two instances share the Redis, then networks counted on each add up to one cloned-qr signal, and the HyperLogLogs live under the prefix', async () => {
    // A second instance: services of its own (its own in-process state) over the same registry and Redis.
    const otherServices = createServices(t.deps);
    const other = createApp(t.deps, otherServices);
    try {
      const bodyCode = (await seedBody(t.services, { code: unique('SC').slice(0, 20) })).code;
      const cert = await seedCertificate(t.services, { bodyCode });
      const url = t.services.qr.signedUrl(cert).url;
      const scan = (app: typeof other, from: string) =>
        request(app).post('/api/v1/scan').set('X-Forwarded-For', from).send({ text: url });
      await scan(t.app, '192.0.2.1');
      await scan(other, '192.0.3.1');
      await scan(t.app, '192.0.4.1');
      await otherServices.scanRules.idle();
      await scan(other, '192.0.5.1');
      await otherServices.scanRules.idle();

      const inspector = await t.tokenFor('inspector');
      const res = await signalsOf(t, inspector, { publicId: cert.publicId, ruleId: 'cloned-qr' });
      expect(res.body).toMatchObject({ total: 1, items: [{ evidence: { networks: 4 } }] });
      const keys = await redis.keys(`${prefix}scan-networks:{${cert.publicId}}:*`);
      expect(keys.length).toBeGreaterThanOrEqual(1);
    } finally {
      await otherServices.qr.close();
    }
  });
});
