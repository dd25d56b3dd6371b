import { AppMetrics } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { metricSum, metricValue, parsePrometheusText } from '../src/parse-prometheus-text.js';

describe('parsePrometheusText', () => {
  it('parses Prometheus text with labels, escapes, special values and timestamps', () => {
    const text = [
      '# HELP keel_demo_total Demo counter.',
      '# TYPE keel_demo_total counter',
      'keel_demo_total{app="a",path="C:\\\\x \\"q\\"\\nend"} 3 1700000000000',
      'keel_demo_total{app="b",} 1e3',
      '',
      '# TYPE keel_lat_seconds histogram',
      'keel_lat_seconds_bucket{le="0.5"} 1',
      'keel_lat_seconds_bucket{le="+Inf"} 2',
      'keel_lat_seconds_sum 0.75',
      'keel_lat_seconds_count 2',
      '# TYPE keel_gauge gauge',
      'keel_gauge Nan',
      'keel_gauge{x="1"} -Inf',
      '',
    ].join('\n');
    const samples = parsePrometheusText(text);
    expect(samples).toHaveLength(8);
    expect(samples[0]).toEqual({
      name: 'keel_demo_total',
      labels: { app: 'a', path: 'C:\\x "q"\nend' },
      value: 3,
    });
    expect(metricValue(samples, 'keel_demo_total', { app: 'b' })).toBe(1000);
    expect(metricValue(samples, 'keel_lat_seconds_bucket', { le: '+Inf' })).toBe(2);
    expect(metricValue(samples, 'keel_gauge', { x: '1' })).toBe(-Infinity);
    expect(metricValue(samples, 'keel_missing')).toBeUndefined();
    expect(() => metricValue(samples, 'keel_demo_total')).toThrow(/2 samples of keel_demo_total/);
    expect(metricSum(samples, 'keel_demo_total')).toBe(
      (metricValue(samples, 'keel_demo_total', { app: 'a' }) ?? 0) + 1000,
    );
    expect(metricSum(samples, 'keel_missing')).toBeUndefined();
  });

  it('parses OpenMetrics text ending in # EOF', () => {
    const text = '# HELP keel_x X.\n# TYPE keel_x counter\nkeel_x_total{app="a"} 2\n# EOF\n';
    expect(parsePrometheusText(text)).toEqual([{ name: 'keel_x_total', labels: { app: 'a' }, value: 2 }]);
  });

  it('parses what an AppMetrics registry exposes', async () => {
    const metrics = new AppMetrics({ app: 'demo' });
    const sink = metrics.forService('svc');
    sink
      .counter({ name: 'keel_test_things_total', help: 'Things.', labelNames: ['kind'] })
      .inc({ kind: 'a' }, 4);
    sink.histogram({ name: 'keel_test_wait_seconds', help: 'Wait.' }).observe({}, 0.2);
    const samples = parsePrometheusText(await metrics.text());
    expect(metricValue(samples, 'keel_test_things_total', { app: 'demo', service: 'svc', kind: 'a' })).toBe(
      4,
    );
    expect(metricValue(samples, 'keel_test_wait_seconds_count', { service: 'svc' })).toBe(1);
    expect(samples.some((s) => s.name === 'keel_process_cpu_user_seconds_total')).toBe(true);
  });

  it.each([
    ['an unknown comment', '# FOO bar\n'],
    ['a free-text line', 'hello world\n'],
    ['a missing value', 'keel_x{a="1"}\n'],
    ['a bad value', 'keel_x 1.2.3\n'],
    ['a bad metric name', '1keel 1\n'],
    ['an unterminated label', 'keel_x{a="1} 1\n'],
    ['a bad escape', 'keel_x{a="\\t"} 1\n'],
    ['a duplicate label', 'keel_x{a="1",a="2"} 1\n'],
    ['a duplicate series', 'keel_x{a="1"} 1\nkeel_x{a="1"} 2\n'],
    ['a second TYPE', '# TYPE keel_x gauge\n# TYPE keel_x gauge\n'],
    ['an unknown type', '# TYPE keel_x meter\n'],
    ['a sample of another family', '# TYPE keel_x gauge\nkeel_y 1\n'],
    ['a bucket without le', '# TYPE keel_h histogram\nkeel_h_bucket 1\n'],
    ['an empty line in OpenMetrics', '# TYPE keel_x gauge\n\nkeel_x 1\n# EOF\n'],
    ['text after # EOF', 'keel_x 1\n# EOF\nkeel_y 1\n'],
    ['two spaces before the value', 'keel_x  1\n'],
  ])('throws on %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow(/^line \d+: /);
  });
});
