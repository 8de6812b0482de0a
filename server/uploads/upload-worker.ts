/**
 * The upload worker thread: parses and checks one file's rows (checkRows) while the main thread stores
 * the rows before them. Started by checkRowsInWorker, one per upload; see there for the protocol.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../platform/errors';
import { postedBytes } from './posted-bytes';
import { checkRows, type FromWorker, type ToWorker, type WorkerStart } from './upload-checker';
import { parseUpload } from './upload-parsers';

const port = parentPort;
if (!port) throw new Error('upload-worker runs as a worker thread');
const start = workerData as WorkerStart;
const post = (message: FromWorker) => port.postMessage(message);

const bytes = postedBytes((n) => post({ type: 'consumed', bytes: n }));
const { source } = bytes;

// The main thread acknowledges each batch; the next one waits for that.
let acked: (() => void) | undefined;
let unacked = 0;

port.on('message', (message: ToWorker) => {
  if (message.type === 'chunk') bytes.add(message.bytes);
  else if (message.type === 'end') bytes.end();
  else {
    unacked -= 1;
    acked?.();
  }
});

async function run(): Promise<void> {
  const rows = checkRows(source, parseUpload, {
    format: start.format,
    body: start.body,
    batchSize: start.batchSize,
    flushMs: start.flushMs,
    onWarning: (warning) => post({ type: 'warning', warning }),
  });
  for await (const batch of rows) {
    const wire = batch.map(({ data, ...row }) =>
      data ? { ...row, json: JSON.stringify(data), status: data.status, statusDate: data.statusDate } : row,
    );
    post({ type: 'batch', rows: wire });
    unacked += 1;
    // One batch may wait on the main thread while the next is prepared; never more.
    while (unacked > 1) await new Promise<void>((resolve) => (acked = resolve));
  }
  post({ type: 'done' });
}

post({ type: 'ready' });
run().catch((err: unknown) => {
  post({
    type: 'failed',
    error: isAppError(err)
      ? { code: err.code, message: err.message, details: err.details }
      : {
          message: err instanceof Error ? err.message : String(err),
          stack: err instanceof Error ? err.stack : undefined,
        },
  });
});
