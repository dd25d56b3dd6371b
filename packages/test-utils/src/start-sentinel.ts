/* Throwaway Redis Sentinel topologies for tests: a primary, replicas and sentinel processes. */
import { randomBytes } from 'node:crypto';
import { withNode } from './cluster-admin.js';
import { findFreePort, type RedisServerHandle } from './keel-redis.js';
import {
  addressOf,
  flagsHealthy,
  replicationOf,
  sentinelViewOf,
  type NodeAddress,
  type SentinelView,
} from './sentinel-admin.js';
import { startServers } from './start-servers.js';
import { waitUntil } from './wait-until.js';

/** Options of {@link startSentinel}. */
export interface StartSentinelOptions {
  /** Replicas of the primary (default 2). */
  readonly replicas?: number;
  /** Sentinel processes (default 3). */
  readonly sentinels?: number;
  /** Sentinels that must agree the primary is down (default: a majority). */
  readonly quorum?: number;
  /** The master group name (default `keel`). */
  readonly name?: string;
  /** `down-after-milliseconds`: how long the primary may not answer before a failover (default 1000). */
  readonly downAfterMs?: number;
  /**
   * `failover-timeout` in ms (default 3000). Sentinel waits twice as long before it tries again
   * after a failed election (split votes, likelier on a loaded machine).
   */
  readonly failoverTimeoutMs?: number;
  /** Password of the default user on the data nodes (also used for replication and by the sentinels). */
  readonly password?: string;
  /** ACL users on the data nodes (see `RedisServerOptions.users`). */
  readonly users?: readonly string[];
  /** Extra `redis-server` arguments for the data nodes. */
  readonly args?: readonly string[];
  /** Password the sentinels themselves require (`requirepass` of the sentinel processes). */
  readonly sentinelPassword?: string;
  /** Bound on forming the topology, in ms (default 60 000). */
  readonly timeout?: number;
}

/** One process of a test topology: a data node or a sentinel. */
export interface SentinelNodeHandle {
  readonly host: string;
  readonly port: number;
  readonly server: RedisServerHandle;
}

/** A throwaway Sentinel topology started by {@link startSentinel}. */
export interface RedisSentinelHandle {
  /** The master group name. */
  readonly name: string;
  /** The data nodes, in creation order (the first was the initial primary). */
  readonly nodes: readonly SentinelNodeHandle[];
  /** The sentinel processes. */
  readonly sentinels: readonly SentinelNodeHandle[];
  /** `{ host, port }` of every sentinel, for the transport's `sentinels` setting. */
  readonly sentinelAddresses: readonly NodeAddress[];
  /** The data nodes' password, if any. */
  readonly password: string | undefined;
  /** The sentinels' password, if any. */
  readonly sentinelPassword: string | undefined;
  /** The data node on `port` (throws if there is none). */
  node(port: number): SentinelNodeHandle;
  /** The primary every running sentinel agrees on (waits for the agreement, up to 30 s). */
  primary(): Promise<SentinelNodeHandle>;
  /** The running replicas that replicate from the primary with their link up. */
  replicas(): Promise<SentinelNodeHandle[]>;
  /**
   * `SENTINEL FAILOVER`: promotes a replica, waits until every sentinel names it, turns the old
   * primary into its replica at once (Sentinel itself waits ~10 s for that), waits until the
   * topology is healthy, and resolves with the new primary.
   */
  failover(): Promise<SentinelNodeHandle>;
  /**
   * SIGKILLs the primary and waits until every running sentinel names a promoted replica that
   * reports `role:master`. The killed node stays down until {@link restore}.
   */
  killPrimary(): Promise<{ killed: SentinelNodeHandle; primary: SentinelNodeHandle }>;
  /** Restarts every stopped data node as a replica of the primary and waits until healthy. */
  restore(): Promise<void>;
  /**
   * Waits until every running sentinel names the same running primary and sees the other
   * sentinels, and every other running data node replicates from it with its link up.
   */
  waitForHealthy(timeoutMs?: number): Promise<void>;
  /** `FLUSHALL` on the primary, and waits for the replicas to have it. */
  flushAll(): Promise<void>;
  /** Stops every process (sentinels first). */
  stop(): Promise<void>;
}

const SENTINEL_START_ATTEMPTS = 3;

/**
 * Starts a Sentinel topology on free ports of 127.0.0.1: a primary and `replicas` replicas
 * (no persistence, diskless sync without delay), then `sentinels` sentinel processes
 * (`redis-server --sentinel`) that know each other and the replicas from the start, with
 * test-short timings (`down-after-milliseconds` 1000). Resolves once the sentinels agree.
 */
