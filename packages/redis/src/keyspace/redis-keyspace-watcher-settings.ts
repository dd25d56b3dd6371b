import { defineSettings, type SettingsSpec } from '@keel/core';
import typia, { type tags } from 'typia';

/** Settings of {@link RedisKeyspaceWatcher}. */
export interface RedisKeyspaceWatcherSettings {
  /** Name of the `RedisTransportService` to use (the only one when unset). */
  transport?: string;
  /**
   * Key globs to watch (Redis glob syntax: `*`, `?`, `[abc]`, `\x`); a key matching several is
   * reported once.
   * @default ["*"]
   */
  patterns: (string & tags.MinLength<1>)[];
  /**
   * Event classes, as `notify-keyspace-events` flags: `A` (all of `g$lshzxetd`) or any of
   * `g` generic, `$` string, `l` list, `s` set, `h` hash, `z` sorted set, `x` expired,
   * `e` evicted, `t` stream, `d` module, `m` key miss, `n` new key (`K`/`E` are ignored).
   * @default "A"
   */
  events: string & tags.Pattern<'^[AKEg$lshzxetdmn]+$'>;
  /** Database to watch (standalone). Default: the transport's db. */
  db?: number & tags.Type<'uint32'>;
  /**
   * `get`: read each string key's value (pipelined `GET`) before the callbacks run; `none`:
   * callbacks get `null`. Non-string keys always give `null` (see `info.valueKind`).
   * @default "get"
   */
  fetchValue: 'none' | 'get';
  /** Stop after exactly this many events. Default (unset or null): never. */
  count?: (number & tags.Type<'uint32'> & tags.Minimum<1>) | null;
  /**
   * `merge`: add the flags the watcher needs to each node's `notify-keyspace-events`, never
   * removing the server's own; `never`: only check, and fail with `KEYSPACE_EVENTS_DISABLED`.
   * @default "merge"
   */
  configure: 'merge' | 'never';
  /**
   * Events whose callbacks may run at once (one key's events always run in order).
   * @default 64
   */
  concurrency: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Accepted but unfinished events at which reading from Redis pauses (back-pressure).
   * @default 10000
   */
  maxPending: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Cluster: period of the topology check (`CLUSTER NODES`), in ms.
   * @default 1000
   */
  topologyCheckMs: number & tags.Type<'uint32'> & tags.Minimum<50>;
  /**
   * Cluster: bound on a failover handover waiting for its fences, in ms.
   * @default 5000
   */
  handoverTimeoutMs: number & tags.Type<'uint32'> & tags.Minimum<100>;
}

/** Settings declaration of {@link RedisKeyspaceWatcher}. */
export const redisKeyspaceWatcherSettings: SettingsSpec<RedisKeyspaceWatcherSettings> =
  defineSettings<RedisKeyspaceWatcherSettings>({
    validate: typia.createValidateEquals<Partial<RedisKeyspaceWatcherSettings>>(),
    keys: typia.misc.literals<keyof RedisKeyspaceWatcherSettings>(),
    defaults: {
      patterns: ['*'],
      events: 'A',
      fetchValue: 'get',
      configure: 'merge',
      concurrency: 64,
      maxPending: 10_000,
      topologyCheckMs: 1000,
      handoverTimeoutMs: 5000,
    },
  });
