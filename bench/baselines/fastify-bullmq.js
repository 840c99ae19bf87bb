// Baseline: bare Fastify 5 plus one BullMQ `add` per request (its JSON body parsed by Fastify: one
// event, or a batch of them, which go into the one job). Not part of the product.
'use strict';
const clustered = require('./cluster');
const { randomUUID } = require('node:crypto');
const { Queue } = require('bullmq');
const Redis = require('ioredis');
clustered(() => {
  const fastify = require('fastify')({ logger: false });
  const connection = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const queue = new Queue('events', { connection, prefix: `{${process.env.REDIS_PREFIX}}` });
  fastify.post('/publish/allevents', { bodyLimit: 10 * 1024 * 1024 }, async (req) => {
    const requestId = randomUUID();
    const records = Array.isArray(req.body) ? req.body : [req.body];
    await queue.add('events', { requestId, records }, { jobId: requestId, removeOnComplete: true });
    return { message: 'Data published successfully', count: records.length, requestId };
  });
  connection.once('ready', () =>
    fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => process.send?.('ready')),
  );
});
