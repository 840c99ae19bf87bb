import { AppProcess } from '../helpers/app-process';

/**
 * LOG_FORMAT: JSON lines for machines (the default when stdout is not a terminal, as here), and
 * pino-pretty's readable lines for a person (the default at a terminal; forced here).
 */
describe('log format', () => {
  const started: AppProcess[] = [];
  afterAll(() => Promise.all(started.map((p) => p.stop())));

  const worker = (env: Record<string, string | undefined>) => {
    const p = new AppProcess('worker', { REDIS_PREFIX: `${process.env.REDIS_PREFIX}:logfmt`, ...env });
    started.push(p);
    return p;
  };

  it('writes JSON lines when stdout is not a terminal', async () => {
    const line = await worker({ LOG_FORMAT: undefined }).waitForLog((l) => /worker ready/.test(String(l.msg)));
    expect(line).toMatchObject({ level: 30, name: 'worker' });
  });

  it('writes readable lines with LOG_FORMAT=pretty', async () => {
    const line = await worker({ LOG_FORMAT: 'pretty' }).waitForLog((l) => /worker ready/.test(String(l.msg)));
    // Not JSON (AppProcess keeps such a line as its text alone): a time, the level, the message.
    expect(Object.keys(line)).toEqual(['msg']);
    expect(String(line.msg)).toMatch(/^\S*\[\d\d:\d\d:\d\d\.\d{3}\]\S* \S*INFO\S* .*worker ready/);
  });
});
