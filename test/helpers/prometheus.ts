/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/y;
const COMMENT = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * Parses Prometheus' text format (version 0.0.4) strictly: every line is a HELP or TYPE comment
 * or a sample, a sample's metric has a TYPE before it, label values are quoted and escaped, and
 * values are numbers (or NaN, +Inf, -Inf, in any case). Throws naming the first line that is not.
 */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  const typed = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const fail = (why: string) => {
      throw new Error(`line ${i + 1}: ${why}: ${line}`);
    };
    if (line.startsWith('#')) {
      const c = COMMENT.exec(line);
      if (!c) fail('not a HELP or TYPE comment');
      if (c![1] === 'TYPE') {
        if (!TYPES.has(c![3])) fail('unknown type');
        typed.set(c![2], c![3]);
      }
      return;
    }
    const m = SAMPLE.exec(line);
    if (!m) return fail('not a sample');
    const [, name, labelText = '', valueText] = m;
    const family = [name, name.replace(/_(bucket|sum|count|total|created)$/, '')].find((n) => typed.has(n));
    if (!family) fail('a sample without a TYPE');
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const start = LABEL.lastIndex;
      const l = LABEL.exec(labelText);
      if (!l || LABEL.lastIndex === start) fail('a malformed label');
      labels[l![1]] = l![2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    // Go's ParseFloat, which Prometheus uses: NaN and Inf in any case.
    const special = valueText.toLowerCase();
    const value =
      special === 'nan'
        ? NaN
        : special === '+inf' || special === 'inf'
          ? Infinity
          : special === '-inf'
            ? -Infinity
            : Number(valueText);
    if (Number.isNaN(value) && special !== 'nan') fail('a value that is not a number');
    samples.push({ name, labels, value });
  });
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels`. */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

/** GETs and parses a `/metrics` endpoint; expects 200 and the text format's content type. */
export async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}
