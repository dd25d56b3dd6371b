import { clusterNodesOf, parseInfo, withNode, type ClusterNodeView } from './cluster-admin.js';
import type { RedisServerHandle, RedisServerOptions } from './keel-redis.js';
import { startServers } from './start-servers.js';
import { waitUntil } from './wait-until.js';

/** Options of {@link startCluster}. */
export interface StartClusterOptions {
  /** Number of masters (default 3). */
  readonly masters?: number;
  /** Replicas per master (default 1). */
  readonly replicasPerMaster?: number;
  /** `cluster-node-timeout` in ms (default 2000). */
  readonly nodeTimeout?: number;
  /** Password of the default user on every node (also used for replication). */
  readonly password?: string;
  /** ACL users on every node (see `RedisServerOptions.users`). */
  readonly users?: readonly string[];
  /** Extra `redis-server` arguments for every node. */
  readonly args?: readonly string[];
  /** Bound on forming the cluster, in ms (default 60 000). */
  readonly timeout?: number;
}

/** One node of a test cluster. */
export interface ClusterNodeHandle {
  readonly host: string;
  readonly port: number;
  readonly server: RedisServerHandle;
}

/** A throwaway Redis Cluster started by {@link startCluster}. */
export interface RedisClusterHandle {
  /** Every node, in creation order (first the initial masters, then their replicas). */
  readonly nodes: readonly ClusterNodeHandle[];
  /** `{ host, port }` of every node, for a cluster client's startup nodes. */
  readonly seeds: readonly { readonly host: string; readonly port: number }[];
  /** The password given at start, if any. */
  readonly password: string | undefined;
  /** The node with this port (throws if there is none). */
  node(port: number): ClusterNodeHandle;
  /** The running masters, as the cluster currently sees them. */
  masters(): Promise<ClusterNodeHandle[]>;
  /** The running replicas, as the cluster currently sees them. */
  replicas(): Promise<ClusterNodeHandle[]>;
  /**
   * Promotes a replica of the master on `masterPort` with `CLUSTER FAILOVER`, waits until every
   * node agrees and the cluster is healthy, and resolves with the new master.
   */
  failover(masterPort: number): Promise<ClusterNodeHandle>;
  /** SIGKILLs a node (the cluster notices after the node timeout). */
  killNode(port: number): Promise<void>;
  /** Restarts a node on its port with its nodes.conf and waits until the cluster is healthy. */
  restartNode(port: number): Promise<void>;
  /**
   * Waits until every running node reports `cluster_state:ok`, sees every running node as
   * healthy, agrees on the roles, and every running replica's link to its master is up.
   */
  waitForHealthy(timeoutMs?: number): Promise<void>;
  /** `FLUSHALL` on every running master. */
  flushAll(): Promise<void>;
  /** Stops every node. */
  stop(): Promise<void>;
}

const SLOTS = 16_384;

/**
 * Starts a Redis Cluster of `masters × (1 + replicasPerMaster)` nodes (default 3 + 3) on free
 * ports of 127.0.0.1: assigns the slots, joins the nodes with `CLUSTER MEET`, attaches the
 * replicas with `CLUSTER REPLICATE`, and resolves once every node reports `cluster_state:ok`
 * and every replica is in sync.
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<RedisClusterHandle> {
  const masterCount = options.masters ?? 3;
  const replicasPerMaster = options.replicasPerMaster ?? 1;
  const total = masterCount * (1 + replicasPerMaster);
  const serverOptions: RedisServerOptions = {
    cluster: { nodeTimeout: options.nodeTimeout ?? 2000 },
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.users === undefined ? {} : { users: options.users }),
    ...(options.args === undefined ? {} : { args: options.args }),
  };
  const servers = await startServers(Array.from({ length: total }, () => serverOptions));
  const handle = new TestCluster(servers, options.password);
  try {
    await handle.form(masterCount, replicasPerMaster, options.timeout ?? 60_000);
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}

/** Number of slots in `CLUSTER NODES` slot entries (`0-5460`, `5461`; migration markers skipped). */
function slotCount(entries: readonly string[]): number {
  let count = 0;
  for (const entry of entries) {
    if (entry.startsWith('[')) continue;
    const [from, to = from] = entry.split('-');
    count += Number(to) - Number(from) + 1;
  }
  return count;
}

class TestCluster implements RedisClusterHandle {
  readonly nodes: readonly ClusterNodeHandle[];
  readonly seeds: readonly { readonly host: string; readonly port: number }[];
  readonly password: string | undefined;

  constructor(servers: readonly RedisServerHandle[], password: string | undefined) {
    this.nodes = servers.map((server) => ({ host: server.host, port: server.port, server }));
    this.seeds = this.nodes.map(({ host, port }) => ({ host, port }));
    this.password = password;
  }

  node(port: number): ClusterNodeHandle {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (node === undefined) throw new Error(`No cluster node on port ${port}`);
    return node;
  }

