// Baseline: bare Fastify 5 plus one BullMQ `add` per request. Not part of the product.
'use strict';
const clustered = require('./cluster');
const { randomUUID } = require('node:crypto');
const { Queue } = require('bullmq');
const Redis = require('ioredis');
clustered(() => {
  const fastify = require('fastify')({ logger: false });
  const connection = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const queue = new Queue('events', { connection, prefix: process.env.REDIS_PREFIX });
  fastify.post('/publish/allevents', async (req) => {
    const requestId = randomUUID();
    await queue.add('events', { requestId, records: [req.body] }, { jobId: requestId, removeOnComplete: true });
    return { message: 'Data published successfully', count: 1, requestId };
  });
  connection.once('ready', () =>
    fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => process.send?.('ready')),
  );
});
