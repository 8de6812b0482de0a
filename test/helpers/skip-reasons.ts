/**
 * Why suites that need a part this machine lacks are skipped: said by each suite as it skips (visible
 * when it runs alone) and by the global setup once per run (jest shows no console output of a file whose
 * tests were all skipped), so that a skip never reads as a pass.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const CHROMIUM_CANDIDATES = [
  process.env.CHROMIUM_PATH,
  // The real binary first: the /usr/bin wrapper's shell prints harmless noise and drops flags.
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** The path of a Chromium executable, or undefined when none is installed. */
export function findChromium(): string | undefined {
  return CHROMIUM_CANDIDATES.find((p): p is string => Boolean(p) && fs.existsSync(p as string));
}

export const NO_CHROMIUM =
  'no Chromium found (tried CHROMIUM_PATH, /usr/lib/chromium/chromium, /usr/bin/chromium). Install it ' +
  'with `apt-get install -y chromium` (.ci/run does) to run the browser tests.';

export const NO_MONGODB =
  'MONGODB_URI is not set (no MongoDB server on this machine). Set MONGODB_URI=mongodb://host:27017 to run ' +
  'it, or start the in-memory wire server as .ci/run does: eval "$(../shared/tools/mongo-wire/start.sh 27117)".';

/** Why an assertion about index use is skipped on a server that `buildInfo` shows is not a real MongoDB. */
export function notRealMongoDb(evidence: string): string {
  return (
    `the server at MONGODB_URI is not a real MongoDB (${evidence}); only a real one's query planner shows ` +
    'which index a query uses (the in-memory wire server answers every explain with COLLSCAN). Point ' +
    'MONGODB_URI at a real MongoDB to run it.'
  );
}

/** The skips this run will make, one line each (empty when every part is here). */
export function skipsOfThisRun(): string[] {
  const skips: string[] = [];
  if (!process.env.MONGODB_URI)
    skips.push(`SKIPPED: the MongoDB contract suites (test/contract/mongo-*): ${NO_MONGODB}`);
  if (!findChromium()) skips.push(`SKIPPED: the browser tests (test/e2e/*): ${NO_CHROMIUM}`);
  if (!fs.existsSync(path.resolve(__dirname, '../../../shared/tools/mongo-wire/start.sh')))
    skips.push(
      'SKIPPED: the MongoDB outage test (test/cluster/mongo-outage): ../shared/tools/mongo-wire is missing.',
    );
  if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status !== 0)
    skips.push('SKIPPED: the compose config check (test/cluster/compose): docker-compose is not installed.');
  if (process.platform !== 'linux' || !fs.existsSync('/proc/thread-self/stat'))
    skips.push(
      "SKIPPED: the nice values of an upload's threads and storing process (test/uploads/background-thread), " +
        "the crash test's check that no storing process outlives the portal, and the killed storing process's " +
        "test (test/uploads/upload-busy): they read Linux's /proc.",
    );
  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (openssl.status !== 0 || !/^OpenSSL 3\./.test(openssl.stdout))
    skips.push(
      'SKIPPED: the OpenSSL steps of the receipt format (test/receipts/receipt-format-doc): no OpenSSL 3.',
    );
  return skips;
}
