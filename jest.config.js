/**
 * One Jest run = one PostgreSQL database and one Redis key prefix of its own (test/setup), so
 * that runs never collide. Unit specs sit beside the code; end-to-end specs live in test/.
 */
const aliases = ['common', 'config', 'contracts', 'database', 'queue'];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  // The real clients' tests need Debian's Alertmanager and collectd: `npm run test:clients`; the
  // console's need Chromium: `npm run test:browser`.
  testPathIgnorePatterns: ['/node_modules/', '\\.clients\\.spec\\.ts$', '\\.browser\\.spec\\.ts$'],
  transform: { '^.+\\.(t|m?j)s$': ['@swc/jest'] },
  // A few dependencies ship only ES modules; Jest's CommonJS runtime needs them compiled.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition)/)'],
  moduleNameMapper: Object.fromEntries(aliases.map((a) => [`^@sluice/${a}$`, `<rootDir>/libs/${a}/src`])),
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFiles: ['reflect-metadata'],
  testTimeout: 30000,
  maxWorkers: 2,
};
