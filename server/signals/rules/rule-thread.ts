/**
 * The upload rules of a storing process (uploads/upload-store-child.ts) on a thread of their own, with
 * their own connection to the registry, so that the storing's main thread, which the whole upload waits
 * for, only writes: the rules' reads of a batch cost about half as much again as storing it (README,
 * "Benchmarks"). The storing hands a batch over once its group has committed, so the thread reads it as
 * stored, after every batch before it. It may also see batches committed after it, which the rules allow
 * for: they read both ways, and a pair's signal has one dedup key whichever side finds it (as when two
 * bodies upload at once). What the rules raise goes back to the storing's main thread, the only writer of
 * the process, which stores it in its group (`raise`). A rule that fails, and a thread that dies, never
 * fail the upload: they are logged and counted, as in the portal.
 *
 * Protocol: 'stored' and 'refused' in the order the batches were committed, then 'end'. The thread
 * answers 'drafts' with what an evaluation raised, then 'evaluated' with how many certificates it looked
 * at; after 'end', once everything before it is evaluated, 'ended' with its rule failures.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { Certificate } from '../../certificates/certificate-schema';
import { BACKGROUND_BOOTSTRAP, type BackgroundStart } from '../../platform/background-thread';
import type { Logger } from '../../platform/logger';
import type { CommittedBatchRules } from '../../uploads/upload-store-child';
import type { RefusedEvent } from '../../uploads/upload-storing';
import type { SignalDraft } from '../signal-schema';
import type { UploadRuleRunner } from './rule-engine';

/** What the thread is started with (its workerData): the module (server/composition/) and its stores. */
export interface RuleThreadStart extends BackgroundStart {
  /** The registry's directory: the thread opens its own connection to the file in it. */
  dataDir: string;
  logLevel: string;
  jobId: string;
}

export type ToRuleThread =
  | { type: 'stored'; bodyCode: string; jobId: string; at: string; ids: string[] }
  | { type: 'refused'; event: RefusedEvent }
  | { type: 'end' };

export type FromRuleThread =
  | { type: 'drafts'; drafts: SignalDraft[] }
  | { type: 'evaluated'; certificates: number }
  | { type: 'ended'; failures: Record<string, number> };

/**
 * Certificates handed over and not yet evaluated, at most: past it the storing waits for the rules, so
 * that a registry where they are slow does not pile up a million batches in memory.
 */
export const MAX_RULE_BACKLOG = 20_000;

/** Certificates the thread evaluates at once at most, batches handed over meanwhile taken together. */
const MAX_EVALUATION = 5_000;

/** The label a dead rules thread is counted under (upload_rule_errors_total). */
export const RULE_THREAD_FAILURE = 'rules-thread';

/** The storing's side of the thread (MAX_RULE_BACKLOG is how close behind it `room` keeps the rules). */
export type RuleThread = CommittedBatchRules;

/**
 * Starts the rules thread. `raise` stores the drafts of one evaluation; it must not throw (a failure to
 * store them is its own to count). The thread runs at the nice value of the thread that starts it.
 */
