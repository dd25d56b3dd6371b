import {
  isJsonRpcError,
  type JsonRpcErrorResponse,
  type JsonRpcResponse,
  type JsonRpcSuccessResponse,
  type Logger,
  RpcError,
} from '@keel/core';
import type { RedisClient } from '../transport/redis-client.js';
import { Backoff } from './backoff.js';
import { CORRELATION_ID_HEADER, headerValue } from './rpc-reply.js';
import { sleep } from './sleep.js';
import { parseReadGroupReply } from './stream-replies.js';
import { decodeStreamMessage, messagePayload } from './wire-format.js';

/** How long one read of the reply stream blocks, in ms (also bounds `close()`). */
const REPLY_BLOCK_MS = 1_000;
/** Replies read per `XREAD`. */
const REPLY_READ_COUNT = 1_000;

interface Waiter {
  resolve(result: unknown): void;
  reject(error: Error): void;
  readonly onReply: ReplyObserver | undefined;
}

/** Sees the reply entry of a request (its id and headers) before the request settles. */
export type ReplyObserver = (entryId: string, headers: Readonly<Record<string, unknown>>) => void;

/**
 * Reads one client's reply stream with a single blocking `XREAD` loop on its own connection and
 * hands each reply to the request waiting for its correlation id. Entries are deleted once read
 * (`XDEL`); the stream itself is deleted by {@link close}.
 */
export class ReplyReader {
  readonly key: string;
  readonly #client: RedisClient;
  readonly #reader: RedisClient;
  readonly #logger: Logger;
  readonly #waiters = new Map<string, Waiter>();
  readonly #stop = new AbortController();
  readonly #loop: Promise<void>;
  #errors = 0;

  /** Starts reading `key` with `reader` (a dedicated connection); `client` deletes what was read. */
  constructor(key: string, client: RedisClient, reader: RedisClient, logger: Logger) {
    this.key = key;
    this.#client = client;
    this.#reader = reader;
    this.#logger = logger;
    this.#loop = this.#run();
  }

  /** Requests waiting for a reply. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Redis errors met by the read loop. */
  get errors(): number {
    return this.#errors;
  }

  /** True when a request with this correlation id waits. */
  has(correlationId: string): boolean {
    return this.#waiters.has(correlationId);
  }

  /**
   * Waits for the reply to `correlationId`: its result, or its error as an {@link RpcError};
   * `onReply` sees the reply entry first.
   */
  expect(
    correlationId: string,
    onReply?: ReplyObserver,
  ): { readonly promise: Promise<unknown>; cancel(error: Error): void } {
    let waiter: Waiter | undefined;
    const promise = new Promise<unknown>((resolve, reject) => {
      waiter = { resolve, reject, onReply };
    });
    if (waiter !== undefined) this.#waiters.set(correlationId, waiter);
    return {
      promise,
      cancel: (error: Error) => {
        const current = this.#waiters.get(correlationId);
        if (current === undefined) return;
        this.#waiters.delete(correlationId);
        current.reject(error);
      },
    };
  }

  /** Stops reading, rejects every waiting request with `error`, deletes the reply stream. */
  async close(error: Error): Promise<void> {
    this.#stop.abort();
    for (const waiter of this.#waiters.values()) waiter.reject(error);
    this.#waiters.clear();
    this.#reader.disconnect();
    await this.#loop;
    await this.#client.del(this.key).catch(() => undefined);
  }

  async #run(): Promise<void> {
    const backoff = new Backoff({ initialMs: 100, maxMs: 5_000 });
    let lastId = '0';
    while (!this.#stop.signal.aborted) {
      let reply: unknown;
      try {
        reply = await this.#reader.callBuffer(
          'XREAD',
          'COUNT',
          REPLY_READ_COUNT,
          'BLOCK',
          REPLY_BLOCK_MS,
          'STREAMS',
          this.key,
          lastId,
        );
        backoff.reset();
      } catch (error) {
        if (this.#stopped()) break;
        this.#errors += 1;
        this.#logger.warn({ err: error, key: this.key }, 'reading the reply stream failed; retrying');
        await sleep(backoff.next(), this.#stop.signal);
        continue;
      }
      const entries = parseReadGroupReply(reply);
      const last = entries.at(-1);
      if (last === undefined) continue;
      lastId = last.id;
      for (const entry of entries) this.#deliver(entry.id, entry.fields);
      this.#client.xdel(this.key, ...entries.map((entry) => entry.id)).catch((error: unknown) => {
        this.#logger.debug({ err: error }, 'could not delete read replies');
      });
    }
  }

  /** Read through a method: `close()` may abort while the loop awaits. */
  #stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  #deliver(id: string, fields: Buffer[] | null): void {
    try {
      const { body, headers } = decodeStreamMessage(messagePayload(fields));
      const correlation = headerValue(headers, CORRELATION_ID_HEADER);
      const waiter = typeof correlation === 'string' ? this.#waiters.get(correlation) : undefined;
      if (waiter === undefined || typeof correlation !== 'string') return; // timed out or not ours
      this.#waiters.delete(correlation);
      try {
        waiter.onReply?.(id, headers);
      } catch (error) {
        this.#logger.debug({ err: error }, 'a reply observer failed');
      }
      if (Array.isArray(body)) {
        waiter.resolve(body);
      } else if (typeof body !== 'object' || body === null) {
        waiter.reject(new RpcError(-32603, 'Malformed reply'));
      } else if (isJsonRpcError(body as JsonRpcResponse)) {
        waiter.reject(RpcError.fromErrorObject((body as JsonRpcErrorResponse).error));
      } else {
        waiter.resolve((body as JsonRpcSuccessResponse).result);
      }
    } catch (error) {
      this.#logger.warn({ err: error, id, key: this.key }, 'ignored an undecodable reply');
    }
  }
}
