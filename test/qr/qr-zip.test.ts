import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import QRCode from 'qrcode';
import request from 'supertest';
import unzipper from 'unzipper';
import type { Role } from '../../server/platform/auth';
import type { Certificate } from '../../server/certificates/certificate-schema';
import { entryNamer, MANIFEST_COLUMNS, MANIFEST_NAME } from '../../server/qr/qr-zip-service';
import { newUploadJobId } from '../../server/uploads/upload-service';
import { createMemoryCache } from '../../server/platform/memory-cache';
import { seedBody, unique } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { CONTENT_TYPES, toCsv, uploadRow, type UploadRow } from '../helpers/upload-files';
import { decodePng } from './qr-test-helpers';

const ORIGIN = 'https://certwatch.example.gov.cn';
let t: TestApp;
let bodyCode: string;
let token: string;

beforeAll(async () => {
  t = createTestApp({ env: { PUBLIC_BASE_URL: ORIGIN } });
  bodyCode = (await seedBody(t.services, { code: unique('QZ').slice(0, 20) })).code;
  token = await t.tokenFor('body', bodyCode);
});
afterAll(() => t.close());

/** Uploads `rows` as CSV through the API (partial unless said) and returns the job id. */
async function upload(rows: UploadRow[], mode: 'partial' | 'atomic' = 'partial'): Promise<string> {
  const res = await request(t.app)
    .post(`/api/v1/uploads?mode=${mode}`)
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', CONTENT_TYPES.csv)
    .send(toCsv(rows));
  expect([201, 422]).toContain(res.status);
  return (res.body.id ?? res.body.job.id) as string;
}

const zipPath = (jobId: string, query = '') => `/api/v1/uploads/${jobId}/qr.zip${query}`;

/** GET with the raw bytes kept whatever the type. */
function download(path: string, as: string | undefined = token) {
  const req = request(t.app)
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return as ? req.set('Authorization', `Bearer ${as}`) : req;
}

/** The entries of a zip, in the order of its central directory, with their contents. */
async function entries(zip: Buffer): Promise<{ name: string; data: Buffer }[]> {
  const directory = await unzipper.Open.buffer(zip);
  return Promise.all(directory.files.map(async (f) => ({ name: f.path, data: await f.buffer() })));
}

