import { describe, expect, it } from 'vitest';
import { AppMetrics, KeelError } from '../../src/index.js';

const spec = { name: 'keel_test_events_total', help: 'Test events.', labelNames: ['outcome'] as const };

describe('AppMetrics', () => {
  it('labels every series with app and service; two services of one class share the metric', async () => {
    const metrics = new AppMetrics({ app: 'orders', processMetrics: false });
    const a = metrics.forService('a').counter(spec);
    const b = metrics.forService('b').counter(spec);
    a.inc({ outcome: 'ok' });
    a.bind({ outcome: 'ok' }).inc(2);
    b.inc({ outcome: 'error' }, 5);
    const text = await metrics.text();
    expect(text).toContain('keel_test_events_total{outcome="ok",service="a",app="orders"} 3');
    expect(text).toContain('keel_test_events_total{outcome="error",service="b",app="orders"} 5');
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('runs every gauge collector on scrape', async () => {
    const metrics = new AppMetrics({ app: 'x', processMetrics: false });
    let depth = 1;
    for (const service of ['l1', 'l2']) {
      metrics.forService(service).gauge({
        name: 'keel_test_depth',
        help: 'Depth.',
        collect: (gauge) => {
          gauge.set({}, depth * (service === 'l1' ? 1 : 10));
        },
      });
    }
    expect(await metrics.text()).toContain('keel_test_depth{service="l2",app="x"} 10');
    depth = 2;
    const text = await metrics.text();
    expect(text).toContain('keel_test_depth{service="l1",app="x"} 2');
    expect(text).toContain('keel_test_depth{service="l2",app="x"} 20');
  });

  it('observes histograms in seconds buckets', async () => {
    const metrics = new AppMetrics({ app: 'x', processMetrics: false });
    const h = metrics.forService('s').histogram({ name: 'keel_test_seconds', help: 'Time.' });
    h.bind({}).observe(0.003);
    const text = await metrics.text();
    expect(text).toContain('keel_test_seconds_bucket{le="0.0025",app="x",service="s"} 0');
    expect(text).toContain('keel_test_seconds_bucket{le="0.005",app="x",service="s"} 1');
    expect(text).toContain('keel_test_seconds_count{app="x",service="s"} 1');
  });

  it('keeps bound series exact across scrapes, mixed with unbound writes to other series', async () => {
    const metrics = new AppMetrics({ app: 'x', processMetrics: false });
    const sink = metrics.forService('s');
    const counter = sink.counter(spec);
    const ok = counter.bind({ outcome: 'ok' });
    const gauge = sink.gauge({ name: 'keel_test_now', help: 'Now.' }).bind({});
    const histogram = sink.histogram({ name: 'keel_test_b_seconds', help: 'T.', buckets: [0.1, 1] }).bind({});
    ok.inc();
    ok.inc(2);
    counter.inc({ outcome: 'error' });
    gauge.inc(5);
    gauge.dec();
    for (const value of [0.05, 0.1, 0.5, 7]) histogram.observe(value);
    let text = await metrics.text();
    expect(text).toContain('keel_test_events_total{outcome="ok",service="s",app="x"} 3');
    expect(text).toContain('keel_test_events_total{outcome="error",service="s",app="x"} 1');
    expect(text).toContain('keel_test_now{service="s",app="x"} 4');
    expect(text).toContain('keel_test_b_seconds_bucket{le="0.1",app="x",service="s"} 2');
    expect(text).toContain('keel_test_b_seconds_bucket{le="1",app="x",service="s"} 3');
    expect(text).toContain('keel_test_b_seconds_bucket{le="+Inf",app="x",service="s"} 4');
    expect(text).toContain('keel_test_b_seconds_sum{app="x",service="s"} 7.65');
    ok.inc();
    gauge.set(0);
    histogram.observe(2);
    text = await metrics.text();
    expect(text).toContain('keel_test_events_total{outcome="ok",service="s",app="x"} 4');
    expect(text).toContain('keel_test_now{service="s",app="x"} 0');
    expect(text).toContain('keel_test_b_seconds_bucket{le="1",app="x",service="s"} 3');
    expect(text).toContain('keel_test_b_seconds_count{app="x",service="s"} 5');
    expect(() => {
      ok.inc(-1);
    }).toThrow(KeelError);
  });

  it('throws METRIC_CONFLICT for a name declared with another type or labels', () => {
    const metrics = new AppMetrics({ app: 'x', processMetrics: false });
    metrics.forService('s').counter(spec);
    const conflict = (): unknown => metrics.forService('t').gauge({ name: spec.name, help: 'x' });
    expect(conflict).toThrow(KeelError);
    expect(conflict).toThrow(/already a counter/);
  });

  it('keeps two apps apart and records nothing when disabled', async () => {
    const one = new AppMetrics({ app: 'one', processMetrics: false });
    const two = new AppMetrics({ app: 'two', processMetrics: false });
    one.forService('s').counter(spec).inc({ outcome: 'ok' });
    two.forService('s').counter(spec).inc({ outcome: 'ok' }, 7);
    expect(await one.text()).toContain('app="one"} 1');
    expect(await two.text()).toContain('app="two"} 7');
    const off = new AppMetrics({ app: 'off', enabled: false });
    const sink = off.forService('s');
    expect(sink.enabled).toBe(false);
    sink.counter(spec).inc({ outcome: 'ok' });
    expect((await off.text()).trim()).toBe('');
  });

  it('collects default process metrics with the keel_ prefix', async () => {
    const text = await new AppMetrics({ app: 'p' }).text();
    expect(text).toMatch(/keel_process_cpu_seconds_total\{app="p"\}/);
  });
});

describe('AppMetrics counters: bound and followed series', () => {
  it('shows a bound series at 0, then the sum of its increments at each scrape', async () => {
    const metrics = new AppMetrics({ app: 'x', processMetrics: false });
    const series = metrics.forService('s').counter(spec).bind({ outcome: 'ok' });
    expect(await metrics.text()).toContain('keel_test_events_total{outcome="ok",service="s",app="x"} 0');
    series.inc();
    series.inc(4);
    expect(await metrics.text()).toContain('keel_test_events_total{outcome="ok",service="s",app="x"} 5');
    series.inc();
    expect(await metrics.text()).toContain('keel_test_events_total{outcome="ok",service="s",app="x"} 6');
    expect(() => {
      series.inc(-1);
    }).toThrow(expect.objectContaining({ code: 'METRIC_INVALID_VALUE' }));
    expect(() => {
      series.inc(Infinity);
    }).toThrow(expect.objectContaining({ code: 'METRIC_INVALID_VALUE' }));
  });

  it('follows a count kept elsewhere, adding what it gained (a restart from 0 adds its new count)', async () => {
    const metrics = new AppMetrics({ app: 'x', processMetrics: false });
    const stats = { done: 3 };
    metrics
      .forService('s')
      .counter(spec)
      .follow({ outcome: 'ok' }, () => stats.done);
    expect(await metrics.text()).toContain('outcome="ok",service="s",app="x"} 3');
    stats.done = 10;
    expect(await metrics.text()).toContain('outcome="ok",service="s",app="x"} 10');
    stats.done = 2; // the source started over
    expect(await metrics.text()).toContain('outcome="ok",service="s",app="x"} 12');
  });

  it('removes a gauge series', async () => {
    const metrics = new AppMetrics({ app: 'x', processMetrics: false });
    const gauge = metrics.forService('s').gauge({ name: 'keel_test_up', help: 'Up.', labelNames: ['node'] });
    gauge.set({ node: 'a:1' }, 1);
    gauge.set({ node: 'b:2' }, 1);
    gauge.remove({ node: 'a:1' });
    const text = await metrics.text();
    expect(text).not.toContain('node="a:1"');
    expect(text).toContain('keel_test_up{node="b:2",service="s",app="x"} 1');
  });
});
