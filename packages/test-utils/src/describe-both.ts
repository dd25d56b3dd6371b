import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import {
  RedisTransportService,
  redisTransportSettings,
  type RedisClient,
  type RedisServerHandle,
  type RedisTransportSettings,
} from './keel-redis.js';
import { startCluster, type RedisClusterHandle } from './start-cluster.js';
import { startRedis } from './start-redis.js';
import type { NodeAddress } from './sentinel-admin.js';
import { startSentinel, type RedisSentinelHandle } from './start-sentinel.js';
import { testAppContext } from './test-app-context.js';

/** Which kind of Redis a {@link RedisTarget} is. */
export type RedisMode = 'standalone' | 'cluster' | 'sentinel';

/** Every mode, the default of {@link describeBoth}. */
export const REDIS_MODES: readonly RedisMode[] = ['standalone', 'cluster', 'sentinel'];

/** Servers a {@link describeBoth} block runs against. */
export interface RedisTargetOptions {
  /** Password of the default user (of the data nodes, in sentinel mode). */
  readonly password?: string;
  /** Sentinel mode: the password the sentinel processes require. */
  readonly sentinelPassword?: string;
  /** ACL users (`alice on >pw ~* +@all`). */
  readonly users?: readonly string[];
  /** Extra `redis-server` arguments. */
  readonly args?: readonly string[];
}

/**
 * The Redis a {@link describeBoth} body runs against. Its members may be used inside tests
 * and hooks (after the block's `beforeAll` started the servers), not while collecting.
 */
export interface RedisTarget {
  readonly mode: RedisMode;
  /** The standalone server (throws in cluster mode). */
  readonly server: RedisServerHandle;
  /** The cluster (throws in the other modes). */
  readonly cluster: RedisClusterHandle;
  /** The Sentinel topology (throws in the other modes). */
  readonly sentinel: RedisSentinelHandle;
  /** The password the servers require, if any. */
  readonly password: string | undefined;
  /**
   * The address a transport connects to first: the server, the first cluster seed, or the first
   * sentinel.
   */
  readonly seed: NodeAddress;
  /**
   * A url for the transport's `url` setting: `redis://[user:password@]host:port` (the server,
   * or a cluster seed), or `redis+sentinel://[user:password@]sentinel,…/<name>`.
   */
  url(credentials?: { readonly username?: string; readonly password?: string }): string;
  /** Every running data node (standalone: the server; Sentinel: the primary and its replicas). */
  nodes(): Promise<NodeAddress[]>;
  /** The masters now: the server, every cluster master, or the Sentinel primary. */
  masters(): Promise<NodeAddress[]>;
  /** Complete RedisTransportService settings pointing at the target, with `overrides`. */
  transportSettings(overrides?: Partial<RedisTransportSettings>): RedisTransportSettings;
  /** A raw ioredis client (Redis or Cluster) for assertions; closed after the block. */
  client(): RedisClient;
  /**
   * A new RedisTransportService for the target (`name` `redis`, silent test logger), already
   * initialised; closed after the block.
   */
  transport(overrides?: Partial<RedisTransportSettings>): Promise<RedisTransportService>;
  /** `FLUSHALL` on every master. */
  flush(): Promise<void>;
}

type Started = RedisServerHandle | RedisClusterHandle | RedisSentinelHandle;

/** Servers shared by every block of one test file (vitest gives each file its own modules). */
const shared = new Map<string, Promise<Started>>();
let teardownRegistered = false;

function acquire(mode: RedisMode, options: RedisTargetOptions): Promise<Started> {
  const key = `${mode}:${JSON.stringify(options)}`;
  let entry = shared.get(key);
  if (entry === undefined) {
    entry =
      mode === 'standalone'
        ? startRedis(serverOptions(options))
        : mode === 'cluster'
          ? startCluster(serverOptions(options))
          : startSentinel(options);
    shared.set(key, entry);
  }
  return entry;
}