/** The manifest's rows as cells, BOM checked; the header first. */
function manifestOf(data: Buffer): string[][] {
  const text = data.toString('utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff);
  return parseCsv(text.slice(1)) as string[][];
}

async function stored(number: string): Promise<Certificate> {
  const [cert] = await t.stores.certificates.findByNumbers(bodyCode, [number]);
  if (!cert) throw new Error(`certificate ${number} is not stored`);
  return cert;
}

describe('the QR zip of an upload job', () => {
  test('when a body downloads it, then each stored certificate has one PNG of its signed code, in file order, and the manifest says which is which', async () => {
    // An unchanged row is covered by the job too: upload it once beforehand.
    const again = uploadRow({ bodyCode, name: '重庆复报测试有限公司' });
    await upload([again]);
    const rows = [
      uploadRow({ bodyCode, number: `${unique('QZ')}/A(1)`, name: '重庆斜杠编号测试有限公司' }),
      uploadRow({ bodyCode, name: '=HYPERLINK("http://evil.example","点我")' }),
      uploadRow({ bodyCode, creditCode: '91500106MA5U4KXX1A' }),
      again,
      uploadRow({ bodyCode, name: '重庆末行测试有限公司' }),
    ];
    const jobId = await upload(rows);
    const job = await request(t.app).get(`/api/v1/uploads/${jobId}`).set('Authorization', `Bearer ${token}`);
    expect(job.body.progress).toMatchObject({ accepted: 4, rejected: 1, created: 3, unchanged: 1 });

    const res = await download(zipPath(jobId));

    expect(res).toMatchObject({
      status: 200,
      headers: {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="upload-${jobId}-qr-png.zip"`,
        'cache-control': 'no-store',
      },
    });
    const files = await entries(res.body as Buffer);
    const accepted = [rows[0], rows[1], rows[3], rows[4]] as UploadRow[];
    const certs = await Promise.all(accepted.map((r) => stored(r.number as string)));
    const names = [
      `${rows[0]?.number?.replace(/[/()]/g, '_')}.png`,
      ...certs.slice(1).map((c) => `${c.number}.png`),
    ];
    expect(files.map((f) => f.name)).toEqual([MANIFEST_NAME, ...names]);
    const rejected = rows[2]?.number as string;
    expect(files.some((f) => f.name.includes(rejected))).toBe(false);

    const manifest = manifestOf(files[0]?.data as Buffer);
    expect(manifest[0]).toEqual([...MANIFEST_COLUMNS]);
    const urls = certs.map((c) => t.services.qr.signedUrl(c).url);
    expect(manifest.slice(1)).toEqual(
      certs.map((c, i) => [
        names[i],
        c.number,
        // A holder name a spreadsheet would run as a formula is defused.
        c.holder.name.startsWith('=') ? `'${c.holder.name}` : c.holder.name,
        c.publicId,
        urls[i],
      ]),
    );
    for (const [i, file] of files.slice(1).entries()) {
      const text = decodePng(file.data);
      expect(text).toBe(urls[i]);
      const scan = await request(t.app).post('/api/v1/scan').send({ text });
      expect(scan).toMatchObject({
        status: 200,
        body: { verdict: 'GENUINE_VALID', publicId: certs[i]?.publicId },
      });
    }
  });

  test('when the SVG format is asked for, then every entry is the SVG of the code', async () => {
    const rows = [uploadRow({ bodyCode }), uploadRow({ bodyCode })];
    const jobId = await upload(rows);

    const res = await download(zipPath(jobId, '?format=svg'));

    expect(res).toMatchObject({
      status: 200,
      headers: { 'content-disposition': `attachment; filename="upload-${jobId}-qr-svg.zip"` },
    });
    const files = await entries(res.body as Buffer);
    expect(files.map((f) => f.name)).toEqual([MANIFEST_NAME, ...rows.map((r) => `${r.number}.svg`)]);
    for (const [i, file] of files.slice(1).entries()) {
      const cert = await stored(rows[i]?.number as string);
      const expected = await QRCode.toString(t.services.qr.signedUrl(cert).url, {
        type: 'svg',
        errorCorrectionLevel: 'Q',
        margin: 4,
      });
      expect(file.data.toString('utf8')).toBe(expected);
    }
  });

  test('when a zip is made, then its images are not put in the shared cache, and a single code still is', async () => {
    // The app's own in-process cache, with its writes recorded.
    const cache = createMemoryCache();
    const written: string[] = [];
    const own = createTestApp({
      env: { PUBLIC_BASE_URL: ORIGIN },
      cache: { ...cache, set: (key, value, ttl) => (written.push(key), cache.set(key, value, ttl)) },
    });
    try {
      const code = (await seedBody(own.services, { code: unique('QC').slice(0, 20) })).code;
      const bodyToken = await own.tokenFor('body', code);
      const rows = [uploadRow({ bodyCode: code }), uploadRow({ bodyCode: code })];
      const res = await request(own.app)
        .post('/api/v1/uploads?mode=partial')
        .set('Authorization', `Bearer ${bodyToken}`)
        .set('Content-Type', CONTENT_TYPES.csv)
        .send(toCsv(rows));
      const jobId = res.body.id as string;

      const zip = await request(own.app).get(zipPath(jobId)).set('Authorization', `Bearer ${bodyToken}`);
      expect(zip.status).toBe(200);
      expect(written.filter((k) => k.startsWith('qr:'))).toEqual([]);

      const [cert] = await own.stores.certificates.findByNumbers(code, [rows[0]?.number as string]);
      const single = await request(own.app)
        .get(`/api/v1/certificates/${cert?.publicId}/qr.png`)
        .set('Authorization', `Bearer ${bodyToken}`);
      expect(single.status).toBe(200);
      expect(written.filter((k) => k.startsWith('qr:png:'))).toHaveLength(1);
    } finally {
      await own.close();
    }
  });

  test('when an admin downloads it, then it is the same zip', async () => {
    const row = uploadRow({ bodyCode });
    const jobId = await upload([row]);
    const res = await download(zipPath(jobId), await t.tokenFor('admin'));
    expect(res.status).toBe(200);
    const files = await entries(res.body as Buffer);
    expect(files.map((f) => f.name)).toEqual([MANIFEST_NAME, `${row.number}.png`]);
  });

  test('when an atomic upload was rejected, then the zip holds only the manifest header', async () => {
    const jobId = await upload(
      [uploadRow({ bodyCode }), uploadRow({ bodyCode, scheme: 'ISO 99999' })],
      'atomic',
    );
    const res = await download(zipPath(jobId));
    expect(res.status).toBe(200);
    const files = await entries(res.body as Buffer);
    expect(files.map((f) => f.name)).toEqual([MANIFEST_NAME]);
    expect(manifestOf(files[0]?.data as Buffer)).toEqual([[...MANIFEST_COLUMNS]]);
  });

  test('when the job is still running, then 409 UPLOAD_JOB_RUNNING', async () => {
    const id = newUploadJobId();
    await t.stores.uploadJobs.create({
      id,
      bodyCode,
      createdBy: 'tok_running',
      format: 'csv',
      mode: 'partial',
      createdAt: new Date().toISOString(),
    });
    const res = await request(t.app).get(zipPath(id)).set('Authorization', `Bearer ${token}`);
    expect(res).toMatchObject({ status: 409, body: { code: 'UPLOAD_JOB_RUNNING' } });
  });
});

describe('who may download a QR zip', () => {
  let jobId: string;
  beforeAll(async () => {
    jobId = await upload([uploadRow({ bodyCode })]);
  });

  test("when another body's token asks, then 404 as for a job that does not exist", async () => {
    const other = (await seedBody(t.services, { code: unique('QX').slice(0, 20) })).code;
    const otherToken = await t.tokenFor('body', other);
    const theirs = await request(t.app).get(zipPath(jobId)).set('Authorization', `Bearer ${otherToken}`);
    const unknown = await request(t.app)
      .get(zipPath(newUploadJobId()))
      .set('Authorization', `Bearer ${otherToken}`);
    expect(theirs).toMatchObject({ status: 404, body: { code: 'UPLOAD_JOB_NOT_FOUND' } });
    expect(theirs.body.detail).toBe(unknown.body.detail);
  });

  test.each([['inspector'], ['partner']] as [Role][])('when a %s token asks, then 403', async (role) => {
    const res = await request(t.app)
      .get(zipPath(jobId))
      .set('Authorization', `Bearer ${await t.tokenFor(role)}`);
    expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });

  test('when nobody is signed in, then 401', async () => {
    const res = await request(t.app).get(zipPath(jobId));
    expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
  });

  test('when the job id or the query is malformed, then 400', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    expect(await request(t.app).get(zipPath('short')).set(auth)).toMatchObject({
      status: 400,
      body: { code: 'INVALID_UPLOAD_JOB_ID' },
    });
    for (const query of ['?format=gif', '?format=png&size=9']) {
      expect(await request(t.app).get(zipPath(jobId, query)).set(auth)).toMatchObject({
        status: 400,
        body: { code: 'INVALID_QUERY' },
      });
    }
  });
});

