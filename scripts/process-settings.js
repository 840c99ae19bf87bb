// The environment Sluice's processes run with, beyond their configuration. `npm start` and the
// benchmarks read it here; the container image (Dockerfile) repeats it.
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
};
