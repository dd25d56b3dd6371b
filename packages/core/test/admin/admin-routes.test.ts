import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger, metricValue, parsePrometheusText } from '../../../test-utils/src/index.js';
import { probeOf, request, startAdminApp, stopAdminApps } from './admin-fixtures.js';

const OPENMETRICS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const TOKEN = 'admin-test-token-5f2c9a8e71d4';

afterEach(stopAdminApps);

describe('AdminHttpService routes', () => {
  it('answers /health/live and /health/ready with JSON', async () => {
    const app = await startAdminApp();
    const live = await request(app, '/health/live');
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(live.json()).toEqual({ live: true });

    const ready = await request(app, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(ready.json()).toEqual({
      healthy: true,
      services: {
        probe: { healthy: true, state: 'started' },
        extra: { healthy: true, state: 'started' },
        admin: { healthy: true, state: 'started' },
      },
    });
  });

  it('serves the app registry as Prometheus text that parses strictly', async () => {
    const app = await startAdminApp();
    probeOf(app, 'probe').hit('a', 3);
    probeOf(app, 'extra').hit('b');
    for (const accept of [undefined, '*/*', 'text/plain']) {
      const reply = await request(app, '/metrics', accept === undefined ? {} : { headers: { accept } });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const samples = parsePrometheusText(reply.text);
      expect(
        metricValue(samples, 'keel_test_probe_hits_total', {
          app: 'admin-test',
          service: 'probe',
          kind: 'a',
        }),
      ).toBe(3);
      expect(metricValue(samples, 'keel_test_probe_hits_total', { service: 'extra', kind: 'b' })).toBe(1);
      expect(metricValue(samples, 'keel_process_cpu_user_seconds_total', {})).toBeGreaterThan(0);
      expect(reply.text).toContain('# TYPE keel_test_probe_hits_total counter\n');
    }
  });

  it('serves OpenMetrics when the Accept header asks, and the Prometheus text stays as it was', async () => {
    const app = await startAdminApp();
    probeOf(app, 'probe').hit('a', 2);
    const [open, plain] = await Promise.all([
      request(app, '/metrics', { headers: { accept: OPENMETRICS_ACCEPT } }),
      request(app, '/metrics'),
    ]);
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    expect(open.headers.get('vary')).toBe('Accept');
    expect(open.text.endsWith('\n# EOF\n')).toBe(true);
    expect(open.text).toContain('# TYPE keel_test_probe_hits counter\n');
    const samples = parsePrometheusText(open.text);
    expect(metricValue(samples, 'keel_test_probe_hits_total', { service: 'probe', kind: 'a' })).toBe(2);
    expect(samples.some((sample) => sample.name.endsWith('_total_total'))).toBe(false);

    // prom-client renames the counters of a registry it renders as OpenMetrics: the app's is not.
    for (const reply of [plain, await request(app, '/metrics')]) {
      expect(reply.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(reply.text).toContain('# TYPE keel_test_probe_hits_total counter\n');
      expect(metricValue(parsePrometheusText(reply.text), 'keel_test_probe_hits_total', { kind: 'a' })).toBe(
        2,
      );
    }
  });

  it('answers 404 for an unknown route and 405 for a wrong method, as JSON without a stack trace', async () => {
    const app = await startAdminApp();
    const missing = await request(app, '/nope?x=1');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(missing.json()).toEqual({ error: { status: 404, message: 'no route "/nope"' } });

    for (const method of ['POST', 'PUT', 'DELETE']) {
      const wrong = await request(app, '/metrics', { method });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('GET, HEAD');
      expect(wrong.json()).toEqual({
        error: { status: 405, message: `${method} is not allowed on /metrics` },
      });
    }
    const head = await request(app, '/health/ready', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  it('answers 500 with the message only when a route fails', async () => {
    const app = await startAdminApp();
    const probe = probeOf(app, 'probe');
    probe.breakMetrics('collector exploded');
    const reply = await request(app, '/metrics');
    expect(reply.status).toBe(500);
    expect(reply.json()).toEqual({ error: { status: 500, message: 'collector exploded' } });
    expect(reply.text).not.toMatch(/\bat /);
  });
});

describe('AdminHttpService token', () => {
  it('requires the bearer token on every route but /health/live', async () => {
    const app = await startAdminApp({ admin: { token: TOKEN } });
    for (const path of ['/health/ready', '/metrics', '/nope']) {
      for (const authorization of [undefined, 'Bearer wrong-token-0000000000', TOKEN, `Basic ${TOKEN}`]) {
        const reply = await request(
          app,
          path,
          authorization === undefined ? {} : { headers: { authorization } },
        );
        expect(reply.status, `${path} with ${authorization}`).toBe(401);
        expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="keel-admin"');
        expect(reply.text).not.toContain(TOKEN);
      }
    }
    const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
    expect((await request(app, '/health/ready', auth)).status).toBe(200);
    expect((await request(app, '/metrics', auth)).status).toBe(200);
    expect((await request(app, '/nope', auth)).status).toBe(404);
    expect((await request(app, '/health/live')).status).toBe(200);
  });

  it('never logs the token', async () => {
    const captured = captureLogger('trace');
    const app = await startAdminApp({ admin: { token: TOKEN }, logger: captured.logger });
    await request(app, '/metrics');
    await request(app, '/health/ready', { headers: { authorization: `Bearer ${TOKEN}` } });
    await request(app, '/metrics', { headers: { authorization: `Bearer ${TOKEN}x` } });
    await app.stop();
    const text = JSON.stringify(captured.lines());
    expect(text).toContain('admin HTTP listening on http://127.0.0.1:'); // the logs were captured
    expect(text).toContain('bearer token');
    expect(text).not.toContain(TOKEN);
  });
});
