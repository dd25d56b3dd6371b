// RedisListener: the service that consumes a topic stream with a consumer group and runs its messages as JSON-RPC.
import { EventEmitter } from 'node:events';
import {
  type BoundHistogram,
  dependency,
  JSONRPCServer,
  KeelError,
  parseScope,
  type Scope,
  Service,
  type ServiceContext,
  type ServiceHealth,
} from '@keel/core';
import { RedisLocksService } from '../locks/redis-locks-service.js';
import { defineLuaScripts } from '../lua/lua-script.js';
import { RedisTransportService } from '../transport/redis-transport-service.js';
import { requireWritableTransport } from '../transport/require-writable.js';
import { settlesWithin } from '../util/within.js';
import { AckBatcher } from './ack-batcher.js';
import { BatchRunner } from './batch-runner.js';
import { BlockingReader } from './blocking-reader.js';
import { ConsumerTelemetry } from './consumer-telemetry.js';
import { ListenerLoops, type ListenerRunning } from './listener-loops.js';
import { ListenerCounters, type RedisListenerEvents, type RedisListenerMetrics } from './listener-metrics.js';
import { listenerPrometheus } from './listener-prometheus.js';
import { LocksPauseLock } from './locks-pause-lock.js';
import { KeyPauseLock, pauseLockKey } from './pause-lock.js';
import { PauseState } from './pause-state.js';
import { redisListenerSettings, type RedisListenerSettings } from './redis-listener-settings.js';
import { deadLetterScript } from './settle-batch.js';
import { StreamGroup } from './stream-group.js';
import { deadLetterKey, topicStreamKey } from './stream-keys.js';
import type { StreamGroupInfo } from './stream-replies.js';
import { trimDelivered, trimDeliveredScript, trimToSize } from './trim-stream.js';

const transportDep = dependency(RedisTransportService, { setting: 'transport' });
const rpcDep = dependency(JSONRPCServer);
const locksDep = dependency(RedisLocksService, { setting: 'locks', optional: true });

/** Extra time `close()` gives the read in progress beyond `maxWaitTimeMs`, in ms. */
const CLOSE_READ_GRACE_MS = 1_000;
/** Default time to live of the pause lock taken by {@link RedisListener.lock}, in ms. */
const DEFAULT_PAUSE_TTL_MS = 300_000;

/** Options of {@link RedisListener.lock}. */
export interface PauseOptions {
  /** The lock expires after this many ms unless taken again (default 300 000). */
  readonly ttlMs?: number;
}

/**
 * Consumes a topic stream `<env>.<app>._stream.<topic>` (kaiju's RedisListener) with a consumer
 * group and runs every message through the app's {@link JSONRPCServer}, with the listener's
 * `scope`.
 *
 * Delivery is at-least-once: entries are read with `XREADGROUP` (no `NOACK`) on a dedicated
 * connection, and acknowledged — one `XACK` per batch — only after every handler of the batch
 * settled. A message whose handler failed with a retryable error (crash, timeout) stays pending
 * and is delivered again by claiming (`pendingMessagesTimeMs`); after `maxDeliveries` it moves to
 * the dead-letter stream {@link deadLetterStream} with its error, atomically with its ack, as
 * does an entry that cannot be decoded. A deleted stream or group is recreated with backoff.
 * The stream is trimmed periodically (trim-delivered or trim-by-size). `close()` stops reading,
 * lets in-flight messages finish and acknowledges them. See docs/streams.md.
 */
export class RedisListener extends Service<RedisListenerSettings> {
  static override settingsSpec = redisListenerSettings;
  static override dependencies = [transportDep, rpcDep, locksDep];

  /** The stream read: `<env>.<app>._stream.<topic>` (`<env>._shared._stream.<topic>` when shared). */
  readonly stream: string;
  /** Where dead letters go: `{<stream>}._dead` (same cluster slot as the stream). */
  readonly deadLetterStream: string;
  /** The consumer group. */
  readonly group: string;
  /** This consumer's name in the group. */
  readonly consumer: string;
  /** The scope messages run with. */
  readonly scope: Scope;
  /** `settled` after each acknowledged batch, `deadLettered` per dead letter. */
  readonly events: EventEmitter<RedisListenerEvents> = new EventEmitter<RedisListenerEvents>();

