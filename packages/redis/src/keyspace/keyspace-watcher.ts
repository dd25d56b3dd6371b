import { EventEmitter } from 'node:events';
import { createLogger, KeelError, type Logger } from '@keel/core';
import { fetchValues, type FetchedValue, type KeyspaceValueKind } from './fetch-values.js';
import type { KeyspaceConnection, KeyspaceEvent } from './keyspace-event.js';
import type { KeyspaceGap } from './keyspace-gap.js';
import { KeyspaceEventSource } from './keyspace-event-source.js';
import type {
  KeyspaceSourceNotices,
  KeyspaceSourceOptions,
  KeyspaceSourceStats,
} from './keyspace-source-types.js';
import { OrderedDispatcher } from './ordered-dispatcher.js';

/** A delivered event with its value. */
export interface KeyspaceEventInfo extends KeyspaceEvent {
  /** The key's value when it was read (`fetchValue: get`, string keys), else `null`. */
  readonly value: Buffer | null;
  /** What `value` is. */
  readonly valueKind: KeyspaceValueKind;
  /** Why reading the value failed (`valueKind: 'error'`). */
  readonly fetchError?: Error;
  /** 1 for the first event this watcher took in, 2 for the next… (arrival order). */
  readonly sequence: number;
}

/**
 * Called for every event: `key`, its `value` (`null` for deleted keys, non-string keys, or
 * `fetchValue: none`) and the `event` name (`set`, `hset`, `del`, `expired`…); `info` has the
 * rest. May be async; the next event of the same key waits for it.
 */
export type KeyspaceCallback = (
  key: string,
  value: Buffer | null,
  event: string,
  info: KeyspaceEventInfo,
) => unknown;

/** Options of a {@link KeyspaceWatcher}. */
export interface KeyspaceWatcherOptions extends KeyspaceSourceOptions {
  /**
   * `get`: read each key's value with `GET` (pipelined per node) before the callbacks run;
   * `none`: deliver `null`.
   * @default "get"
   */
  readonly fetchValue?: 'none' | 'get';
  /** Stop after exactly this many events have been delivered. Default: run until stopped. */
  readonly count?: number | undefined;
  /**
   * Events whose callbacks may run at the same time (events of one key always run one after
   * another, in order).
   * @default 64
   */
  readonly concurrency?: number;
  /**
   * Events accepted but not yet handled at which the watcher stops reading from Redis (and
   * reads again at half of it): the back-pressure bound.
   * @default 10000
   */
  readonly maxPending?: number;
  /** Callbacks to start with (more can be added with {@link KeyspaceWatcher.addCallback}). */
  readonly callbacks?: readonly KeyspaceCallback[];
  /**
   * Called when events may have been missed (a lost subscriber connection, a Sentinel or
   * cluster failover), once they are received again; also the watcher's `gap` notice.
   */
  readonly onGap?: ((gap: KeyspaceGap) => void) | undefined;
}

/** Counters of a {@link KeyspaceWatcher}. */
export interface KeyspaceWatcherStats extends KeyspaceSourceStats {
  /** Events taken in (at most `count`). */
  accepted: number;
  /** Events whose callbacks have all settled. */
  delivered: number;
  /** Callback calls that threw or rejected. */
  callbackErrors: number;
  /** Values that could not be read (`valueKind: 'error'`). */
  fetchErrors: number;
  /** Events accepted but not delivered yet. */
  pending: number;
  /** Times reading stopped because `maxPending` was reached. */
  pauses: number;
}

/** Notices of a {@link KeyspaceWatcher}: those of its source, plus failed callbacks. */
export interface KeyspaceWatcherNotices extends KeyspaceSourceNotices {
  callbackError: [{ error: unknown; key: string; event: string }];
}

const FORWARDED: readonly (keyof KeyspaceSourceNotices)[] = [
  'disconnected',
  'resubscribed',
  'gap',
  'nodeAdded',
  'nodeRemoved',
  'handover',
  'configured',
  'warning',
];

interface Work {
  readonly event: KeyspaceEvent;
  readonly fetched: FetchedValue;
  readonly sequence: number;
}

const NOT_FETCHED: FetchedValue = { value: null, kind: 'not-fetched' };

function noop(): void {
  // marks a promise as handled; its rejection still reaches whoever awaits it
}

