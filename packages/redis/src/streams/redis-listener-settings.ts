import { defineSettings, type SettingsSpec } from '@keel/core';
import typia, { type tags } from 'typia';

/** A scope as written in config: a name (any of these spellings) or kaiju's numeric value. */
export type ScopeSetting = 'SYSTEM' | 'USER' | 'GUEST' | 'system' | 'user' | 'guest' | 0 | 100 | 1000;

/** A topic name: one key part (no `.`), without braces (they would change the cluster slot). */
export type TopicName = string & tags.MinLength<1> & tags.Pattern<'^[^.{}]+$'>;

/** Settings of {@link RedisListener} (kaiju's names; snake_case works too). */
export interface RedisListenerSettings {
  /**
   * The topic to consume: the stream is `<env>.<app>._stream.<topic>`.
   * @default "rpc"
   */
  topic: TopicName;
  /** Consumer group; unset: the app name (kaiju: `[main_name]`). */
  groupId?: string & tags.MinLength<1>;
  /** This consumer's name in the group; unset: the app instance id, unique per process. */
  consumerId?: string & tags.MinLength<1>;
  /**
   * Entries read per `XREADGROUP` (`COUNT`); the messages of a batch run concurrently. With
   * `maxBatchSize: 1` and `maxParallelBatches: 1` messages run one at a time.
   * @default 10
   */
  maxBatchSize: number & tags.Type<'uint32'> & tags.Minimum<1> & tags.Maximum<10000>;
  /**
   * How long one read blocks waiting for new entries (`BLOCK`), in ms. Also bounds how long
   * `close()` waits for the read in progress.
   * @default 500
   */
  maxWaitTimeMs: number & tags.Type<'uint32'> & tags.Minimum<1> & tags.Maximum<600000>;
  /**
   * Claim entries that stayed pending (delivered, not acknowledged) for this long, in ms, with
   * `XAUTOCLAIM`, and process them — entries of crashed consumers and retried failures. `null`:
   * no claiming; a failed message is then dead-lettered at once. Keep it well above the time a
   * message takes to process, or live messages are processed twice.
   * @default null
   */
  pendingMessagesTimeMs: (number & tags.Type<'uint32'> & tags.Minimum<1>) | null;
  /**
   * Trim-by-size: keep about this many entries (`XTRIM MAXLEN ~`), processed or not. Not used
   * when `trimDelivered` is on.
   * @default 10000000
   */
  trimSize: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Trim entries every consumer group has received and acknowledged (never one a group still
   * needs); replaces trim-by-size. Do not use it for a stream you want to re-read.
   * @default true
   */
  trimDelivered: boolean;
  /**
   * The scope every message of this stream runs with (`SYSTEM`, `USER`, `GUEST`). Messages
   * carry no credentials: use `SYSTEM` only for streams that only trusted apps can write.
   * @default "GUEST"
   */
  scope: ScopeSetting;
  /** Consume `<env>._shared._stream.<topic>` instead of the app's own stream. @default false */
  shared: boolean;
  /**
   * How many batches may be processed at once; the next read starts while earlier batches
   * still run.
   * @default 1
   */
  maxParallelBatches: number & tags.Type<'uint32'> & tags.Minimum<1> & tags.Maximum<1000>;
  /**
   * How many times a message may be delivered; a message that failed (or whose consumer died)
   * that often goes to the dead-letter stream.
   * @default 5
   */
  maxDeliveries: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /** Name of the RedisTransportService to use (the only one when unset). */
  transport?: string;
  /**
   * Name of the RedisLocksService that keeps the pause lock (the only one when unset). Without
   * one, the listener keeps the lock in a plain key the same way.
   */
  locks?: string;
}

export const redisListenerSettings: SettingsSpec<RedisListenerSettings> =
  defineSettings<RedisListenerSettings>({
    validate: typia.createValidateEquals<Partial<RedisListenerSettings>>(),
    keys: typia.misc.literals<keyof RedisListenerSettings>(),
    defaults: {
      topic: 'rpc',
      maxBatchSize: 10,
      maxWaitTimeMs: 500,
      pendingMessagesTimeMs: null,
      trimSize: 10_000_000,
      trimDelivered: true,
      scope: 'GUEST',
      shared: false,
      maxParallelBatches: 1,
      maxDeliveries: 5,
    },
  });
