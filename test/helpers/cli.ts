import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Node's arguments to run a TypeScript script of this project: tsx's require hook, as the background threads
 * load theirs (server/platform/background-thread.ts). The project is CommonJS, so this runs the same code as
 * `tsx script` and `node --import tsx script` in one process with no ESM loader thread: about half the CPU
 * of a start under `--import tsx`, and a third of one through the tsx CLI (which starts a second node).
 */
export const TSX_ARGS: readonly string[] = ['--require', 'tsx/cjs'];

/**
 * Runs a CLI script (under tsx) until it exits, in an English locale and with no CERTWATCH_TOKEN or
 * CERTWATCH_URL of the caller's, unless `env` gives them.
 */
export function runCli(script: string, args: string[], env: Record<string, string> = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, LANG: 'C.UTF-8' };
  for (const name of ['CERTWATCH_TOKEN', 'CERTWATCH_URL', 'LC_ALL', 'LC_MESSAGES']) delete base[name];
  const child = spawn(process.execPath, [...TSX_ARGS, script, ...args], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
}