/**
 * Watches Redis keys and calls back for every change (keyspace notifications), on a server or a
 * whole cluster (see {@link KeyspaceEventSource} for subscription, failover and reconnects).
 *
 * Callbacks run with bounded concurrency and in event order per key; a callback that throws is
 * logged and counted (`callbackError`), and the watcher goes on. Back-pressure: when `maxPending`
 * events are waiting, the watcher stops reading the subscriber sockets until half of them are
 * done (Redis buffers meanwhile, up to its `client-output-buffer-limit pubsub`; beyond it Redis
 * drops the connection, which is reported and re-subscribed). Nothing is queued without bound.
 */
export class KeyspaceWatcher extends EventEmitter<KeyspaceWatcherNotices> {
  /** The event source (subscriptions, topology). */
  readonly source: KeyspaceEventSource;
  /** Settles when the watcher stopped: after `count` events, or {@link stop}. Rejects when start failed. */
  readonly done: Promise<KeyspaceWatcherStats>;
  /** Replaced (never mutated) when callbacks are added or removed, so a delivery can iterate it. */
  #callbacks: readonly KeyspaceCallback[];
  readonly #logger: Logger;
  readonly #fetch: boolean;
  readonly #count: number | undefined;
  readonly #maxPending: number;
  readonly #dispatcher: OrderedDispatcher<Work>;
  readonly #counters = { accepted: 0, delivered: 0, callbackErrors: 0, fetchErrors: 0, pauses: 0 };
  #batch: KeyspaceEvent[] = [];
  #batchStart = 1;
  #batchScheduled = false;
  #chain: Promise<void> = Promise.resolve();
  #pressurePaused = false;
  #started = false;
  #stopping: Promise<KeyspaceWatcherStats> | undefined;
  #resolveDone: (stats: KeyspaceWatcherStats) => void = noop;
  #rejectDone: (error: unknown) => void = noop;

  constructor(connection: KeyspaceConnection, options: KeyspaceWatcherOptions = {}) {
    super();
    if (options.count !== undefined && (!Number.isInteger(options.count) || options.count < 1)) {
      throw new KeelError(
        'KEYSPACE_SETTINGS_INVALID',
        `count must be a positive integer, got ${options.count}`,
        {
          details: { count: options.count },
        },
      );
    }
    this.#logger =
      options.logger ??
      createLogger({ level: 'warn', destination: process.stderr, base: { component: 'keyspace' } });
    this.source = new KeyspaceEventSource(connection, { ...options, logger: this.#logger }, (event) => {
      this.#accept(event);
    });
    for (const notice of FORWARDED) {
      this.source.on(notice, (...args: unknown[]) => {
        (this.emit as (name: string, ...rest: unknown[]) => boolean)(notice, ...args);
      });
    }
    const { onGap } = options;
    if (onGap !== undefined) this.on('gap', onGap);
    this.#callbacks = [...(options.callbacks ?? [])];
    this.#fetch = (options.fetchValue ?? 'get') === 'get';
    this.#count = options.count;
    this.#maxPending = Math.max(1, options.maxPending ?? 10_000);
    this.#dispatcher = new OrderedDispatcher(options.concurrency ?? 64, (work) => this.#deliver(work));
    this.done = new Promise<KeyspaceWatcherStats>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    this.done.catch(noop);
  }

  /** Adds a callback; returns a function that removes it. */
  addCallback(callback: KeyspaceCallback): () => void {
    this.#callbacks = [...this.#callbacks, callback];
    return () => {
      this.removeCallback(callback);
    };
  }

  /** Removes a callback (once, if it was added several times). */
  removeCallback(callback: KeyspaceCallback): void {
    const index = this.#callbacks.indexOf(callback);
    if (index !== -1) this.#callbacks = this.#callbacks.filter((_, position) => position !== index);
  }