  readonly #counters = new ListenerCounters();
  readonly #batchSeconds: BoundHistogram;
  readonly #loopRunner: ListenerLoops;
  #running: ListenerRunning | undefined;
  #stop = new AbortController();
  #loops: Promise<void>[] = [];

  constructor(context: ServiceContext<RedisListenerSettings>) {
    super(context);
    const namespace = this.settings.shared ? this.app.namespaceShared : this.app.namespace;
    this.stream = topicStreamKey(namespace, this.settings.topic);
    this.deadLetterStream = deadLetterKey(this.stream);
    this.group = this.settings.groupId ?? this.app.name;
    this.consumer = this.settings.consumerId ?? this.app.id;
    this.scope = parseScope(this.settings.scope);
    const labels = { stream: this.stream, group: this.group };
    this.#batchSeconds = listenerPrometheus(
      this.metricsSink,
      labels,
      this.#counters,
      () => this.#running?.pause.paused ?? false,
    );
    this.#loopRunner = new ListenerLoops({
      settings: this.settings,
      stream: this.stream,
      counters: this.#counters,
      logger: this.logger,
      maintain: async () => {
        await this.trim();
        await this.refreshMetrics();
      },
      onGroupCreated: () => {
        this.#logGroupCreated();
      },
    });
  }

  /** Counters and gauges; `pending` and `lag` as of the last {@link refreshMetrics}. */
  get metrics(): RedisListenerMetrics {
    this.#counters.paused = this.#running?.pause.paused ?? false;
    return this.#counters.snapshot();
  }

  /** The key of the topic's shared pause lock. */
  get pauseLockKey(): string {
    return pauseLockKey(this.stream);
  }

  /** Creates the group if needed (`XGROUP CREATE … 0 MKSTREAM`), opens the reading connection, starts the loops. */
  override async init(): Promise<void> {
    const transport = this.use(transportDep);
    requireWritableTransport(transport, `RedisListener "${this.name}"`);
    const client = transport.client;
    defineLuaScripts(client, [deadLetterScript, trimDeliveredScript]);
    const group = new StreamGroup(client, this.stream, this.group, this.consumer);
    if (await group.ensure()) this.#logGroupCreated();
    const reader = new BlockingReader(await transport.duplicate(), client, () => {
      this.#loopRunner.rereadOwnPending(); // a reconnect (failover) may have lost acks
    });
    const locks = this.use(locksDep) as RedisLocksService | undefined;
    const lock =
      locks === undefined
        ? new KeyPauseLock(client, this.pauseLockKey)
        : new LocksPauseLock(locks, this.pauseLockKey);
    const batches = new BatchRunner({
      runner: {
        rpc: this.use(rpcDep),
        scope: this.scope,
        env: this.app.env,
        maxDeliveries: this.settings.maxDeliveries,
        canRetry: this.settings.pendingMessagesTimeMs !== null,
        telemetry: new ConsumerTelemetry({
          destination: this.stream,
          group: this.group,
          consumer: this.consumer,
        }),
      },
      settle: {
        client,
        cluster: transport.isCluster,
        stream: this.stream,
        deadStream: this.deadLetterStream,
        group: this.group,
        consumer: this.consumer,
      },
      acks: new AckBatcher(client, this.stream, this.group),
      counters: this.#counters,
      batchSeconds: this.#batchSeconds,
      events: this.events,
      logger: this.logger,
      onUnacknowledged: () => {
        this.#loopRunner.rereadOwnPending(); // re-read them (unless another consumer claims them first)
      },
    });
    const pause = new PauseState(lock, this.consumer, this.logger, () => reader.unblock());
    this.#running = { group, reader, batches, pause };
    this.#stop = new AbortController();
    await pause.refresh();
    this.#loops = this.#loopRunner.start(
      this.#running,
      this.#stop.signal,
      this.settings.pendingMessagesTimeMs,
    );
    this.logger.info(
      { stream: this.stream, group: this.group, consumer: this.consumer },
      `listening on ${this.stream}`,
    );
  }

  /**
   * Stops reading, ends the read in progress (at once on a single server, else within
   * `maxWaitTimeMs`; after 1 s more the reading connection is dropped and what it read stays
   * pending), lets every in-flight message finish and acknowledges it, then closes the reading
   * connection.
   */
  override async close(): Promise<void> {
    const running = this.#running;
    if (running === undefined || this.#stop.signal.aborted) return;
    this.#stop.abort();
    running.pause.wake();
    await running.reader.unblock();
    const [readLoop, ...others] = this.#loops;
    const grace = this.settings.maxWaitTimeMs + CLOSE_READ_GRACE_MS;
    if (readLoop !== undefined && !(await settlesWithin(readLoop, grace))) {
      this.logger.warn('the read in progress did not return in time; dropping the reading connection');
      running.reader.disconnect();
    }
    await Promise.all([readLoop, ...others]);
    await running.batches.drain();
    this.#loops = [];
    await running.reader.close();
    this.logger.info({ ...this.metrics }, `stopped listening on ${this.stream}`);
  }

  override health(): Promise<ServiceHealth> {
    const status = this.#stop.signal.aborted ? 'closed' : (this.#running?.reader.status ?? 'closed');
    return Promise.resolve({
      healthy: status === 'ready',
      details: { stream: this.stream, group: this.group, readerStatus: status, ...this.metrics },
    });
  }

  /** Reads the group's `pending` and `lag` (`XINFO GROUPS`), stores them in {@link metrics} and returns the metrics. */
  async refreshMetrics(): Promise<RedisListenerMetrics> {
    const info = await this.groupInfo();
    this.#counters.pending = info?.pending;
    this.#counters.lag = info?.lag ?? undefined;
    return this.metrics;
  }

  /** This listener's group as `XINFO GROUPS` reports it (`undefined` when the stream or group is gone). */
  groupInfo(): Promise<StreamGroupInfo | undefined> {
    return this.#require().group.info();
  }

  /**
   * Takes the topic's shared pause lock: every listener of the topic, in every process, stops
   * reading within about 200 ms (batches already running finish; entries a read in flight
   * returns wait for the resume) until {@link unlock} or until the
   * lock's `ttlMs` runs out. Calling it again extends the lock. Throws `STREAM_PAUSE_LOCKED`
   * when another listener holds it.
   */
  lock(options: PauseOptions = {}): Promise<void> {
    return this.#require().pause.take(options.ttlMs ?? DEFAULT_PAUSE_TTL_MS, this.stream);
  }

  /** Releases the pause lock taken by {@link lock}; listeners resume. False when this listener did not hold it. */
  unlock(): Promise<boolean> {
    return this.#require().pause.release();
  }

  /** True while the topic's pause lock is held (by anyone). */
  isLocked(): Promise<boolean> {
    return this.#require().pause.lock.held();
  }

  /** Runs the trim once now (the listener also does it every 5 s) and returns how many entries it removed. */
  async trim(): Promise<number> {
    const { client } = this.#require().group;
    const result = this.settings.trimDelivered
      ? await trimDelivered(client, this.stream)
      : await trimToSize(client, this.stream, this.settings.trimSize);
    this.#counters.trimmed += result.removed;
    return result.removed;
  }

  #logGroupCreated(): void {
    this.logger.info({ stream: this.stream, group: this.group }, 'created the consumer group');
  }

  #require(): ListenerRunning {
    if (this.#running === undefined) {
      throw new KeelError('STREAM_LISTENER_NOT_STARTED', `RedisListener "${this.name}" is not started`, {
        details: { service: this.name },
      });
    }
    return this.#running;
  }
}
