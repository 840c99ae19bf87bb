import { UPSERT_ADAPTERS } from './healthcheck/heartbeat.writer';
import { INSERT_SAMPLES } from './metrics/metric.writer';
import { UPSERT_ENTITIES } from './topology/entity.writer';
import { UPSERT_SERVICES } from './topology/service.writer';

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/**
 * The bulk statements built from column specs are the hand-written statements they replaced,
 * but for white space (events.insert, whose aliases changed too, has its own spec).
 */
describe('bulk statements of the writers', () => {
  it('metrics.insert', () => {
    expect(INSERT_SAMPLES([]).name).toBe('metrics.insert');
    expect(squash(INSERT_SAMPLES([]).text)).toBe(
      squash(`INSERT INTO metric_samples (envcustomerid, entityid, parameterid, ts, tags_key, value, entity, parametercategory,
                                parametername, unit, tags, extra, received_at)
    SELECT u.*, $13::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[],
                          $6::float8[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::jsonb[]) AS u
    ON CONFLICT DO NOTHING`),
    );
  });

  // The former statements, written out for each table (the same text but for table and id column).
  it.each([
    ['topology_entities', 'entityid', UPSERT_ENTITIES.text],
    ['topology_services', 'serviceid', UPSERT_SERVICES.text],
  ])('the %s upsert', (table, id, text) => {
    expect(squash(text)).toBe(
      squash(`INSERT INTO ${table} (envcustomerid, ${id}, name, type, attributes, extra, record_ts, deleted)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[], $8::bool[])
         ON CONFLICT (envcustomerid, ${id}) DO UPDATE SET
           name = EXCLUDED.name, type = EXCLUDED.type, attributes = EXCLUDED.attributes, extra = EXCLUDED.extra,
           record_ts = EXCLUDED.record_ts, deleted = EXCLUDED.deleted, updated_at = now()
         WHERE ${table}.record_ts <= EXCLUDED.record_ts
         RETURNING envcustomerid, ${id}, deleted`),
    );
  });

  it('the adapters (heartbeats) upsert', () => {
    expect(squash(UPSERT_ADAPTERS)).toBe(
      squash(`INSERT INTO adapters (envcustomerid, adapterid, name, type, status, interval, lastseen, message, stats, extra)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::timestamptz[],
                              $8::text[], $9::jsonb[], $10::jsonb[])
         ON CONFLICT (envcustomerid, adapterid) DO UPDATE SET
           name = EXCLUDED.name, type = EXCLUDED.type, status = EXCLUDED.status, interval = EXCLUDED.interval,
           lastseen = EXCLUDED.lastseen, message = EXCLUDED.message, stats = EXCLUDED.stats, extra = EXCLUDED.extra,
           updated_at = now()
         WHERE adapters.lastseen < EXCLUDED.lastseen
         RETURNING envcustomerid, adapterid`),
    );
  });
});
