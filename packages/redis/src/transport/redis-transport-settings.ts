import { defineSettings, type SettingsSpec } from '@keel/core';
import typia, { type tags } from 'typia';
import { withSentinelChecks } from './sentinel-settings-checks.js';

/** One Redis node address. */
export interface RedisNodeAddress {
  host: string;
  port: number & tags.Type<'uint32'> & tags.Minimum<1> & tags.Maximum<65535>;
}

/** TLS options, passed to `tls.connect` (PEM strings). */
export interface RedisTlsSettings {
  /** Trusted CA certificate(s); default: the system store. */
  ca?: string | string[];
  /** Client certificate, for mutual TLS. */
  cert?: string;
  /** Private key of the client certificate. */
  key?: string;
  /** Server name for SNI and certificate checks; default: the host. */
  servername?: string;
  /**
   * Reject servers whose certificate does not verify.
   * @default true
   */
  rejectUnauthorized?: boolean;
}

/** Settings of {@link RedisTransportService}. */
export interface RedisTransportSettings {
  /**
   * Connection URL, `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS. Host, port,
   * credentials and db found in the URL take precedence over the separate settings. In cluster
   * mode it names one seed node (when `nodes` is unset). For Sentinel:
   * `redis+sentinel://[user:password@]host[:port][,host[:port]…]/<sentinelName>[/<db>]`
   * (`rediss+sentinel://` for TLS; sentinel ports default to 26379); its sentinels, name,
   * credentials (of the data nodes) and db take precedence over `sentinels`, `sentinelName`,
   * `username`/`password` and `db`.
   */
  url?: string;
  /**
   * Server host (standalone), or the seed node in cluster mode when `nodes` is unset.
   * @default "localhost"
   */
  host: string;
  /**
   * Server port.
   * @default 6379
   */
  port: number & tags.Type<'uint32'> & tags.Minimum<1> & tags.Maximum<65535>;
  /** ACL user name (Redis 6+); unset: the `default` user. */
  username?: string;
  /** Password (`AUTH`); never logged nor put in error messages. */
  password?: string;
  /**
   * Database index (standalone only; a cluster has only db 0).
   * @default 0
   */
  db: number & tags.Type<'uint32'>;
  /**
   * Connect to a Redis Cluster (ioredis `Cluster`) instead of a single server.
   * @default false
   */
  cluster: boolean;
  /**
   * Cluster seed nodes, as `{ host, port }` or `"host:port"`; the rest of the cluster is
   * discovered from them. Default: the one node given by `url` or `host`/`port`.
   */
  nodes?: (RedisNodeAddress | string)[];
  /**
   * Redis Sentinel addresses, as `{ host, port }` or `"host:port"`: the transport asks them for
   * the current primary of `sentinelName` (and learns the other sentinels from them), and
   * follows failovers: every connection moves to the new primary. Excludes `cluster`.
   */
  sentinels?: (RedisNodeAddress | string)[];
  /** The master group name the sentinels monitor (`sentinel monitor <name> …`); required with `sentinels`. */
  sentinelName?: string;
  /** ACL user name on the sentinels (the data nodes use `username`). */
  sentinelUsername?: string;
  /** Password of the sentinels themselves (their `requirepass`; the data nodes use `password`). */
  sentinelPassword?: string;
  /**
   * With sentinels: `master` connects to the primary; `replica` to one of its replicas, for
   * read-only uses (reads that may lag behind, keyspace watching). Services that write
   * (cache, locks, stream listener and client, forwarder) refuse a replica
   * transport at init with `REDIS_TRANSPORT_READ_ONLY`.
   * @default "master"
   */
  role: 'master' | 'replica';
  /** `true` for TLS with the system CAs, or TLS options; unset: plain TCP (unless `rediss://`). */
  tls?: boolean | RedisTlsSettings;
  /**
   * Bound on connecting at init, in ms: the whole init (connect, retries, `PING`) fails with
   * `REDIS_CONNECT_FAILED` when it is not done by then. Also the TCP connect timeout of later
   * reconnects.
   * @default 5000
   */
  connectTimeout: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Enables client-side caching (Redis client tracking) in services that support it, such as
   * the near cache of `RedisCache`. The transport itself only carries the flag.
   * @default false
   */
  tracking: boolean;
  /**
   * Sends the commands of one tick in one socket write (`cork`/`uncork`) instead of one write
   * each: the same bytes, fewer system calls. Off: ioredis's one write per command.
   * @default true
   */
  coalesceWrites: boolean;
  /** Client name (`CLIENT SETNAME`) of every connection, shown by `CLIENT LIST`. */
  name?: string;
}

/** Settings declaration of {@link RedisTransportService}. */
export const redisTransportSettings: SettingsSpec<RedisTransportSettings> =
  defineSettings<RedisTransportSettings>({
    validate: withSentinelChecks(typia.createValidateEquals<Partial<RedisTransportSettings>>()),
    keys: typia.misc.literals<keyof RedisTransportSettings>(),
    defaults: {
      host: 'localhost',
      port: 6379,
      db: 0,
      cluster: false,
      connectTimeout: 5000,
      tracking: false,
      coalesceWrites: true,
      role: 'master',
    },
  });
