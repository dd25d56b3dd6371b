import { describe, expect, it } from 'vitest';
import { AppMetrics } from '@keel/core';
import { metricValue, parsePrometheusText } from '../src/parse-prometheus-text.js';

describe('parsePrometheusText', () => {
  it('parses HELP, TYPE and samples with escaped label values, special values and timestamps', () => {
    const samples = parsePrometheusText(
      [
        '# HELP keel_x_total Things \\\\ done.\\nSecond line.',
        '# TYPE keel_x_total counter',
        'keel_x_total{a="1",b="say \\"hi\\"\\\\\\n"} 3',
        'keel_x_total{a="2",} 4 1700000000000',
        'keel_y NaN',
        'keel_y{} +Inf',
        'keel_z -Inf',
        'keel_w 1.5e-3',
        'keel_v Nan',
        '',
      ].join('\n'),
    );
    expect(samples).toEqual([
      { name: 'keel_x_total', labels: { a: '1', b: 'say "hi"\\\n' }, value: 3 },
      { name: 'keel_x_total', labels: { a: '2' }, value: 4 },
      { name: 'keel_y', labels: {}, value: Number.NaN },
      { name: 'keel_y', labels: {}, value: Number.POSITIVE_INFINITY },
      { name: 'keel_z', labels: {}, value: Number.NEGATIVE_INFINITY },
      { name: 'keel_w', labels: {}, value: 0.0015 },
      { name: 'keel_v', labels: {}, value: Number.NaN },
    ]);
    expect(metricValue(samples, 'keel_x_total')).toBe(7);
    expect(metricValue(samples, 'keel_x_total', { a: '2' })).toBe(4);
    expect(metricValue(samples, 'keel_x_total', { a: '3' })).toBeUndefined();
    expect(metricValue(samples, 'keel_nope')).toBeUndefined();
  });

  it.each([
    ['a comment that is neither HELP nor TYPE', '# hello'],
    ['a bad escape in HELP', '# HELP keel_x tab \\t here'],
    ['a signed NaN', 'keel_x -NaN'],
    ['an unknown type', '# TYPE keel_x flavour'],
    ['a bad metric name', '1keel 1'],
    ['a missing value', 'keel_x{a="1"}'],
    ['a bad value', 'keel_x 0x10'],
    ['an unquoted label value', 'keel_x{a=1} 1'],
    ['an unterminated label value', 'keel_x{a="1} 1'],
    ['a bad escape', 'keel_x{a="\\t"} 1'],
    ['a label given twice', 'keel_x{a="1",a="2"} 1'],
    ['a bad timestamp', 'keel_x 1 soon'],
    ['trailing words', 'keel_x 1 2 3'],
    ['a missing comma', 'keel_x{a="1" b="2"} 1'],
  ])('throws naming the line on %s', (_what, line) => {
    expect(() => parsePrometheusText(`keel_ok 1\n${line}\n`)).toThrow(`line 2: `);
    expect(() => parsePrometheusText(line)).toThrow(JSON.stringify(line));
  });

  it('parses what prom-client writes, default process metrics included', async () => {
    const metrics = new AppMetrics({ app: 'p"q\\r' });
    metrics.forService('s').histogram({ name: 'keel_test_seconds', help: 'Time "taken".' }).observe({}, 0.2);
    const samples = parsePrometheusText(await metrics.text());
    expect(metricValue(samples, 'keel_test_seconds_count', { app: 'p"q\\r', service: 's' })).toBe(1);
    expect(metricValue(samples, 'keel_test_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(metricValue(samples, 'keel_process_cpu_seconds_total')).toBeGreaterThan(0);
  });
});
