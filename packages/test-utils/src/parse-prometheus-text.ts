// parsePrometheusText, metricValue: a strict parser of the Prometheus text exposition format, for tests.

/** One sample line: `name{labels} value`. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const TIMESTAMP = /^-?\d+$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * Parses Prometheus text (version 0.0.4). Every non-empty line must be `# HELP name text`,
 * `# TYPE name type` or `name{label="value",...} value [timestamp]`; anything else throws an
 * Error naming the line. Label values may hold escaped `\"`, `\\` and `\n`; values may be
 * `NaN`, `+Inf`, `-Inf` (any letter case, as Prometheus reads them). Returns the samples in order.
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line.startsWith('#')) {
      parseComment(line, fail);
      return;
    }
    samples.push(parseSample(line, fail));
  });
  return samples;
}

/**
 * The sum of the values of the samples named `name` whose labels include every one of
 * `labels`; `undefined` when none matches.
 */
export function metricValue(
  samples: readonly PrometheusSample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  let sum: number | undefined;
  const wanted = Object.entries(labels);
  for (const sample of samples) {
    if (sample.name !== name) continue;
    if (!wanted.every(([key, value]) => sample.labels[key] === value)) continue;
    sum = (sum ?? 0) + sample.value;
  }
  return sum;
}

function parseComment(line: string, fail: (why: string) => never): void {
  const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
  if (help !== null) {
    const escapes = (help[2] ?? '').match(/\\(.|$)/g) ?? [];
    if (escapes.some((escape) => escape !== '\\\\' && escape !== '\\n')) fail('bad escape in HELP text');
    return;
  }
  const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) ([a-z]+)$/.exec(line);
  if (type !== null && TYPES.has(type[2] ?? '')) return;
  fail('not a HELP or TYPE line');
}

function parseSample(line: string, fail: (why: string) => never): PrometheusSample {
  const name = METRIC_NAME.exec(line)?.[0] ?? fail('no metric name');
  let rest = line.slice(name.length);
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      if (rest.startsWith('}')) break;
      const label = LABEL_NAME.exec(rest)?.[0] ?? fail('bad label name');
      rest = rest.slice(label.length);
      if (!rest.startsWith('="')) fail(`label ${label} has no ="value"`);
      rest = rest.slice(2);
      let value = '';
      for (;;) {
        const char = rest[0];
        if (char === undefined) fail(`unterminated value of label ${label}`);
        if (char === '"') break;
        if (char === '\n') fail('newline in a label value');
        if (char === '\\') {
          const next = rest[1];
          if (next === '"' || next === '\\') value += next;
          else if (next === 'n') value += '\n';
          else fail(`bad escape in label ${label}`);
          rest = rest.slice(2);
        } else {
          value += char;
          rest = rest.slice(1);
        }
      }
      rest = rest.slice(1);
      if (Object.prototype.hasOwnProperty.call(labels, label)) fail(`label ${label} given twice`);
      labels[label] = value;
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) fail(`expected , or } after label ${label}`);
    }
    rest = rest.slice(1);
  }
  if (!rest.startsWith(' ')) fail('no space before the value');
  const parts = rest.slice(1).split(' ');
  if (parts.length > 2 || parts.some((part) => part === '')) fail('expected "value [timestamp]"');
  const [valueText = '', timestamp] = parts;
  if (timestamp !== undefined && !TIMESTAMP.test(timestamp)) fail('bad timestamp');
  return { name, labels: { ...labels }, value: parseValue(valueText, fail) };
}

/**
 * A float as Prometheus reads it (Go's `ParseFloat`): `NaN`, `+Inf` and `-Inf` in any letter
 * case — prom-client writes `Nan`.
 */
function parseValue(text: string, fail: (why: string) => never): number {
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(text);
  if (special !== null) {
    if (special[2]?.toLowerCase() === 'nan') return special[1] === '' ? Number.NaN : fail('signed NaN');
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (!FLOAT.test(text)) fail(`bad value ${JSON.stringify(text)}`);
  return Number(text);
}
