/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Each test file gets its own SQLite file and Redis key prefix, so files can run in parallel.
  maxWorkers: 2,
  // Generous: a test bounds a hang, never measures speed; the suite must pass with both cores busy.
  testTimeout: 60000,
  // On a busy machine a worker takes 0.02-0.4 s from Jest's end message to its exit (measured, with only
  // its output pipes open), past Jest's 0.5 s default now and then: "a worker process has failed to exit
  // gracefully" was printed with no handle left open. A handle that never closes is still reported.
  workerGracefulExitTimeout: 5000,
  // Bundles the browser client first (esbuild, under a second): the pages and e2e tests serve it.
  globalSetup: '<rootDir>/test/helpers/e2e-global-setup.ts',
};
