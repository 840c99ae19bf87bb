import Redis from 'ioredis';
import { Client } from 'pg';

/** Drops this run's database and deletes its Redis keys. */
export default async function globalTeardown(): Promise<void> {
  const url = new URL(process.env.DATABASE_URL!);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }

  const redis = new Redis(process.env.REDIS_URL!);
  try {
    // Sluice's own keys (`<prefix>:…`) and BullMQ's (`{<prefix>…}:…`, hash-tagged).
    for (const pattern of [`${process.env.REDIS_PREFIX}*`, `{${process.env.REDIS_PREFIX}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
