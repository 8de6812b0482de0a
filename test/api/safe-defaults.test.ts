/**
 * Safe defaults checked in process: authenticated answers are never stored by caches, what the registry
 * creates on disk is its owner's only, and the configured origin follows PORT and refuses localhost in
 * cluster mode. (The start-up refusals of a bad DATA_DIR run the real process: startup.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createServices } from '../../server/composition/services';
import { openSqliteStores } from '../../server/composition/stores';
import { ConfigError, loadConfig } from '../../server/config';
import { createLogger } from '../../server/platform/logger';
import { createMemoryCache } from '../../server/platform/memory-cache';
import { seedBody, seedCertificate } from '../helpers/factories';
import { createTestApp, tempDir, type TestApp } from '../helpers/test-app';
import { CONTENT_TYPES, toCsv, uploadRow } from '../helpers/upload-files';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('when a request carries a valid token', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = createTestApp();
    admin = await t.tokenFor('admin');
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (p: string) => request(t.app).get(p).set('Authorization', `Bearer ${token}`),
    post: (p: string) => request(t.app).post(p).set('Authorization', `Bearer ${token}`),
  });

  test('when a token is issued, then the answer with its secret is marked no-store', async () => {
    const res = await as(admin).post('/api/v1/tokens').send({ role: 'inspector', label: 'no-store check' });

    expect(res).toMatchObject({
      status: 201,
      headers: { 'cache-control': 'no-store' },
      body: { secret: expect.stringMatching(/^cw\./) },
    });
  });

  test('when tokens are listed, then the answer is marked no-store', async () => {
    const res = await as(admin).get('/api/v1/tokens');

    expect(res).toMatchObject({ status: 200, headers: { 'cache-control': 'no-store' } });
    expect(Array.isArray(res.body.items ?? res.body)).toBe(true);
  });

  test('when a body reads its upload job, then the answer is marked no-store', async () => {
    const body = await seedBody(t.services, { approvedSchemes: ['QMS'] });
    const token = await t.tokenFor('body', body.code);
    const uploaded = await as(token)
      .post('/api/v1/uploads?mode=partial')
      .set('Content-Type', CONTENT_TYPES.csv)
      .send(toCsv([uploadRow()]));
    expect(uploaded.status).toBe(201);
    const jobId = (uploaded.body.job ?? uploaded.body).id as string;

    const res = await as(token).get(`/api/v1/uploads/${jobId}`);

    expect(res).toMatchObject({ status: 200, headers: { 'cache-control': 'no-store' }, body: { id: jobId } });
  });

  test('when a public route is called with a token, then its answer is no-store too; without one it is not', async () => {
    const body = await seedBody(t.services);
    const cert = await seedCertificate(t.services, { bodyCode: body.code });
    const inspector = await t.tokenFor('inspector');

    const withToken = await as(inspector).get(`/api/v1/certificates/${cert.publicId}`);
    const searchWithToken = await as(inspector).get(`/api/v1/certificates?number=${cert.number}`);
    const anonymous = await request(t.app).get(`/api/v1/certificates/${cert.publicId}`);

    expect(withToken).toMatchObject({ status: 200, headers: { 'cache-control': 'no-store' } });
    expect(searchWithToken).toMatchObject({ status: 200, headers: { 'cache-control': 'no-store' } });
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers['cache-control']).toBeUndefined();
  });
});

describe('when the registry starts in a directory that does not exist yet', () => {
  test('then the directory, registry, WAL, key and secret files are readable by their owner only', async () => {
    const parent = tempDir();
    const dataDir = path.join(parent, 'data');
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const stores = openSqliteStores(dataDir);
    const services = createServices({
      config,
      logger: createLogger('silent'),
      stores,
      cache: createMemoryCache(),
    });
    try {
      // A write, so that the WAL file exists while the registry is open.
      await seedBody(services);
      const keyFiles = fs.readdirSync(path.join(dataDir, 'keys')).filter((f) => f.endsWith('.json'));

      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(path.join(dataDir, 'registry.sqlite'))).toBe(0o600);
      expect(modeOf(path.join(dataDir, 'registry.sqlite-wal'))).toBe(0o600);
      expect(modeOf(path.join(dataDir, 'keys'))).toBe(0o700);
      expect(keyFiles).toHaveLength(1);
      expect(modeOf(path.join(dataDir, 'keys', keyFiles[0] as string))).toBe(0o600);
      expect(modeOf(path.join(dataDir, 'scan-hash.secret'))).toBe(0o600);
    } finally {
      await services.qr.close();
      await stores.close();
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  test('when the registry is opened again, then its data is still there (the pre-created file is a real database)', async () => {
    const parent = tempDir();
    const dataDir = path.join(parent, 'data');
    try {
      const first = openSqliteStores(dataDir);
      const config = loadConfig({ DATA_DIR: dataDir });
      const services = createServices({
        config,
        logger: createLogger('silent'),
        stores: first,
        cache: createMemoryCache(),
      });
      const body = await seedBody(services);
      await services.qr.close();
      await first.close();

      const again = openSqliteStores(dataDir);
      const found = await again.bodies.findByCode(body.code);
      await again.close();

      expect(found).toMatchObject({ code: body.code });
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('when the origin is configured', () => {
  test('when only PORT is given, then links and QR codes use http://localhost:PORT', async () => {
    const t = createTestApp({ env: { PORT: '4123' } });
    try {
      const body = await seedBody(t.services);
      const cert = await seedCertificate(t.services, { bodyCode: body.code });

      expect(t.deps.config.PUBLIC_BASE_URL).toBe('http://localhost:4123');
      expect(t.services.qr.signedUrl(cert).url).toMatch(/^http:\/\/localhost:4123\/v\//);
    } finally {
      await t.close();
    }
  });

  test('when PUBLIC_BASE_URL is given too, then it wins over PORT', () => {
    const config = loadConfig({ PORT: '4123', PUBLIC_BASE_URL: 'https://verify.example.gov.cn' });
    expect(config.PUBLIC_BASE_URL).toBe('https://verify.example.gov.cn');
  });

  test.each([
    ['unset', {}],
    ['localhost', { PUBLIC_BASE_URL: 'http://localhost:3000' }],
    ['127.0.0.1', { PUBLIC_BASE_URL: 'https://127.0.0.1' }],
    ['::1', { PUBLIC_BASE_URL: 'http://[::1]:8080' }],
  ])(
    'when cluster mode has PUBLIC_BASE_URL %s, then start-up is refused naming the variable',
    (_what, env) => {
      const cluster = { STORE: 'mongo', MONGODB_URI: 'mongodb://mongo:27017/certwatch', ...env };
      expect(() => loadConfig(cluster)).toThrow(ConfigError);
      expect(() => loadConfig(cluster)).toThrow(
        /^\s+PUBLIC_BASE_URL: cluster mode \(STORE=mongo\) needs the public origin/m,
      );
    },
  );

  test('when cluster mode has a public origin, then it is accepted', () => {
    const config = loadConfig({
      STORE: 'mongo',
      MONGODB_URI: 'mongodb://mongo:27017/certwatch',
      PUBLIC_BASE_URL: 'https://verify.example.gov.cn',
    });
    expect(config.PUBLIC_BASE_URL).toBe('https://verify.example.gov.cn');
  });
});