/** The options of a standalone server or cluster node (no sentinel settings). */
function serverOptions(options: RedisTargetOptions): Omit<RedisTargetOptions, 'sentinelPassword'> {
  const { sentinelPassword: _, ...rest } = options;
  return rest;
}

async function releaseAll(): Promise<void> {
  const entries = [...shared.values()];
  shared.clear();
  await Promise.all(
    entries.map(async (entry) => {
      try {
        await (await entry).stop();
      } catch {
        // a server that failed to start has nothing to stop
      }
    }),
  );
}

/**
 * Runs `body` once per Redis deployment shape: in `describe('<title> [standalone]')` against a
 * throwaway redis-server, in `describe('<title> [cluster]')` against a throwaway
 * 3-master/3-replica cluster, and in `describe('<title> [sentinel]')` against a primary with two
 * replicas behind three sentinels (`startSentinel`). `modes` picks some of them (default: all
 * three, {@link REDIS_MODES}; the name stays `describeBoth` from when there were two). The
 * servers start lazily in `beforeAll` and are shared by every block of the test file with the
 * same options; they stop after the file. Call it at the top level of a test file. A test that
 * kills or fails over a shared topology restores it (`target.sentinel.restore()`) or uses one of
 * its own (`startSentinel()`).
 *
 * ```ts
 * describeBoth('cache', (target) => {
 *   it('sets', async () => {
 *     const transport = await target.transport();
 *     await transport.client.set('k', 'v');
 *   });
 * });
 * ```
 */
export function describeBoth(
  title: string,
  body: (target: RedisTarget) => void,
  options: RedisTargetOptions & { readonly modes?: readonly RedisMode[] } = {},
): void {
  const { modes = REDIS_MODES, ...targetOptions } = options;
  if (!teardownRegistered) {
    teardownRegistered = true;
    afterAll(releaseAll);
  }
  for (const mode of modes) {
    describe(`${title} [${mode}]`, () => {
      const target = new Target(mode, targetOptions);
      beforeAll(async () => {
        await target.start();
      });
      afterAll(async () => {
        await target.dispose();
      });
      body(target);
    });
  }
}

class Target implements RedisTarget {
  readonly mode: RedisMode;
  readonly #options: RedisTargetOptions;
  #started: Started | undefined;
  #client: RedisClient | undefined;
  readonly #transports: RedisTransportService[] = [];

  constructor(mode: RedisMode, options: RedisTargetOptions) {
    this.mode = mode;
    this.#options = options;
  }

  async start(): Promise<void> {
    this.#started = await acquire(this.mode, this.#options);
  }

  get password(): string | undefined {
    return this.#options.password;
  }

  get server(): RedisServerHandle {
    if (this.mode !== 'standalone') throw new Error('target.server is only available in standalone mode');
    return this.#require() as RedisServerHandle;
  }

  get cluster(): RedisClusterHandle {
    if (this.mode !== 'cluster') throw new Error('target.cluster is only available in cluster mode');
    return this.#require() as RedisClusterHandle;
  }

  get sentinel(): RedisSentinelHandle {
    if (this.mode !== 'sentinel') throw new Error('target.sentinel is only available in sentinel mode');
    return this.#require() as RedisSentinelHandle;
  }

  get seed(): NodeAddress {
    const [first] =
      this.mode === 'standalone'
        ? [this.server]
        : this.mode === 'cluster'
          ? this.cluster.seeds
          : this.sentinel.sentinelAddresses;
    if (first === undefined) throw new Error('The Redis target has no address');
    return { host: first.host, port: first.port };
  }

