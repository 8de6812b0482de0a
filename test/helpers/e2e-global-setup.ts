/**
 * Jest global setup: bundles the browser client (client/public/app.js and scan-worker.js) before any
 * test runs, so that a fresh clone's `npm test` serves the current client code. esbuild takes well
 * under a second.
 */
import { buildClient } from '../../scripts/build-client';

export default async function globalSetup(): Promise<void> {
  await buildClient();
}
