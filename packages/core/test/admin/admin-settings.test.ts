import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { prefersOpenMetrics } from '../../src/admin/open-metrics-accept.js';
import { isKeelError } from '../../src/errors/keel-error.js';
import { metricValue, parsePrometheusText } from '../../../test-utils/src/index.js';
import { probeOf, request, startAdminApp, stopAdminApps } from './admin-fixtures.js';

afterEach(stopAdminApps);

describe('AdminHttpService settings', () => {
  it('rejects bad settings at config load', async () => {
    await expect(startAdminApp({ admin: { token: 'short' } })).rejects.toThrow(/token/);
    await expect(startAdminApp({ admin: { port: 70000 } })).rejects.toThrow(/port/);
    await expect(startAdminApp({ admin: { prot: 1 } })).rejects.toThrow(/prot/);
  });

  it('fails to start with ADMIN_LISTEN_FAILED when the port is taken', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const error: unknown = await startAdminApp({ admin: { port } }).catch((caught: unknown) => caught);
      expect(isKeelError(error, 'APP_START_FAILED')).toBe(true);
      const cause = (error as { cause?: unknown }).cause;
      expect(isKeelError(cause, 'ADMIN_LISTEN_FAILED')).toBe(true);
      expect((cause as Error).message).toContain(`127.0.0.1:${port}`);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('refuses a dashboard on a non-loopback address without a token', async () => {
    const error: unknown = await startAdminApp({ admin: { host: '0.0.0.0', dashboard: true } }).catch(
      (caught: unknown) => caught,
    );
    expect(isKeelError((error as { cause?: unknown }).cause, 'DASHBOARD_TOKEN_REQUIRED')).toBe(true);
  });

  it('serves an empty exposition when the app has metrics off', async () => {
    const app = await startAdminApp({ app: { metrics: false } });
    probeOf(app, 'probe').hit('a');
    const reply = await request(app, '/metrics');
    expect(reply.status).toBe(200);
    const samples = parsePrometheusText(reply.text);
    expect(samples).toEqual([]);
    expect(metricValue(samples, 'keel_test_probe_hits_total')).toBeUndefined();
  });
});

describe('prefersOpenMetrics', () => {
  it.each([
    [undefined, false],
    ['*/*', false],
    ['text/plain;version=0.0.4', false],
    ['application/openmetrics-text', true],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', true],
    [
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      true,
    ],
    ['text/plain, application/openmetrics-text;q=0.5', false],
    ['application/openmetrics-text;q=0', false],
    ['application/openmetrics-text;q=abc, text/plain', false],
    ['application/vnd.google.protobuf;q=0.9, application/OpenMetrics-Text;q=0.8, */*;q=0.1', true],
  ])('%s → %s', (accept, expected) => {
    expect(prefersOpenMetrics(accept)).toBe(expected);
  });
});