export async function startSentinel(options: StartSentinelOptions = {}): Promise<RedisSentinelHandle> {
  const replicaCount = options.replicas ?? 2;
  const sentinelCount = options.sentinels ?? 3;
  const timeout = options.timeout ?? 60_000;
  const dataOptions = {
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.users === undefined ? {} : { users: options.users }),
    args: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', ...(options.args ?? [])],
  };
  const servers = await startServers(Array.from({ length: 1 + replicaCount }, () => dataOptions));
  const topology = new TestSentinel(options, servers.map(handleOf));
  try {
    await topology.form(sentinelCount, timeout);
  } catch (error) {
    await topology.stop();
    throw error;
  }
  return topology;
}

function handleOf(server: RedisServerHandle): SentinelNodeHandle {
  return { host: server.host, port: server.port, server };
}

class TestSentinel implements RedisSentinelHandle {
  readonly name: string;
  readonly nodes: readonly SentinelNodeHandle[];
  readonly password: string | undefined;
  readonly sentinelPassword: string | undefined;
  readonly #options: StartSentinelOptions;
  #sentinels: SentinelNodeHandle[] = [];

  constructor(options: StartSentinelOptions, nodes: readonly SentinelNodeHandle[]) {
    this.#options = options;
    this.name = options.name ?? 'keel';
    this.nodes = nodes;
    this.password = options.password;
    this.sentinelPassword = options.sentinelPassword;
  }

  get sentinels(): readonly SentinelNodeHandle[] {
    return this.#sentinels;
  }

  get sentinelAddresses(): readonly NodeAddress[] {
    return this.#sentinels.map(({ host, port }) => ({ host, port }));
  }

  node(port: number): SentinelNodeHandle {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (node === undefined) throw new Error(`No data node on port ${port}`);
    return node;
  }

