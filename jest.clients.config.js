/**
 * `npm run test:clients`: the real clients of spec §8.2 (Debian's prometheus-alertmanager and
 * collectd-core with libyajl2) against a listening gateway. Not part of `npm test`, which must
 * run with PostgreSQL and Redis alone; `.ci/run` installs the clients and runs it.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/clients/**/*.clients.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
};
