import type { RedisClient } from '../transport/redis-client.js';
import type { ForwardedEvent } from './forwarded-event.js';
import { SinkSendError } from './forwarder-errors.js';
import type { KeyspaceSink } from './keyspace-sink.js';

/** Options of a {@link StreamSink}. */
export interface StreamSinkOptions {
  /** The stream key. */
  readonly stream: string;
  /** `XADD … MAXLEN ~ maxLen`; `0`: no trimming. */
  readonly maxLen: number;
}

/**
 * Sends events to a Redis stream: one pipelined `XADD <stream> [MAXLEN ~ n] * db <db> event
 * <event> key <key> ts <ts>` per event, in one round trip per batch. Any consumer (a consumer
 * group, `XREAD`, `RedisListener` with a custom handler) reads the plain fields.
 */
export class StreamSink implements KeyspaceSink {
  readonly name = 'stream';
  readonly #client: RedisClient;
  readonly #options: StreamSinkOptions;

  constructor(client: RedisClient, options: StreamSinkOptions) {
    this.#client = client;
    this.#options = options;
  }

  get ready(): boolean {
    return this.#client.status === 'ready';
  }

  async send(batch: readonly ForwardedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    const { stream, maxLen } = this.#options;
    const pipeline = this.#client.pipeline();
    for (const event of batch) {
      const fields = ['db', String(event.db), 'event', event.event, 'key', event.key, 'ts', String(event.ts)];
      if (maxLen > 0) pipeline.xadd(stream, 'MAXLEN', '~', maxLen, '*', ...fields);
      else pipeline.xadd(stream, '*', ...fields);
    }
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      throw new SinkSendError(this.name, 0, error);
    }
    if (results === null) throw new SinkSendError(this.name, 0, new Error('pipeline was not executed'));
    const failed = results.findIndex(([error]) => error !== null);
    if (failed >= 0) throw new SinkSendError(this.name, failed, results[failed]?.[0]);
  }

  close(): Promise<void> {
    // The connection belongs to the transport.
    return Promise.resolve();
  }
}
