import { INSERT_EVENTS } from './event.writer';

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('events.insert', () => {
  const { name, text } = INSERT_EVENTS([]);

  // The statement is built from EVENT_COLUMNS: any change of its text shows up here.
  it('is the pinned statement', () => {
    expect(name).toBe('events.insert');
    expect(squash(text)).toBe(
      'INSERT INTO events (envcustomerid, ieventid, entity, entityid, parametercategory, parametertype, parametername, ' +
        'parameterid, severity, description, messages, firstoccurrence, lastoccurrence, splitby, source, toolcustomername, ' +
        'extra, received_at) ' +
        'SELECT envcustomerid, ieventid, entity, entityid, parametercategory, parametertype, parametername, parameterid, ' +
        'severity, description, messages, to_timestamp(firstoccurrence / 1000), to_timestamp(lastoccurrence / 1000), ' +
        'splitby, source, toolcustomername, extra, to_timestamp(received_at / 1000) ' +
        'FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], ' +
        '$9::int2[], $10::text[], $11::text[], $12::float8[], $13::float8[], $14::text[], $15::text[], $16::text[], ' +
        '$17::jsonb[], $18::float8[]) ' +
        'AS u(envcustomerid, ieventid, entity, entityid, parametercategory, parametertype, parametername, parameterid, ' +
        'severity, description, messages, firstoccurrence, lastoccurrence, splitby, source, toolcustomername, extra, ' +
        'received_at) ' +
        'ON CONFLICT (envcustomerid, ieventid) DO NOTHING RETURNING envcustomerid, ieventid',
    );
  });

  // The hand-written statement it replaced, whose unnest aliases were short names: renamed to
  // the column names, it is the same statement.
  it('is the former hand-written statement with the unnest aliases named after their columns', () => {
    const former = `INSERT INTO events (envcustomerid, ieventid, entity, entityid, parametercategory, parametertype, parametername,
                        parameterid, severity, description, messages, firstoccurrence, lastoccurrence, splitby,
                        source, toolcustomername, extra, received_at)
    SELECT c, i, en, eid, pc, pt, pn, pid, sev, d, m, to_timestamp(fo / 1000), to_timestamp(lo / 1000), sb, src, tcn, x,
           to_timestamp(ra / 1000)
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                  $9::int2[], $10::text[], $11::text[], $12::float8[], $13::float8[], $14::text[], $15::text[],
                  $16::text[], $17::jsonb[], $18::float8[]) AS u(c, i, en, eid, pc, pt, pn, pid, sev, d, m, fo, lo, sb, src, tcn, x, ra)
    ON CONFLICT (envcustomerid, ieventid) DO NOTHING
    RETURNING envcustomerid, ieventid`;
    const aliases = 'c i en eid pc pt pn pid sev d m fo lo sb src tcn x ra'.split(' ');
    const columns = /AS u\(([^)]*)\)/.exec(squash(text))![1].split(', ');
    const alias = new Map(aliases.map((a, i) => [a, columns[i]]));
    const renamed = former.replace(/\b[a-z]+\b/g, (word) => alias.get(word) ?? word);
    expect(squash(renamed)).toBe(squash(text));
  });
});