  /** Assigns slots, meets, replicates, and waits for a healthy cluster of the expected shape. */
  async form(masterCount: number, replicasPerMaster: number, timeout: number): Promise<void> {
    const masters = this.nodes.slice(0, masterCount);
    await Promise.all(
      masters.map((node, index) =>
        this.#admin(node, async (client) => {
          await client.call('CLUSTER', 'SET-CONFIG-EPOCH', index + 1);
          const first = Math.floor((index * SLOTS) / masterCount);
          const last = Math.floor(((index + 1) * SLOTS) / masterCount) - 1;
          const slots = Array.from({ length: last - first + 1 }, (_, offset) => first + offset);
          await client.cluster('ADDSLOTS', slots);
        }),
      ),
    );
    const [first] = this.nodes;
    if (first === undefined) throw new Error('A cluster needs at least one node');
    await Promise.all(
      this.nodes
        .slice(1)
        .map((node) => this.#admin(node, (client) => client.cluster('MEET', first.host, first.port))),
    );
    await waitUntil(
      async () => {
        const views = await Promise.all(this.nodes.map((node) => clusterNodesOf(node, this.password)));
        return views.every(
          (view) => view.length === this.nodes.length && view.every((line) => !line.unhealthy),
        );
      },
      { timeout, what: 'every cluster node to know every other node' },
    );
    const ids = await Promise.all(
      masters.map((node) => this.#admin(node, (client) => client.cluster('MYID'))),
    );
    await Promise.all(
      this.nodes.slice(masterCount).map((node, index) => {
        const masterId = ids[Math.floor(index / replicasPerMaster)] ?? '';
        return this.#admin(node, (client) => client.cluster('REPLICATE', masterId));
      }),
    );
    await this.waitForHealthy(
      timeout,
      (view) =>
        view.filter((line) => line.role === 'master' && line.slots.length > 0).length === masterCount &&
        view.filter((line) => line.role === 'replica').length === masterCount * replicasPerMaster,
    );
  }

  async masters(): Promise<ClusterNodeHandle[]> {
    return this.#byRole('master');
  }

  async replicas(): Promise<ClusterNodeHandle[]> {
    return this.#byRole('replica');
  }

  async failover(masterPort: number): Promise<ClusterNodeHandle> {
    const view = await clusterNodesOf(this.node(masterPort), this.password);
    const master = view.find((line) => line.port === masterPort);
    if (master?.role !== 'master') throw new Error(`Node ${masterPort} is not a master`);
    const replicaLine = view.find(
      (line) => line.masterId === master.id && !line.unhealthy && this.#isRunning(line.port),
    );
    if (replicaLine === undefined)
      throw new Error(`Master ${masterPort} has no healthy replica to fail over to`);
    const replica = this.node(replicaLine.port);
    await this.#admin(replica, (client) => client.cluster('FAILOVER'));
    await waitUntil(
      async () => {
        const views = await this.#runningViews();
        return views.every(({ view: nodeView }) => {
          const promoted = nodeView.find((line) => line.port === replica.port);
          const demoted = nodeView.find((line) => line.port === masterPort);
          return promoted?.role === 'master' && demoted?.role === 'replica';
        });
      },
      { what: `every node to see ${replica.port} as the master instead of ${masterPort}` },
    );
    await this.waitForHealthy();
    return replica;
  }

  async killNode(port: number): Promise<void> {
    await this.node(port).server.kill();
  }

  async restartNode(port: number): Promise<void> {
    await this.node(port).server.restart();
    await this.waitForHealthy();
  }

  async waitForHealthy(
    timeoutMs = 30_000,
    shape?: (view: readonly ClusterNodeView[]) => boolean,
  ): Promise<void> {
    await waitUntil(() => this.#isHealthy(shape), { timeout: timeoutMs, what: 'a healthy cluster' });
  }

  async flushAll(): Promise<void> {
    const masters = await this.masters();
    await Promise.all(masters.map((node) => this.#admin(node, (client) => client.flushall())));
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.server.stop()));
  }

  #isRunning(port: number): boolean {
    return this.nodes.some((node) => node.port === port && node.server.running);
  }

  #admin<T>(node: ClusterNodeHandle, fn: Parameters<typeof withNode<T>>[2]): Promise<T> {
    return withNode(node, this.password, fn);
  }

  async #runningViews(): Promise<{ node: ClusterNodeHandle; view: ClusterNodeView[] }[]> {
    const running = this.nodes.filter((node) => node.server.running);
    return Promise.all(
      running.map(async (node) => ({ node, view: await clusterNodesOf(node, this.password) })),
    );
  }

  async #byRole(role: ClusterNodeView['role']): Promise<ClusterNodeHandle[]> {
    const source = this.nodes.find((node) => node.server.running);
    if (source === undefined) return [];
    const view = await clusterNodesOf(source, this.password);
    return view
      .filter((line) => line.role === role && !line.unhealthy && this.#isRunning(line.port))
      .map((line) => this.node(line.port));
  }

  async #isHealthy(shape?: (view: readonly ClusterNodeView[]) => boolean): Promise<boolean> {
    const views = await this.#runningViews();
    if (views.length === 0) return false;
    const roleSignature = (view: readonly ClusterNodeView[]): string =>
      view
        .filter((line) => this.#isRunning(line.port))
        .map((line) => `${line.port}:${line.role}:${line.masterId ?? ''}`)
        .sort()
        .join(',');
    const expected = roleSignature(views[0]?.view ?? []);
    for (const { node, view } of views) {
      if (roleSignature(view) !== expected) return false;
      if (
        view.some(
          (line) =>
            this.#isRunning(line.port) &&
            (line.unhealthy || (!line.flags.includes('myself') && !line.connected)),
        )
      ) {
        return false;
      }
      if (shape !== undefined && !shape(view)) return false;
      const served = view
        .filter((line) => line.role === 'master' && this.#isRunning(line.port))
        .reduce((sum, line) => sum + slotCount(line.slots), 0);
      if (served !== SLOTS) return false; // a dead master still owns slots: failover pending
      const healthy = await this.#admin(node, async (client) => {
        const info = parseInfo(await client.cluster('INFO'));
        if (info.get('cluster_state') !== 'ok' || info.get('cluster_slots_ok') !== String(SLOTS))
          return false;
        const replication = parseInfo(await client.info('replication'));
        return replication.get('role') === 'master' || replication.get('master_link_status') === 'up';
      });
      if (!healthy) return false;
    }
    return true;
  }
}
