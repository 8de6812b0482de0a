/**
 * Uploads of unknown size (and large ones) are stored in a process of their own, with its own connection
 * to the registry file: lookups are answered meanwhile, cached answers are forgotten batch by batch, the
 * job's progress only grows, and the signals and audit entries written from that process keep the audit
 * chain whole. Correctness only: no test here depends on how fast anything is.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Body } from '../../server/bodies/body-schema';
import type { UploadJob, UploadProgress } from '../../server/uploads/upload-schema';
import { seedBody, seedCertificates } from '../helpers/factories';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { CONTENT_TYPES, toCsv, uploadRow, type UploadRow } from '../helpers/upload-files';
import { newJobId, streamUpload } from '../helpers/upload-request';

let t: TestApp;
let body: Body;
let token: string;
let port: number;
let server: http.Server;
beforeAll(async () => {
  t = createTestApp();
  body = await seedBody(t.services, { approvedSchemes: ['QMS', 'EMS'], approvedIndustryCodes: [] });
  token = await t.tokenFor('body', body.code);
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

const get = (path: string, as = token) => request(t.app).get(path).set('Authorization', `Bearer ${as}`);

/**
 * An upload sent in pieces over a chunked request (no Content-Length: stored in its own process). Each
 * next piece is sent only once `between(i)` resolves; resolves with the HTTP status and final job.
 */
function chunkedUpload(
  jobId: string,
  pieces: string[],
  between: (sent: number) => Promise<void>,
): Promise<{ status: number; body: UploadJob }> {
  const { req, answer } = streamUpload({ port, token, jobId });
  return (async () => {
    for (let i = 0; i < pieces.length; i += 1) {
      if (i > 0) await between(i);
      req.write(pieces[i]);
    }
    req.end();
    return answer;
  })();
}

