import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withNode } from '../src/cluster-admin.js';
import { replicationOf, sentinelViewOf } from '../src/sentinel-admin.js';
import { startSentinel, type RedisSentinelHandle } from '../src/start-sentinel.js';

const PASSWORD = 'data-Pw-1';
const SENTINEL_PASSWORD = 'sentinel-Pw-2';

describe('startSentinel', () => {
  let topology: RedisSentinelHandle;
  const clients: Redis[] = [];

  /** An ioredis client through the sentinels, as the transport makes it. */
  const viaSentinels = (): Redis => {
    const client = new Redis({
      sentinels: [...topology.sentinelAddresses],
      name: topology.name,
      password: PASSWORD,
      sentinelPassword: SENTINEL_PASSWORD,
      failoverDetector: true,
      protocol: 2,
    });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    topology = await startSentinel({ password: PASSWORD, sentinelPassword: SENTINEL_PASSWORD });
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await topology.stop();
  });

  it('starts a primary, two replicas and three sentinels that agree', async () => {
    expect(topology.nodes).toHaveLength(3);
    expect(topology.sentinels).toHaveLength(3);
    const primary = await topology.primary();
    expect(primary).toBe(topology.nodes[0]);
    expect((await topology.replicas()).map((node) => node.port).sort()).toEqual(
      topology.nodes
        .slice(1)
        .map((node) => node.port)
        .sort(),
    );
    for (const sentinel of topology.sentinels) {
      const view = await sentinelViewOf(sentinel, SENTINEL_PASSWORD, topology.name);
      expect(view.master).toEqual({ host: primary.host, port: primary.port });
      expect(view.masterInfo.get('num-other-sentinels')).toBe('2');
      expect(view.masterInfo.get('num-slaves')).toBe('2');
    }
    // the sentinels require their password
    await expect(
      withNode(topology.sentinels[0]!, undefined, (client) => client.call('SENTINEL', 'MASTERS')),
    ).rejects.toThrow(/NOAUTH/);
  });

  it('serves an ioredis Sentinel client and replicates its writes', async () => {
    const client = viaSentinels();
    await client.set('sentinel:k', 'v');
    expect(await client.call('WAIT', 2, 5000)).toBe(2);
    for (const replica of await topology.replicas()) {
      expect(await withNode(replica, PASSWORD, (node) => node.get('sentinel:k'))).toBe('v');
    }
    await topology.flushAll();
    expect(await client.get('sentinel:k')).toBeNull();
  });

  it('fails over with SENTINEL FAILOVER: the old primary becomes a replica', async () => {
    const client = viaSentinels();
    await client.set('sentinel:before', '1');
    const before = await topology.primary();
    const after = await topology.failover();
    expect(after).not.toBe(before);
    expect((await replicationOf(before, PASSWORD)).get('role')).toBe('slave');
    expect(await client.get('sentinel:before')).toBe('1');
    await client.set('sentinel:after', '2'); // the client follows the switch
    expect(await withNode(after, PASSWORD, (node) => node.get('sentinel:after'))).toBe('2');
  });

  it('promotes a replica when the primary is killed, and restores the killed node as a replica', async () => {
    const client = viaSentinels();
    await client.set('sentinel:kill', 'x');
    await client.call('WAIT', 2, 5000);
    const { killed, primary } = await topology.killPrimary();
    expect(killed.server.running).toBe(false);
    expect(primary).not.toBe(killed);
    expect(await client.get('sentinel:kill')).toBe('x');
    await topology.restore();
    expect(killed.server.running).toBe(true);
    const info = await replicationOf(killed, PASSWORD);
    expect(info.get('role')).toBe('slave');
    // The primary the sentinels agree on now: on a loaded machine they may have failed over once
    // more (a primary busy past down-after-milliseconds) between the kill and the restore.
    const current = await topology.primary();
    expect(current).not.toBe(killed);
    expect(Number(info.get('master_port'))).toBe(current.port);
    expect(await topology.replicas()).toHaveLength(2);
  });
});
