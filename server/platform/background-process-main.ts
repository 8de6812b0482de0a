/**
 * The first module of a background process (background-process.ts): argv is the module to run and how far
 * to lower the priority. When its channel closes (the portal is done with it, or has gone), it exits.
 */
import { lowerOwnPriority } from './background-process';

const [file, nice] = process.argv.slice(2);
if (!file) throw new Error('background-process-main: no module to run');
lowerOwnPriority(Number(nice));
process.once('disconnect', () => process.exit());
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module this process was started for
require(file);
