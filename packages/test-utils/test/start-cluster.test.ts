import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterNodesOf, parseInfo, withNode } from '../src/cluster-admin.js';
import { startCluster, type RedisClusterHandle } from '../src/start-cluster.js';

describe('startCluster', () => {
  let cluster: RedisClusterHandle;

  beforeAll(async () => {
    cluster = await startCluster();
  });

  afterAll(async () => {
    await cluster.stop();
  });

  it('forms a healthy cluster of 3 masters with one replica each', async () => {
    expect(cluster.nodes).toHaveLength(6);
    expect(cluster.seeds).toHaveLength(6);
    for (const node of cluster.nodes) {
      const info = await withNode(node, undefined, async (client) => parseInfo(await client.cluster('INFO')));
      expect(info.get('cluster_state')).toBe('ok');
      expect(info.get('cluster_known_nodes')).toBe('6');
      expect(info.get('cluster_slots_assigned')).toBe('16384');
    }
    const masters = await cluster.masters();
    const replicas = await cluster.replicas();
    expect(masters).toHaveLength(3);
    expect(replicas).toHaveLength(3);
    const view = await clusterNodesOf(cluster.nodes[0]!, undefined);
    for (const master of masters) {
      const id = view.find((line) => line.port === master.port)!.id;
      expect(view.filter((line) => line.masterId === id)).toHaveLength(1);
    }
    for (const replica of replicas) {
      const replication = await withNode(replica, undefined, async (client) =>
        parseInfo(await client.info('replication')),
      );
      expect(replication.get('master_link_status')).toBe('up');
    }
  });

  it('serves a cluster client on every slot range', async () => {
    const client = new Cluster([...cluster.seeds], { redisOptions: { protocol: 2 } });
    try {
      for (let i = 0; i < 30; i++) await client.set(`key:${i}`, String(i));
      expect(await client.get('key:17')).toBe('17');
      await cluster.flushAll();
      expect(await client.get('key:17')).toBeNull();
    } finally {
      await client.quit();
    }
  });

  it('fails over a master to its replica', async () => {
    const [master] = await cluster.masters();
    const promoted = await cluster.failover(master!.port);
    expect(promoted.port).not.toBe(master!.port);
    const masters = (await cluster.masters()).map((node) => node.port);
    expect(masters).toContain(promoted.port);
    expect(masters).not.toContain(master!.port);
    expect((await cluster.replicas()).map((node) => node.port)).toContain(master!.port);
  });

  it('kills a replica and restarts it into the cluster', async () => {
    const [replica] = await cluster.replicas();
    await cluster.killNode(replica!.port);
    expect(replica!.server.running).toBe(false);
    expect((await cluster.replicas()).map((node) => node.port)).not.toContain(replica!.port);
    await cluster.restartNode(replica!.port);
    expect(replica!.server.running).toBe(true);
    expect((await cluster.replicas()).map((node) => node.port)).toContain(replica!.port);
  });

  it('kills a master: its replica takes over, and the old master rejoins as a replica', async () => {
    const [master] = await cluster.masters();
    await cluster.killNode(master!.port);
    await cluster.waitForHealthy();
    const masters = (await cluster.masters()).map((node) => node.port);
    expect(masters).toHaveLength(3);
    expect(masters).not.toContain(master!.port);
    await cluster.restartNode(master!.port);
    expect((await cluster.replicas()).map((node) => node.port)).toContain(master!.port);
  });
});
