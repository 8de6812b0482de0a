import fs from 'node:fs';
import path from 'node:path';

/** The registry file's name under DATA_DIR. */
export const REGISTRY_FILE = 'registry.sqlite';

/** A DATA_DIR the process cannot use: its message is one line naming the variable, for the operator. */
export class DataDirError extends Error {}

/**
 * Makes sure DATA_DIR can hold the registry before anything opens it:
 * - missing: created (mode 0700) only when `create` is set (a first start, the demo); otherwise refused,
 *   since a typo would otherwise start an empty registry that calls every certificate "not in the registry";
 * - a file, or not readable and writable by this process: refused.
 * Returns whether it was created.
 */
export function prepareDataDir(dir: string, options: { create: boolean }): { created: boolean } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new DataDirError(`DATA_DIR ${dir} cannot be read (${code}).`);
    if (!options.create) {
      throw new DataDirError(
        `DATA_DIR ${dir} does not exist. Check the path; to start a new, empty registry there run \`npm run init\` (or set INIT_DATA_DIR=1).`,
      );
    }
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (mkdirError) {
      throw new DataDirError(
        `DATA_DIR ${dir} cannot be created (${(mkdirError as NodeJS.ErrnoException).code}).`,
      );
    }
    return { created: true };
  }
  if (!stat.isDirectory()) throw new DataDirError(`DATA_DIR ${dir} is not a directory.`);
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    const registry = path.join(dir, REGISTRY_FILE);
    if (fs.existsSync(registry)) fs.accessSync(registry, fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    throw new DataDirError(
      `DATA_DIR ${dir} is not writable by this process (user ${process.getuid?.() ?? '?'}).`,
    );
  }
  return { created: false };
}
