/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // tfjs-layers ships MultiHeadAttention only as ES modules (see src/tfjs/layersLoader.ts): compile them to CommonJS here too.
    '@tensorflow/tfjs-layers/dist/(?!tf-layers).+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2020', esModuleInterop: true }, isolatedModules: true }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@tensorflow/tfjs-layers/dist/(?!tf-layers))'],
  setupFiles: ['<rootDir>/spec/setup-env.js'],
  // The native backend and the wasm module take a few seconds to load per file.
  testTimeout: 120000,
  // One test file at a time: spec/src/faults.spec.ts compares bench runs (an A/A
  // pair and a 25%-slower kernel), and with two files at once the other file's
  // processes shared the two cores with those runs, which then missed the
  // slowdown in a fresh-clone CI run. Serial: about 3.5 minutes instead of 2.5.
  maxWorkers: 1,
};
