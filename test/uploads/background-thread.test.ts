import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BACKGROUND_BOOTSTRAP, BACKGROUND_NICE } from '../../server/platform/background-thread';

const onLinux = process.platform === 'linux' && fs.existsSync('/proc/thread-self/stat');

function niceOfThread(): Promise<number> {
  const worker = new Worker(BACKGROUND_BOOTSTRAP, {
    eval: true,
    workerData: { file: path.join(__dirname, 'fixtures', 'report-nice.js') },
  });
  return new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => worker.terminate());
}

(onLinux ? describe : describe.skip)('background threads (Linux: a nice value per thread)', () => {
  it('when an upload thread starts, then it runs below the main thread and the main thread keeps its priority', async () => {
    const before = os.getPriority();
    const nice = await niceOfThread();
    expect(nice).toBe(Math.min(19, before + BACKGROUND_NICE));
    expect(os.getPriority()).toBe(before);
  });
});
