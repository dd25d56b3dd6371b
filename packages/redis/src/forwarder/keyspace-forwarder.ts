import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { dependency, Service, type ServiceHealth } from '@keel/core';
import { KeyspaceEventSource } from '../keyspace/keyspace-event-source.js';
import type { KeyspaceEvent } from '../keyspace/keyspace-event.js';
import { parseEventClasses } from '../keyspace/keyspace-flags.js';
import { fenceKeyOf } from '../locks/fence-key.js';
import { RedisLocksService } from '../locks/redis-locks-service.js';
import { RedisTransportService } from '../transport/redis-transport-service.js';
import { requireWritableTransport } from '../transport/require-writable.js';
import { FallbackBuffer } from './fallback-buffer.js';
import { ForwardPump, type ForwardStats } from './forward-pump.js';
import { ForwarderSinkMissingError } from './forwarder-errors.js';
import { ForwarderPrometheus } from './forwarder-prometheus.js';
import { keyMaskFilter } from './key-mask.js';
import { KeyspaceSinkService, type KeyspaceSink } from './keyspace-sink.js';
import { keyspaceForwarderSettings, type KeyspaceForwarderSettings } from './keyspace-forwarder-settings.js';
import { StreamSink } from './stream-sink.js';

const transport = dependency(RedisTransportService, { setting: 'transport' });
const locks = dependency(RedisLocksService, { setting: 'locks' });
const sinkProvider = dependency(KeyspaceSinkService, { setting: 'sinkService', optional: true });

/** How long a leader that steps down tries to deliver what it holds in memory, in ms. */
const STOP_FLUSH_MS = 2000;
/** Bound on `close`, in ms. */
const CLOSE_TIMEOUT_MS = 4000;

/**
 * Relays keyspace events (filtered by event class and key masks) to a sink: a Redis stream, or
 * an external sink such as AMQP (`AmqpSink` from @keel/amqp). While the sink is unreachable,
 * events go to a bounded Redis list and are replayed in order when it is back.
 *
 * Several instances may run: a lock (`RedisLocksService`) elects one leader, the only one that
 * subscribes; another takes over when the leader stops or its lock expires.
 *
 * ```yaml
 * - cls: KeyspaceForwarder
 *   settings: { events: "$gx", masks: ["^user:.*$"], sink: stream, stream: "keyspace" }
 * ```
 */
export class KeyspaceForwarder extends Service<KeyspaceForwarderSettings> {
  static override settingsSpec = keyspaceForwarderSettings;
  static override dependencies = [transport, locks, sinkProvider];