  /** Attaches the replicas, then starts sentinels that know each other, and waits for agreement. */
  async form(sentinelCount: number, timeout: number): Promise<void> {
    const [primary, ...replicas] = this.nodes;
    if (primary === undefined) throw new Error('A Sentinel topology needs a primary');
    await Promise.all(replicas.map((replica) => this.#replicate(replica, primary)));
    await waitUntil(
      async () =>
        (await Promise.all(replicas.map((replica) => this.#linkedTo(replica, primary)))).every(Boolean),
      { timeout, what: 'every replica in sync with the primary' },
    );
    for (let attempt = 1; ; attempt++) {
      try {
        this.#sentinels = await this.#startSentinels(sentinelCount, primary, replicas);
        break;
      } catch (error) {
        // most likely a port taken meanwhile: try again with new ports
        if (attempt >= SENTINEL_START_ATTEMPTS) throw error;
      }
    }
    await this.waitForHealthy(timeout);
  }

  async primary(): Promise<SentinelNodeHandle> {
    return waitUntil(() => this.#agreedPrimary(), { what: 'the sentinels to agree on a primary' });
  }

  async replicas(): Promise<SentinelNodeHandle[]> {
    const primary = await this.primary();
    const linked = await Promise.all(
      this.nodes.map(
        async (node) => node !== primary && (await this.#linkedTo(node, primary).catch(() => false)),
      ),
    );
    return this.nodes.filter((_, index) => linked[index] === true);
  }

  async failover(): Promise<SentinelNodeHandle> {
    await this.waitForHealthy();
    const before = await this.primary();
    const [sentinel] = this.#running(this.#sentinels);
    if (sentinel === undefined) throw new Error('No sentinel is running');
    // NOGOODSLAVE / INPROG are transient (a replica not yet seen as in sync): ask again.
    await waitUntil(
      () =>
        withNode(sentinel, this.sentinelPassword, async (client) => {
          await client.call('SENTINEL', 'FAILOVER', this.name);
          return true;
        }),
      { what: `SENTINEL FAILOVER ${this.name} to be accepted` },
    );
    const promoted = await waitUntil(
      async () => {
        const primary = await this.#agreedPrimary();
        return primary !== undefined && primary !== before ? primary : undefined;
      },
      { what: `the sentinels to promote a replica instead of ${addressOf(before)}` },
    );
    await this.#replicate(before, promoted);
    await this.waitForHealthy();
    return promoted;
  }

  async killPrimary(): Promise<{ killed: SentinelNodeHandle; primary: SentinelNodeHandle }> {
    const killed = await this.primary();
    await killed.server.kill('SIGKILL');
    const primary = await waitUntil(
      async () => {
        const candidate = await this.#agreedPrimary();
        return candidate !== undefined && candidate !== killed ? candidate : undefined;
      },
      { timeout: 60_000, what: `the sentinels to promote a replica after ${addressOf(killed)} was killed` },
    );
    return { killed, primary };
  }

  async restore(): Promise<void> {
    const stopped = this.nodes.filter((node) => !node.server.running);
    if (stopped.length > 0) {
      const primary = await this.primary();
      for (const node of stopped) {
        await node.server.restart();
        await this.#replicate(node, primary);
      }
    }
    await this.waitForHealthy();
  }

  async waitForHealthy(timeoutMs = 60_000): Promise<void> {
    await waitUntil(() => this.#isHealthy(), { timeout: timeoutMs, what: 'a healthy Sentinel topology' });
  }

  async flushAll(): Promise<void> {
    const primary = await this.primary();
    const replicas = this.#running(this.nodes).length - 1;
    await withNode(primary, this.password, async (client) => {
      await client.flushall();
      if (replicas > 0) await client.call('WAIT', replicas, 5000);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.#sentinels.map((sentinel) => sentinel.server.stop()));
    await Promise.all(this.nodes.map((node) => node.server.stop()));
  }

  #running(nodes: readonly SentinelNodeHandle[]): SentinelNodeHandle[] {
    return nodes.filter((node) => node.server.running);
  }

  async #startSentinels(
    count: number,
    primary: SentinelNodeHandle,
    replicas: readonly SentinelNodeHandle[],
  ): Promise<SentinelNodeHandle[]> {
    const ports = new Set<number>();
    while (ports.size < count) ports.add(await findFreePort());
    const peers = [...ports].map((port) => ({ port, id: randomBytes(20).toString('hex') }));
    const quorum = this.#options.quorum ?? Math.floor(count / 2) + 1;
    const servers = await startServers(
      peers.map((self) => {
        const setting = (...words: (string | number)[]): string[] => ['--sentinel', ...words.map(String)];
        const args = [
          '--sentinel',
          ...setting('myid', self.id),
          ...setting('monitor', this.name, primary.host, primary.port, quorum),
          ...setting('down-after-milliseconds', this.name, this.#options.downAfterMs ?? 1000),
          ...setting('failover-timeout', this.name, this.#options.failoverTimeoutMs ?? 3000),
          ...setting('parallel-syncs', this.name, Math.max(1, replicas.length)),
          ...(this.password === undefined ? [] : setting('auth-pass', this.name, this.password)),
          ...peers
            .filter((peer) => peer !== self)
            .flatMap((peer) => setting('known-sentinel', this.name, primary.host, peer.port, peer.id)),
          ...replicas.flatMap((replica) => setting('known-replica', this.name, replica.host, replica.port)),
        ];
        return {
          port: self.port,
          args,
          ...(this.sentinelPassword === undefined ? {} : { password: this.sentinelPassword }),
        };
      }),
    );
    return servers.map(handleOf);
  }

  async #replicate(node: SentinelNodeHandle, primary: SentinelNodeHandle): Promise<void> {
    await withNode(node, this.password, (client) => client.replicaof(primary.host, primary.port));
  }

  async #linkedTo(node: SentinelNodeHandle, primary: NodeAddress): Promise<boolean> {
    const info = await replicationOf(node, this.password);
    return (
      info.get('role') === 'slave' &&
      info.get('master_host') === primary.host &&
      Number(info.get('master_port')) === primary.port &&
      info.get('master_link_status') === 'up'
    );
  }

  async #views(): Promise<SentinelView[]> {
    return Promise.all(
      this.#running(this.#sentinels).map((sentinel) =>
        sentinelViewOf(sentinel, this.sentinelPassword, this.name),
      ),
    );
  }

  /** The running data node every running sentinel names as the primary and that says it is one. */
  async #agreedPrimary(): Promise<SentinelNodeHandle | undefined> {
    const views = await this.#views();
    const addresses = new Set(views.map((view) => (view.master === undefined ? '' : addressOf(view.master))));
    if (views.length === 0 || addresses.size !== 1) return undefined;
    const node = this.nodes.find((candidate) => addresses.has(addressOf(candidate)));
    if (node?.server.running !== true) return undefined;
    const info = await replicationOf(node, this.password);
    return info.get('role') === 'master' ? node : undefined;
  }

  async #isHealthy(): Promise<boolean> {
    const primary = await this.#agreedPrimary();
    if (primary === undefined) return false;
    const views = await this.#views();
    const sentinels = this.#running(this.#sentinels).length;
    for (const view of views) {
      if (!flagsHealthy(view.masterInfo.get('flags'))) return false;
      if (Number(view.masterInfo.get('num-other-sentinels')) < sentinels - 1) return false;
    }
    for (const node of this.#running(this.nodes)) {
      if (node === primary) continue;
      if (!(await this.#linkedTo(node, primary))) return false;
      const seen = views.every((view) =>
        view.replicas.some(
          (replica) =>
            replica.get('ip') === node.host &&
            Number(replica.get('port')) === node.port &&
            flagsHealthy(replica.get('flags')),
        ),
      );
      if (!seen) return false;
    }
    return true;
  }
}
