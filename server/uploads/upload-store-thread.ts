/**
 * Storing a large upload on a thread of its own. On the embedded registry every write is synchronous:
 * storing a 5,000-row batch, the risk rules' reads that follow it and their audit appends held the event
 * loop for a second or two at a time, and every lookup arriving meanwhile waited. The storing thread owns
 * its own connection to the registry file (WAL: this thread keeps reading while it writes) and runs the
 * whole second stage there (upload-storing.ts, the job's progress and error report, the `onStored` and
 * `onRefused` listeners); this thread only passes the file's bytes on and forgets the cached answers of
 * what each batch changed, in the order the batches were stored.
 *
 * Protocol: the file's bytes go to the thread as they arrive, at most MAX_BYTES_IN_FLIGHT ahead of its
 * parser ('chunk', 'end', or 'abort' when the read failed); it answers 'consumed' as its parser takes
 * them, 'changed' after each committed batch (the certificates whose cached answers are now stale),
 * 'progress' after each batch, and
 * one 'done' or 'failed' with where the storing stood.
 */
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { Body } from '../bodies/body-schema';
import type { Certificate } from '../certificates/certificate-schema';
import { BACKGROUND_BOOTSTRAP, BACKGROUND_LOADER, type BackgroundStart } from '../platform/background-thread';
import { AppError, type ErrorCode } from '../platform/errors';
import { writersWaitingBuffer } from '../platform/write-intents';
import type { UploadFormat, UploadMode } from './upload-schema';
import type { UploadStoringState } from './upload-storing';

/** A certificate whose cached answers a stored batch made stale. */
export type ChangedCertificate = Pick<Certificate, 'publicId' | 'number' | 'bodyCode'>;

/** What the storing thread is started with (workerData). */
export interface StoreThreadStart extends BackgroundStart {
  /** The thread's module (in server/composition/: it opens the stores and wires the listeners). */
  file: string;
  /** This process's count of writers waiting for the registry's lock (platform/write-intents.ts). */
  writersWaiting?: SharedArrayBuffer;
  /** The registry's directory (DATA_DIR): the thread opens its own connection to the file in it. */
  dataDir: string;
  logLevel: string;
  jobId: string;
  body: Body;
  format: UploadFormat;
  mode: UploadMode;
  batchSize: number;
  maxStoredErrors: number;
  flushMs: number;
  /** The storing's time slices, ms (UploadStoringJob.sliceMs). */
  sliceMs?: number;
  /** Parse on a further thread (large files) or on the storing thread itself. */
  parseOnWorker: boolean;
  state: UploadStoringState;
}

/** Messages from this thread to the storing thread. */
export type ToStoreThread =
  { type: 'chunk'; bytes: Uint8Array } | { type: 'end' } | { type: 'abort'; message: string };

/** A failure, as it crosses threads. */
export interface PostedError {
  code?: string;
  message: string;
  details?: Record<string, unknown>;
  stack?: string;
}

/** Messages from the storing thread. */
export type FromStoreThread =
  | { type: 'ready' }
  | { type: 'consumed'; bytes: number }
  | { type: 'changed'; certificates: ChangedCertificate[] }
  | { type: 'progress'; state: UploadStoringState }
  | { type: 'ruleErrors'; counts: Record<string, number> }
  | { type: 'done'; state: UploadStoringState }
  | { type: 'failed'; state: UploadStoringState; error: PostedError };

/** Bytes passed on but not yet taken by the thread's parser: the read-ahead bound. */
const MAX_BYTES_IN_FLIGHT = 4 * 1024 * 1024;

/** The storing thread's old generation, MiB (it also starts the parsing thread of a large file). */
const STORE_THREAD_OLD_GENERATION_MB = 512;

/** An error posted by the storing thread, as thrown in this one. */
export function errorFromPosted(posted: PostedError): Error {
  if (posted.code) return new AppError(posted.code as ErrorCode, posted.message, { details: posted.details });
  const error = new Error(`upload storing thread: ${posted.message}`);
  if (posted.stack) error.stack = posted.stack;
  return error;
}

