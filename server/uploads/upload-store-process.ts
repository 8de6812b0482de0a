/**
 * Storing a large upload in a process of its own. On the embedded registry every write is synchronous:
 * storing a 5,000-row batch, the risk rules' reads that follow it and their audit appends held the event
 * loop for a second or two at a time, and every lookup arriving meanwhile waited. On a thread of its own
 * the storing no longer held the event loop, but its garbage collection ran on the V8 helper threads the
 * main thread shares, at the main thread's priority, and lookups waited for a core (README). The storing
 * process runs below the portal, all its threads (platform/background-process.ts); it owns its own
 * connection to the registry file (WAL: this process keeps reading while it writes) and runs the whole
 * second stage there (upload-storing.ts, the job's progress and error report, the job's certificate
 * list, and the upload rules on a thread of their own: signals/rules/rule-thread.ts); this process only
 * passes the file's bytes on, tells it when one of its own writers waits for the registry's lock
 * (platform/write-intents.ts), and forgets the cached answers of what each batch changed, in the order
 * the batches were stored.
 *
 * Protocol: 'start' first; the file's bytes go to the process as they arrive, at most MAX_BYTES_IN_FLIGHT
 * ahead of its parser ('chunk', 'end', or 'abort' when the read failed), and 'writers' whenever another
 * writer starts or stops waiting for the registry's lock: one of this process's, or another storing
 * process (each says 'writing' when it asks for the lock and when it gives it back; without that, two
 * uploads at once took turns only when one's busy handler happened to try between the other's groups).
 * It answers 'ready' once started, 'consumed' as its parser takes the bytes, 'writing', 'changed' after
 * each committed batch (the certificates whose cached answers are now stale),
 * 'progress' after each batch, and one 'done' or 'failed' with where the storing stood.
 */
import type { Readable } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import type { Body } from '../bodies/body-schema';
import type { Certificate } from '../certificates/certificate-schema';
import { startBackgroundProcess } from '../platform/background-process';
import { AppError, type ErrorCode } from '../platform/errors';
import { onWritersWaiting } from '../platform/write-intents';
import type { UploadFormat, UploadMode } from './upload-schema';
import type { UploadStoringState } from './upload-storing';

/** A certificate whose cached answers a stored batch made stale. */
export type ChangedCertificate = Pick<Certificate, 'publicId' | 'number' | 'bodyCode'>;

/** What the storing process is started with (its 'start' message). */
export interface StoreProcessStart {
  /** The process's module (in server/composition/: it opens the stores and wires the listeners). */
  file: string;
  /** How far its nice value goes above this thread's (BACKGROUND_NICE when absent). */
  nice?: number;
  /** The registry's directory (DATA_DIR): the process opens its own connection to the file in it. */
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
  /** Parse on a thread of its own (large files) or on the storing process's main thread. */
  parseOnWorker: boolean;
  state: UploadStoringState;
}

/** Messages from this process to the storing process. */
export type ToStoreProcess =
  | { type: 'start'; start: StoreProcessStart }
  | { type: 'chunk'; bytes: Uint8Array }
  | { type: 'end' }
  | { type: 'abort'; message: string }
  | { type: 'writers'; waiting: boolean };

/** A failure, as it crosses processes. */
export interface PostedError {
  code?: string;
  message: string;
  details?: Record<string, unknown>;
  stack?: string;
}

/** Messages from the storing process. */
export type FromStoreProcess =
  | { type: 'ready' }
  | { type: 'consumed'; bytes: number }
  | { type: 'writing'; waiting: boolean }
  | { type: 'changed'; certificates: ChangedCertificate[] }
  | { type: 'progress'; state: UploadStoringState }
  | { type: 'ruleErrors'; counts: Record<string, number> }
  | { type: 'done'; state: UploadStoringState }
  | { type: 'failed'; state: UploadStoringState; error: PostedError };

/** Bytes passed on but not yet taken by the storing process's parser: the read-ahead bound. */
const MAX_BYTES_IN_FLIGHT = 4 * 1024 * 1024;

/**
 * Certificates forgotten in one turn of this process's event loop: a 5,000-row batch's cached answers
 * (15,000 keys) took 4 to 10 ms to forget in one go, and a lookup arriving meanwhile waited for all of it.
 */
const FORGET_SLICE = 1_000;

/** Forgets the cached answers of `changed` a slice at a time, yielding to waiting requests in between. */
export async function forgetInSlices(
  changed: ChangedCertificate[],
  forget: (certificates: ChangedCertificate[]) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < changed.length; i += FORGET_SLICE) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    await forget(changed.slice(i, i + FORGET_SLICE));
  }
}

/** How long the storing process has to end once its channel is closed, ms. */
const STOP_GRACE_MS = 5_000;

/** The storing process's old generation, MiB (its parsing thread has a heap of its own). */
const STORE_PROCESS_OLD_GENERATION_MB = 512;

/**
 * The storing processes running now, each with whether it asks for or holds the registry's write lock
 * (`writing`) and what it was last told of the others (`told`).
 */
const storers = new Map<ChildProcess, { writing: boolean; told: boolean }>();
let portalWaiting = false;
let stopListening: (() => void) | undefined;