export function startRuleThread(
  start: RuleThreadStart,
  raise: (drafts: SignalDraft[]) => Promise<void>,
  logger: Logger,
): RuleThread {
  const worker = new Worker(BACKGROUND_BOOTSTRAP, { eval: true, workerData: { nice: 0, ...start } });
  let backlog = 0;
  let roomWaiters: (() => void)[] = [];
  const raising = new Set<Promise<void>>();
  let finished: Record<string, number> | undefined;
  let onFinished: ((failures: Record<string, number>) => void) | undefined;
  const ended = new Promise<Record<string, number>>((resolve) => (onFinished = resolve));

  const wakeWaiters = () => {
    if (backlog >= MAX_RULE_BACKLOG && finished === undefined) return;
    const waiters = roomWaiters;
    roomWaiters = [];
    for (const wake of waiters) wake();
  };
  const finish = (failures: Record<string, number>) => {
    if (finished !== undefined) return;
    finished = failures;
    onFinished?.(failures);
    wakeWaiters();
  };
  const post = (message: ToRuleThread) => {
    if (finished === undefined) worker.postMessage(message);
  };

  worker.on('message', (message: FromRuleThread) => {
    if (message.type === 'drafts') {
      const stored: Promise<void> = raise(message.drafts).finally(() => raising.delete(stored));
      raising.add(stored);
    } else if (message.type === 'evaluated') {
      backlog -= message.certificates;
      wakeWaiters();
    } else {
      finish(message.failures);
      void worker.terminate();
    }
  });
  worker.on('error', (err) => {
    logger.error(
      { err: err.message, jobId: start.jobId },
      'the upload rules thread failed; the upload goes on',
    );
    finish({ [RULE_THREAD_FAILURE]: 1 });
  });
  worker.on('exit', () => {
    if (finished !== undefined) return;
    logger.error({ jobId: start.jobId }, 'the upload rules thread ended early; the upload goes on');
    finish({ [RULE_THREAD_FAILURE]: 1 });
  });

  return {
    stored(event) {
      const ids = event.results.filter((r) => r.outcome !== 'unchanged').map((r) => r.certificate.id);
      if (ids.length === 0 || finished !== undefined) return;
      backlog += ids.length;
      post({ type: 'stored', bodyCode: event.bodyCode, jobId: event.jobId, at: event.at, ids });
    },
    refused(event) {
      if (event.rows.length > 0) post({ type: 'refused', event });
    },
    room() {
      if (backlog < MAX_RULE_BACKLOG || finished !== undefined) return Promise.resolve();
      return new Promise((resolve) => roomWaiters.push(resolve));
    },
    async end() {
      post({ type: 'end' });
      const failures = await ended;
      // The last evaluation's drafts arrive before 'ended'; their stores may still be under way.
      while (raising.size > 0) await Promise.all(raising);
      return failures;
    },
  };
}

/** What the thread's module opens: the rules over its own connection. */
export interface RuleThreadDeps {
  runner: Pick<UploadRuleRunner, 'run' | 'onRefused'>;
  /** The certificates with these ids (`Certificate.id`) as stored now. */
  read(ids: readonly string[]): Promise<Certificate[]>;
  /** Rule failures counted in this thread, by rule. */
  failures(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/**
 * The thread's side: evaluates what is handed over, in order. `open` builds the rules; its `raise` hands
 * the drafts to the storing's main thread.
 */
export function serveRuleThread(
  open: (start: RuleThreadStart, raise: (drafts: SignalDraft[]) => Promise<void>) => RuleThreadDeps,
): void {
  if (!parentPort) throw new Error('the upload rules run as a worker thread');
  const port = parentPort;
  const post = (message: FromRuleThread) => port.postMessage(message);
  const deps = open(workerData as RuleThreadStart, async (drafts) => post({ type: 'drafts', drafts }));

  const queue: ToRuleThread[] = [];
  let wake: (() => void) | undefined;
  port.on('message', (message: ToRuleThread) => {
    queue.push(message);
    wake?.();
  });

  async function next(): Promise<ToRuleThread> {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    return queue.shift() as ToRuleThread;
  }

  async function serve(): Promise<void> {
    for (;;) {
      const message = await next();
      if (message.type === 'end') {
        post({ type: 'ended', failures: await deps.failures() });
        await deps.close();
        port.close();
        return;
      }
      if (message.type === 'refused') {
        await deps.runner.onRefused(message.event);
        continue;
      }
      // The batches handed over meanwhile, of the same job, are evaluated together: fewer, larger reads.
      const ids = [...message.ids];
      let { at } = message;
      for (let following = queue[0]; following?.type === 'stored'; following = queue[0]) {
        if (following.jobId !== message.jobId || following.bodyCode !== message.bodyCode) break;
        if (ids.length + following.ids.length > MAX_EVALUATION) break;
        queue.shift();
        ids.push(...following.ids);
        at = following.at;
      }
      const certificates = await deps.read(ids);
      await deps.runner.run({ bodyCode: message.bodyCode, jobId: message.jobId, certificates, at });
      post({ type: 'evaluated', certificates: ids.length });
    }
  }

  serve().catch((err: unknown) => {
    // Thrown out of the thread: the storing's side hears 'error', and logs and counts it.
    process.nextTick(() => {
      throw err;
    });
  });
}