export interface StoreThreadResult {
  state: UploadStoringState;
  /** Why the storing ended early; undefined when it stored the whole file. */
  error?: Error;
}

/**
 * Runs one upload's storing on its own thread: passes `source` on, forgets the cached answers of each
 * stored batch through `forget` (awaited in order, all before this resolves), and resolves with where the
 * storing stood, its error included. Never rejects for the storing's own failures.
 */
export async function storeOnThread(
  start: Omit<StoreThreadStart, 'loader' | 'writersWaiting'>,
  source: Readable,
  forget: (certificates: ChangedCertificate[]) => Promise<void>,
  onRuleErrors?: (counts: Record<string, number>) => void,
): Promise<StoreThreadResult> {
  const worker = new Worker(BACKGROUND_BOOTSTRAP, {
    eval: true,
    workerData: {
      ...start,
      loader: BACKGROUND_LOADER,
      writersWaiting: writersWaitingBuffer(),
    } satisfies StoreThreadStart,
    resourceLimits: { maxOldGenerationSizeMb: STORE_THREAD_OLD_GENERATION_MB },
  });
  // The request being stored keeps the process up (a graceful shutdown drains it first); a thread left
  // waiting for bytes from a client that never sends them must not.
  worker.unref();
  let inFlight = 0;
  let sourceDone = false;
  // Cache invalidations run one after another, in the order the batches were stored.
  let forgetting: Promise<void> = Promise.resolve();
  let forgetError: unknown;
  const send = (message: ToStoreThread, transfer: ArrayBuffer[] = []) =>
    worker.postMessage(message, transfer);

  const onData = (chunk: Buffer) => {
    // A copy: the chunk may be a view of a pooled buffer that other chunks share.
    const bytes = new Uint8Array(chunk);
    inFlight += bytes.byteLength;
    send({ type: 'chunk', bytes }, [bytes.buffer as ArrayBuffer]);
    if (inFlight >= MAX_BYTES_IN_FLIGHT) source.pause();
  };
  const onEnd = () => {
    sourceDone = true;
    send({ type: 'end' });
  };
  const onError = (error: Error) => {
    sourceDone = true;
    send({ type: 'abort', message: error.message });
  };
  // At once, not on 'ready': a read can fail before the thread is up (a file past a small size limit),
  // and the thread must hear of it (messages wait for it).
  source.once('error', onError);

  try {
    return await new Promise<StoreThreadResult>((resolve) => {
      let settled = false;
      let lastState: UploadStoringState = start.state;
      const settle = (result: StoreThreadResult) => {
        if (settled) return;
        settled = true;
        const done = () =>
          resolve(
            forgetError !== undefined && result.error === undefined
              ? { ...result, error: forgetError as Error }
              : result,
          );
        forgetting.then(done, done);
      };
      worker.on('message', (message: FromStoreThread) => {
        switch (message.type) {
          case 'ready':
            // Nothing of the file is read before the thread can take it.
            source.on('data', onData);
            source.once('end', onEnd);
            source.resume();
            break;
          case 'consumed':
            inFlight -= message.bytes;
            if (inFlight < MAX_BYTES_IN_FLIGHT && source.isPaused() && !sourceDone) source.resume();
            break;
          case 'progress':
            lastState = message.state;
            break;
          case 'changed': {
            const changed = message.certificates;
            forgetting = forgetting
              .then(() => forget(changed))
              .catch((error: unknown) => {
                forgetError ??= error;
              });
            break;
          }
          case 'ruleErrors':
            onRuleErrors?.(message.counts);
            break;
          case 'done':
            lastState = message.state;
            settle({ state: message.state });
            break;
          case 'failed':
            lastState = message.state;
            settle({ state: message.state, error: errorFromPosted(message.error) });
            break;
          default:
            break;
        }
      });
      worker.on('error', (error) => settle({ state: lastState, error }));
      worker.on('exit', (code) =>
        settle({ state: lastState, error: new Error(`upload storing thread exited (${code})`) }),
      );
    });
  } finally {
    source.off('data', onData);
    source.off('end', onEnd);
    source.off('error', onError);
    source.pause();
    await worker.terminate();
  }
}
