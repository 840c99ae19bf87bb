// Baseline: a bare Fastify 5 JSON handler answering a fixed body. Not part of the product.
'use strict';
const clustered = require('./cluster');
clustered(() => {
  const fastify = require('fastify')({ logger: false });
  fastify.post('/publish/allevents', async () => ({ message: 'Data published successfully', count: 1 }));
  fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => process.send?.('ready'));
});