/** Polls the job until `ready` holds for it (at most a few hundred polls); the job then. */
async function jobWhen(jobId: string, ready: (job: UploadJob) => boolean): Promise<UploadJob> {
  for (let i = 0; i < 4000; i += 1) {
    const res = await get(`/api/v1/uploads/${jobId}`);
    if (res.status === 200 && ready(res.body as UploadJob)) return res.body as UploadJob;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${jobId} never reached the awaited state`);
}

/** Splits a CSV text (header first) into pieces of about `rowsPerPiece` rows, each ending at a line end. */
function piecesOf(rows: UploadRow[], rowsPerPiece: number): string[] {
  const text = toCsv(rows);
  const lines = text.split('\r\n');
  const header = lines.shift() as string;
  const pieces: string[] = [];
  for (let i = 0; i < rows.length; i += rowsPerPiece) {
    const part = lines.slice(i, i + rowsPerPiece).join('\r\n');
    pieces.push(`${i === 0 ? `${header}\r\n` : ''}${part}\r\n`);
  }
  return pieces;
}

async function publicLookup(publicId: string) {
  return request(t.app).get(`/api/v1/certificates/${publicId}`);
}

test('when a lookup is issued while an upload is storing, then it answers, correct, and the certificates the upload changed are no longer answered from the cache', async () => {
  // A certificate in the registry, looked up (so its answer is cached) before the upload changes it.
  const existing = uploadRow();
  const first = await request(t.app)
    .post('/api/v1/uploads?mode=partial')
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', CONTENT_TYPES.csv)
    .send(toCsv([existing]));
  expect(first).toMatchObject({ status: 201, body: { progress: { created: 1 } } });
  const [stored] = (
    await request(t.app).get('/api/v1/certificates').query({ number: existing.number, body: body.code })
  ).body.items as { publicId: string }[];
  const publicId = (stored as { publicId: string }).publicId;
  await expect(publicLookup(publicId)).resolves.toMatchObject({ status: 200, body: { status: 'valid' } });

  const suspended = {
    ...existing,
    status: 'suspended',
    statusReason: '监督审核不合格',
    statusDate: '2026-01-10',
  };
  const rows = [suspended, ...Array.from({ length: 2999 }, () => uploadRow())];
  // The last row's number, looked up before it is uploaded: "not in the registry" is cached too.
  const last = rows[rows.length - 1] as UploadRow;
  const byNumber = () =>
    request(t.app).get('/api/v1/certificates').query({ number: last.number, body: body.code });
  expect((await byNumber()).body.items).toEqual([]);
  const jobId = newJobId('iso');
  const uploaded = chunkedUpload(jobId, piecesOf(rows, 1500), async () => {
    // The first piece is stored (the batch waits for no more rows past the flush interval); the upload
    // is still running, waiting for the rest of the file.
    const job = await jobWhen(jobId, (j) => j.progress.updated >= 1);
    expect(job.state).toBe('running');
    const during = await publicLookup(publicId);
    expect(during.status).toBe(200);
    expect(during.body.publicId).toBe(publicId);
    // The cached "valid" answer was forgotten once the batch was committed.
    let status = during.body.status as string;
    for (let i = 0; i < 200 && status !== 'suspended'; i += 1) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await publicLookup(publicId)).body.status as string;
    }
    expect(status).toBe('suspended');
    expect((await get(`/api/v1/uploads/${jobId}`)).body.state).toBe('running');
  });
  const { status, body: job } = await uploaded;
  expect(status).toBe(201);
  expect(job).toMatchObject({
    state: 'succeeded',
    progress: { rowsRead: 3000, created: 2999, updated: 1, rejected: 0 },
  });
  await expect(publicLookup(publicId)).resolves.toMatchObject({
    status: 200,
    body: { publicId, status: 'suspended' },
  });
  // Every stored row is found, the last one too: its cached "not in the registry" was forgotten.
  expect((await byNumber()).body.items).toHaveLength(1);
}, 180_000);

test('when the job of an upload stored in its own process is polled, then its progress never goes back and ends at the whole file', async () => {
  const rows = Array.from({ length: 4000 }, () => uploadRow());
  const jobId = newJobId('mono');
  const seen: UploadProgress[] = [];
  const uploaded = chunkedUpload(jobId, piecesOf(rows, 1000), async (sent) => {
    const job = await jobWhen(jobId, (j) => j.progress.rowsRead >= sent * 1000);
    seen.push(job.progress);
  });
  const { status, body: job } = await uploaded;
  expect(status).toBe(201);
  seen.push((await get(`/api/v1/uploads/${jobId}`)).body.progress as UploadProgress);
  const counts: (keyof UploadProgress)[] = ['bytes', 'rowsRead', 'accepted', 'created'];
  for (let i = 1; i < seen.length; i += 1) {
    for (const key of counts) {
      expect((seen[i] as UploadProgress)[key]).toBeGreaterThanOrEqual((seen[i - 1] as UploadProgress)[key]);
    }
  }
  expect(job).toMatchObject({ state: 'succeeded', progress: { rowsRead: 4000, created: 4000 } });
  expect(seen[seen.length - 1]).toMatchObject({ rowsRead: 4000, accepted: 4000, created: 4000 });
}, 180_000);

test('when an upload stored in its own process raises signals, then they are audited and the audit chain and tree verify', async () => {
  const before = await t.services.audit.head();
  // Rows of a scheme the body is not approved for: refused, and kept by the out-of-scope rule as a signal.
  const rows = [
    ...Array.from({ length: 300 }, () => uploadRow()),
    ...Array.from({ length: 3 }, () => uploadRow({ scheme: 'CCC' })),
  ];
  const jobId = newJobId('audit');
  const { status, body: job } = await chunkedUpload(jobId, piecesOf(rows, 200), async () => undefined);
  expect(status).toBe(201);
  expect(job).toMatchObject({ state: 'succeeded', progress: { created: 300, rejected: 3 } });

  const { items } = await t.services.signals.list(
    { bodyCode: body.code, ruleId: 'out-of-scope-attempt' },
    { page: 1, pageSize: 10 },
  );
  expect(items.length).toBeGreaterThanOrEqual(1);
  const verified = await t.services.audit.verify();
  expect(verified.firstBreak).toBeUndefined();
  const head = await t.services.audit.head();
  // The signal (written by the storing process) and the job's finish entry (the portal) both chain on.
  expect((head?.seq ?? 0) - (before?.seq ?? 0)).toBeGreaterThanOrEqual(2);
  const finish = await t.services.audit.forTarget('upload', jobId, 5);
  expect(finish.map((e) => e.action)).toEqual(['upload.finish']);
  // The transparency log's tree covers every entry: a checkpoint of the whole log and a proof for the last.
  const checkpoint = await t.services.transparency.checkpoint();
  expect(checkpoint.size).toBe(head?.seq);
  await expect(
    t.services.transparency.inclusion(checkpoint.size - 1, checkpoint.size),
  ).resolves.toBeDefined();
}, 180_000);

test('when an upload stored in its own process names an auditor the imported register does not hold, then the register rule raises its signal there too', async () => {
  await t.stores.auditors.upsertMany([
    {
      registrationNumber: '2023-N1QMS-2000001',
      name: '王芳',
      schemes: ['QMS'],
      validFrom: '2023-04-01',
      validTo: '2029-03-31',
      importedAt: '2026-01-05T02:00:00.000Z',
      importId: 'isolation-test',
    },
  ]);
  // The audit columns (docs/upload-columns.md) after the test helper's: the first row's lead auditor is
  // registered, the second's is not.
  const [header, ...lines] = toCsv([uploadRow(), uploadRow()]).trimEnd().split('\r\n');
  const team = ['王芳(2023-N1QMS-2000001)', '李强(2023-N1QMS-9999999)'];
  const csv = [
    `${header},审核开始日期,审核结束日期,审核人日,审核组成员`,
    ...lines.map((line, i) => `${line},2025-02-24,2025-02-25,2,${team[i]}`),
  ].join('\r\n');
  const jobId = newJobId('register');
  const { status, body: job } = await chunkedUpload(jobId, [`${csv}\r\n`], async () => undefined);
  expect(status).toBe(201);
  expect(job).toMatchObject({ state: 'succeeded', progress: { created: 2, rejected: 0 } });

  const { items } = await t.services.signals.list(
    { bodyCode: body.code, ruleId: 'auditor-unregistered' },
    { page: 1, pageSize: 10 },
  );
  expect(items).toHaveLength(1);
  expect(JSON.stringify(items[0]?.evidence)).toContain('2023-N1QMS-9999999');
  expect(JSON.stringify(items[0]?.evidence)).not.toContain('2023-N1QMS-2000001');
}, 180_000);

test('when a body changes statuses in the portal while an upload is being stored in its own process, then each change is stored and audited and the upload stores every row', async () => {
  const certs = await seedCertificates(
    t.services,
    Array.from({ length: 5 }, () => ({ bodyCode: body.code })),
  );
  const suspendEach = async () => {
    const statuses: number[] = [];
    for (const cert of certs) {
      const res = await request(t.app)
        .post(`/api/v1/certificates/${cert.publicId}/status`)
        .set('Authorization', `Bearer ${token}`)
        .send({ status: 'suspended', reason: '监督审核不合格', effectiveDate: '2026-01-10' });
      statuses.push(res.status);
    }
    return statuses;
  };
  const rows = Array.from({ length: 6000 }, () => uploadRow());
  // 500 rows first (the parser waits for more bytes than one row); the rest once they are stored, and the
  // statuses change while the rest is.
  const [first, ...rest] = piecesOf(rows, 500);
  const jobId = newJobId('writer');
  let changed: Promise<number[]> | undefined;
  const { status, body: job } = await chunkedUpload(jobId, [first as string, rest.join('')], async () => {
    await jobWhen(jobId, (j) => j.progress.created >= 1);
    changed = suspendEach();
  });
  expect(await changed).toEqual([200, 200, 200, 200, 200]);
  expect(status).toBe(201);
  expect(job).toMatchObject({ state: 'succeeded', progress: { rowsRead: 6000, created: 6000, rejected: 0 } });
  for (const cert of certs) {
    await expect(t.stores.certificates.findByPublicId(cert.publicId)).resolves.toMatchObject({
      status: 'suspended',
    });
    const audited = await t.services.audit.forTarget('certificate', cert.publicId, 5);
    expect(audited.map((e) => e.action)).toContain('certificate.status');
  }
  expect((await t.services.audit.verify()).firstBreak).toBeUndefined();
}, 180_000);
