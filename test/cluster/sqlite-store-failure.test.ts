/**
 * The embedded registry out of room (SQLITE_FULL, as with a full disk): a write answers 503
 * STORE_UNAVAILABLE with Retry-After, reads still answer, nothing stored is damaged, and writes work again
 * once there is room. A page limit on the connection stands in for the full disk.
 */
import fs from 'node:fs';
import request from 'supertest';
import { createApp } from '../../server/app';
import { createServices, type AppDeps } from '../../server/composition/services';
import { sqliteStoresOn } from '../../server/composition/stores';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/platform/logger';
import { createMemoryCache } from '../../server/platform/memory-cache';
import { openSqlite, type SqliteDatabase } from '../../server/platform/sqlite';
import { makeCertificate, seedBody, seedCertificate } from '../helpers/factories';
import { tempDir } from '../helpers/test-app';

/** A PNG signature and 1 MiB less a little of filler: a tip photo the registry must store. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const bigPhoto = Buffer.concat([PNG, Buffer.alloc(1_000_000, 7)]);
const tip = () => ({
  category: 'forged',
  description: '证书编号查询不到，怀疑伪造。',
  photo: { contentType: 'image/png', base64: bigPhoto.toString('base64') },
});

describe('when the SQLite registry runs out of room', () => {
  const dir = tempDir('certwatch-full-');
  let db: SqliteDatabase;
  let deps: AppDeps;
  let app: ReturnType<typeof createApp>;
  let services: ReturnType<typeof createServices>;

  beforeAll(() => {
    db = openSqlite(dir);
    deps = {
      config: loadConfig({
        DATA_DIR: dir,
        LOG_LEVEL: 'silent',
        RATE_LIMIT_PER_MINUTE: '100000',
        TIP_RATE_LIMIT_PER_MINUTE: '100000',
      }),
      logger: createLogger('silent'),
      stores: sqliteStoresOn(db),
      cache: createMemoryCache(),
    };
    services = createServices(deps);
    app = createApp(deps, services);
  });
  afterAll(async () => {
    await services.qr.close();
    await services.scanRules.idle();
    await deps.stores.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('then writes (a tip, an upload) answer 503 STORE_UNAVAILABLE storing nothing, reads still answer, the audit chain is whole, and writes work again once there is room', async () => {
    const body = await seedBody(services);
    const cert = await seedCertificate(services, { bodyCode: body.code });
    const pages = db.pragma('page_count', { simple: true }) as number;
    // No page beyond those the file has: the next write that needs one fails with SQLITE_FULL.
    db.pragma(`max_page_count = ${pages}`);

    const refused = await request(app).post('/api/v1/tips').send(tip());
    expect(refused).toMatchObject({ status: 503, body: { code: 'STORE_UNAVAILABLE' } });
    expect(refused.headers['retry-after']).toBe('5');
    expect(JSON.stringify(refused.body)).not.toContain('SQLITE');

    await expect(request(app).get(`/api/v1/certificates/${cert.publicId}`)).resolves.toMatchObject({
      status: 200,
      body: { publicId: cert.publicId },
    });
    // An upload that needs room: its job ends failed with the same code, and what it stored stays whole.
    const rows = Array.from({ length: 500 }, () => JSON.stringify(makeCertificate({ bodyCode: body.code })));
    const token = (
      await services.tokens.issue(
        { role: 'body', bodyCode: body.code, label: 'full', expiresInDays: 1 },
        undefined,
      )
    ).secret;
    const uploadRes = await request(app)
      .post('/api/v1/uploads')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/x-ndjson')
      .send(`${rows.join('\n')}\n`);
    expect(uploadRes).toMatchObject({
      status: 503,
      body: { code: 'STORE_UNAVAILABLE', job: { state: 'failed', progress: { rowsRead: 500, created: 0 } } },
    });
    await expect(deps.stores.certificates.count()).resolves.toBe(1);
    const verified = await services.audit.verify();
    expect(verified.firstBreak).toBeUndefined();

    db.pragma('max_page_count = 1073741823');
    await expect(request(app).post('/api/v1/tips').send(tip())).resolves.toMatchObject({ status: 201 });
    await expect(
      request(app)
        .post('/api/v1/uploads')
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/x-ndjson')
        .send(`${rows.join('\n')}\n`),
    ).resolves.toMatchObject({ status: 201, body: { progress: { created: 500 } } });
    expect((await services.audit.verify()).firstBreak).toBeUndefined();
  });
});
