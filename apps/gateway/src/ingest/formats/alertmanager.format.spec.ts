import fc from 'fast-check';

import { EventRecord, validateBatch } from '@sluice/contracts';

import { mapsOrRefuses as checkMapping, refusalOf } from '../../../../../test/helpers/ingest-formats';
import { alertmanagerFormat } from './alertmanager.format';
import firing from './fixtures/alertmanager-firing.json';
import resolved from './fixtures/alertmanager-resolved.json';

const NOW = new Date('2026-01-01T01:00:00.000Z');
const map = (body: unknown) => alertmanagerFormat.map(body, 'acme', NOW);
const copy = <T>(value: T): T => structuredClone(value);

const identity = (r: Record<string, unknown>) => [r.entityid, r.parametercategory, r.parameterid, r.splitby];

const bodyErrors = (body: unknown) => refusalOf(map, body);

describe('alertmanager format', () => {
  it('maps each alert of a firing notification to an event keyed by instance, alertname and label set', () => {
    const mapping = map(firing);
    expect(mapping.route).toBe('allevents');
    expect(mapping.notes).toBeUndefined();
    expect(mapping.answer).toBeUndefined();
    expect(mapping.records[0]).toEqual({
      envcustomerid: 'acme',
      ieventid: 'am:7749d95cc783da25:2026-01-01T00:00:03.412Z:firing',
      entity: 'host1:9100',
      entityid: 'host1:9100',
      parametercategory: 'alertmanager',
      parametername: 'HighCPU',
      parameterid: 'HighCPU',
      splitby: '7749d95cc783da25',
      severity: 5,
      description: 'CPU > 95%\nCPU on host1:9100 has been above 95% for 5 minutes.',
      firstoccurrence: '2026-01-01T00:00:03.412Z',
      source: 'alertmanager',
      labels: { alertname: 'HighCPU', instance: 'host1:9100', job: 'node', severity: 'critical' },
      annotations: {
        description: 'CPU on host1:9100 has been above 95% for 5 minutes.',
        summary: 'CPU > 95%',
      },
      generatorURL: firing.alerts[0].generatorURL,
      fingerprint: 'cb3fac0e602fab03',
      receiver: 'sluice',
      externalURL: 'http://am.example:9093',
    });
    expect(mapping.records.map((r) => [r.parametername, r.splitby, r.severity, r.description])).toEqual([
      ['HighCPU', '7749d95cc783da25', 5, 'CPU > 95%\nCPU on host1:9100 has been above 95% for 5 minutes.'],
      ['DiskFull', 'ff666a90b91919e5', 2, 'Filesystem / is 91% full'],
      ['DiskFull', '449af12bb3b2201a', 2, 'Filesystem /var is 93% full'],
    ]);
  });

  it('keeps apart two alerts with the same alertname and instance (two mount points)', () => {
    const [, root, varFs] = map(firing).records;
    expect(identity(root)).not.toEqual(identity(varFs));
    expect(root.ieventid).not.toBe(varFs.ieventid);
  });

  it('clears with a resolved alert the very Sluice alert its firing notifications opened', () => {
    const [opened] = map(firing).records;
    const [cleared] = map(resolved).records;
    expect(identity(cleared)).toEqual(identity(opened));
    expect(cleared).toMatchObject({
      ieventid: 'am:7749d95cc783da25:2026-01-01T00:00:03.412Z:resolved',
      severity: 0,
      firstoccurrence: '2026-01-01T00:00:03.412Z',
      lastoccurrence: '2026-01-01T00:20:03.412Z',
    });
    expect(cleared.ieventid).not.toBe(opened.ieventid);
  });

  it('gives an alert sent again unchanged (its group changed, repeat_interval) the same ieventid', () => {
    const first = map(firing).records;
    const again = map(resolved).records;
    expect(again[1].ieventid).toBe(first[1].ieventid);
    expect(again[2].ieventid).toBe(first[2].ieventid);
    // The annotation changed (91% → 92%) but the alert did not: still the same event.
    expect(again[1].description).not.toBe(first[1].description);
    expect(map(firing).records).toEqual(first);
  });

  it('gives the next firing of an alert (a new startsAt) a new ieventid and the same identity', () => {
    const body = copy(firing);
    body.alerts[0].startsAt = '2026-01-01T02:00:03.412Z';
    const [refired] = map(body).records;
    const [opened] = map(firing).records;
    expect(refired.ieventid).not.toBe(opened.ieventid);
    expect(identity(refired)).toEqual(identity(opened));
  });

  it('maps records that the §2 event rules accept', () => {
    for (const body of [firing, resolved]) {
      expect(validateBatch(EventRecord, map(body).records)).toEqual({ ok: true, records: map(body).records });
    }
  });

  it.each([
    ['critical', 5],
    ['CRITICAL', 5],
    ['page', 5],
    ['error', 4],
    ['high', 4],
    ['major', 4],
    ['minor', 3],
    ['warning', 2],
    ['warn', 2],
    ['info', 1],
    ['none', 1],
    ['something-else', 2],
  ])('maps the severity label %s to %i', (label, severity) => {
    const body = copy(firing);
    body.alerts[0].labels.severity = label;
    expect(map(body).records[0].severity).toBe(severity);
  });

  it('maps an alert without a severity label as a warning', () => {
    const body = copy(firing);
    const { severity: _, ...labels } = body.alerts[0].labels;
    body.alerts[0].labels = labels as (typeof body.alerts)[0]['labels'];
    expect(map(body).records[0].severity).toBe(2);
  });

  it("takes the arrival as the end of a resolved alert whose endsAt is Go's zero time or absent", () => {
    const body = copy(resolved);
    body.alerts[0].endsAt = '0001-01-01T00:00:00Z';
    expect(map(body).records[0].lastoccurrence).toBe(NOW.toISOString());
    delete (body.alerts[0] as { endsAt?: string }).endsAt;
    expect(map(body).records[0].lastoccurrence).toBe(NOW.toISOString());
  });

  it('ignores endsAt of a firing alert (Alertmanager writes the zero time there)', () => {
    const [record] = map(firing).records;
    expect(record.lastoccurrence).toBeUndefined();
    expect(record.endsAt).toBeUndefined();
  });

  it('takes the entity from instance, else job, else names it alertmanager', () => {
    const body = copy(firing);
    body.alerts[0].labels = { alertname: 'HighCPU', job: 'node', severity: 'critical' } as never;
    body.alerts[1].labels = { alertname: 'Watchdog' } as never;
    const [byJob, unnamed] = map(body).records;
    expect([byJob.entity, byJob.entityid]).toEqual(['node', 'node']);
    expect([unnamed.entity, unnamed.entityid]).toEqual(['alertmanager', 'alertmanager']);
  });

  it('reports truncated alerts in notes', () => {
    expect(map({ ...firing, truncatedAlerts: 7 }).notes).toEqual({ truncatedAlerts: 7 });
  });

  it('keeps an over-long label value as a stable id within the id limit', () => {
    const body = copy(firing);
    body.alerts[0].labels.instance = 'h'.repeat(300);
    const [a] = map(body).records;
    const [b] = map(copy(body)).records;
    expect((a.entityid as string).length).toBe(256);
    expect(a.entityid).toBe(b.entityid);
    expect(a.entity).toBe('h'.repeat(300));
  });

  describe('refuses a body it cannot read, naming the field', () => {
    it('not an object, no alerts, alerts not a list', () => {
      expect(bodyErrors([])).toEqual([{ field: '', error: expect.stringContaining('JSON object') }]);
      expect(bodyErrors({ version: '4' })).toEqual([{ field: 'alerts', error: 'must be a non-empty array of alerts' }]);
      expect(bodyErrors({ alerts: {} })).toEqual([{ field: 'alerts', error: 'must be a non-empty array of alerts' }]);
      expect(bodyErrors({ alerts: [] })).toEqual([{ field: 'alerts', error: 'must be a non-empty array of alerts' }]);
    });

    it('every bad alert and field, with its index', () => {
      const body = copy(firing) as { alerts: unknown[] };
      body.alerts = [
        firing.alerts[0],
        'alert',
        { ...firing.alerts[1], labels: ['alertname'] },
        { ...firing.alerts[1], labels: { alertname: 'A', instance: 42 } },
        { ...firing.alerts[1], labels: { instance: 'x' }, status: 'pending', startsAt: 'yesterday' },
        { ...resolved.alerts[0], endsAt: 'tomorrow', annotations: 'CPU' },
      ];
      expect(bodyErrors(body)).toEqual([
        { index: 1, field: 'alerts[1]', error: 'must be an alert object' },
        { index: 2, field: 'alerts[2].labels', error: 'must be an object of label names to strings' },
        { index: 3, field: 'alerts[3].labels.instance', error: 'must be a string' },
        { index: 4, field: 'alerts[4].status', error: 'must be "firing" or "resolved"' },
        { index: 4, field: 'alerts[4].startsAt', error: 'must be an RFC 3339 date-time' },
        { index: 4, field: 'alerts[4].labels.alertname', error: 'is required: it names the alert' },
        { index: 5, field: 'alerts[5].annotations', error: 'must be an object of annotation names to strings' },
        { index: 5, field: 'alerts[5].endsAt', error: 'must be an RFC 3339 date-time' },
      ]);
    });
  });

  describe('any JSON (property-based)', () => {
    let mapped = 0;
    const mapsOrRefuses = (body: unknown) => {
      if (checkMapping(map, EventRecord, body)) mapped++;
    };
    // Mostly what Alertmanager sends, now and then anything at all.
    const mostly = <T>(valid: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 20, arbitrary: valid }, { weight: 1, arbitrary: fc.anything() });
    const text = fc.string({ unit: 'grapheme', maxLength: 300 });
    const time = fc
      .date({ noInvalidDate: true, min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z') })
      .map((d) => d.toISOString());
    const labels = fc.record(
      {
        alertname: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
        instance: text,
        job: text,
        severity: text,
      },
      { requiredKeys: ['alertname'] },
    );
    const alert = fc.record(
      {
        status: mostly(fc.constantFrom('firing', 'resolved')),
        labels: mostly(labels),
        annotations: mostly(fc.dictionary(text, text)),
        startsAt: mostly(time),
        endsAt: mostly(fc.oneof(time, fc.constant('0001-01-01T00:00:00Z'))),
        fingerprint: text,
      },
      { requiredKeys: ['status', 'labels', 'startsAt'] },
    );

    it('either maps it or throws IngestBodyError', () => {
      fc.assert(fc.property(fc.anything(), mapsOrRefuses), { numRuns: 500 });
    });

    it('webhook-shaped bodies too: mapped records always pass the §2 rules', () => {
      mapped = 0;
      const body = fc.record(
        { alerts: mostly(fc.array(alert, { minLength: 1, maxLength: 3 })), truncatedAlerts: fc.anything() },
        { requiredKeys: ['alerts'] },
      );
      fc.assert(fc.property(body, mapsOrRefuses), { numRuns: 500 });
      expect(mapped).toBeGreaterThan(100);
    });
  });
});