  url(credentials: { readonly username?: string; readonly password?: string } = {}): string {
    const { username = '', password } = credentials;
    const userinfo =
      username === '' && password === undefined
        ? ''
        : `${encodeURIComponent(username)}${password === undefined ? '' : `:${encodeURIComponent(password)}`}@`;
    if (this.mode !== 'sentinel') return `redis://${userinfo}${this.seed.host}:${this.seed.port}`;
    const sentinels = this.sentinel.sentinelAddresses.map(({ host, port }) => `${host}:${port}`).join(',');
    return `redis+sentinel://${userinfo}${sentinels}/${encodeURIComponent(this.sentinel.name)}`;
  }

  async nodes(): Promise<NodeAddress[]> {
    if (this.mode === 'standalone') return [this.server];
    if (this.mode === 'cluster') return this.cluster.nodes.filter((node) => node.server.running);
    return [await this.sentinel.primary(), ...(await this.sentinel.replicas())];
  }

  async masters(): Promise<NodeAddress[]> {
    if (this.mode === 'standalone') return [this.server];
    if (this.mode === 'cluster') return this.cluster.masters();
    return [await this.sentinel.primary()];
  }

  transportSettings(overrides: Partial<RedisTransportSettings> = {}): RedisTransportSettings {
    const password = this.password === undefined ? {} : { password: this.password };
    if (this.mode === 'standalone') {
      const { host, port } = this.server;
      return { ...redisTransportSettings.defaults, host, port, ...password, ...overrides };
    }
    if (this.mode === 'sentinel') {
      const { sentinelPassword } = this.#options;
      return {
        ...redisTransportSettings.defaults,
        sentinels: this.sentinel.sentinelAddresses.map(({ host, port }) => ({ host, port })),
        sentinelName: this.sentinel.name,
        ...password,
        ...(sentinelPassword === undefined ? {} : { sentinelPassword }),
        ...overrides,
      };
    }
    const seeds = this.cluster.seeds.map(({ host, port }) => ({ host, port }));
    const [first] = seeds;
    return {
      ...redisTransportSettings.defaults,
      cluster: true,
      ...(first === undefined ? {} : { host: first.host, port: first.port }),
      nodes: seeds,
      ...password,
      ...overrides,
    };
  }

  client(): RedisClient {
    if (this.#client !== undefined) return this.#client;
    const password = this.password === undefined ? {} : { password: this.password };
    const { sentinelPassword } = this.#options;
    this.#client =
      this.mode === 'standalone'
        ? new Redis({ host: this.server.host, port: this.server.port, protocol: 2, ...password })
        : this.mode === 'cluster'
          ? new Cluster(
              this.cluster.seeds.map(({ host, port }) => ({ host, port })),
              { redisOptions: { protocol: 2, ...password } },
            )
          : new Redis({
              sentinels: this.sentinel.sentinelAddresses.map(({ host, port }) => ({ host, port })),
              name: this.sentinel.name,
              failoverDetector: true,
              protocol: 2,
              ...password,
              ...(sentinelPassword === undefined ? {} : { sentinelPassword }),
            });
    this.#client.on('error', () => undefined); // reconnects by itself (a test may kill a server)
    return this.#client;
  }

  async transport(overrides: Partial<RedisTransportSettings> = {}): Promise<RedisTransportService> {
    const app = testAppContext();
    const service = new RedisTransportService({
      app,
      name: 'redis',
      settings: this.transportSettings(overrides),
      logger: app.logger,
    });
    this.#transports.push(service);
    await service.init(AbortSignal.timeout(30_000));
    return service;
  }

  async flush(): Promise<void> {
    if (this.mode === 'standalone') await this.client().flushall();
    else if (this.mode === 'cluster') await this.cluster.flushAll();
    else await this.sentinel.flushAll();
  }

  async dispose(): Promise<void> {
    await Promise.all(this.#transports.splice(0).map((service) => service.close()));
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) {
      await client.quit().catch(() => undefined);
      client.disconnect();
    }
  }

  #require(): Started {
    if (this.#started === undefined) {
      throw new Error(
        'The Redis target is not started yet: use it inside tests or hooks, not while collecting',
      );
    }
    return this.#started;
  }
}
