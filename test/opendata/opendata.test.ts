/**
 * Open data (issue 15, item 4) through the API against a real SQLite registry: the export writes every
 * dataset as CSV (UTF-8 with BOM) and NDJSON; each file re-read over HTTP matches its SHA-256 and its row
 * count matches the registry; the DCAT catalogue and the page describe them; and no dataset carries a tip
 * contact, token id, network hash or internal id.
 */
import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import type { Manifest } from '../../server/opendata/opendata-schema';
import { todayInChina } from '../../server/platform/china-time';
import { REGISTRY_FILE } from '../../server/platform/data-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { creditCode, seedBody, seedCertificates, unique } from '../helpers/factories';

let t: TestApp;
let admin: string;
let inspector: string;
const CONTACT = `手机 139${String(crypto.randomInt(1e7, 1e8))}`;
const secrets: string[] = [];
let drawTargets = 0;

beforeAll(async () => {
  t = createTestApp({ env: { PUBLIC_BASE_URL: 'https://certwatch.example.gov.cn' } });
  admin = await t.tokenFor('admin');
  inspector = await t.tokenFor('inspector');
  const body = await seedBody(t.services, {
    code: unique('OD').slice(0, 20),
    name: '重庆开放数据认证有限公司',
  });
  const bodyToken = await t.tokenFor('body', body.code);
  secrets.push(admin, inspector, bodyToken);
  const certs = await seedCertificates(
    t.services,
    Array.from({ length: 2600 }, (_, i) =>
      i === 0 ? { bodyCode: body.code, scope: '=cmd|含,逗号与"引号"' } : { bodyCode: body.code },
    ),
  );
  const auth = { Authorization: `Bearer ${admin}` };
  const suspended = await request(t.app)
    .post(`/api/v1/certificates/${certs[1]?.publicId}/status`)
    .set(auth)
    .send({ status: 'suspended', reason: '监督审核逾期', effectiveDate: '2026-11-01' });
  expect(suspended.status).toBe(200);
  // Things that must never reach a dataset: a tip with a contact, scans (network hashes).
  const tip = await request(t.app).post('/api/v1/tips').send({
    category: 'forged',
    publicId: certs[2]?.publicId,
    description: '在商场看到可疑证书复印件。',
    contact: CONTACT,
  });
  expect(tip.status).toBe(201);
  for (const c of certs.slice(0, 3)) {
    await request(t.app)
      .post('/api/v1/scan')
      .set('X-Forwarded-For', '203.0.113.7')
      .send({ text: `https://certwatch.example.gov.cn/v/${c.publicId}` });
  }
  const listed = await request(t.app)
    .post('/api/v1/dishonesty')
    .set({ Authorization: `Bearer ${inspector}` })
    .send({
      subject: { kind: 'organisation', creditCode: creditCode(), name: '重庆开放数据失信有限公司' },
      severity: 'serious',
      basis: '《认证认可条例》第七十一条',
      facts: '伪造认证证书。',
      startDate: '2026-01-10',
    });
  expect(listed.status).toBe(201);
  // An executed draw with one published outcome, drawn by inspectors who are never named by id.
  for (const id of ['OD-INS-1', 'OD-INS-2', 'OD-INS-3']) {
    const res = await request(t.app)
      .post('/api/v1/inspectors')
      .set(auth)
      .send({ id, name: `检查员${id.slice(-1)}`, unit: '沙坪坝区市场监管局', conflicts: [] });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  }
  const plan = await request(t.app)
    .post('/api/v1/draws')
    .set(auth)
    .send({
      title: '开放数据抽查',
      population: { kind: 'bodies' },
      rates: { A: 100, B: 100, C: 100, D: 100 },
    });
  expect({ status: plan.status, body: plan.body }).toMatchObject({ status: 201 });
  const executed = await request(t.app).post(`/api/v1/draws/${plan.body.id}/execution`).set(auth);
  expect(executed.status).toBe(200);
  drawTargets = executed.body.execution.targets.length;
  const first = executed.body.execution.targets[0].id as string;
  const result = await request(t.app)
    .post(`/api/v1/draws/${plan.body.id}/results`)
    .set(auth)
    .send({ targetId: first, outcome: 'no_problem', summary: '未发现问题', inspectedOn: todayInChina() });
  expect({ status: result.status, body: result.body }).toMatchObject({ status: 201 });
  await t.services.qr.close().catch(() => undefined);
});
afterAll(() => t.close());

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

