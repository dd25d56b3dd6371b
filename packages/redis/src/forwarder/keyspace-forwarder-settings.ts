import { defineSettings, type SettingsSpec } from '@keel/core';
import typia, { type tags } from 'typia';

/** Settings of {@link KeyspaceForwarder}. */
export interface KeyspaceForwarderSettings {
  /** Name of the `RedisTransportService` watched (and holding the stream and fallback list); unset: the only one. */
  transport?: string;
  /** Name of the `RedisLocksService` used for leader election; unset: the only one. */
  locks?: string;
  /**
   * Event classes to forward, as `notify-keyspace-events` flags: `A` (all of `g$lshzxetd`) or
   * any of `g` generic, `$` string, `l` list, `s` set, `h` hash, `z` sorted set, `x` expired,
   * `e` evicted, `t` stream, `d` module.
   * @default "A"
   */
  events: string & tags.Pattern<'^[Ag$lshzxetd]+$'>;
  /**
   * Key masks in the simple syntax (`c` literal, `.` any character, `^` start, `$` end, `*`
   * zero or more of the previous character), OR-ed; `ALL` (anywhere in the list) forwards every key.
   * @default ["ALL"]
   */
  masks: (string & tags.MinLength<1>)[];
  /** Database watched (standalone); default: the transport's db. */
  db?: number & tags.Type<'uint32'>;
  /**
   * `stream`: XADD to a Redis stream; any other value (e.g. `amqp`): the sink of the
   * `KeyspaceSinkService` named by `sinkService` (or the only one).
   * @default "stream"
   */
  sink: string & tags.MinLength<1>;
  /** Name of the sink provider service (e.g. an `AmqpSink`) when `sink` is not `stream`; unset: the only one. */
  sinkService?: string;
  /** Stream key of the `stream` sink; default (null): `<env>.<app>.keyspace_events`. */
  stream?: string | null;
  /**
   * `XADD … MAXLEN ~ maxLen` on the stream; `0`: no trimming.
   * @default 1000000
   */
  maxLen: number & tags.Type<'uint32'>;
  /**
   * Message body for sinks with a body (AMQP): `json` → `{"db","event","key","ts"}`, `text` →
   * `db\nevent\nkey`.
   * @default "json"
   */
  format: 'json' | 'text';
  /**
   * Fallback list while the sink is unreachable: `> 0` keeps at most that many events (the
   * oldest are dropped), `0` unlimited, `< 0` no fallback (undeliverable events are dropped).
   * @default 10000000
   */
  fallbackStorageSize: number & tags.Type<'int32'>;
  /** Key of the fallback list; default (null): `<env>.<app>.keyspace_fallback`. */
  fallbackKey?: string | null;
  /** Key of the leader lock; default (null): `<env>.<app>.keyspace_forwarder.leader`. */
  lockKey?: string | null;
  /**
   * Time to live of the leader lock in ms (renewed every third of it). A crashed leader is
   * replaced after at most this long.
   * @default 10000
   */
  lockTtlMs: number & tags.Type<'uint32'> & tags.Minimum<100>;
  /**
   * Largest batch sent to the sink at once.
   * @default 500
   */
  batchSize: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Events held in memory at which reading keyspace events pauses (back-pressure).
   * @default 50000
   */
  maxPending: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * First delay before retrying an unreachable sink, in ms (doubles on each failure).
   * @default 100
   */
  retryMinMs: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Longest delay between sink retries, in ms.
   * @default 5000
   */
  retryMaxMs: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * `merge`: add the flags needed to `notify-keyspace-events`; `never`: only check.
   * @default "merge"
   */
  configure: 'merge' | 'never';
}

/** Settings declaration of {@link KeyspaceForwarder}. */
export const keyspaceForwarderSettings: SettingsSpec<KeyspaceForwarderSettings> =
  defineSettings<KeyspaceForwarderSettings>({
    validate: typia.createValidateEquals<Partial<KeyspaceForwarderSettings>>(),
    keys: typia.misc.literals<keyof KeyspaceForwarderSettings>(),
    defaults: {
      events: 'A',
      masks: ['ALL'],
      sink: 'stream',
      maxLen: 1_000_000,
      format: 'json',
      fallbackStorageSize: 10_000_000,
      lockTtlMs: 10_000,
      batchSize: 500,
      maxPending: 50_000,
      retryMinMs: 100,
      retryMaxMs: 5000,
      configure: 'merge',
    },
  });
