/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  setupFiles: ['<rootDir>/spec/setup-env.js'],
  // The native backend and the wasm module take a few seconds to load per file.
  testTimeout: 120000,
  maxWorkers: 2,
};
