import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Json } from '../helpers/tenant';
import type { ClientHarness } from './client-harness';
import { ClientProcess, startHarness, until } from './client-harness';

/**
 * Debian's collectd 5.12 (`collectd-core`, with `libyajl2` for write_http's JSON), configured as
 * the README says: `write_http` with `User` (the key owner's email), `Password` (the API key),
 * `Format "JSON"` and `StoreRates true`. Its first POST carries no credentials; it sends them
 * after Sluice's Basic challenge, and its samples appear in the read API.
 */
describe('a real collectd delivers to Sluice', () => {
  let h: ClientHarness;
  let collectd: ClientProcess;
  const HOST = 'collectd-client-test';

  beforeAll(async () => {
    h = await startHarness();
    const file = join(h.dir, 'collectd.conf');
    writeFileSync(
      file,
      `Hostname "${HOST}"
FQDNLookup false
Interval 1
BaseDir "${h.dir}"
PIDFile "${h.dir}/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin load
LoadPlugin memory
LoadPlugin cpu
LoadPlugin write_http
<Plugin write_http>
  <Node "sluice">
    URL "${h.base}/ingest/collectd/${h.customer}"
    User "${h.email}"
    Password "${h.publishKey}"
    Format "JSON"
    StoreRates true
    BufferSize 8192
    LogHttpError true
  </Node>
</Plugin>
`,
    );
    collectd = new ClientProcess('/usr/sbin/collectd', ['-f', '-C', file]);
  }, 60_000);
  afterAll(async () => {
    await collectd?.stop();
    await h?.close();
  });

  it('load, memory and cpu samples arrive under the host as entity', async () => {
    const metrics = await until(
      'samples of load, memory and cpu',
      async () =>
        (
          await h.read(
            `/api/v1/metrics?customerid=${h.customer}&entityid=${HOST}&itemsPerPage=500&from=2000-01-01T00:00:00Z`,
          )
        ).results as Json[],
      (m) => ['load', 'memory', 'cpu'].every((plugin) => m.some((x) => String(x.parametercategory) === plugin)),
      collectd,
      60_000,
    );
    expect(metrics.every((m) => m.entityid === HOST && typeof m.value === 'number')).toBe(true);
    expect(metrics.some((m) => /load/.test(String(m.parameterid)) && /shortterm/.test(String(m.parameterid)))).toBe(
      true,
    );
  }, 90_000);
});
