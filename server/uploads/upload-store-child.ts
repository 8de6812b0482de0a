/**
 * The storing process's side of upload-store-process.ts: the file's bytes in, the rows parsed (on a
 * thread of its own for a large file) and checked, then stored through upload-storing.ts on this
 * process's own registry connection. What the stores and listeners are is the composition root's (it calls
 * `serveUploadStoring` from the process's module).
 */
import type { CertificateRepository } from '../certificates/certificate-repository';
import { isAppError } from '../platform/errors';
import { storeUnavailable } from '../platform/store-failure';
import { postedBytes } from './posted-bytes';
import { checkRows, checkRowsInWorker, type CheckOptions, type ParseUpload } from './upload-checker';
import type { UploadJobRepository } from './upload-job-repository';
import type { CheckedRow } from './upload-rows';
import type {
  FromStoreProcess,
  PostedError,
  StoreProcessStart,
  ToStoreProcess,
} from './upload-store-process';
import {
  storeUploadRows,
  type RefusedEvent,
  type StoredEvent,
  type UploadStoringDeps,
  type UploadStoringState,
} from './upload-storing';
import { createWriteGroup, type GroupTransaction } from './upload-write-group';

/**
 * The upload rules as the storing process runs them: handed each batch once it is committed, on a thread
 * of their own (signals/rules/rule-thread.ts), so that this process's main thread only writes.
 */
export interface CommittedBatchRules {
  /** Hands over a committed batch: the rules look at its created and updated certificates. */
  stored(event: StoredEvent): void;
  /** Hands over a batch's rows refused as outside the body's scope or approval. */
  refused(event: RefusedEvent): void;
  /** Resolves once the rules are close enough behind the storing (at once when they keep up). */
  room(): Promise<void>;
  /**
   * Waits until everything handed over is evaluated and what it raised is stored, then stops the rules.
   * Answers the rule failures counted there, by rule.
   */
  end(): Promise<Record<string, number>>;
}

/** What the storing process stores with, opened by the composition root on its own connection. */
export interface StoreProcessDeps {
  jobs: Pick<UploadJobRepository, 'updateProgress' | 'appendErrors'>;
  certificates: Pick<CertificateRepository, 'findByNumbers' | 'upsertMany'>;
  /** Told of each stored batch, in its group (the job's certificate list). */
  onStored?: UploadStoringDeps['onStored'];
  /**
   * Starts the upload rules on a thread of their own (signals/rules/rule-thread.ts), which are handed each
   * batch once it is committed; what they raise is stored through `write`, in the group.
   */
  startRules?: (write: <T>(run: () => Promise<T>) => Promise<T>) => CommittedBatchRules;
  /** The connection's transactions: the writes are grouped into long ones (upload-write-group.ts). */
  transaction: GroupTransaction;
  /** Rule failures in this process by rule, for the portal's metrics (read once, at the end). */
  ruleErrors?: () => Promise<Record<string, number>>;
  close(): Promise<void>;
}

function posted(err: unknown): PostedError {
  const known = isAppError(err) ? err : storeUnavailable(err);
  if (known) return { code: known.code, message: known.message, details: known.details };
  return {
    message: err instanceof Error ? err.message : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  };
}

/**
 * The parsers, loaded only when this process parses on its main thread: they (and the XLSX reader) take a
 * while to load, which a large file, parsed on a thread of its own, never waits for.
 */
const parseHere: ParseUpload = async function* (source, format, options) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded late on purpose (see above)
  const { parseUpload } = require('./upload-parsers') as { parseUpload: ParseUpload };
  yield* parseUpload(source, format, options);
};

/** The batches, with the first one asked for at once (so that the parsing thread starts meanwhile). */
function started<T>(batches: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = batches[Symbol.asyncIterator]();
  const first = iterator.next();
  // Handled where it is awaited; this only keeps an early failure from counting as unhandled.
  first.catch(() => undefined);
  let taken = false;
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        if (taken) return iterator.next();
        taken = true;
        return first;
      },
      return: async (value?: unknown) => {
        await iterator.return?.(value);
        return { done: true, value: undefined };
      },
    }),
  };
}

/**
 * Runs the one upload this process was started for ('start'), then closes its stores and lets the process
 * end. `open` may load what it needs (dynamic imports): the parsing thread is started before it is called.
 */
