import type { INestApplicationContext } from '@nestjs/common';
import fc from 'fast-check';

import { LIMITS } from '@sluice/contracts';

import { createCustomer, createUser, login, uniqueId } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { startWorker } from '../helpers/worker';
import type { RecordKind } from './arbitraries';
import { ID_FIELD, IDENTITY, RECORD_KINDS, truncate, validBatch } from './arbitraries';
import { QueueWatch, summarize } from './queues';
import { abbreviate } from './routes';

/**
 * Spec §2's promise, tried with generated data: a 200 means the data will be stored. Valid
 * batches of every kind (with what valid clients send at the edges: offsets, years 0001 and 9999,
 * fractions of seconds, severities by name in any case, unicode, unknown extra fields, fields at
 * the gateway's limits, records of one batch that repeat each other's identity) are published
 * through the gateway and stored by the real worker; every record is in PostgreSQL afterwards,
 * once per identity, and no job failed.
 *
 * FUZZ_RUNS (default 25) sets the batches per kind; fast-check prints the seed of a failure.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const PATH = process.env.FUZZ_PATH;
// Shrinking a failure takes many batches; past this, the smallest batch found so far is reported.
const SHRINK_MS = Number(process.env.FUZZ_SHRINK_MS ?? 3_000);

type Row = { count: (args: { where: Record<string, unknown> }) => Promise<number> };

describe('valid records are stored, every kind (property-based)', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let watch: QueueWatch;
  let customers: string[];
  const auth: Record<string, Record<string, string>> = {};
  let seq = 0;

  beforeAll(async () => {
    gw = await startGateway();
    worker = await startWorker(gw.redisPrefix);
    watch = new QueueWatch(gw.queuePrefix);
    // Customer ids at the edges of spec §5: every allowed punctuation character, and 64 characters.
    const edge = uniqueId('fz.:_-');
    customers = [uniqueId('fz'), edge, `${edge}-`.padEnd(64, 'Z')];
    for (const id of customers) await createCustomer(gw.prisma, { id });
    const apiUser = await createUser(gw.prisma, { customers });
    const superadmin = await createUser(gw.prisma, { isSuperadmin: true });
    auth.apiUser = { authorization: `Bearer ${(await login(gw, apiUser.email)).accessToken}` };
    auth.superadmin = { cookie: `access_token=${(await login(gw, superadmin.email)).accessToken}` };
  }, 60_000);

  afterAll(async () => {
    await watch?.close();
    await worker?.close();
    await gw?.close();
  });

  /** The table of a kind's rows, and the column its ID_FIELD is stored in. */
  const table = (kind: RecordKind): [Row, string] =>
    ({
      allevents: [gw.prisma.event, 'ieventid'],
      metrics: [gw.prisma.metricSample, 'entityid'],
      entity: [gw.prisma.topologyEntity, 'entityid'],
      service: [gw.prisma.topologyService, 'serviceid'],
      healthcheck: [gw.prisma.adapter, 'adapterid'],
    })[kind] as [Row, string];

  /** Makes each record's id unique (keeping what was generated in front), so that rows can be counted. */
  const uniqueIds = (kind: RecordKind, records: Record<string, unknown>[]): string[] =>
    records.map((r) => {
      const suffix = `#${++seq}`;
      r[ID_FIELD[kind]] = truncate(String(r[ID_FIELD[kind]]), LIMITS.id - suffix.length) + suffix;
      return r[ID_FIELD[kind]] as string;
    });

  /** Which records of a batch repeat the identity of an earlier one: (later, earlier) index pairs. */
  const repeats = fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 });

  /**
   * Gives records the identity of earlier records of the same batch, keeping their other fields:
   * a batch may carry the same event twice, two samples of one series at one instant, or two
   * states of one entity, and each is still one row.
   */
  const repeat = (kind: RecordKind, records: Record<string, unknown>[], pairs: [number, number][]) => {
    for (const [a, b] of pairs) {
      if (records.length < 2) return;
      const later = 1 + (a % (records.length - 1));
      const source = records[b % later];
      for (const field of IDENTITY[kind]) {
        if (source[field] === undefined) delete records[later][field];
        else records[later][field] = source[field];
      }
    }
  };

  it.each(RECORD_KINDS)(
    'POST /publish/%s: every record of every accepted batch is stored',
    async (kind) => {
      const [rows, column] = table(kind);
      await fc.assert(
        fc.asyncProperty(
          validBatch(kind, customers),
          repeats,
          fc.constantFrom('apiUser', 'superadmin'),
          async (batch, pairs, who) => {
            const records = Array.isArray(batch) ? batch.map((r) => ({ ...r })) : [{ ...batch }];
            uniqueIds(kind, records);
            repeat(kind, records, pairs);
            const ids = [...new Set(records.map((r) => r[ID_FIELD[kind]] as string))];
            const before = new Set((await watch.stuck()).map((j) => `${j.queue}:${j.id}`));
            const res = await gw.inject({
              method: 'POST',
              url: `/publish/${kind}`,
              headers: auth[who],
              payload: Array.isArray(batch) ? records : records[0],
            });
            if (res.statusCode !== 200) throw new Error(`answered ${res.statusCode}: ${abbreviate(res.body, 600)}`);
            expect(res.json()).toMatchObject({ count: records.length });

            const until = Date.now() + 15_000;
            for (;;) {
              const stored = await rows.count({ where: { [column]: { in: ids } } });
              if (stored === ids.length) return;
              // A job of this request that failed, or waits for its next try after a failure.
              const stuck = (await watch.stuck()).filter((j) => !before.has(`${j.queue}:${j.id}`));
              if (stuck.length > 0) {
                const reasons = [...new Set(stuck.map((j) => `${j.queue} ${j.state}: ${j.reason}`))];
                throw new Error(`accepted, then not stored (${stored} of ${ids.length} rows): ${reasons.join('; ')}`);
              }
              if (Date.now() > until)
                throw new Error(`accepted, but only ${stored} of ${ids.length} rows stored after 15 s`);
              await new Promise((r) => setTimeout(r, 25));
            }
          },
        ),
        {
          numRuns: RUNS,
          seed: SEED,
          path: PATH,
          plugins: [fc.interruptAfterTimeLimit(Math.max(10_000, RUNS * 400) + SHRINK_MS)],
        },
      );
    },
    600_000,
  );

  it('left no job failed or waiting for a retry in any data queue', async () => {
    const stuck = await watch.drained(30_000);
    expect(summarize(stuck)).toEqual([]);
  }, 60_000);
});
