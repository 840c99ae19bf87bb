import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort } from '../helpers/redis-process';
import type { Json } from '../helpers/tenant';
import type { ClientHarness } from './client-harness';
import { ClientProcess, startHarness, until } from './client-harness';

/**
 * Debian's Prometheus Alertmanager 0.25 (`prometheus-alertmanager`), configured as the README
 * says, with a webhook receiver (Basic: the key owner's email and the API key) and a PagerDuty
 * receiver (`routing_key`: the API key) pointed at Sluice: an alert fed to its API opens a Sluice
 * alert through each, and resolves through each when Alertmanager resolves it.
 */
describe('a real Alertmanager delivers to Sluice', () => {
  let h: ClientHarness;
  let am: ClientProcess;
  let amBase: string;

  beforeAll(async () => {
    h = await startHarness();
    const port = await freePort();
    amBase = `http://127.0.0.1:${port}`;
    const config = `
route:
  receiver: sluice-webhook
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: sluice-webhook
      continue: true
    - receiver: sluice-pagerduty
receivers:
  - name: sluice-webhook
    webhook_configs:
      - url: ${h.base}/ingest/alertmanager/${h.customer}
        send_resolved: true
        http_config:
          basic_auth:
            username: ${h.email}
            password: ${h.publishKey}
  - name: sluice-pagerduty
    pagerduty_configs:
      - url: ${h.base}/ingest/pagerduty/${h.customer}
        routing_key: ${h.publishKey}
        send_resolved: true
        source: '{{ .CommonLabels.instance }}'
        severity: '{{ .CommonLabels.severity }}'
`;
    const file = join(h.dir, 'alertmanager.yml');
    writeFileSync(file, config);
    am = new ClientProcess('prometheus-alertmanager', [
      `--config.file=${file}`,
      `--storage.path=${h.dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ]);
    await until(
      'Alertmanager ready',
      async () => (await fetch(`${amBase}/-/ready`)).status,
      (s) => s === 200,
      am,
      30_000,
    );
  }, 60_000);
  afterAll(async () => {
    await am?.stop();
    await h?.close();
  });

  const alert = (endsAt?: string) => [
    {
      labels: { alertname: 'SluiceClientTest', instance: 'am-host:9100', job: 'node', severity: 'critical' },
      annotations: { summary: 'CPU above 95%', description: 'for 10 minutes' },
      startsAt: STARTS,
      ...(endsAt && { endsAt }),
      generatorURL: 'http://prometheus.example:9090/graph',
    },
  ];
  const STARTS = new Date(Date.now() - 60_000).toISOString();
  const post = async (body: unknown) => {
    const res = await fetch(`${amBase}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
  };
  const alerts = async () => (await h.read(`/api/v1/alerts?customerid=${h.customer}`)).results as Json[];

  it('firing opens one Sluice alert per receiver; resolving resolves both', async () => {
    await post(alert());
    const opened = await until('two open alerts', alerts, (a) => a.filter((x) => x.state === 'OPEN').length === 2, am);
    expect(opened.map((a) => a.severity).sort()).toEqual([5, 5]);
    // The webhook's alert is the instance's; the PagerDuty one is named by its source template.
    expect(opened.every((a) => JSON.stringify(a).includes('am-host:9100'))).toBe(true);

    await post(alert(new Date().toISOString()));
    const resolved = await until(
      'both resolved',
      alerts,
      (a) => a.length === 2 && a.every((x) => x.state === 'RESOLVED'),
      am,
    );
    expect(resolved.map((a) => a.id).sort()).toEqual(opened.map((a) => a.id).sort());
  }, 120_000);
});
