import fc from 'fast-check';

import { EventRecord, validateBatch } from '@sluice/contracts';

import { mapsOrRefuses as checkMapping, refusalOf } from '../../../../../test/helpers/ingest-formats';
import amResolve from './fixtures/alertmanager-pagerduty-resolve.json';
import amTrigger from './fixtures/alertmanager-pagerduty-trigger.json';
import acknowledge from './fixtures/pagerduty-acknowledge.json';
import resolve from './fixtures/pagerduty-resolve.json';
import trigger from './fixtures/pagerduty-trigger.json';
import { pagerDutyFormat } from './pagerduty.format';

const NOW = new Date('2026-01-01T01:00:10.000Z');
const SAME_MINUTE = new Date('2026-01-01T01:00:50.000Z');
const NEXT_MINUTE = new Date('2026-01-01T01:01:05.000Z');
const map = (body: unknown, now = NOW) => pagerDutyFormat.map(body, 'acme', now);
const one = (body: unknown, now = NOW) => map(body, now).records[0];
const copy = <T>(value: T): T => structuredClone(value);

const identity = (r: Record<string, unknown>) => [r.entityid, r.parametercategory, r.parameterid, r.splitby];

const bodyErrors = (body: unknown) => refusalOf(map, body);

describe('pagerduty format', () => {
  it('maps a trigger to an event keyed by its dedup_key, and answers as PagerDuty does', () => {
    const mapping = map(trigger);
    expect(mapping.route).toBe('allevents');
    expect(mapping.answer).toEqual({
      status: 202,
      body: { status: 'success', message: 'Event processed', dedup_key: 'srv01/HTTP' },
    });
    expect(mapping.records).toEqual([
      {
        envcustomerid: 'acme',
        ieventid: 'pd:trigger:f457c089e9dbf47b0eb6dcfc3ba264b5',
        entity: 'srv01.example.com',
        entityid: 'pagerduty',
        parametercategory: 'pagerduty',
        parametername: 'HTTP on srv01 answers 503',
        parameterid: 'srv01/HTTP',
        severity: 5,
        description: 'HTTP on srv01 answers 503',
        firstoccurrence: '2026-01-01T00:00:00.000+0000',
        source: 'Sample Monitoring Service',
        component: 'nginx',
        group: 'prod-web',
        class: 'http check',
        custom_details: { status: 503, url: 'https://srv01.example.com/health' },
        client: 'Sample Monitoring Service',
        client_url: 'https://monitoring.example.com/checks/srv01-http',
        links: [{ href: 'https://monitoring.example.com/checks/srv01-http', text: 'Check' }],
        images: [{ src: 'https://monitoring.example.com/graphs/srv01-http.png', alt: 'Response codes' }],
        action: 'trigger',
        dedup_key: 'srv01/HTTP',
      },
    ]);
  });

  it('never stores the routing_key (it is the credential)', () => {
    for (const body of [trigger, resolve, acknowledge, amTrigger]) {
      expect(JSON.stringify(map(body))).not.toContain(body.routing_key);
    }
  });

  it('gives a resent trigger the same ieventid, whatever the order of its keys or when it arrives', () => {
    const reordered = Object.fromEntries(Object.entries(copy(trigger)).reverse());
    expect(one(reordered, NEXT_MINUTE).ieventid).toBe(one(trigger).ieventid);
    // Another routing key for the same customer sends the same event.
    expect(one({ ...trigger, routing_key: 'other' }).ieventid).toBe(one(trigger).ieventid);
    const changed = copy(trigger);
    changed.payload.timestamp = '2026-01-01T00:05:00.000+0000';
    expect(one(changed).ieventid).not.toBe(one(trigger).ieventid);
  });

  it('resolves and acknowledges the alert of the dedup_key from bodies that carry nothing else', () => {
    const opened = one(trigger);
    const cleared = one(resolve);
    const acked = one(acknowledge);
    expect(identity(cleared)).toEqual(identity(opened));
    expect(identity(acked)).toEqual(identity(opened));
    expect(cleared).toEqual({
      envcustomerid: 'acme',
      ieventid: 'pd:resolve:dd35d3afb125311bdbb52ab53f83cbc2',
      entity: 'pagerduty',
      entityid: 'pagerduty',
      parametercategory: 'pagerduty',
      parametername: 'srv01/HTTP',
      parameterid: 'srv01/HTTP',
      severity: 0,
      firstoccurrence: NOW.toISOString(),
      source: 'pagerduty',
      action: 'resolve',
      dedup_key: 'srv01/HTTP',
    });
    expect(acked).toMatchObject({ severity: 1, action: 'acknowledge', parameterid: 'srv01/HTTP' });
    expect(map(resolve).answer?.body).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'srv01/HTTP',
    });
  });

  it('takes a body without a time of its own again in the same minute as a resend, in another as new', () => {
    expect(one(resolve, SAME_MINUTE).ieventid).toBe(one(resolve).ieventid);
    expect(one(resolve, NEXT_MINUTE).ieventid).not.toBe(one(resolve).ieventid);
    expect(one(acknowledge, SAME_MINUTE).ieventid).toBe(one(acknowledge).ieventid);
    expect(one(acknowledge).ieventid).not.toBe(one(resolve).ieventid);
  });

  describe("Alertmanager's PagerDuty notifier", () => {
    it('maps its trigger with source "Alertmanager" and severity "error" unless configured', () => {
      expect(one(amTrigger)).toMatchObject({
        entity: 'Alertmanager',
        entityid: 'pagerduty',
        parametername: '[FIRING:1] HighCPU (host1:9100 node critical)',
        parameterid: '9f2a099adf99adbf3e1d24abbd84835468e75b8b96fca010db3f2b763340e4c1',
        severity: 4,
        firstoccurrence: NOW.toISOString(),
        source: 'Alertmanager',
        client_url: 'http://am.example:9093/#/alerts?receiver=pagerduty',
        images: [],
        links: [],
        custom_details: amTrigger.payload.custom_details,
      });
    });

    it('resolves the same alert, and opens it again when the group fires again with the same body', () => {
      const opened = one(amTrigger);
      const cleared = one(amResolve, new Date('2026-01-01T01:10:10.000Z'));
      expect(identity(cleared)).toEqual(identity(opened));
      expect(cleared).toMatchObject({ severity: 0, parametername: '[RESOLVED] HighCPU (host1:9100 node critical)' });
      // Alertmanager sends a trigger byte for byte like the first one, at least two group_intervals later.
      const reopened = one(amTrigger, new Date('2026-01-01T01:20:10.000Z'));
      expect(reopened.ieventid).not.toBe(opened.ieventid);
      expect(identity(reopened)).toEqual(identity(opened));
    });
  });

  describe('a trigger without dedup_key', () => {
    const keyless = () => {
      const { dedup_key: _, ...body } = copy(trigger);
      return body;
    };

    it('gets a key, answered and used as the identity', () => {
      const mapping = map(keyless());
      const key = (mapping.answer?.body as { dedup_key: string }).dedup_key;
      expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(mapping.records[0]).toMatchObject({ parameterid: key, dedup_key: key });
    });

    it('gets the same key when it is resent (which stores nothing new), another when the body differs', () => {
      const key = (body: unknown, now = NOW) => map(body, now).records[0].parameterid;
      expect(key(keyless(), NEXT_MINUTE)).toBe(key(keyless()));
      expect(key({ ...keyless(), dedup_key: '' })).toMatch(/-8/);
      const other = keyless();
      other.payload.summary = 'HTTP on srv01 answers 502';
      expect(key(other)).not.toBe(key(keyless()));
    });
  });

  it('keeps a summary of 1024 code points whole as description and within limits as parametername', () => {
    const body = copy(trigger);
    body.payload.summary = '🔥'.repeat(1024);
    const record = one(body);
    expect(record.description).toBe('🔥'.repeat(1024));
    expect(record.parametername).toBe('🔥'.repeat(512));
    expect(validateBatch(EventRecord, [record]).ok).toBe(true);
  });

  it('maps records that the §2 event rules accept', () => {
    for (const body of [trigger, resolve, acknowledge, amTrigger, amResolve]) {
      expect(validateBatch(EventRecord, map(body).records).ok).toBe(true);
    }
  });

  describe('refuses a body it cannot read, naming the field', () => {
    it('not an object', () => {
      expect(bodyErrors([trigger])).toEqual([
        { field: '', error: 'body must be a PagerDuty Events API v2 event: a JSON object' },
      ]);
    });

    it('routing_key, event_action, dedup_key', () => {
      expect(bodyErrors({ event_action: 'resolve' })).toEqual([
        { field: 'routing_key', error: 'is required: the integration key, a string' },
        { field: 'dedup_key', error: 'is required to resolve: the dedup_key of the trigger' },
      ]);
      expect(bodyErrors({ ...acknowledge, dedup_key: '' })).toEqual([
        { field: 'dedup_key', error: 'is required to acknowledge: the dedup_key of the trigger' },
      ]);
      expect(bodyErrors({ ...resolve, event_action: 'close', dedup_key: 'k'.repeat(256) })).toEqual([
        { field: 'event_action', error: 'must be "trigger", "acknowledge" or "resolve"' },
        { field: 'dedup_key', error: 'must be a string of 1 to 255 characters' },
      ]);
      expect(bodyErrors({ ...resolve, dedup_key: 42 })).toEqual([
        { field: 'dedup_key', error: 'must be a string of 1 to 255 characters' },
      ]);
    });

    it("a trigger's payload", () => {
      expect(bodyErrors({ ...trigger, payload: undefined })).toEqual([
        { field: 'payload', error: 'is required: an object {"summary", "source", "severity"}' },
      ]);
      expect(bodyErrors({ ...trigger, payload: 'CPU' })).toEqual([
        { field: 'payload', error: 'must be an object {"summary", "source", "severity"}' },
      ]);
      expect(bodyErrors({ ...trigger, payload: { severity: 'fatal', timestamp: 'now' } })).toEqual([
        { field: 'payload.summary', error: 'is required: a string of 1 to 1024 characters' },
        { field: 'payload.source', error: 'is required: the affected host or service' },
        { field: 'payload.severity', error: 'must be "critical", "error", "warning" or "info"' },
        { field: 'payload.timestamp', error: 'must be an ISO-8601 date-time, e.g. 2026-01-01T00:00:00Z' },
      ]);
      expect(bodyErrors({ ...trigger, payload: { ...trigger.payload, summary: 's'.repeat(1025) } })).toEqual([
        { field: 'payload.summary', error: 'must be at most 1024 characters' },
      ]);
    });
  });

  describe('any JSON (property-based)', () => {
    let mapped = 0;
    const mapsOrRefuses = (body: unknown) => {
      if (checkMapping(map, EventRecord, body)) mapped++;
    };
    const mostly = <T>(valid: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 20, arbitrary: valid }, { weight: 1, arbitrary: fc.anything() });
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 });
    const payload = fc.record(
      {
        summary: mostly(text),
        source: mostly(text),
        severity: mostly(fc.constantFrom('critical', 'error', 'warning', 'info')),
        timestamp: mostly(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
        custom_details: fc.anything(),
        component: text,
      },
      { requiredKeys: ['summary', 'source', 'severity'] },
    );
    const event = fc.record(
      {
        routing_key: mostly(text),
        event_action: mostly(fc.constantFrom('trigger', 'acknowledge', 'resolve')),
        dedup_key: mostly(fc.string({ unit: 'grapheme', maxLength: 260 })),
        payload: mostly(payload),
        client: text,
        links: fc.anything(),
      },
      { requiredKeys: ['routing_key', 'event_action'] },
    );

    it('either maps it or throws IngestBodyError', () => {
      fc.assert(fc.property(fc.anything(), mapsOrRefuses), { numRuns: 500 });
    });

    it('Events API-shaped bodies too: mapped records always pass the §2 rules', () => {
      mapped = 0;
      fc.assert(fc.property(event, mapsOrRefuses), { numRuns: 500 });
      expect(mapped).toBeGreaterThan(100);
    });
  });
});