export function serveUploadStoring(
  open: (start: StoreProcessStart) => StoreProcessDeps | Promise<StoreProcessDeps>,
): void {
  if (!process.send) throw new Error('the upload storing process is started with an IPC channel');
  const post = (message: FromStoreProcess) => {
    if (process.connected) process.send?.(message);
  };

  // The file's bytes as they arrive; each chunk is reported taken once the parser has it.
  const bytes = postedBytes((n) => post({ type: 'consumed', bytes: n }));
  const { source } = bytes;
  let stopped = false;
  // Whether another writer (the portal's, another storing process) waits for the registry's lock (the
  // portal's 'writers' messages).
  let writersWaiting = false;
  process.on('message', (message: ToStoreProcess) => {
    if (message.type === 'start') {
      post({ type: 'ready' });
      run(message.start).then(
        (state) => post({ type: 'done', state }),
        (err: unknown) => post({ type: 'failed', state: message.start.state, error: posted(err) }),
      );
    } else if (message.type === 'writers') {
      writersWaiting = message.waiting;
    } else if (message.type === 'chunk') {
      bytes.add(message.bytes);
    } else if (message.type === 'end') {
      bytes.end();
    } else if (message.type === 'abort') {
      stopped = true;
      bytes.abort(message.message);
    }
  });

  async function run(start: StoreProcessStart): Promise<UploadStoringState> {
    const { state } = start;
    const options: CheckOptions = {
      format: start.format,
      body: start.body,
      batchSize: start.batchSize,
      flushMs: start.flushMs,
      onWarning: (warning) => state.warnings.push(warning),
      // A thread starts at the nice value of the thread that starts it: the parsing thread runs at this
      // process's, already below the portal's.
      threadNice: 0,
    };
    const batches: AsyncIterable<CheckedRow[]> = started(
      start.parseOnWorker
        ? checkRowsInWorker(source, parseHere, options)
        : checkRows(source, parseHere, options),
    );
    let deps: StoreProcessDeps;
    try {
      deps = await open(start);
    } catch (error) {
      await batches[Symbol.asyncIterator]().return?.();
      throw error;
    }
    // What the storing had counted when the open group began: a group that cannot commit stores nothing
    // of its rows, so their counts go back to these.
    let before: UploadStoringState | undefined;
    // An orphan commits nothing: once the portal has gone (this process's parent changed), the open group
    // is rolled back, even before the closed channel is noticed (a commit may come first in the loop).
    const portal = process.ppid;
    // The portal hears when this process asks for the lock and when it gives it back, and tells the other
    // storing processes (posted before BEGIN blocks in the busy handler).
    const writing = (waiting: boolean) => post({ type: 'writing', waiting });
    const transaction: GroupTransaction = {
      begin() {
        writing(true);
        try {
          deps.transaction.begin();
        } catch (error) {
          writing(false);
          throw error;
        }
      },
      commit() {
        if (process.ppid !== portal) throw new Error('the portal that started this upload has gone');
        deps.transaction.commit();
        writing(false);
      },
      rollback() {
        deps.transaction.rollback();
        writing(false);
      },
    };
    const group = createWriteGroup(transaction, () => writersWaiting, {
      opened: () => {
        before = structuredClone(state);
      },
      rolledBack: () => {
        if (!before) return;
        Object.assign(state.progress, before.progress);
        state.warnings.splice(0, state.warnings.length, ...before.warnings);
        state.errorsStored = before.errorsStored;
        state.errorsCapped = before.errorsCapped;
      },
    });
    const { onStored } = deps;
    // The progress goes to the portal once per commit, as it stood then.
    let progressHeld = false;
    try {
      // Inside the try: a thread that cannot be created still lets the connection close.
      const rules = deps.startRules?.((write) => group.write(write));
      const storing: UploadStoringDeps = {
        jobs: {
          appendErrors: (jobId, errors) => group.write(() => deps.jobs.appendErrors(jobId, errors)),
          async updateProgress(jobId, progress, at) {
            await group.write(() => deps.jobs.updateProgress(jobId, progress, at));
            if (!progressHeld) {
              progressHeld = true;
              group.afterCommit(() => {
                progressHeld = false;
                post({ type: 'progress', state });
              });
            }
          },
        },
        registry: deps.certificates,
        async upsertMany(data, at, texts) {
          const results = await group.write(() => deps.certificates.upsertMany(data, at, texts));
          // Once committed, the portal forgets the cached answers, before anything later is stored.
          const certificates = results
            .filter((r) => r.outcome !== 'unchanged')
            .map(({ certificate: c }) => ({ publicId: c.publicId, number: c.number, bodyCode: c.bodyCode }));
          if (certificates.length > 0) group.afterCommit(() => post({ type: 'changed', certificates }));
          return results;
        },
        async onStored(event) {
          if (onStored) await group.write(() => onStored(event));
          if (!rules) return;
          group.afterCommit(() => rules.stored(event));
          // The storing keeps at most MAX_RULE_BACKLOG certificates ahead of the rules.
          await rules.room();
        },
        onRefused: rules && (async (event) => group.afterCommit(() => rules.refused(event))),
        now: () => new Date().toISOString(),
      };
      let endFailure: unknown;
      try {
        await storeUploadRows(
          storing,
          {
            jobId: start.jobId,
            body: start.body,
            mode: start.mode,
            batchSize: start.batchSize,
            maxStoredErrors: start.maxStoredErrors,
            bytesRead: bytes.taken,
            sliceMs: start.sliceMs,
          },
          batches,
          state,
          () => stopped,
        );
      } finally {
        // What the group holds is committed whether the storing ended or failed, as each slice was when
        // slices committed on their own. A failed commit is the storing's error unless it already had one.
        try {
          group.end();
        } catch (error) {
          endFailure = error;
        }
        // The rules of every committed batch, then what they raised (in a group of its own).
        const counts = { ...(await rules?.end()) };
        if (endFailure === undefined) {
          try {
            group.end();
          } catch {
            counts.raise = (counts.raise ?? 0) + 1;
          }
        }
        for (const [rule, n] of Object.entries((await deps.ruleErrors?.()) ?? {})) {
          counts[rule] = (counts[rule] ?? 0) + n;
        }
        if (Object.keys(counts).length > 0) post({ type: 'ruleErrors', counts });
      }
      if (endFailure !== undefined) throw endFailure;
    } finally {
      await deps.close();
    }
    return state;
  }
}
