// CacheOpRunner: sends the cache's ops to Redis (or queues them on a `conn`), through the near cache when it is on.
import type { BoundCounter } from '@keel/core';
import type { RedisClient } from '../transport/redis-client.js';
import { attempt } from './attempt.js';
import type { TypeToken } from './codec/type-token.js';
import type { CacheOp } from './cache-op.js';
import { countingDecodeErrors, countRead, type ReadCounts } from './cache-prometheus.js';
import type { ValueOf } from './cache-types.js';
import { executeCommands } from './execute-commands.js';
import type { NearCache } from './near-cache/near-cache.js';
import { writtenKeys } from './near-cache/written-keys.js';
import { queueCommand, sendCommand, type RedisArg, type RedisConn } from './redis-command.js';
import { setWrote } from './string-ops.js';
import { decodeOrNull } from './value-coding.js';

/** What a {@link CacheOpRunner} sends through. */
export interface CacheOpRunnerParts {
  /** The transport's client. */
  readonly client: () => RedisClient;
  /** The near cache, while it is on. */
  readonly near: () => NearCache | undefined;
  /** Counts the values that fail to decode. */
  readonly decodeErrors: BoundCounter;
}

/**
 * How `RedisCache` runs its ops: single-value reads (through the near cache, when it is on),
 * ops queued on a caller's `conn`, and ops sent at once (one command as is, several in
 * pipelines per node), dropping the near-cache entries of the keys they write.
 */
export class CacheOpRunner {
  readonly #parts: CacheOpRunnerParts;

  constructor(parts: CacheOpRunnerParts) {
    this.#parts = parts;
  }

  /**
   * Reads and decodes one value: every single-value read (`get`, the first look of `getOrSet`)
   * goes through here — the place for an in-process near cache. (Queued and pipelined reads use
   * `getOp` instead.) Counts a hit or a miss on `counts`.
   */
  readOne<K extends TypeToken | undefined>(
    key: string,
    type: K,
    counts: ReadCounts,
  ): Promise<ValueOf<K> | null> {
    const near = this.#parts.near();
    const bytes = near === undefined ? this.#parts.client().getBuffer(key) : near.getValue(key);
    return bytes.then((value) => this.#decode(countRead(counts, value), type, key));
  }

  /** Reads and decodes one hash field: every `hget` goes through here (near-cache seam). */
  readField<K extends TypeToken | undefined>(
    key: string,
    field: string,
    type: K,
  ): Promise<ValueOf<K> | null> {
    const near = this.#parts.near();
    const bytes =
      near === undefined ? this.#parts.client().hgetBuffer(key, field) : near.getField(key, field);
    return bytes.then((value) => this.#decode(value, type, key));
  }

  /**
   * Sends one `SET` without GET (its `setArgs`) and resolves with whether it wrote: the
   * most common write, sent straight to the client without an op. Its key is dropped from the
   * near cache as {@link run} does.
   */
  set(key: string, args: readonly RedisArg[]): Promise<boolean> {
    const send = (): Promise<boolean> =>
      this.#parts
        .client()
        .call('set', ...args)
        .then(setWrote);
    const near = this.#parts.near();
    return near === undefined ? send() : dropAround(near, [key], send);
  }

  /** Runs an op, or with `conn` queues it and resolves with `undefined`. */
  run<T>(op: CacheOp<T>, conn: RedisConn | undefined): Promise<T | undefined> {
    if (conn === undefined) return this.#exec(op);
    return attempt(() => {
      for (const command of op.commands) queueCommand(conn, command);
      return Promise.resolve(undefined);
    });
  }

  /** Runs an op; with the near cache on, first drops the keys it writes (see {@link #send}). */
  #exec<T>(op: CacheOp<T>): Promise<T> {
    const near = this.#parts.near();
    if (near === undefined) return this.#send(op);
    const keys = writtenKeys(op.commands);
    if (keys.length === 0) return this.#send(op);
    return dropAround(near, keys, () => this.#send(op));
  }

  /** Sends an op: one command as is, several in pipelines (per node in a cluster). */
  #send<T>(op: CacheOp<T>): Promise<T> {
    const command = op.commands[0];
    const client = this.#parts.client();
    const { decodeErrors } = this.#parts;
    const { finishValue } = op;
    if (finishValue !== undefined && command !== undefined) {
      return sendCommand(client, command).then((reply) =>
        countingDecodeErrors(decodeErrors, () => finishValue(reply)),
      );
    }
    return executeCommands(client, op.commands).then((replies) =>
      countingDecodeErrors(decodeErrors, () => op.finish(replies)),
    );
  }

  #decode<K extends TypeToken | undefined>(value: Buffer | null, type: K, key: string): ValueOf<K> | null {
    return countingDecodeErrors(this.#parts.decodeErrors, () => decodeOrNull(value, type, key));
  }
}

/**
 * Runs the write `send`, dropping `keys` from the near cache before it and again once it settled:
 * a read racing the write cannot keep the old value.
 */
function dropAround<T>(near: NearCache, keys: readonly string[], send: () => Promise<T>): Promise<T> {
  near.invalidate(keys);
  return send().finally(() => {
    near.invalidate(keys);
  });
}
