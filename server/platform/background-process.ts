/**
 * How an upload's storing process starts. A process, not a thread: its garbage collection runs on V8
 * helper threads of its own, and all of them run below the portal. As a thread, the storing's collections
 * ran on the helper threads the portal's main thread shares, at the main thread's priority, and took the
 * cores from it: the lookups' p99 doubled during an upload (README, "where the isolation tail comes
 * from"). The process is started at the priority of the thread that starts it; its first step
 * (background-process-main.ts) lowers every thread it has by `nice` (BACKGROUND_NICE unless configured,
 * UPLOAD_THREAD_NICE, at most 19); the threads it starts later start at that priority.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKGROUND_LOADER, BACKGROUND_NICE } from './background-thread';

const MAIN = path.join(__dirname, `background-process-main${path.extname(__filename)}`);

export interface BackgroundProcessOptions {
  /** How far the process's nice value goes above this thread's (BACKGROUND_NICE when absent). */
  nice?: number;
  /** Its heap's old generation, MiB. */
  maxOldGenerationMb: number;
}

/**
 * Starts `file` (a module) in a process of its own, at a lower priority, with an IPC channel that carries
 * structured clones (typed arrays as bytes). Its output goes where this process's goes; when this process
 * is profiled (`node --cpu-prof --cpu-prof-dir=DIR`), so is it, into the same directory.
 */
export function startBackgroundProcess(file: string, options: BackgroundProcessOptions): ChildProcess {
  return fork(MAIN, [file, String(options.nice ?? BACKGROUND_NICE)], {
    execArgv: [
      ...(BACKGROUND_LOADER ? ['--require', BACKGROUND_LOADER] : []),
      ...process.execArgv.filter((arg) => arg.startsWith('--cpu-prof')),
      `--max-old-space-size=${options.maxOldGenerationMb}`,
    ],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/**
 * Lowers the priority of every thread of this process by `nice` (on Linux a nice value belongs to a
 * thread: V8's helper threads are already running when the first line of JavaScript does). Elsewhere
 * `os.setPriority` renices the whole process at once.
 */
export function lowerOwnPriority(nice: number): void {
  if (nice <= 0) return;
  const target = Math.min(19, os.getPriority() + nice);
  let threads: string[] = [];
  if (process.platform === 'linux') {
    try {
      threads = fs.readdirSync('/proc/self/task');
    } catch {
      // no /proc: the process itself, below
    }
  }
  if (threads.length === 0) threads = ['0'];
  for (const tid of threads) {
    try {
      os.setPriority(Number(tid), target);
    } catch {
      // a thread that ended meanwhile, or a system that refuses: the process runs at its priority
    }
  }
}
