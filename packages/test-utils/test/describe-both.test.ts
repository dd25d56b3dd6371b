import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeBoth } from '../src/describe-both.js';
import { testAppContext } from '../src/test-app-context.js';
import { waitUntil } from '../src/wait-until.js';

describeBoth(
  'describeBoth',
  (target) => {
    it('starts the server before the tests and exposes it', async () => {
      expect(target.mode).toBe('standalone');
      expect(target.server.running).toBe(true);
      expect(() => target.cluster).toThrow(/only available in cluster mode/);
      const client = target.client();
      expect(client).toBeInstanceOf(Redis);
      expect(await client.ping()).toBe('PONG');
    });

    it('builds transport settings and an initialised transport', async () => {
      expect(target.transportSettings({ db: 2 })).toMatchObject({
        host: target.server.host,
        port: target.server.port,
        cluster: false,
        db: 2,
      });
      const transport = await target.transport();
      await transport.client.set('k', 'v');
      expect(await target.client().get('k')).toBe('v');
      await target.flush();
      expect(await target.client().get('k')).toBeNull();
    });
  },
  { modes: ['standalone'] },
);

describeBoth(
  'describeBoth with the same options',
  (target) => {
    it('shares the server of the file', async () => {
      expect(await target.client().ping()).toBe('PONG');
    });
  },
  { modes: ['standalone'] },
);

describeBoth(
  'describeBoth in sentinel mode',
  (target) => {
    it('exposes the topology, its addresses and a transport through the sentinels', async () => {
      expect(target.mode).toBe('sentinel');
      expect(() => target.server).toThrow(/only available in standalone mode/);
      expect(() => target.cluster).toThrow(/only available in cluster mode/);
      const primary = await target.sentinel.primary();
      expect(target.seed).toEqual(target.sentinel.sentinelAddresses[0]);
      expect(target.url()).toBe(
        `redis+sentinel://${target.sentinel.sentinelAddresses.map(({ host, port }) => `${host}:${port}`).join(',')}/keel`,
      );
      expect(await target.masters()).toEqual([primary]);
      expect(await target.nodes()).toHaveLength(3);
      expect(target.transportSettings()).toMatchObject({ sentinelName: 'keel', cluster: false });
      const transport = await target.transport();
      await transport.client.set('k', 'v');
      expect(await target.client().get('k')).toBe('v');
      await target.flush();
      expect(await target.client().get('k')).toBeNull();
    });
  },
  { modes: ['sentinel'] },
);

describe('testAppContext', () => {
  it('has kaiju-style namespaces and no services', () => {
    const app = testAppContext({ name: 'orders', env: 'prod' });
    expect(app.namespace.key('x')).toBe('prod.orders.x');
    expect(app.namespaceShared.key('x')).toBe('prod._shared.x');
    expect(app.id).not.toBe('');
    expect(app.services.has('redis')).toBe(false);
    expect(() => app.services.get('redis')).toThrow(expect.objectContaining({ code: 'SERVICE_NOT_FOUND' }));
  });
});

describe('waitUntil', () => {
  it('resolves with the first truthy result', async () => {
    let calls = 0;
    expect(await waitUntil(() => (++calls >= 3 ? calls : false), { interval: 1 })).toBe(3);
  });

  it('times out naming what it waited for and the last error', async () => {
    await expect(
      waitUntil(
        () => {
          throw new Error('still down');
        },
        { timeout: 50, interval: 5, what: 'the server' },
      ),
    ).rejects.toThrow(/the server: still down/);
  });
});
