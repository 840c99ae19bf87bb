/**
 * `npm run test:browser`: the web console (apps/console, built into dist/console) in Debian's
 * Chromium (/usr/bin/chromium, driven by playwright-core), against a real gateway and worker.
 * Not part of `npm test`, which must run with PostgreSQL and Redis alone; `.ci/run` installs
 * Chromium and runs it. Screenshots go to test-results/browser/.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.browser.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
  maxWorkers: 1,
};
