// Streams keyspace events of a pattern to one HTTP client as server-sent events, rate-bounded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@keel/core';
import { KeyspaceEventSource, type KeyspaceConnection, type KeyspaceEvent } from '@keel/redis';
import { DashboardRequestError } from '../dashboard-request-error.js';

/** What one tail listens to. */
export interface KeyspaceTailOptions {
  readonly pattern: string;
  /** Event classes (`notify-keyspace-events` flags). */
  readonly events: string;
  /** Event names to keep (`set`, `del`…); empty: all. */
  readonly names: ReadonlySet<string>;
  /** Most events sent per second; the rest are counted as dropped. */
  readonly rate: number;
  readonly configure: 'merge' | 'never';
}

/** Keep-alive comment period, ms. */
const HEARTBEAT_MS = 15_000;

/**
 * The open tails of one dashboard: each is a {@link KeyspaceEventSource} (a subscription on the
 * server or every master) feeding one `text/event-stream` answer, closed with the request.
 */
export class KeyspaceTails {
  readonly #connection: KeyspaceConnection;
  readonly #logger: Logger;
  readonly #max: number;
  readonly #open = new Map<KeyspaceEventSource, ServerResponse>();

  constructor(connection: KeyspaceConnection, logger: Logger, max = 4) {
    this.#connection = connection;
    this.#logger = logger;
    this.#max = max;
  }

  /**
   * Answers `res` with events as they come: `data: {"type":"ready"}` once subscribed, then
   * `{"type":"event","key","event","node","at"}` per event and `{"type":"dropped","count"}`
   * each second events were over the rate; `{"type":"error","message"}` when it cannot start.
   */
  async serve(req: IncomingMessage, res: ServerResponse, options: KeyspaceTailOptions): Promise<void> {
    if (this.#open.size >= this.#max) {
      throw new DashboardRequestError(429, `at most ${this.#max} keyspace tails may be open at once`);
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no',
    });
    const send = (data: object): void => {
      res.write(`data: ${JSON.stringify(data)}\n\n`);
    };
    let tokens = options.rate;
    let dropped = 0;
    const onEvent = (event: KeyspaceEvent): void => {
      if (options.names.size > 0 && !options.names.has(event.event)) return;
      if (tokens < 1) {
        dropped++;
        return;
      }
      tokens--;
      send({ type: 'event', key: event.key, event: event.event, node: event.node, at: event.receivedAt });
    };
    const source = new KeyspaceEventSource(
      this.#connection,
      {
        patterns: [options.pattern],
        events: options.events,
        configure: options.configure,
        logger: this.#logger,
      },
      onEvent,
    );
    this.#open.set(source, res);
    source.on('disconnected', ({ node }) => {
      send({ type: 'notice', message: `connection to ${node} lost; events meanwhile are lost` });
    });
    source.on('resubscribed', ({ node }) => {
      send({ type: 'notice', message: `subscribed again on ${node}` });
    });
    const refill = setInterval(() => {
      tokens = options.rate;
      if (dropped > 0) send({ type: 'dropped', count: dropped });
      dropped = 0;
    }, 1000);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const closed = new Promise<void>((resolve) => {
      req.once('close', resolve);
      res.once('close', resolve);
    });
    try {
      await source.start();
      send({ type: 'ready', nodes: source.nodes() });
      await closed;
    } catch (error) {
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearInterval(refill);
      clearInterval(heartbeat);
      this.#open.delete(source);
      await source.stop();
      res.end();
    }
  }

  /** Stops every open tail. */
  async close(): Promise<void> {
    const open = [...this.#open];
    this.#open.clear();
    await Promise.all(
      open.map(async ([source, res]) => {
        await source.stop();
        res.end();
      }),
    );
  }
}
