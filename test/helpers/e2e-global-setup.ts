/**
 * Jest global setup: bundles the browser client (client/public/app.js and scan-worker.js) before any
 * test runs, so that a fresh clone's `npm test` serves the current client code. esbuild takes well
 * under a second. Then says which suites this run skips and why (skip-reasons.ts).
 */
import { buildClient } from '../../scripts/build-client';
import { skipsOfThisRun } from './skip-reasons';

export default async function globalSetup(): Promise<void> {
  await buildClient();
  for (const skip of skipsOfThisRun()) console.log(skip);
}
