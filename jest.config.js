/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Each test file gets its own SQLite file and Redis key prefix, so files can run in parallel.
  maxWorkers: 2,
  testTimeout: 20000,
};
