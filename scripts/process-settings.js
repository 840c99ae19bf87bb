// How each Sluice process is started: the environment and Node options of its process. `npm start`
// and the benchmarks read them here; the container image (Dockerfile) and docker-compose.yml
// repeat them.
'use strict';

module.exports = {
  env: {
    // glibc gives each thread that allocates its own malloc arena and keeps freed memory there;
    // the password-hashing threads alone would keep ~19 MB each.
    MALLOC_ARENA_MAX: '2',
    // Fixed thresholds instead of glibc's adaptive ones: buffers up to 16 MB (request bodies, Redis
    // and PostgreSQL messages) come from the heap and freed memory stays mapped up to 64 MB, so it
    // is reused instead of being returned to the kernel and faulted in again. Measured: gateway
    // peak RSS 25-35 MB lower under the hot and batch paths (BENCHMARKS.md).
    MALLOC_MMAP_THRESHOLD_: '16777216',
    MALLOC_TRIM_THRESHOLD_: '67108864',
  },
  nodeOptions: {
    // Young generation of 2 × 8 MB instead of 2 × 16 MB: the gateway's garbage is short-lived and
    // small, so the smaller nursery costs ~2-4 % CPU under the hot path and saves 15-20 MB of RSS.
    gateway: ['--max-semi-space-size=8'],
    worker: [],
  },
};