  readonly #instance = randomBytes(4).toString('hex');
  readonly #closing = new AbortController();
  readonly #totals: ForwardStats = { forwarded: 0, replayed: 0, buffered: 0, dropped: 0, sendFailures: 0 };
  #seq = 0;
  #filtered = 0;
  #keys: { stream: string; fallback: string; lock: string } | undefined;
  #excluded = new Set<string>();
  #matches: (key: string) => boolean = () => true;
  #loop: Promise<void> | undefined;
  #pump: ForwardPump | undefined;
  #source: KeyspaceEventSource | undefined;
  #sink: KeyspaceSink | undefined;
  #leaderSince: number | undefined;
  #stepping: Promise<void> | undefined;
  readonly #metrics = new ForwarderPrometheus(this.metricsSink, {
    stats: () => this.stats(),
    leader: () => this.isLeader,
    fallbackLength: async () => this.use(transport).client.llen(this.keys.fallback),
  });

  /** True while this instance is the leader (subscribed and forwarding). */
  get isLeader(): boolean {
    return this.#leaderSince !== undefined;
  }

  /** Keys used: the stream (stream sink), the fallback list and the leader lock. */
  get keys(): { stream: string; fallback: string; lock: string } {
    return this.#keys ?? this.#resolveKeys();
  }

  /** Counters over every leadership term of this instance (`filtered`: events not matching a mask). */
  stats(): ForwardStats & { filtered: number; pending: number; sinkDown: boolean } {
    const current = this.#pump?.stats;
    const sum = (field: keyof ForwardStats): number => this.#totals[field] + (current?.[field] ?? 0);
    return {
      forwarded: sum('forwarded'),
      replayed: sum('replayed'),
      buffered: sum('buffered'),
      dropped: sum('dropped'),
      sendFailures: sum('sendFailures'),
      filtered: this.#filtered,
      pending: this.#pump?.pending ?? 0,
      sinkDown: this.#pump?.down ?? false,
    };
  }

  override init(): Promise<void> {
    const { settings } = this;
    parseEventClasses(settings.events); // fails early on bad flags
    requireWritableTransport(this.use(transport), `KeyspaceForwarder "${this.name}"`);
    if (settings.sink !== 'stream') this.#provider();
    const keys = this.#resolveKeys();
    this.#keys = keys;
    this.#excluded = new Set([keys.stream, keys.fallback, keys.lock, fenceKeyOf(keys.lock)]);
    this.#matches = keyMaskFilter(settings.masks);
    this.#loop = this.#elect();
    return Promise.resolve();
  }

  /**
   * Stops forwarding (delivering or buffering what memory holds, for up to 2 s) and releases the
   * lock. Bounded: a Redis that no longer answers does not hold it up.
   */
  override async close(): Promise<void> {
    this.#closing.abort();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.#loop?.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => {
          resolve(false);
        }, CLOSE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (finished === false)
      this.logger.warn('keyspace forwarder did not wind down in time (Redis unreachable?)');
  }

  override health(): Promise<ServiceHealth> {
    return Promise.resolve({
      healthy: this.#loop !== undefined && !(this.#pump?.down ?? false),
      details: { leader: this.isLeader, nodes: this.#source?.nodes() ?? [], ...this.stats() },
    });
  }

  #resolveKeys(): { stream: string; fallback: string; lock: string } {
    const { settings, app } = this;
    return {
      stream: settings.stream ?? app.namespace.key('keyspace_events'),
      fallback: settings.fallbackKey ?? app.namespace.key('keyspace_fallback'),
      lock: settings.lockKey ?? app.namespace.key('keyspace_forwarder', 'leader'),
    };
  }

  #provider(): KeyspaceSinkService {
    const provider = this.use(sinkProvider) as KeyspaceSinkService | undefined;
    if (provider?.sinkKind !== this.settings.sink)
      throw new ForwarderSinkMissingError(this.name, this.settings.sink);
    return provider;
  }

  #openSink(): KeyspaceSink {
    const { settings } = this;
    if (settings.sink === 'stream') {
      return new StreamSink(this.use(transport).client, {
        stream: this.keys.stream,
        maxLen: settings.maxLen,
      });
    }
    return this.#provider().openSink({ format: settings.format, logger: this.logger, forwarder: this.name });
  }

  /** Waits for the leader lock, leads while holding it, and starts over when it is lost. */
  async #elect(): Promise<void> {
    const signal = this.#closing.signal;
    const closing = (): boolean => signal.aborted;
    while (!closing()) {
      try {
        await this.use(locks).withLock(this.keys.lock, (lost) => this.#lead(lost), {
          ttl: this.settings.lockTtlMs,
          timeout: Infinity,
          signal,
          identifier: `${this.app.id}:${this.name}:${this.#instance}`,
        });
      } catch (error) {
        if (closing()) break;
        this.logger.warn({ err: error }, 'keyspace forwarder leadership ended; standing by');
      }
      // A lost lock ends withLock at once: wait for the term to wind down before trying again.
      await this.#stepDown();
      if (!closing()) await sleep(this.settings.retryMinMs, undefined, { signal }).catch(() => undefined);
    }
    await this.#stepDown();
  }

  /** One leadership term: subscribe and forward until `lost` aborts. */
  async #lead(lost: AbortSignal): Promise<void> {
    const { settings } = this;
    const client = this.use(transport).client;
    const sink = this.#openSink();
    this.#sink = sink;
    const pump = new ForwardPump({
      sink,
      fallback:
        settings.fallbackStorageSize < 0
          ? undefined
          : new FallbackBuffer(client, this.keys.fallback, settings.fallbackStorageSize),
      batchSize: settings.batchSize,
      maxPending: settings.maxPending,
      retryMinMs: settings.retryMinMs,
      retryMaxMs: settings.retryMaxMs,
      logger: this.logger,
      onPressure: (full) => {
        if (full) this.#source?.pause();
        else this.#source?.resume();
      },
    });
    this.#pump = pump;
    pump.start();
    const source = new KeyspaceEventSource(
      this.use(transport),
      {
        events: settings.events,
        ...(settings.db === undefined ? {} : { db: settings.db }),
        configure: settings.configure,
        logger: this.logger,
      },
      (event) => {
        this.#onEvent(pump, event);
      },
    );
    this.#source = source;
    this.#metrics.watch(source);
    try {
      await source.start();
    } catch (error) {
      await this.#stepDown();
      throw error;
    }
    this.#leaderSince = Date.now();
    this.logger.info({ nodes: source.nodes(), sink: sink.name }, 'keyspace forwarder is the leader');
    await new Promise<void>((resolve) => {
      if (lost.aborted) resolve();
      else {
        lost.addEventListener(
          'abort',
          () => {
            resolve();
          },
          { once: true },
        );
      }
    });
    await this.#stepDown();
  }

  #onEvent(pump: ForwardPump, event: KeyspaceEvent): void {
    this.#metrics.received.inc();
    if (this.#excluded.has(event.key) || !this.#matches(event.key)) {
      this.#filtered++;
      return;
    }
    pump.push({
      db: event.db,
      event: event.event,
      key: event.key,
      ts: event.receivedAt,
      id: `${this.#instance}-${(++this.#seq).toString(36)}`,
    });
  }

  /** Ends the current term: unsubscribe, flush memory (bounded), close the sink. */
  #stepDown(): Promise<void> {
    this.#stepping ??= this.#windDown().finally(() => {
      this.#stepping = undefined;
    });
    return this.#stepping;
  }

  async #windDown(): Promise<void> {
    const source = this.#source;
    const pump = this.#pump;
    const sink = this.#sink;
    if (source === undefined && pump === undefined && sink === undefined) return;
    if (this.#leaderSince !== undefined) this.logger.info('keyspace forwarder steps down');
    this.#leaderSince = undefined;
    await source?.stop();
    this.#source = undefined;
    if (pump !== undefined) {
      await pump.stop(STOP_FLUSH_MS);
      for (const field of Object.keys(this.#totals) as (keyof ForwardStats)[]) {
        this.#totals[field] += pump.stats[field];
      }
      this.#pump = undefined;
    }
    this.#sink = undefined;
    await sink?.close();
  }
}
