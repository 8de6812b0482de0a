import path from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { Body } from '../bodies/body-schema';
import { BACKGROUND_BOOTSTRAP, BACKGROUND_LOADER, type BackgroundStart } from '../platform/background-thread';
import { AppError, type ErrorCode } from '../platform/errors';
import { ROW_TEXT, rowError } from './upload-row-texts';
import { checkRow, type CheckedRow } from './upload-rows';
import type { ParsedRow, UploadFormat, UploadWarning } from './upload-schema';
import { openUploadScratch } from './upload-scratch';

/** Reads a file into rows; the parsers' `parseUpload`, injectable for tests. */
export type ParseUpload = (
  source: Readable,
  format: UploadFormat,
  options: { onWarning(warning: UploadWarning): void },
) => AsyncIterable<ParsedRow>;

export interface CheckOptions {
  format: UploadFormat;
  body: Body;
  /** Rows per batch. */
  batchSize: number;
  /** A batch not yet full is handed on anyway once this long has passed since the last (a slow client). */
  flushMs: number;
  onWarning(warning: UploadWarning): void;
  /** checkRowsInWorker: the worker's nice value above this thread's (BackgroundStart.nice). */
  threadNice?: number;
}

/**
 * The first stage of an upload: the file's rows, parsed and checked on their own and against the rows
 * before them in the file (duplicate numbers), in batches. What needs the registry (status transitions,
 * storing) is the caller's. Memory stays flat: the numbers seen live in a scratch database on disk.
 */
export async function* checkRows(
  source: Readable,
  parse: ParseUpload,
  options: CheckOptions,
): AsyncGenerator<CheckedRow[]> {
  const scratch = openUploadScratch();
  try {
    let batch: CheckedRow[] = [];
    let lastFlush = Date.now();
    const flush = () => {
      // Duplicates inside the file: the first row with a number claims it, later ones are rejected.
      const numbered = batch.filter((c): c is CheckedRow & { number: string } => c.number !== undefined);
      const earlier = scratch.claim(numbered.map((c) => ({ number: c.number, row: c.row })));
      numbered.forEach((c, i) => {
        const first = earlier[i];
        if (first === undefined) return;
        c.errors.push(
          rowError(c.row, 'number', 'ROW_DUPLICATE_NUMBER', ROW_TEXT.duplicateNumber(c.number, first), {
            header: c.headers?.get('number'),
            number: c.number,
          }),
        );
        delete c.data;
      });
      const full = batch;
      batch = [];
      lastFlush = Date.now();
      return full;
    };
    const rows = parse(source, options.format, { onWarning: options.onWarning })[Symbol.asyncIterator]();
    // A client that sends part of a file and then pauses must still see the rows it sent checked and
    // stored: a tick hands on a batch that has waited flushMs, even when no further row comes. Only the
    // wait in progress listens for it, so nothing a tick could reach outlives its row.
    let onTick: (() => void) | undefined;
    const timer = setInterval(() => onTick?.(), Math.max(1, options.flushMs / 2));
    try {
      let pending = rows.next();
      for (;;) {
        const next =
          batch.length === 0
            ? await pending
            : await new Promise<IteratorResult<ParsedRow> | typeof TICK>((resolve, reject) => {
                onTick = () => resolve(TICK);
                pending.then(resolve, reject);
              });
        onTick = undefined;
        if (next === TICK) {
          if (Date.now() - lastFlush >= options.flushMs) yield flush();
          continue;
        }
        if (next.done) break;
        pending = rows.next();
        batch.push(checkRow(next.value, options.body));
        if (batch.length >= options.batchSize) yield flush();
      }
      if (batch.length > 0) yield flush();
    } finally {
      clearInterval(timer);
      // Stopping early (an error downstream) releases the parser. Not awaited: with a read still
      // pending on a stalled client, it would wait for that client.
      rows.return?.().catch(() => undefined);
    }
  } finally {
    scratch.close();
  }
}

const TICK = Symbol('tick');

// ---------------------------------------------------------------------------------------------------
// The same stage on a worker thread

/** What the upload worker is started with. */
export interface WorkerStart extends BackgroundStart {
  format: UploadFormat;
  body: Body;
  batchSize: number;
  flushMs: number;
}

/** Messages from the main thread to the worker. */
export type ToWorker = { type: 'chunk'; bytes: Uint8Array } | { type: 'end' } | { type: 'ack' };

/** Messages from the worker to the main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'consumed'; bytes: number }
  | { type: 'warning'; warning: UploadWarning }
  | { type: 'batch'; rows: CheckedRow[] }
  | { type: 'done' }
  | {
      type: 'failed';
      error: { code?: string; message: string; details?: Record<string, unknown>; stack?: string };
    };

/**
 * Bytes of the file sent on but not yet taken by the worker's parser: the read-ahead bound. The main
 * thread can only send more between its registry writes, which block it for a while: this is enough
 * for the worker to check a couple of batches meanwhile, and still a fixed amount whatever the file.
 */
