import { EventEmitter } from 'node:events';
import {
  dependency,
  JSONRPCServer,
  KeelError,
  parseScope,
  type Scope,
  Semaphore,
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
import { Backoff } from './backoff.js';
import { BatchRunner } from './batch-runner.js';
import { BlockingReader } from './blocking-reader.js';
import { ListenerCounters, type RedisListenerEvents, type RedisListenerMetrics } from './listener-metrics.js';
import { LocksPauseLock } from './locks-pause-lock.js';
import type { RunnableEntry } from './message-runner.js';
import { KeyPauseLock, pauseLockKey } from './pause-lock.js';
import { PauseState } from './pause-state.js';
import { redisListenerSettings, type RedisListenerSettings } from './redis-listener-settings.js';
import { deadLetterScript } from './settle-batch.js';
import { sleep } from './sleep.js';
import { StreamGroup } from './stream-group.js';
import { deadLetterKey, topicStreamKey } from './stream-keys.js';
import { isNoGroupError, type StreamGroupInfo } from './stream-replies.js';
import { trimDelivered, trimDeliveredScript, trimToSize } from './trim-stream.js';

const transportDep = dependency(RedisTransportService, { setting: 'transport' });
const rpcDep = dependency(JSONRPCServer);
const locksDep = dependency(RedisLocksService, { setting: 'locks', optional: true });

/** How often the listener trims the stream and refreshes `pending`/`lag`, in ms. */
const MAINTENANCE_INTERVAL_MS = 5_000;
/** Extra time `close()` gives the read in progress beyond `maxWaitTimeMs`, in ms. */
const CLOSE_READ_GRACE_MS = 1_000;
/** Default time to live of the pause lock taken by {@link RedisListener.lock}, in ms. */
const DEFAULT_PAUSE_TTL_MS = 300_000;

/** Options of {@link RedisListener.lock}. */
export interface PauseOptions {
  /** The lock expires after this many ms unless taken again (default 300 000). */
  readonly ttlMs?: number;
}

/** What the listener holds while it runs. */
interface Running {
  readonly group: StreamGroup;
  readonly reader: BlockingReader;
  readonly batches: BatchRunner;
  readonly pause: PauseState;
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
  /** One slot per batch being processed (`maxParallelBatches`). */
  readonly #slots: Semaphore;
  readonly #readBackoff = new Backoff({ initialMs: 100, maxMs: 5_000 });
  readonly #claimBackoff = new Backoff({ initialMs: 100, maxMs: 5_000 });
  #running: Running | undefined;
  #stop = new AbortController();
  #loops: Promise<void>[] = [];
  /** Where the re-read of this consumer's own pending entries continues; undefined: read new ones. */
  #ownPendingCursor: string | undefined = '0';

  constructor(context: ServiceContext<RedisListenerSettings>) {
    super(context);
    const namespace = this.settings.shared ? this.app.namespaceShared : this.app.namespace;
    this.stream = topicStreamKey(namespace, this.settings.topic);
    this.deadLetterStream = deadLetterKey(this.stream);
    this.group = this.settings.groupId ?? this.app.name;
    this.consumer = this.settings.consumerId ?? this.app.id;
    this.scope = parseScope(this.settings.scope);
    this.#slots = new Semaphore(this.settings.maxParallelBatches, Number.MAX_SAFE_INTEGER);
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
      this.#ownPendingCursor = '0'; // a reconnect (failover) may have lost acks: re-read own pending
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
      events: this.events,
      logger: this.logger,
      onUnacknowledged: () => {
        this.#ownPendingCursor = '0'; // re-read them (unless another consumer claims them first)
      },
    });
    const pause = new PauseState(lock, this.consumer, this.logger, () => reader.unblock());
    this.#running = { group, reader, batches, pause };
    this.#stop = new AbortController();
    await pause.refresh();
    this.#loops = [this.#readLoop(), this.#maintenanceLoop(), pause.follow(this.#stop.signal)];
    const claimAfter = this.settings.pendingMessagesTimeMs;
    if (claimAfter !== null) this.#loops.push(this.#claimLoop(claimAfter));
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

  // --- loops -------------------------------------------------------------------------------

  async #readLoop(): Promise<void> {
    const { batches } = this.#require();
    while (!this.#stopped()) {
      if (!(await this.#waitWhilePaused())) break;
      await this.#slots.acquire();
      if (this.#stopped()) {
        this.#slots.release();
        break;
      }
      let entries: RunnableEntry[];
      try {
        entries = await this.#readBatch();
        this.#readBackoff.reset();
      } catch (error) {
        this.#slots.release();
        await this.#recover('read', error, this.#readBackoff);
        continue;
      }
      if (entries.length > 0 && !(await this.#waitWhilePaused())) {
        this.#slots.release();
        break;
      }
      if (entries.length === 0) this.#slots.release();
      else batches.start(entries, this.#releaseSlot);
    }
  }

  /**
   * Waits while the topic is paused; false when the listener stopped instead. Called before a
   * read or claim, and again with the entries it returned: a pause that began while the command
   * was in flight (a blocked read is not ended early in a cluster) holds them, pending for this
   * consumer, until the resume — or, if the listener stops, for the next start or a claim.
   */
  async #waitWhilePaused(): Promise<boolean> {
    const { pause } = this.#require();
    while (pause.paused && !this.#stopped()) await pause.waitUntilResumed();
    return !this.#stopped();
  }

  /** Reads new entries, or — after a start or an error — this consumer's own pending ones first. */
  async #readBatch(): Promise<RunnableEntry[]> {
    const { group, reader, batches } = this.#require();
    const count = this.settings.maxBatchSize;
    const cursor = this.#ownPendingCursor;
    if (cursor === undefined) return group.readNew(reader.connection, count, this.settings.maxWaitTimeMs);
    const { entries, next } = await group.readOwnPending(reader.connection, cursor, count);
    this.#ownPendingCursor = next;
    return group.withDeliveries(entries.filter((entry) => !batches.isRunning(entry.id)));
  }

  /** Every `pendingMessagesTimeMs`: claims idle pending entries of the group (`XAUTOCLAIM`, cursor kept) and runs them. */
  async #claimLoop(minIdleMs: number): Promise<void> {
    const { group, batches } = this.#require();
    let cursor = '0-0';
    while (!this.#stopped()) {
      if (cursor === '0-0') await sleep(minIdleMs, this.#stop.signal);
      if (!(await this.#waitWhilePaused())) break;
      await this.#slots.acquire();
      if (this.#stopped()) {
        this.#slots.release();
        break;
      }
      try {
        const reply = await group.autoClaim(minIdleMs, cursor, this.settings.maxBatchSize);
        this.#claimBackoff.reset();
        cursor = reply.cursor;
        if (reply.deletedIds.length > 0) {
          // Redis 7 has removed them from the pending list itself; nothing is left to run.
          this.logger.warn({ ids: reply.deletedIds }, 'pending entries no longer exist in the stream');
        }
        const claimed = reply.entries.filter((entry) => !batches.isRunning(entry.id));
        this.#counters.claimed += claimed.length;
        const entries = await group.withDeliveries(claimed);
        if (entries.length > 0 && !(await this.#waitWhilePaused())) {
          this.#slots.release();
          break;
        }
        if (entries.length === 0) this.#slots.release();
        else batches.start(entries, this.#releaseSlot);
      } catch (error) {
        this.#slots.release();
        cursor = '0-0';
        await this.#recover('claim', error, this.#claimBackoff);
      }
    }
  }

  /** Every 5 s: trims the stream and refreshes `pending` and `lag`. */
  async #maintenanceLoop(): Promise<void> {
    while (!this.#stopped()) {
      await sleep(MAINTENANCE_INTERVAL_MS, this.#stop.signal);
      if (this.#stopped()) break;
      try {
        await this.trim();
        await this.refreshMetrics();
      } catch (error) {
        this.#counters.errors += 1;
        this.logger.warn({ err: error }, 'stream maintenance (trim, metrics) failed');
      }
    }
  }

  // --- recovery ----------------------------------------------------------------------------

  /** Counts and logs a loop error, waits the backoff, recreates the group when it is gone. */
  async #recover(where: 'read' | 'claim', error: unknown, backoff: Backoff): Promise<void> {
    this.#counters.errors += 1;
    if (this.#stopped()) return;
    const noGroup = isNoGroupError(error);
    const delay = backoff.next();
    this.logger.warn(
      { err: error, stream: this.stream, attempt: backoff.attempts, retryInMs: delay },
      noGroup ? `the stream or its group is gone (${where}); recreating it` : `stream ${where} failed`,
    );
    await sleep(delay, this.#stop.signal);
    if (this.#stopped()) return;
    if (noGroup) {
      try {
        if (await this.#require().group.ensure()) this.#logGroupCreated();
      } catch (createError) {
        this.#counters.errors += 1;
        this.logger.warn({ err: createError }, 'recreating the consumer group failed');
      }
      this.#ownPendingCursor = undefined;
    } else if (where === 'read') {
      // Acks may have been lost with the connection: look at this consumer's own pending entries.
      this.#ownPendingCursor = '0';
    }
  }

  #logGroupCreated(): void {
    this.logger.info({ stream: this.stream, group: this.group }, 'created the consumer group');
  }

  readonly #releaseSlot = (): void => {
    this.#slots.release();
  };

  /** Read through a method: `close()` may abort while a loop awaits. */
  #stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  #require(): Running {
    if (this.#running === undefined) {
      throw new KeelError('STREAM_LISTENER_NOT_STARTED', `RedisListener "${this.name}" is not started`, {
        details: { service: this.name },
      });
    }
    return this.#running;
  }
}
