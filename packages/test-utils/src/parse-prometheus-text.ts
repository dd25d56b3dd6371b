// parsePrometheusText: a strict parser of the Prometheus (0.0.4) and OpenMetrics text formats, for tests.

/** One sample line: `name{labels} value`. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped', 'unknown']);
/** The sample names a family of each type may have, as suffixes of the family name. */
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  counter: ['', '_total', '_created'],
  gauge: [''],
  untyped: [''],
  unknown: [''],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  summary: ['', '_sum', '_count', '_created'],
};

/**
 * Parses an exposition strictly and returns its samples in order. Every line must be `# HELP name
 * text`, `# TYPE name type`, a sample `name{label="value",…} value [timestamp]` of the family its
 * last `# TYPE` declared, or (Prometheus text only) empty; OpenMetrics text ends with `# EOF`.
 * Anything else throws an error naming the line: an unknown comment, a bad name, label or value,
 * a duplicate label, series, HELP or TYPE, a sample of another family, a histogram bucket without
 * `le`, or text after `# EOF`.
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const openMetrics = lines.at(-1) === '# EOF';
  if (openMetrics) lines.pop();
  const samples: PrometheusSample[] = [];
  const seenSeries = new Set<string>();
  const helped = new Set<string>();
  const typed = new Map<string, string>();
  let family: { readonly name: string; readonly type: string } | undefined;
  lines.forEach((line, index) => {
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line === '') {
      if (openMetrics) fail('empty line in OpenMetrics text');
      return;
    }
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (match === null) return fail('not a "# HELP" or "# TYPE" line');
      const [, keyword = '', name = '', rest = ''] = match;
      if (!NAME.test(name)) fail('invalid metric name');
      if (keyword === 'HELP') {
        if (helped.has(name)) fail('second HELP for this metric');
        helped.add(name);
        return;
      }
      if (!TYPES.has(rest)) fail(`unknown type "${rest}"`);
      if (typed.has(name)) fail('second TYPE for this metric');
      typed.set(name, rest);
      family = { name, type: rest };
      return;
    }
    const sample = parseSample(line, fail);
    if (family !== undefined && family.type !== 'untyped') {
      const suffixes = SUFFIXES[family.type] ?? [''];
      const suffix = sample.name.slice(family.name.length);
      if (!sample.name.startsWith(family.name) || !suffixes.includes(suffix)) {
        fail(`sample of a metric other than the ${family.type} "${family.name}"`);
      }
      if (family.type === 'histogram' && suffix === '_bucket' && sample.labels['le'] === undefined) {
        fail('histogram bucket without "le"');
      }
    }
    const series = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seenSeries.has(series)) fail('duplicate series');
    seenSeries.add(series);
    samples.push(sample);
  });
  return samples;
}

function parseSample(line: string, fail: (why: string) => never): PrometheusSample {
  const nameEnd = line.search(/[{ ]/);
  if (nameEnd <= 0) return fail('not a sample line');
  const name = line.slice(0, nameEnd);
  if (!NAME.test(name)) fail('invalid metric name');
  const labels: Record<string, string> = {};
  let at = nameEnd;
  if (line[at] === '{') {
    at += 1;
    while (line[at] !== '}') {
      const eq = line.indexOf('="', at);
      if (eq < 0) fail('label without ="value"');
      const label = line.slice(at, eq);
      if (!LABEL_NAME.test(label)) fail(`invalid label name "${label}"`);
      if (Object.hasOwn(labels, label)) fail(`duplicate label "${label}"`);
      const { value, end } = readQuoted(line, eq + 2, fail);
      labels[label] = value;
      at = end;
      if (line[at] === ',') at += 1;
      else if (line[at] !== '}') fail('expected "," or "}" after a label');
    }
    at += 1;
  }
  const rest = line.slice(at);
  const match = /^ (\S+)(?: (-?\d+(?:\.\d+)?))?$/.exec(rest);
  if (match === null) return fail('expected " value [timestamp]" after the name and labels');
  return { name, labels, value: parseValue(match[1] ?? '', fail) };
}

function readQuoted(
  line: string,
  start: number,
  fail: (why: string) => never,
): { value: string; end: number } {
  let value = '';
  for (let i = start; i < line.length; i += 1) {
    const char = line.charAt(i);
    if (char === '"') return { value, end: i + 1 };
    if (char === '\\') {
      const next = line.charAt(i + 1);
      if (next === '\\' || next === '"') value += next;
      else if (next === 'n') value += '\n';
      else fail('invalid escape in a label value');
      i += 1;
    } else {
      value += char;
    }
  }
  return fail('unterminated label value');
}

/** A float as Prometheus reads it (Go's ParseFloat: `NaN`, `+Inf` in any case; prom-client writes `Nan`). */
function parseValue(text: string, fail: (why: string) => never): number {
  const special = /^([-+]?)(inf|infinity|nan)$/i.exec(text);
  if (special !== null) {
    if (special[2]?.toLowerCase() === 'nan') return special[1] === '' ? NaN : fail(`invalid value "${text}"`);
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) fail(`invalid value "${text}"`);
  return Number(text);
}

/**
 * The value of the one sample named `name` whose labels include `labels` (other labels, such as
 * `app`, may be present); `undefined` when there is none. Throws when several samples match, so a
 * test never reads an arbitrary one of them.
 */
export function metricValue(
  samples: readonly PrometheusSample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const wanted = Object.entries(labels);
  const found = samples.filter(
    (sample) => sample.name === name && wanted.every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) {
    throw new Error(
      `${found.length} samples of ${name} match ${JSON.stringify(labels)}: ${found
        .map((sample) => JSON.stringify(sample.labels))
        .join(', ')}`,
    );
  }
  return found[0]?.value;
}

/**
 * The sum of the values of every sample named `name` whose labels include `labels` (e.g. a
 * counter over all its streams); `undefined` when none matches.
 */
export function metricSum(
  samples: readonly PrometheusSample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const wanted = Object.entries(labels);
  let sum: number | undefined;
  for (const sample of samples) {
    if (sample.name !== name || !wanted.every(([key, value]) => sample.labels[key] === value)) continue;
    sum = (sum ?? 0) + sample.value;
  }
  return sum;
}