describe('entry names', () => {
  test('when numbers differ only in characters a file name cannot hold, then each still gets a name of its own', () => {
    const name = entryNamer('png');
    expect(['A/1', 'A_1', 'A(1', 'A_1_2', 'B-2', 'CON', 'nul', 'A/1.X#Y'].map(name)).toEqual([
      'A_1.png',
      'A_1_2.png',
      'A_1_3.png',
      'A_1_2_2.png',
      'B-2.png',
      '_CON.png',
      '_nul.png',
      'A_1.X_Y.png',
    ]);
  });
});

describe('a big job', () => {
  // 500 codes: the reader below holds on after 256 KiB (about 100 codes, and about 70 made ahead of it),
  // so several hundred are left that only backpressure keeps from being made.
  const ROWS = 500;
  let jobId: string;
  beforeAll(async () => {
    jobId = await upload(Array.from({ length: ROWS }, () => uploadRow({ bodyCode })));
  }, 60_000);

  /** Local file headers in `bytes`: one per entry begun. */
  const entriesBegun = (bytes: Buffer) => {
    let count = 0;
    for (let at = bytes.indexOf('PK\x03\x04'); at !== -1; at = bytes.indexOf('PK\x03\x04', at + 4))
      count += 1;
    return count;
  };

  test('when it is downloaded over HTTP, then the first bytes arrive before all codes are made, and making them stops when the client goes', async () => {
    const image = jest.spyOn(t.services.qr, 'image');
    const server = http.createServer(t.app).listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const first = await new Promise<{ status?: number; made: number }>((resolve, reject) => {
        const req = http.get(
          { port, host: '127.0.0.1', path: zipPath(jobId), headers: { Authorization: `Bearer ${token}` } },
          (res) => {
            res.once('data', () => {
              resolve({ status: res.statusCode, made: image.mock.calls.length });
              req.destroy();
            });
          },
        );
        req.on('error', reject);
      });
      expect(first.status).toBe(200);
      expect(first.made).toBeLessThan(ROWS);
      // The client has gone: making codes stops with it.
      const pause = () => new Promise((resolve) => setTimeout(resolve, 500));
      await pause();
      const madeWhenGone = image.mock.calls.length;
      await pause();
      expect(image.mock.calls.length).toBe(madeWhenGone);
      expect(madeWhenGone).toBeLessThan(ROWS);
    } finally {
      image.mockRestore();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);

  test('when the client stops reading, then the server stops making codes a few entries ahead of it, and finishes once it reads again', async () => {
    const image = jest.spyOn(t.services.qr, 'image');
    const principal = await t.services.tokens.verify(token);
    const zip = await t.services.qrZip.open(principal, jobId, 'svg');
    // A reader that takes the first 256 KiB (the manifest and some codes), then holds on until released.
    const received: Buffer[] = [];
    let size = 0;
    let holding = true;
    let held: (() => void) | undefined;
    const out = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk);
        size += chunk.length;
        if (holding && size >= 256 * 1024) held = done;
        else done();
      },
    });
    try {
      const written = zip.writeTo(out);
      // Wait until the making of codes has stalled: no new image for 300 ms.
      let seen = -1;
      while (held === undefined || image.mock.calls.length !== seen) {
        seen = image.mock.calls.length;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      const delivered = entriesBegun(Buffer.concat(received)) - 1;
      const ahead = image.mock.calls.length - delivered;
      expect(delivered).toBeGreaterThan(0);
      // Measured: about 100 codes delivered and 70 ahead (archiver's stages of 64 KiB each hold that much
      // deflated SVG); without backpressure every one of the 500 would be made, 400 ahead.
      expect(ahead).toBeLessThan(150);
      holding = false;
      held?.();
      await written;
    } finally {
      image.mockRestore();
    }
    // The central directory names every code; the manifest's file column lists the same names in order.
    const directory = await unzipper.Open.buffer(Buffer.concat(received));
    expect(directory.files).toHaveLength(ROWS + 1);
    const [manifestFile, ...codes] = directory.files;
    const manifest = manifestOf(await (manifestFile as unzipper.File).buffer());
    expect(manifest.slice(1).map((row) => row[0])).toEqual(codes.map((f) => f.path));
    const last = codes[codes.length - 1] as unzipper.File;
    expect((await last.buffer()).toString('utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  }, 120_000);
});
