// The Node options each Sluice process runs with. `npm start` and the benchmarks read them here;
// the container image (Dockerfile) and docker-compose.yml repeat them.
'use strict';

module.exports = {
  // Young generation of 2 × 8 MB instead of 2 × 16 MB: the gateway's garbage is short-lived and
  // small, so the smaller nursery costs ~2-4 % CPU under the hot path and saves 15-20 MB of RSS
  // (BENCHMARKS.md).
  gateway: ['--max-semi-space-size=8'],
  worker: [],
};