async function download(file: string): Promise<Buffer> {
  const res = await request(t.app)
    .get(`/open-data/${file}`)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  expect(res.status).toBe(200);
  return res.body as Buffer;
}

describe('open data export', () => {
  let manifest: Manifest;

  beforeAll(async () => {
    manifest = await t.services.openData.exportNow();
  });

  test('when each file is re-read over HTTP, then its checksum and row count match the manifest and the registry', async () => {
    const expected: Record<string, number> = {
      registry: await t.stores.certificates.count(),
      bodies: (await t.services.bodies.list()).length,
      dishonesty: (await t.services.dishonesty.listPublic({ page: 1, pageSize: 100 })).total,
      'draw-results': drawTargets,
    };
    expect(drawTargets).toBeGreaterThan(0);
    expect(manifest.datasets.map((d) => d.name)).toEqual([
      'registry',
      'bodies',
      'dishonesty',
      'draw-results',
    ]);
    expect(expected.registry).toBeGreaterThan(2500);
    for (const d of manifest.datasets) {
      expect(d.rows).toBe(expected[d.name]);
      for (const f of d.files) {
        const bytes = await download(f.file);
        expect(bytes.length).toBe(f.bytes);
        expect(sha256(bytes)).toBe(f.sha256);
        if (f.format === 'csv') {
          expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
          const rows = parse(bytes.toString('utf8').slice(1), { columns: true }) as Record<string, string>[];
          expect(rows.length).toBe(expected[d.name]);
          expect(Object.keys(rows[0] ?? Object.fromEntries(d.columns.map((c) => [c, ''])))).toEqual(
            d.columns,
          );
        } else {
          const lines = bytes
            .toString('utf8')
            .split('\n')
            .filter((l) => l !== '');
          expect(lines.length).toBe(expected[d.name]);
          for (const line of lines)
            for (const key of Object.keys(JSON.parse(line))) expect(d.columns).toContain(key);
        }
      }
    }
    const manifestFile = JSON.parse((await download('manifest.json')).toString('utf8'));
    expect(manifestFile).toEqual(manifest);
    expect((await request(t.app).get('/api/v1/open-data')).body).toEqual(manifest);
  });

  test('when the registry dataset is read, then a row is what the result page shows (status, reason, body), formula-safe', async () => {
    const lines = (await download('registry.ndjson'))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const suspended = lines.find((r) => r.status === 'suspended');
    expect(suspended).toMatchObject({
      statusReason: '监督审核逾期',
      statusDate: '2026-11-01',
      bodyName: '重庆开放数据认证有限公司',
    });
    const csv = parse((await download('registry.csv')).toString('utf8').slice(1), {
      columns: true,
    }) as Record<string, string>[];
    expect(csv.find((r) => r.scope?.includes('逗号'))?.scope).toBe(`'=cmd|含,逗号与"引号"`);
  });

  test('when every dataset is scanned, then no tip contact, token id, network hash or internal id appears', async () => {
    const db = new Database(path.join(t.deps.config.DATA_DIR, REGISTRY_FILE), { readonly: true });
    const column = (sql: string) => db.prepare(sql).pluck().all() as string[];
    const forbidden = {
      'tip contact': [CONTACT],
      'token id': column('SELECT id FROM tokens'),
      'token secret': secrets,
      'network hash': column('SELECT DISTINCT network_hash FROM scans'),
      'public id': column('SELECT public_id FROM certificates'),
      'tip id': column('SELECT id FROM tips'),
      'tip reference': column('SELECT reference FROM tips'),
      'dishonesty record id': column('SELECT id FROM dishonesty_records'),
      'audit entry hash': column('SELECT hash FROM audit_log'),
      'inspector id': ['OD-INS-1', 'OD-INS-2', 'OD-INS-3'],
    };
    db.close();
    expect(forbidden['network hash'].length).toBeGreaterThan(0);
    expect(forbidden['token id'].length).toBeGreaterThan(0);
    const found: string[] = [];
    for (const d of manifest.datasets) {
      for (const f of d.files) {
        const text = (await download(f.file)).toString('utf8');
        for (const [what, values] of Object.entries(forbidden))
          for (const v of values) if (v && text.includes(v)) found.push(`${f.file}: ${what}`);
        // Internal ids never are a column: the declared columns are the only keys.
        expect(d.columns.some((c) => /^(id|_id|publicId|tokenId)$/.test(c))).toBe(false);
      }
    }
    expect(found).toEqual([]);
  });

  test('when the catalogue and the page are read, then they describe the same files with their checksums, in zh and en', async () => {
    const res = await request(t.app).get('/open-data/catalog.jsonld');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/ld\+json/);
    const catalog = JSON.parse(res.text);
    expect(catalog['@type']).toBe('dcat:Catalog');
    const distributions = catalog['dcat:dataset'].flatMap(
      (d: { 'dcat:distribution': unknown[] }) => d['dcat:distribution'],
    );
    const files = manifest.datasets.flatMap((d) => d.files);
    expect(distributions).toHaveLength(files.length);
    for (const f of files) {
      expect(distributions).toContainEqual(
        expect.objectContaining({
          'dcat:downloadURL': { '@id': `https://certwatch.example.gov.cn/open-data/${f.file}` },
          'spdx:checksum': expect.objectContaining({ 'spdx:checksumValue': f.sha256 }),
        }),
      );
    }
    const zh = await request(t.app).get('/open-data?lang=zh');
    const en = await request(t.app).get('/open-data?lang=en');
    expect(zh.status).toBe(200);
    expect(zh.text).toContain('认证证书登记库');
    expect(en.text).toContain('Certificate registry');
    for (const f of files) expect(zh.text).toContain(f.sha256);
    expect(en.text).toContain('CC BY 4.0');
  });

  test('when the checkpoint beside the datasets is read, then it is the signed checkpoint of the log', async () => {
    expect(manifest.checkpoint).toBeDefined();
    const beside = (await download('audit-checkpoint.txt')).toString('utf8');
    expect(sha256(Buffer.from(beside))).toBe(manifest.checkpoint?.sha256);
    const served = (await request(t.app).get('/api/v1/audit/checkpoint')).text;
    expect(beside.split('\n\n')[0]).toBe(served.split('\n\n')[0]);
  });

  test('when a file name is unknown or malformed, then it is 404 OPEN_DATA_FILE_NOT_FOUND', async () => {
    for (const file of ['nothing.csv', '..%2Fregistry.sqlite', 'current.json', 'REGISTRY.CSV']) {
      const res = await request(t.app).get(`/open-data/${file}`);
      expect(res).toMatchObject({ status: 404, body: { code: 'OPEN_DATA_FILE_NOT_FOUND' } });
    }
  });

  test('when exports are asked for through the API, then only an admin may, and a second while one runs is 409', async () => {
    const anon = await request(t.app).post('/api/v1/open-data/exports');
    expect(anon.status).toBe(401);
    const asInspector = await request(t.app)
      .post('/api/v1/open-data/exports')
      .set({ Authorization: `Bearer ${inspector}` });
    expect(asInspector.status).toBe(403);
    const first = await request(t.app)
      .post('/api/v1/open-data/exports')
      .set({ Authorization: `Bearer ${admin}` });
    expect(first).toMatchObject({ status: 202, body: { state: 'started' } });
    const second = await request(t.app)
      .post('/api/v1/open-data/exports')
      .set({ Authorization: `Bearer ${admin}` });
    expect(second).toMatchObject({ status: 409, body: { code: 'OPEN_DATA_EXPORT_RUNNING' } });
    while (t.services.openData.running()) await new Promise((r) => setTimeout(r, 50));
    const next = t.services.openData.current();
    expect(next?.generation).not.toBe(manifest.generation);
    // Exporting again the same day is not due.
    await expect(t.services.openData.exportIfDue()).resolves.toBeUndefined();
  });
});
