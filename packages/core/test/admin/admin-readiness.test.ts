import { afterEach, describe, expect, it } from 'vitest';
import { AdminHttpService } from '../../src/admin/admin-http-service.js';
import { waitUntil } from '../../../test-utils/src/index.js';
import { lifecycle, probeOf, request, startAdminApp, stopAdminApps } from './admin-fixtures.js';

afterEach(stopAdminApps);

describe('AdminHttpService /health/ready', () => {
  it('answers 503 with the unhealthy required service and its details, 200 again once it recovers', async () => {
    const app = await startAdminApp();
    const probe = probeOf(app, 'probe');
    probe.healthy = false;
    const down = await request(app, '/health/ready');
    expect(down.status).toBe(503);
    expect(down.json()).toEqual({
      healthy: false,
      services: {
        probe: {
          healthy: false,
          state: 'started',
          details: { reason: 'switched off', offset: '12345678901234567890' },
        },
      },
    });
    probe.healthy = true;
    expect((await request(app, '/health/ready')).status).toBe(200);
  });

  it('stays 200 when only an optional service is unhealthy (and shows it)', async () => {
    const app = await startAdminApp();
    probeOf(app, 'extra').healthy = false;
    const reply = await request(app, '/health/ready');
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ healthy: true, services: { extra: { healthy: false } } });
  });

  it('answers 503 naming the service whose health check exceeds readinessTimeoutMs', async () => {
    const app = await startAdminApp({ admin: { readinessTimeoutMs: 50 } });
    probeOf(app, 'probe').hangHealth = true;
    const reply = await request(app, '/health/ready');
    expect(reply.status).toBe(503);
    expect(reply.json()).toEqual({
      healthy: false,
      services: {
        probe: { healthy: false, state: 'started', details: { error: 'health timed out after 50 ms' } },
      },
    });
  });

  it('is initialised first and closed last, whatever its place in the list', async () => {
    lifecycle.length = 0;
    const app = await startAdminApp();
    expect(lifecycle).toEqual(['init:admin', 'init:probe', 'init:extra']);
    await app.stop();
    expect(lifecycle).toEqual([
      'init:admin',
      'init:probe',
      'init:extra',
      'close:extra',
      'close:probe',
      'close:admin',
    ]);
  });

  it('turns 503 as soon as the app begins to stop and answers until the other services have closed', async () => {
    const app = await startAdminApp();
    const probe = probeOf(app, 'probe');
    let release: () => void = () => undefined;
    probe.closeGate = new Promise((resolve) => {
      release = resolve;
    });
    expect((await request(app, '/health/ready')).status).toBe(200);
    const stopped = app.stop();
    const during = await request(app, '/health/ready');
    expect(probe.closing).toBe(true);
    expect(during.status).toBe(503);
    expect(during.json()).toEqual({ healthy: false, stopping: true });
    // still serving while the probe has not closed: liveness and metrics too
    expect((await request(app, '/health/live')).status).toBe(200);
    expect((await request(app, '/metrics')).status).toBe(200);
    expect(app.stateOf('probe')).toBe('stopping');
    release();
    await stopped;
    await expect(request(app, '/health/live')).rejects.toThrow();
  });

  it('turns 503 on markStopping() before anything closes', async () => {
    const app = await startAdminApp();
    app.markStopping();
    expect(app.stopping).toBe(true);
    const reply = await request(app, '/health/ready');
    expect(reply.status).toBe(503);
    expect(reply.json()).toEqual({ healthy: false, stopping: true });
    expect(app.stateOf('probe')).toBe('started');
  });

  it('answers 503 while the other services are still starting', async () => {
    const app = await startAdminApp({ start: false });
    expect(app.stopping).toBe(false);
    const probe = probeOf(app, 'probe');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const init = probe.init.bind(probe);
    probe.init = async () => {
      await gate;
      await init();
    };
    const started = app.start();
    const admin = app.services.get(AdminHttpService);
    await waitUntil(() => admin.port > 0, { what: 'the admin service listening' });
    const reply = await request(app, '/health/ready');
    expect(reply.status).toBe(503);
    expect(reply.json()).toMatchObject({ healthy: false, services: { probe: { state: 'starting' } } });
    release();
    await started;
    expect((await request(app, '/health/ready')).status).toBe(200);
  });
});