/** Tells each storing process whether any other writer waits for (or holds) the lock, when that changed. */
function tellStorers(): void {
  for (const [child, self] of storers) {
    let waiting = portalWaiting;
    for (const [other, them] of storers) if (other !== child && them.writing) waiting = true;
    if (waiting === self.told) continue;
    self.told = waiting;
    if (child.connected) child.send({ type: 'writers', waiting } satisfies ToStoreProcess);
  }
}

function addStorer(child: ChildProcess): void {
  storers.set(child, { writing: false, told: false });
  // Called synchronously before one of this process's writers asks for the lock: the message is in the
  // pipe before that writer blocks. (None waits now: this code runs on the thread that writes.)
  stopListening ??= onWritersWaiting((waiting) => {
    portalWaiting = waiting;
    tellStorers();
  });
  tellStorers();
}

function removeStorer(child: ChildProcess): void {
  if (!storers.delete(child)) return;
  if (storers.size === 0) {
    stopListening?.();
    stopListening = undefined;
    portalWaiting = false;
  }
  tellStorers();
}

/** An error posted by the storing process, as thrown in this one. */
export function errorFromPosted(posted: PostedError): Error {
  if (posted.code) return new AppError(posted.code as ErrorCode, posted.message, { details: posted.details });
  const error = new Error(`upload storing process: ${posted.message}`);
  if (posted.stack) error.stack = posted.stack;
  return error;
}

export interface StoreProcessResult {
  state: UploadStoringState;
  /** Why the storing ended early; undefined when it stored the whole file. */
  error?: Error;
}

/**
 * Runs one upload's storing in its own process: passes `source` on, forgets the cached answers of each
 * stored batch through `forget` (awaited in order, all before this resolves), and resolves with where the
 * storing stood, its error included. Never rejects for the storing's own failures.
 */
export async function storeInProcess(
  start: StoreProcessStart,
  source: Readable,
  forget: (certificates: ChangedCertificate[]) => Promise<void>,
  onRuleErrors?: (counts: Record<string, number>) => void,
): Promise<StoreProcessResult> {
  const child: ChildProcess = startBackgroundProcess(start.file, {
    nice: start.nice,
    maxOldGenerationMb: STORE_PROCESS_OLD_GENERATION_MB,
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // A process that could not be started (too many processes, say) never exits.
    child.once('error', () => {
      if (child.pid === undefined) resolve();
    });
  });
  // The request being stored keeps this process up (a graceful shutdown drains it first); a storing
  // process left waiting for bytes from a client that never sends them must not.
  child.unref();
  child.channel?.unref();
  let inFlight = 0;
  let sourceDone = false;
  // Cache invalidations run one after another, in the order the batches were stored.
  let forgetting: Promise<void> = Promise.resolve();
  let forgetError: unknown;
  // Messages to a process that has gone are dropped: its exit settles the storing.
  const send = (message: ToStoreProcess) => {
    if (child.connected) child.send(message);
  };
  send({ type: 'start', start });
  addStorer(child);

  const onData = (chunk: Buffer) => {
    inFlight += chunk.byteLength;
    // Copied into the message as it is written (a chunk may be a view of a pooled buffer).
    send({ type: 'chunk', bytes: chunk });
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
  // At once, not on 'ready': a read can fail before the process is up (a file past a small size limit),
  // and the process must hear of it (messages wait for it).
  source.once('error', onError);

  try {
    return await new Promise<StoreProcessResult>((resolve) => {
      let settled = false;
      let lastState: UploadStoringState = start.state;
      const settle = (result: StoreProcessResult) => {
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
      child.on('message', (message: FromStoreProcess) => {
        switch (message.type) {
          case 'ready':
            // Nothing of the file is read before the process can take it.
            source.on('data', onData);
            source.once('end', onEnd);
            source.resume();
            break;
          case 'consumed':
            inFlight -= message.bytes;
            if (inFlight < MAX_BYTES_IN_FLIGHT && source.isPaused() && !sourceDone) source.resume();
            break;
          case 'writing': {
            const self = storers.get(child);
            if (self) self.writing = message.waiting;
            tellStorers();
            break;
          }
          case 'progress':
            lastState = message.state;
            break;
          case 'changed': {
            const changed = message.certificates;
            forgetting = forgetting
              .then(() => forgetInSlices(changed, forget))
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
      child.on('error', (error) => settle({ state: lastState, error }));
      child.on('exit', (code, signal) =>
        settle({
          state: lastState,
          error: new Error(`upload storing process exited (${signal ?? code})`),
        }),
      );
    });
  } finally {
    removeStorer(child);
    source.off('data', onData);
    source.off('end', onEnd);
    source.off('error', onError);
    source.pause();
    // It has answered 'done' or 'failed' after closing its connection: closing the channel ends it (and
    // writes its CPU profile, when profiled). One that does not end by itself is stopped.
    if (child.connected) child.disconnect();
    const stop = setTimeout(() => child.kill(), STOP_GRACE_MS);
    await exited;
    clearTimeout(stop);
  }
}
