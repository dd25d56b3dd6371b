import type { RedisClient } from '../transport/redis-client.js';

interface PendingAck {
  readonly ids: readonly string[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Acknowledgements of the batches that finish during one turn of the event loop, sent together
 * as one `XACK` (one command, one socket write) when the turn ends. Each `ack()` still resolves
 * or rejects with the outcome of that `XACK`.
 */
export class AckBatcher {
  readonly #client: RedisClient;
  readonly #stream: string;
  readonly #group: string;
  #queue: PendingAck[] = [];

  constructor(client: RedisClient, stream: string, group: string) {
    this.#client = client;
    this.#stream = stream;
    this.#group = group;
  }

  /** Queues `ids` for `XACK`; resolves once Redis acknowledged them, rejects when the command failed. */
  ack(ids: readonly string[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ids, resolve, reject });
      if (this.#queue.length === 1) {
        setImmediate(() => {
          this.#send();
        });
      }
    });
  }

  #send(): void {
    const queue = this.#queue;
    this.#queue = [];
    const ids = queue.length === 1 ? (queue[0]?.ids ?? []) : queue.flatMap((pending) => pending.ids);
    this.#client.xack(this.#stream, this.#group, ...ids).then(
      () => {
        for (const pending of queue) pending.resolve();
      },
      (error: unknown) => {
        for (const pending of queue) pending.reject(error);
      },
    );
  }
}
