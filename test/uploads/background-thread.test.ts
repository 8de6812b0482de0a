import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  BACKGROUND_BOOTSTRAP,
  BACKGROUND_NICE,
  type BackgroundStart,
} from '../../server/platform/background-thread';
import { startBackgroundProcess } from '../../server/platform/background-process';
import request from 'supertest';
import type { UploadJob } from '../../server/uploads/upload-schema';
import { ConfigError, loadConfig } from '../../server/config';
import { seedBody } from '../helpers/factories';
import { createTestApp } from '../helpers/test-app';
import { toCsv, uploadRow } from '../helpers/upload-files';
import { streamUpload } from '../helpers/upload-request';

const onLinux = process.platform === 'linux' && fs.existsSync('/proc/thread-self/stat');

/** What the fixture a background thread loads posts first. */
function firstMessage<T>(start: BackgroundStart & Record<string, unknown>): Promise<T> {
  const worker = new Worker(BACKGROUND_BOOTSTRAP, { eval: true, workerData: start });
  return new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => worker.terminate());
}

const reportNice = path.join(__dirname, 'fixtures', 'report-nice.js');

/** The fields of a /proc stat line after the command's name (state first); undefined once it is gone. */
function statFields(file: string): string[] | undefined {
  try {
    const stat = fs.readFileSync(file, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the thread or process ended meanwhile
  }
}

/** The nice value of each thread of a process (this one by default). */
function threadNices(pid: number | 'self' = 'self'): number[] {
  return fs.readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    const fields = statFields(`/proc/${pid}/task/${tid}/stat`);
    return fields ? [Number(fields[16])] : [];
  });
}

/** The processes this one started that run `module` (their command line names it). */
function childrenRunning(module: string): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry) || Number(statFields(`/proc/${entry}/stat`)?.[1]) !== process.pid) return [];
    try {
      return fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(module) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

(onLinux ? describe : describe.skip)(
  'background threads and processes (Linux: a nice value per thread)',
  () => {
    it('when an upload thread starts, then it runs below the main thread and the main thread keeps its priority', async () => {
      const before = os.getPriority();
      const nice = await firstMessage<number>({ file: reportNice });
      expect(nice).toBe(Math.min(19, before + BACKGROUND_NICE));
      expect(os.getPriority()).toBe(before);
    });

    it("when the configured distance is 0 (UPLOAD_THREAD_NICE=0), then the thread runs at the main thread's priority", async () => {
      await expect(firstMessage<number>({ file: reportNice, nice: 0 })).resolves.toBe(os.getPriority());
    });

    it("when a background thread starts its own (as the storing process starts its parser) with nice 0, then that one runs at the first one's priority, not further below", async () => {
      const before = os.getPriority();
      const { own, nested } = await firstMessage<{ own: number; nested: number }>({
        file: path.join(__dirname, 'fixtures', 'start-nested-nice.js'),
        bootstrap: BACKGROUND_BOOTSTRAP,
        report: reportNice,
      });
      expect(own).toBe(Math.min(19, before + BACKGROUND_NICE));
      expect(nested).toBe(own);
    });

    it('when a large upload is being stored, then every thread of its storing process, the parsing thread too, runs the configured distance below the portal, none further, and the portal keeps its priority', async () => {
      const t = createTestApp({ env: { UPLOAD_THREAD_NICE: '7' } });
      const server = t.app.listen(0, '127.0.0.1');
      try {
        await new Promise((resolve) => server.once('listening', resolve));
        const body = await seedBody(t.services, { approvedSchemes: ['QMS'], approvedIndustryCodes: [] });
        const token = await t.tokenFor('body', body.code);
        const base = os.getPriority();
        const below = Math.min(19, base + 7);
        const jobId = 'NiceOfUploadThreads000';
        // No Content-Length: a file of unknown size is stored in a process of its own, which parses on a
        // thread of its own.
        const { req, answer } = streamUpload({ port: (server.address() as AddressInfo).port, token, jobId });
        // Enough rows to pass the encoding probe (4 KiB of Chinese text) and be parsed before the file ends.
        const rows = Array.from({ length: 40 }, () => uploadRow());
        req.write(toCsv(rows));
        // The request stays open (the file has not ended) until the rows are read, stored and their progress
        // committed: the process has lowered its threads and started its parsing thread by then.
        for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
          const job = await request(t.app)
            .get(`/api/v1/uploads/${jobId}`)
            .set('Authorization', `Bearer ${token}`);
          if (job.status === 200 && (job.body as UploadJob).progress.rowsRead === rows.length) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const storing = childrenRunning('background-process-main');
        expect(storing).toHaveLength(1);
        const nices = threadNices(storing[0]);
        const portal = threadNices();
        req.end();
        expect((await answer).status).toBe(201);
        // Its main thread, the parsing thread, V8's helper threads.
        expect(nices.length).toBeGreaterThanOrEqual(3);
        expect(nices.filter((n) => n !== below)).toEqual([]);
        expect(portal.filter((n) => n !== base)).toEqual([]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
        await t.close();
      }
    }, 180_000);
  },
);

describe('a background process', () => {
  test('when the process that started it goes away (its IPC channel closes), then it exits', async () => {
    const child = startBackgroundProcess(path.join(__dirname, 'fixtures', 'wait-forever.js'), {
      maxOldGenerationMb: 64,
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await new Promise((resolve) => child.once('message', resolve));
      child.disconnect();
      await expect(exited).resolves.toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    }
  }, 60_000);
});

describe('UPLOAD_THREAD_NICE', () => {
  test('when it is not set, then the upload threads run BACKGROUND_NICE below the main thread', () => {
    expect(loadConfig({}).UPLOAD_THREAD_NICE).toBe(BACKGROUND_NICE);
  });

  test.each(['-1', '20', '2.5', 'low'])(
    'when it is %s, then start-up stops with a message naming it',
    (value) => {
      expect(() => loadConfig({ UPLOAD_THREAD_NICE: value })).toThrow(ConfigError);
      expect(() => loadConfig({ UPLOAD_THREAD_NICE: value })).toThrow(/^\s+UPLOAD_THREAD_NICE:/m);
    },
  );
});
