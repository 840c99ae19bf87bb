// Runs a baseline server in BENCH_PROCESSES processes on one port (a Node cluster), as the
// gateway does with GATEWAY_PROCESSES, so that ratios compare like with like.
'use strict';
const cluster = require('node:cluster');

module.exports = function clustered(startServer) {
  const processes = Number(process.env.BENCH_PROCESSES ?? 1);
  if (processes > 1 && cluster.isPrimary) {
    let ready = 0;
    for (let i = 0; i < processes; i++) {
      cluster.fork().on('message', () => {
        if (++ready === processes) process.send?.('ready');
      });
    }
    process.on('SIGTERM', () => {
      for (const w of Object.values(cluster.workers)) w.kill();
      process.exit(0);
    });
    return;
  }
  startServer();
};