const MAX_BYTES_IN_FLIGHT = 4 * 1024 * 1024;

/**
 * The worker's old generation, MiB: a cap, so that its heap cannot creep up over a long file. Text
 * formats keep the parser, one batch being built and one waiting (measured: a 96 MiB cap made the worker
 * spend a third of its time collecting; 256 MiB costs no more memory at the peak). The XLSX reader also
 * keeps the workbook's shared strings (bounded by UPLOAD_MAX_XLSX_BYTES), so it gets room for them.
 */
const WORKER_OLD_GENERATION_MB: Record<UploadFormat, number> = { csv: 256, ndjson: 256, xlsx: 1024 };

export const WORKER_FILE = path.join(__dirname, `upload-worker${path.extname(__filename)}`);

/** An error posted by the worker, as thrown in this thread. */
function errorFrom(posted: Extract<FromWorker, { type: 'failed' }>['error']): Error {
  if (posted.code) return new AppError(posted.code as ErrorCode, posted.message, { details: posted.details });
  const error = new Error(`upload worker: ${posted.message}`);
  if (posted.stack) error.stack = posted.stack;
  return error;
}

/**
 * `checkRows` on a worker thread, so that parsing and checking the next rows overlaps with storing the
 * last ones (the registry writes stay on this thread). The file's bytes are passed on as they arrive,
 * at most MAX_BYTES_IN_FLIGHT ahead of the parser, and the worker waits for each batch to be taken
 * (one batch ahead at most): backpressure from the registry reaches the client as before. Leaving the
 * loop early (an error, a failed write) ends the worker.
 */
export async function* checkRowsInWorker(
  source: Readable,
  parse: ParseUpload,
  options: CheckOptions,
  workerFile = WORKER_FILE,
): AsyncGenerator<CheckedRow[]> {
  const start: WorkerStart = {
    file: workerFile,
    loader: BACKGROUND_LOADER,
    nice: options.threadNice,
    format: options.format,
    body: options.body,
    batchSize: options.batchSize,
    flushMs: options.flushMs,
  };
  const worker = new Worker(BACKGROUND_BOOTSTRAP, {
    eval: true,
    workerData: start,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB[options.format] },
  });
  const events: (FromWorker | { type: 'error'; error: Error; from: 'worker' | 'source' })[] = [];
  let ready = false;
  let wake: (() => void) | undefined;
  const push = (event: (typeof events)[number]) => {
    events.push(event);
    wake?.();
  };
  let inFlight = 0;
  let sourceDone = false;
  const send = (message: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);

  worker.on('message', (message: FromWorker) => {
    if (message.type === 'consumed') {
      inFlight -= message.bytes;
      if (inFlight < MAX_BYTES_IN_FLIGHT && source.isPaused() && !sourceDone) source.resume();
      return;
    }
    if (message.type === 'ready') {
      ready = true;
      // Nothing of the file is read before the worker can take it.
      source.on('data', (chunk: Buffer) => {
        // A copy: the chunk may be a view of a pooled buffer that other chunks share.
        const bytes = new Uint8Array(chunk);
        // Counted before sending: transferring the buffer empties this view.
        inFlight += bytes.byteLength;
        send({ type: 'chunk', bytes }, [bytes.buffer as ArrayBuffer]);
        if (inFlight >= MAX_BYTES_IN_FLIGHT) source.pause();
      });
      source.once('end', () => {
        sourceDone = true;
        send({ type: 'end' });
      });
      return;
    }
    push(message);
  });
  worker.on('error', (error) => push({ type: 'error', error, from: 'worker' }));
  worker.on('exit', (code) =>
    push({ type: 'error', error: new Error(`upload worker exited (${code})`), from: 'worker' }),
  );
  source.once('error', (error) => push({ type: 'error', error, from: 'source' }));

  try {
    for (;;) {
      const event = events.shift();
      if (!event) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      switch (event.type) {
        case 'warning':
          options.onWarning(event.warning);
          break;
        case 'batch':
          yield event.rows;
          send({ type: 'ack' });
          break;
        case 'done':
          return;
        case 'failed':
          throw errorFrom(event.error);
        case 'error':
          // A worker that cannot start (a deployment without worker support, say) has read nothing
          // of the file: the rows are checked on this thread instead.
          if (event.from === 'worker' && !ready) {
            await worker.terminate();
            yield* checkRows(source, parse, options);
            return;
          }
          throw event.error;
        default:
          break;
      }
    }
  } finally {
    source.removeAllListeners('data');
    source.pause();
    await worker.terminate();
  }
}
