/** @type {import('jest').Config} */
module.exports = {
  // Node's environment with the host's typed arrays, so onnxruntime (the fraud consumer) works in every test.
  testEnvironment: '<rootDir>/test/models/support/onnx-environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // These ship ESM only; let swc turn them into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(fauxqs|uuid|@middy|jose)/)'],
  // fauxqs exports only an `import` condition; point jest at its file so that swc compiles it like the rest.
  moduleNameMapper: { '^fauxqs$': '<rootDir>/node_modules/fauxqs/dist/app.js' },
  // Builds the console once (lib/local/console.ts) before the files that serve it run in parallel.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 30000,
  maxWorkers: 2,
  // Each test file's own key prefix on REDIS_URL, and its cache connection closed after it.
  setupFilesAfterEnv: ['<rootDir>/test/support/cache-setup.ts'],
};
