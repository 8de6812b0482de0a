/**
 * How an upload's background threads start: its parsing thread, and the rules thread of its storing
 * process (the storing itself runs in a process: background-process.ts). It runs an
 * eval'd bootstrap that first lowers its own CPU priority (its nice value `workerData.nice` above that of
 * the thread that started it, BACKGROUND_NICE unless configured (UPLOAD_THREAD_NICE), at most 19), then
 * loads its module. On Linux a nice value belongs to a thread, not to the process (a new thread starts at
 * its parent's): `os.setPriority(n)` from a thread renices that thread alone. So on a busy machine the
 * main thread, which answers the lookups, gets the cores first, and the upload uses what is left. On other
 * systems the call would renice the whole process, so it is skipped there.
 */
import path from 'node:path';

/** How far a background thread's nice value is above the main thread's by default (a lookup comes first). */
export const BACKGROUND_NICE = 10;

/** What the bootstrap reads of a background thread's workerData. */
export interface BackgroundStart {
  /** The module to load. */
  file: string;
  /** tsx's require hook, to load `file` when it is TypeScript. */
  loader?: string;
  /** How far the thread's nice value goes above its starting thread's (BACKGROUND_NICE when absent). */
  nice?: number;
}

/** The worker's code (eval: true); its workerData is a BackgroundStart. */
export const BACKGROUND_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const nice = workerData.nice ?? ${BACKGROUND_NICE};
if (process.platform === 'linux' && nice > 0) {
  try { const os = require('node:os'); os.setPriority(Math.min(19, os.getPriority() + nice)); } catch {}
}
if (workerData.loader) require(workerData.loader);
require(workerData.file);
`;

/**
 * tsx's require hook when this code runs as TypeScript (tsx, jest): a worker thread has no TypeScript
 * loader of its own, so the bootstrap registers it before loading a .ts file (tsx is a runtime dependency).
 */
export const BACKGROUND_LOADER = path.extname(__filename) === '.ts' ? require.resolve('tsx/cjs') : undefined;
