import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INestApplicationContext } from '@nestjs/common';

import { QueueName } from '@sluice/queue';

import { apiKey, apiUser, basic, createCustomer } from '../helpers/fixtures';
import type { TestGateway } from '../helpers/gateway';
import { startGateway } from '../helpers/gateway';
import { drained } from '../helpers/queues';
import { StdoutCapture } from '../helpers/stdout-capture';
import type { Json } from '../helpers/tenant';
import { startWorker } from '../helpers/worker';

/**
 * Spec §8.2 end to end: each tool's own body (the fixtures the mappings' unit tests use, modelled
 * on what the real clients send) through `POST /ingest/{format}/{customerId}` with an API key in
 * the form that tool sends it, then read back through §6. The checks are §2's: credentials in
 * each form, scopes, unknown / inactive / unmapped customers, malformed bodies naming the field;
 * throttling is a 503 here; a request without credentials gets the Basic challenge.
 */

const logs = new StdoutCapture();
const FIXTURES = join(__dirname, '../../apps/gateway/src/ingest/formats/fixtures');
const fixture = (name: string): Json => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Json;

describe('ingest adapters (spec §8.2)', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let customer: string;
  let email: string;
  let publishKey: string;
  let readKey: string;

  beforeAll(async () => {
    logs.start(); // before the gateway builds its logger
    gw = await startGateway({ LOG_LEVEL: 'info' });
    worker = await startWorker(gw.redisPrefix);
    customer = (await createCustomer(gw.prisma)).id;
    const user = await apiUser(gw, [customer]);
    email = user.user.email;
    publishKey = await apiKey(gw, user.auth, ['publish']);
    readKey = await apiKey(gw, user.auth, ['read']);
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    logs.stop();
  });

  const ingest = (
    format: string,
    body: unknown,
    headers: Record<string, string> = { 'x-api-key': publishKey },
    to = customer,
  ) =>
    gw.inject({
      method: 'POST',
      url: `/ingest/${format}/${to}`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });
  const read = async (url: string): Promise<Json> => {
    const res = await gw.inject({ method: 'GET', url, headers: { 'x-api-key': readKey } });
    expect(res.statusCode).toBe(200);
    return res.json<Json>();
  };
  const settle = () => drained(gw, QueueName.Events, QueueName.Metrics);
  const alertsOf = async (): Promise<Json[]> =>
    (await read(`/api/v1/alerts?customerid=${customer}&itemsPerPage=500`)).results as Json[];
  const eventCount = () => gw.prisma.event.count({ where: { envcustomerid: customer } });

  it('no credentials: 401 with the Basic challenge on every format (collectd sends its password only then)', async () => {
    for (const format of ['alertmanager', 'collectd', 'servicenow']) {
      const res = await ingest(format, {}, {});
      expect({
        format,
        status: res.statusCode,
        challenge: res.headers['www-authenticate'],
        body: res.json<Json>(),
      }).toEqual({
        format,
        status: 401,
        challenge: 'Basic realm="sluice"',
        body: { message: 'Missing access token' },
      });
    }
    const pd = await ingest('pagerduty', { event_action: 'trigger' }, {});
    expect(pd.statusCode).toBe(401);
    expect(pd.headers['www-authenticate']).toBe('Basic realm="sluice"');
  });

  it('alertmanager (Basic, the key as password): firing opens, a resend adds nothing, resolved resolves the same alert', async () => {
    const auth = { authorization: basic(email, publishKey) };
    const firing = fixture('alertmanager-firing.json');
    const res = await ingest('alertmanager', firing, auth);
    expect(res.statusCode).toBe(200);
    expect(res.json<Json>()).toMatchObject({
      message: 'Data published successfully',
      count: (firing.alerts as Json[]).length,
    });
    await settle();
    const opened = (await alertsOf()).filter((a) => a.state === 'OPEN');
    expect(opened.length).toBe((firing.alerts as Json[]).filter((a) => a.status === 'firing').length);
    const events = await eventCount();

    // Alertmanager resends the group every repeat_interval: nothing new.
    expect((await ingest('alertmanager', firing, auth)).statusCode).toBe(200);
    await settle();
    expect(await eventCount()).toBe(events);

    const resolved = fixture('alertmanager-resolved.json');
    expect((await ingest('alertmanager', resolved, auth)).statusCode).toBe(200);
    await settle();
    const after = await alertsOf();
    const ids = new Set(opened.map((a) => a.id));
    const resolvedNow = after.filter((a) => a.state === 'RESOLVED' && ids.has(a.id));
    expect(resolvedNow.length).toBe((resolved.alerts as Json[]).filter((a) => a.status === 'resolved').length);
    expect(after.length).toBe(opened.length); // the same Sluice alerts, no new ones
  });

  it('alertmanager: alerts cut by its max_alerts (truncatedAlerts) are counted in a log line', async () => {
    const body = { ...fixture('alertmanager-firing.json'), truncatedAlerts: 7 };
    expect((await ingest('alertmanager', body)).statusCode).toBe(200);
    const lines = logs
      .text()
      .split('\n')
      .filter((l) => l.includes('truncatedAlerts'))
      .map((l) => JSON.parse(l) as Json);
    expect(lines).toContainEqual(
      expect.objectContaining({ format: 'alertmanager', customerId: customer, truncatedAlerts: 7 }),
    );
  });

  it('collectd (Basic): one sample per value, nulls skipped; read back through the metrics API', async () => {
    const body = fixture('collectd-storerates.json') as unknown as Json[];
    const res = await ingest('collectd', body, { authorization: basic(email, publishKey) });
    expect(res.statusCode).toBe(200);
    const values = body.flatMap((v) => v.values as unknown[]).filter((v) => v !== null);
    expect(res.json<Json>().count).toBe(values.length);
    await settle();
    const host = body[0].host as string;
    const metrics = await read(
      `/api/v1/metrics?customerid=${customer}&entityid=${host}&itemsPerPage=500&from=2000-01-01T00:00:00Z`,
    );
    expect(metrics.totalCount).toBe(
      body
        .filter((v) => v.host === host)
        .flatMap((v) => v.values as unknown[])
        .filter((v) => v !== null).length,
    );
  });

  it('pagerduty: trigger (routing_key as the credential) → 202 with a generated dedup_key; acknowledge; resolve', async () => {
    const trigger: Json = { ...fixture('pagerduty-trigger.json'), routing_key: publishKey };
    delete trigger.dedup_key;
    const res = await ingest('pagerduty', trigger, {});
    expect(res.statusCode).toBe(202);
    const answer = res.json<Json>();
    expect(answer).toEqual({ status: 'success', message: 'Event processed', dedup_key: expect.any(String) });
    await settle();
    const find = async () => (await alertsOf()).find((a) => JSON.stringify(a).includes(answer.dedup_key as string));
    expect(await find()).toMatchObject({ state: 'OPEN' });

    const ack = await ingest(
      'pagerduty',
      { routing_key: publishKey, event_action: 'acknowledge', dedup_key: answer.dedup_key },
      {},
    );
    expect(ack.statusCode).toBe(202);
    await settle();
    expect(await find()).toMatchObject({ state: 'ACKNOWLEDGED' });

    const resolve = await ingest(
      'pagerduty',
      { routing_key: publishKey, event_action: 'resolve', dedup_key: answer.dedup_key },
      {},
    );
    expect(resolve.json<Json>()).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: answer.dedup_key,
    });
    await settle();
    // Acknowledge and resolve carry no payload: the alert keeps the trigger's names.
    expect(await find()).toMatchObject({ state: 'RESOLVED', entity: (trigger.payload as Json).source });

    // A header's credential decides over the body's routing_key.
    const headerWins = await ingest('pagerduty', { ...trigger }, { 'x-api-key': readKey });
    expect(headerWins.statusCode).toBe(403);
  });

  it('servicenow: one event per record, its severity turned into Sluice’s', async () => {
    const body = fixture('servicenow-records.json');
    const res = await ingest('servicenow', body, { authorization: `Bearer ${publishKey}` });
    expect(res.statusCode).toBe(200);
    expect(res.json<Json>().count).toBe((body.records as Json[]).length);
    await settle();
    const byNode = new Map((await alertsOf()).map((a) => [a.entityid as string, a]));
    // ServiceNow 1 (critical) → 5; 4 (warning), then 0 (clear) of the same key → resolved; 5 (OK) →
    // 1 (indeterminate); "resolution_state": "Closing" clears, and there was nothing open to clear.
    expect(byNode.get('host1.example.com')).toMatchObject({ state: 'OPEN', severity: 5 });
    expect(byNode.get('db01.example.com')).toMatchObject({ state: 'RESOLVED', severity: 0 });
    expect(byNode.get('web01.example.com')).toMatchObject({ state: 'OPEN', severity: 1 });
    expect(byNode.has('web02.example.com')).toBe(false);
    // additional_info, a JSON string, is stored parsed.
    const stored = await gw.prisma.event.findFirst({
      where: { envcustomerid: customer, entityid: 'host1.example.com' },
    });
    expect((stored?.extra as Json).additional_info).toEqual({ value: 97.1, tenant: 'tenant1' });
  });

  it('the checks of §2: scopes, unknown, inactive and unmapped customers, bad bodies naming the field', async () => {
    const firing = fixture('alertmanager-firing.json');
    const denied = await ingest('alertmanager', firing, { 'x-api-key': readKey });
    expect({ status: denied.statusCode, body: denied.json<Json>() }).toEqual({
      status: 403,
      body: { message: 'Access denied' },
    });
    const revokedKey = `slk_${'B'.repeat(43)}`;
    expect((await ingest('alertmanager', firing, { 'x-api-key': revokedKey })).statusCode).toBe(401);

    const unknown = await ingest('alertmanager', firing, undefined, 'no-such-customer');
    expect(unknown.statusCode).toBe(400);
    const inactive = (await createCustomer(gw.prisma, { active: false })).id;
    expect((await ingest('alertmanager', firing, undefined, inactive)).statusCode).toBe(400);
    const notMine = (await createCustomer(gw.prisma)).id;
    const unmapped = await ingest('alertmanager', firing, undefined, notMine);
    expect({ status: unmapped.statusCode, body: unmapped.json<Json>() }).toEqual({
      status: 401,
      body: { message: 'User is not associated with the customer' },
    });

    for (const [format, body, field] of [
      ['alertmanager', { version: '4', status: 'firing' }, 'alerts'],
      ['collectd', { values: [1] }, ''],
      ['pagerduty', { routing_key: publishKey, event_action: 'explode' }, 'event_action'],
      ['servicenow', { record: [] }, 'records'],
    ] as const) {
      const res = await ingest(format, body);
      expect({ format, status: res.statusCode }).toEqual({ format, status: 400 });
      expect(res.json<Json>().message).toBe('Invalid payload');
      if (field) expect(JSON.stringify(res.json<Json>().errors)).toContain(field);
    }
    const notJson = await gw.inject({
      method: 'POST',
      url: `/ingest/alertmanager/${customer}`,
      headers: { 'content-type': 'application/json', 'x-api-key': publishKey },
      payload: '{"alerts": [',
    });
    expect(notJson.statusCode).toBe(400);
  });

  it('throttled: 503 with Retry-After, never 429 (Alertmanager drops a batch answered 429)', async () => {
    const limited = await startGateway({ RATE_LIMIT_USER: '1' });
    try {
      const owner = await apiUser(limited, [customer]);
      const key = await apiKey(limited, owner.auth, ['publish']);
      const send = () =>
        limited.inject({
          method: 'POST',
          url: `/ingest/alertmanager/${customer}`,
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          payload: JSON.stringify(fixture('alertmanager-firing.json')),
        });
      expect((await send()).statusCode).toBe(200);
      const throttled = await send();
      expect(throttled.statusCode).toBe(503);
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
