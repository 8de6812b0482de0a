/**
 * Large uploads run a few at a time (UPLOAD_MAX_RUNNING, UPLOAD_MAX_RUNNING_PER_BODY): past a body's share
 * 429 UPLOAD_BODY_BUSY, past the server's 503 UPLOADS_BUSY, both with Retry-After, before a byte of the
 * file is read and without a job. Files sent without a length count as large (stored in a process of
 * their own); the held uploads below send half a file and wait.
 */
import fs from 'node:fs';
import request from 'supertest';
import type { Body } from '../../server/bodies/body-schema';
import type { UploadJob } from '../../server/uploads/upload-schema';
import { seedBody } from '../helpers/factories';
import { startE2eApp, type E2eApp } from '../helpers/e2e-app';
import type { TestApp } from '../helpers/test-app';
import { newJobId, streamUpload, type StreamedUpload } from '../helpers/upload-request';
import { CONTENT_TYPES, toCsv, uploadRow } from '../helpers/upload-files';

let portal: E2eApp;
let t: TestApp;
let port: number;
const bodies: Body[] = [];
const tokens: string[] = [];

beforeAll(async () => {
  portal = await startE2eApp({ UPLOAD_MAX_RUNNING: '2', UPLOAD_MAX_RUNNING_PER_BODY: '1' });
  t = portal.t;
  port = Number(new URL(portal.baseUrl).port);
  for (let i = 0; i < 3; i += 1) {
    const body = await seedBody(t.services, { approvedSchemes: ['QMS', 'EMS', 'CCC'] });
    bodies.push(body);
    tokens.push(await t.tokenFor('body', body.code));
  }
});
afterAll(() => portal.close());

const getJob = (jobId: string, token: string) =>
  request(t.app).get(`/api/v1/uploads/${jobId}`).set('Authorization', `Bearer ${token}`);

/** An upload that has sent half its file and is running on the server; `finish` sends the rest. */
async function holdUpload(token: string, text = toCsv(Array.from({ length: 2000 }, () => uploadRow()))) {
  const jobId = newJobId('held');
  const upload = streamUpload({ port, token, jobId });
  upload.req.write(text.slice(0, text.lastIndexOf('\r\n', text.length / 2) + 2));
  for (let i = 0; i < 4000; i += 1) {
    const res = await getJob(jobId, token);
    if (res.status === 200 && (res.body as UploadJob).state === 'running') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  expect((await getJob(jobId, token)).body).toMatchObject({ state: 'running' });
  const rest = text.slice(text.lastIndexOf('\r\n', text.length / 2) + 2);
  return {
    jobId,
    answer: upload.answer,
    finish: async (tail = '') => {
      upload.req.end(rest + tail);
      return upload.answer;
    },
  };
}

/** A large upload (no length) refused before it sends a byte: the answer, and that no job exists. */
async function refused(token: string, query?: string) {
  const jobId = newJobId('refused');
  const upload: StreamedUpload<{ code: string; detail: string; retryAfterSeconds: number }> = streamUpload({
    port,
    token,
    jobId,
    query,
  });
  upload.req.flushHeaders();
  const answer = await upload.answer;
  upload.req.destroy();
  expect((await getJob(jobId, token)).status).toBe(404);
  return answer;
}

test('when a body has its share of large uploads running, then its next is 429 UPLOAD_BODY_BUSY and others still upload', async () => {
  const [a, b] = tokens as [string, string];
  const held = await holdUpload(a);
  try {
    const busy = await refused(a);
    expect(busy.status).toBe(429);
    expect(busy.body).toMatchObject({ code: 'UPLOAD_BODY_BUSY', retryAfterSeconds: 30 });
    expect(busy.headers['retry-after']).toBe('30');
    expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);

    const zh = await refused(a, 'lang=zh');
    expect(zh.body.detail).toBe(
      '本机构同时进行的大文件上传已达上限。请等正在进行的上传完成（可查询其任务进度）后，再上传此文件。',
    );

    // A small file (under 1 MiB, length known) is not counted: the same body sends it meanwhile.
    const small = await request(t.app)
      .post('/api/v1/uploads?mode=partial')
      .set('Authorization', `Bearer ${a}`)
      .set('Content-Type', CONTENT_TYPES.csv)
      .send(toCsv([uploadRow()]));
    expect(small.status).toBe(201);

    // Another body has a share of its own.
    const other = await holdUpload(b);
    expect((await other.finish()).status).toBe(201);
  } finally {
    expect((await held.finish()).status).toBe(201);
  }
  // The place is given back with the answer.
  const again = await holdUpload(a);
  expect((await again.finish()).status).toBe(201);
}, 180_000);

test('when the server runs all the large uploads it may, then the next is 503 UPLOADS_BUSY until one ends', async () => {
  const [a, b, c] = tokens as [string, string, string];
  const first = await holdUpload(a);
  // This one fails on its last line (an unclosed quote): a failed upload gives its place back too.
  const second = await holdUpload(b);
  const busy = await refused(c, 'lang=en');
  expect(busy.status).toBe(503);
  expect(busy.body).toMatchObject({ code: 'UPLOADS_BUSY', retryAfterSeconds: 30 });
  expect(busy.headers['retry-after']).toBe('30');

  const failed = await second.finish(`"unclosed,${'x'.repeat(10)}\r\n`);
  expect(failed).toMatchObject({ status: 400, body: { code: 'UPLOAD_MALFORMED' } });
  const third = await holdUpload(c);
  expect((await third.finish()).status).toBe(201);
  expect((await first.finish()).status).toBe(201);
  expect((await getJob(first.jobId, a)).body).toMatchObject({
    state: 'succeeded',
    progress: { created: 2000 },
  });
}, 180_000);

// Each storing process hears when the other asks for the registry's lock, and commits its group for it.
test('when two bodies send large atomic files at once, then both are stored whole', async () => {
  const [a, b] = tokens as [string, string];
  const rows = 12_000;
  const sent = [a, b].map((token) => {
    const upload = streamUpload({ port, token, jobId: newJobId('both'), mode: 'atomic' });
    upload.req.end(toCsv(Array.from({ length: rows }, () => uploadRow())));
    return upload.answer;
  });
  for (const answer of await Promise.all(sent)) {
    expect(answer).toMatchObject({ status: 201, body: { state: 'succeeded', progress: { created: rows } } });
  }
}, 180_000);

/** The upload storing processes this process started, by pid (Linux: read from /proc). */
function storingProcesses(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      try {
        const parent = /^PPid:\s*(\d+)$/m.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
        return (
          parent === String(process.pid) &&
          fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('background-process-main')
        );
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
}

// Skipped without Linux's /proc (test/helpers/skip-reasons.ts says so).
const onLinux = process.platform === 'linux' && fs.existsSync('/proc/thread-self/stat');
(onLinux ? test : test.skip)(
  'when the storing process dies mid-upload (killed), then the job fails, the answer is 500, and the place is given back',
  async () => {
    const [a] = tokens as [string];
    const held = await holdUpload(a);
    const storing = storingProcesses();
    expect(storing).toHaveLength(1);
    process.kill(storing[0] as number, 'SIGKILL');

    const answer = await held.answer;
    expect(answer).toMatchObject({ status: 500, body: { code: 'INTERNAL_ERROR' } });
    expect((await getJob(held.jobId, a)).body).toMatchObject({
      state: 'failed',
      failure: { code: 'INTERNAL_ERROR' },
    });
    const again = await holdUpload(a);
    expect((await again.finish()).status).toBe(201);
  },
  180_000,
);
