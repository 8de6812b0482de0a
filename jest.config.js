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
  // Bundles the browser client first (esbuild, under a second): the pages and e2e tests serve it.
  globalSetup: '<rootDir>/test/helpers/e2e-global-setup.ts',
};