  /**
   * Configures the servers and subscribes; resolves once events are being received. Rejects
   * (and `done` rejects) with the source's error.
   */
  async start(): Promise<void> {
    if (this.#started)
      throw new KeelError('KEYSPACE_ALREADY_STARTED', 'This keyspace watcher was already started');
    this.#started = true;
    try {
      await this.source.start();
    } catch (error) {
      this.#stopping = Promise.resolve(this.stats());
      this.#rejectDone(error);
      throw error;
    }
  }

  /**
   * Stops listening, lets the events already accepted finish (at most `maxPending`), and
   * resolves with the final stats (as does `done`). Idempotent.
   */
  stop(): Promise<KeyspaceWatcherStats> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  /** True once {@link stop} was called (or `count` was reached). */
  get stopped(): boolean {
    return this.#stopping !== undefined;
  }

  /** Current counters. */
  stats(): KeyspaceWatcherStats {
    return {
      ...this.source.stats,
      ...this.#counters,
      pending: this.#counters.accepted - this.#counters.delivered,
    };
  }

  async #stop(): Promise<KeyspaceWatcherStats> {
    await this.source.stop();
    this.#flush();
    await this.#chain;
    await this.#dispatcher.idle();
    const stats = this.stats();
    this.#resolveDone(stats);
    return stats;
  }

  #accept(event: KeyspaceEvent): void {
    if (this.#stopping !== undefined) return;
    if (this.#count !== undefined && this.#counters.accepted >= this.#count) return;
    this.#counters.accepted++;
    if (this.#count !== undefined && this.#counters.accepted === this.#count) {
      this.source.pause();
    } else if (
      !this.#pressurePaused &&
      this.#counters.accepted - this.#counters.delivered >= this.#maxPending
    ) {
      this.#pressurePaused = true;
      this.#counters.pauses++;
      this.source.pause();
    }
    if (this.#batch.length === 0) this.#batchStart = this.#counters.accepted;
    this.#batch.push(event);
    if (!this.#batchScheduled) {
      this.#batchScheduled = true;
      setImmediate(() => {
        this.#flush();
      });
    }
  }

  /** Reads the values of the batch (if asked) and queues it, in order after earlier batches. */
  #flush(): void {
    this.#batchScheduled = false;
    const events = this.#batch;
    if (events.length === 0) return;
    const first = this.#batchStart;
    this.#batch = [];
    const fetched = this.#fetch ? fetchValues(this.source, events) : undefined;
    this.#chain = this.#chain.then(async () => {
      const values = fetched === undefined ? undefined : await fetched;
      events.forEach((event, index) => {
        this.#dispatcher.push(event.key, {
          event,
          fetched: values?.[index] ?? NOT_FETCHED,
          sequence: first + index,
        });
      });
    });
  }

  /** Calls every callback for one event; returns a promise only when a callback is async. */
  #deliver(work: Work): Promise<void> | undefined {
    const { event, fetched, sequence } = work;
    if (fetched.kind === 'error') this.#counters.fetchErrors++;
    const info: KeyspaceEventInfo = {
      key: event.key,
      keyBytes: event.keyBytes,
      event: event.event,
      eventClass: event.eventClass,
      db: event.db,
      node: event.node,
      receivedAt: event.receivedAt,
      value: fetched.value,
      valueKind: fetched.kind,
      ...(fetched.error === undefined ? {} : { fetchError: fetched.error }),
      sequence,
    };
    const callbacks = this.#callbacks;
    let pending: Promise<void>[] | undefined;
    for (const callback of callbacks) {
      let result: unknown;
      try {
        result = callback(info.key, info.value, info.event, info);
      } catch (error) {
        this.#failed(error, info);
        continue;
      }
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
        (pending ??= []).push(
          Promise.resolve(result).then(
            () => undefined,
            (error: unknown) => {
              this.#failed(error, info);
            },
          ),
        );
      }
    }
    if (pending === undefined) {
      this.#delivered();
      return undefined;
    }
    return Promise.all(pending).then(() => {
      this.#delivered();
    });
  }

  #failed(error: unknown, info: KeyspaceEventInfo): void {
    this.#counters.callbackErrors++;
    this.#logger.error(
      { err: error, key: info.key, event: info.event },
      'keyspace callback failed; the watcher goes on',
    );
    this.emit('callbackError', { error, key: info.key, event: info.event });
  }

  #delivered(): void {
    this.#counters.delivered++;
    this.#afterDelivery();
  }

  #afterDelivery(): void {
    const { accepted, delivered } = this.#counters;
    if (this.#count !== undefined && delivered >= this.#count) {
      void this.stop();
      return;
    }
    if (this.#pressurePaused && accepted - delivered <= this.#maxPending / 2) {
      this.#pressurePaused = false;
      this.source.resume();
    }
  }
}
