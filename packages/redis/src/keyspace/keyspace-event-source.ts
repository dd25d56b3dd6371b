import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createLogger, KeelError, type Logger } from '@keel/core';
import { Cluster, Redis } from 'ioredis';
import { parseClusterView, servingMasters, type ClusterNodeInfo, type ClusterView } from './cluster-view.js';
import { configureNodeAt } from './configure-node.js';
import { configureReplicas } from './configure-replicas.js';
import { afterReconnect, handoverGap, type KeyspaceGap, type ReconnectOutcome } from './keyspace-gap.js';
import { globToRegExp } from './glob-to-regexp.js';
import { hashTagForRanges, rangesOverlap, type SlotRange } from './slot-ranges.js';
import type { KeyspaceConnection, KeyspaceEvent } from './keyspace-event.js';
import { eventClassOf, parseEventClasses, type KeyspaceEventClass } from './keyspace-flags.js';
import { KeyspaceNode, type KeyspaceNodeHandlers } from './keyspace-node.js';
import { ensureNotifyFlags, type ConfigureMode, type NotifyFlagsResult } from './notify-config.js';
import { isSentinelClient } from '../transport/server-address.js';
import { within } from '../util/within.js';
import { toError } from '@keel/core';

/** Options of a {@link KeyspaceEventSource}. */
export interface KeyspaceSourceOptions {
  /**
   * Key globs (Redis syntax: `*`, `?`, `[abc]`, `\x`); each is a `PSUBSCRIBE` on
   * `__keyspace@<db>__:<glob>`. A key matching several globs is reported once.
   * @default ["*"]
   */
  readonly patterns?: readonly string[];
  /**
   * Event classes to report, as `notify-keyspace-events` flags: `A` (all of `g$lshzxetd`) or
   * any of `g $ l s h z x e t d m n`.
   * @default "A"
   */
  readonly events?: string;
  /** Database to watch (standalone only). Default: the client's db. */
  readonly db?: number;
  /**
   * `merge`: add the missing flags to each node's `notify-keyspace-events` (never removing
   * one); `never`: only check, and fail with `KEYSPACE_EVENTS_DISABLED`.
   * @default "merge"
   */
  readonly configure?: ConfigureMode;
  /**
   * Cluster: how often to re-read the topology (`CLUSTER NODES`), in ms; it is also re-read
   * at once on ioredis topology events and when a node's connection drops.
   * @default 1000
   */
  readonly topologyCheckMs?: number;
  /**
   * Cluster: how long a failover handover may wait for its fences before it completes anyway,
   * in ms.
   * @default 5000
   */
  readonly handoverTimeoutMs?: number;
  /** Where to log; default: warnings and errors on stderr. */
  readonly logger?: Logger;
}

/** Lifecycle notices of a {@link KeyspaceEventSource} (events of its EventEmitter). */
export interface KeyspaceSourceNotices {
  /** A node's subscriber connection was lost; events published meanwhile are lost (Redis does not keep them). */
  disconnected: [{ node: string; error: Error | undefined }];
  /** A node's subscriber connection is back and subscribed again. */
  resubscribed: [{ node: string }];
  /** Events may have been missed (a lost subscriber, a failover); they flow again (see {@link KeyspaceGap}). */
  gap: [KeyspaceGap];
  /** A node is now listened to. */
  nodeAdded: [{ node: string }];
  /** A node is no longer listened to (`reason`: `replica`, `failed`, `gone`, `handover`, `stopped`). */
  nodeRemoved: [{ node: string; reason: string }];
  /** A failover handover finished: events came from `from` up to its fence and from `to` after. */
  handover: [{ from: string; to: string; outcome: 'fenced' | 'timeout' | 'immediate' }];
  /** `notify-keyspace-events` was checked on a node (and merged when `added` is not empty). */
  configured: [NotifyFlagsResult];
  /** A problem the source recovers from by itself (logged too). */
  warning: [Error];
}

/** Counters of a {@link KeyspaceEventSource}. */
export interface KeyspaceSourceStats {
  /** Events handed to the consumer. */
  emitted: number;
  /** Events dropped during failover handovers because the old master reported them. */
  handoverSkipped: number;
  handovers: number;
  disconnects: number;
  resubscribes: number;
  /** `gap` notices. */
  gaps: number;
}

interface Handover {
  readonly seq: number;
  readonly from: Tracked;
  readonly to: Tracked;
  /** `Date.now()` when it began. */
  readonly startedAt: number;
  fromFenced: boolean;
  toFenced: boolean;
  timer: NodeJS.Timeout | undefined;
}

interface Tracked {
  readonly node: KeyspaceNode;
  /**
   * `active`: reported. `pending`: new master before its fence (events dropped: the old master
   * reports them). `held`: after its fence, waiting for the old master's (events kept in order).
   * `draining`: old master, reported until its fence.
   */
  state: 'active' | 'pending' | 'held' | 'draining';
  slots: readonly SlotRange[];
  held: KeyspaceEvent[];
  heldPaused: boolean;
  handover: Handover | undefined;
}

/** Events a held new master may buffer before its socket is paused. */
const HOLD_LIMIT = 10_000;
/** Key prefix of failover fences. */
const FENCE_PREFIX = '__keel:fence:';
const FENCE_PREFIX_BYTES = Buffer.from(FENCE_PREFIX);
/** Fence keys expire by themselves. */
const FENCE_TTL_MS = 10_000;
/** Bound on one `CLUSTER NODES` call, in ms. */
const VIEW_TIMEOUT_MS = 1000;
/** Pause between attempts at writing a fence. */
const FENCE_RETRY_MS = 200;

function defaultLogger(): Logger {
  return createLogger({ level: 'warn', destination: process.stderr, base: { component: 'keyspace' } });
}

/** The ioredis client inside a {@link KeyspaceConnection}. */
export function keyspaceClientOf(connection: KeyspaceConnection): Redis | Cluster {
  return connection instanceof Redis || connection instanceof Cluster ? connection : connection.client;
}

/**
 * The keyspace notifications of a Redis server or of a whole Redis Cluster, as one ordered
 * stream of {@link KeyspaceEvent}s handed to `onEvent`.
 *
 * - Subscribes (`PSUBSCRIBE __keyspace@<db>__:<glob>`) on the server, or on every master of a
 *   cluster — keyspace notifications are local to the node that executed the write, and
 *   replicas (which publish them too, for replicated writes) are never listened to.
 * - Follows the cluster topology: new masters are added, masters that are gone or demoted are
 *   dropped. A failover is handed over with fences so that no event is reported twice and none
 *   is lost while the old master is reachable (see docs/keyspace.md).
 * - A dropped subscriber connection is reported (`disconnected`), reconnected and subscribed
 *   again (`resubscribed`); Redis does not keep the events published in between.
 * - {@link pause} / {@link resume} stop and restart reading the sockets (back-pressure).
 *
 * The forwarder and {@link KeyspaceWatcher} are both built on it.
 */
export class KeyspaceEventSource extends EventEmitter<KeyspaceSourceNotices> {
  readonly stats: KeyspaceSourceStats = {
    emitted: 0,
    handoverSkipped: 0,
    handovers: 0,
    disconnects: 0,
    resubscribes: 0,
    gaps: 0,
  };
  readonly #client: Redis | Cluster;
  readonly #onEvent: (event: KeyspaceEvent) => void;
  readonly #logger: Logger;
  readonly #patterns: readonly string[];
  readonly #classes: ReadonlySet<KeyspaceEventClass>;
  readonly #needed: ReadonlySet<KeyspaceEventClass>;
  readonly #db: number;
  readonly #configure: ConfigureMode;
  readonly #topologyCheckMs: number;
  readonly #handoverTimeoutMs: number;
  readonly #id = randomBytes(6).toString('hex');
  readonly #channelPrefix: Buffer;
  readonly #channelPatterns: readonly string[];
  readonly #fencePattern: string;
  /** Channel pattern → index in #patterns; regexps (over latin1 keys) to report a key once. */
  readonly #patternIndex = new Map<string, number>();
  readonly #patternRegExps: readonly RegExp[];
  readonly #tracked = new Map<KeyspaceNode, Tracked>();
  readonly #handovers = new Map<number, Handover>();
  readonly #configured = new Set<string>();
  readonly #handlers: KeyspaceNodeHandlers;
  #seq = 0;
  #appliedEpoch = 0;
  #started = false;
  #stopped = false;
  #paused = false;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;
  #recheck = false;
  #checkSoonTimer: NodeJS.Timeout | undefined;
  readonly #onTopologyHint = (): void => {
    this.#checkSoon();
  };

  constructor(
    connection: KeyspaceConnection,
    options: KeyspaceSourceOptions,
    onEvent: (event: KeyspaceEvent) => void,
  ) {
    super();
    this.#client = keyspaceClientOf(connection);
    this.#onEvent = onEvent;
    this.#logger = options.logger ?? defaultLogger();
    this.#patterns =
      options.patterns === undefined || options.patterns.length === 0 ? ['*'] : [...options.patterns];
    this.#classes = parseEventClasses(options.events ?? 'A');
    const cluster = this.#client instanceof Cluster;
    const clientDb = this.#client instanceof Redis ? (this.#client.options.db ?? 0) : 0;
    this.#db = options.db ?? clientDb;
    if (cluster && this.#db !== 0) {
      throw new KeelError(
        'KEYSPACE_SETTINGS_INVALID',
        `db ${this.#db} was requested, but a Redis Cluster only has db 0`,
        {
          details: { db: this.#db },
        },
      );
    }
    // Fences are written with SET … PX, which publishes `set` ($) and `expire` (g).
    const needed = new Set(this.#classes);
    if (cluster && !needed.has('$') && !needed.has('g')) needed.add('g');
    this.#needed = needed;
    this.#configure = options.configure ?? 'merge';
    this.#topologyCheckMs = options.topologyCheckMs ?? 1000;
    this.#handoverTimeoutMs = options.handoverTimeoutMs ?? 5000;
    const prefix = `__keyspace@${this.#db}__:`;
    this.#channelPrefix = Buffer.from(prefix);
    this.#fencePattern = `${prefix}${FENCE_PREFIX}*`;
    const channelPatterns = [...new Set(this.#patterns)].map((pattern) => `${prefix}${pattern}`);
    channelPatterns.forEach((channel, index) => this.#patternIndex.set(channel, index));
    this.#patternRegExps = [...new Set(this.#patterns)].map((pattern) =>
      globToRegExp(Buffer.from(pattern).toString('latin1')),
    );
    this.#channelPatterns = cluster ? [...channelPatterns, this.#fencePattern] : channelPatterns;
    this.#handlers = {
      message: (node, pattern, channel, message) => {
        this.#onMessage(node, pattern, channel, message);
      },
      down: (node, error) => {
        this.#onDown(node, error);
      },
      resubscribed: (node) => {
        this.stats.resubscribes++;
        this.#logger.info({ node: node.address }, 'keyspace subscriber reconnected and subscribed again');
        this.emit('resubscribed', { node: node.address });
        void afterReconnect(node, this.#needed, this.#configure).then((outcome) => {
          this.#onGap(outcome);
        });
      },
      resubscribeFailed: (node, error) => {
        this.#warn(toError(error), { node: node.address }, 'subscribing again after a reconnect failed');
      },
    };
  }

  /** The key globs. */
  get patterns(): readonly string[] {
    return this.#patterns;
  }

  /** The event classes reported. */
  get classes(): ReadonlySet<KeyspaceEventClass> {
    return this.#classes;
  }

  /** The watched db. */
  get db(): number {
    return this.#db;
  }

  /** True once {@link stop} was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** `host:port` of every node listened to. */
  nodes(): string[] {
    return [...this.#tracked.values()].map((tracked) => tracked.node.address);
  }

  /** The command connection (in the watched db) of a node listened to, for value fetches. */
  commandClient(node: string): Redis | undefined {
    for (const tracked of this.#tracked.values())
      if (tracked.node.address === node) return tracked.node.commands;
    return undefined;
  }

  /** The client events come from (`Cluster` in cluster mode). */
  get client(): Redis | Cluster {
    return this.#client;
  }

  /**
   * Checks (and with `merge` completes) `notify-keyspace-events` and subscribes on the server
   * or every master. Rejects with a `KeelError` (`KEYSPACE_EVENTS_DISABLED`,
   * `KEYSPACE_CONFIGURE_FAILED`, `KEYSPACE_SUBSCRIBE_FAILED`) and leaves nothing open.
   */
  async start(): Promise<void> {
    if (this.#started)
      throw new KeelError('KEYSPACE_ALREADY_STARTED', 'This keyspace source was already started');
    this.#started = true;
    try {
      if (this.#client instanceof Cluster) await this.#startCluster(this.#client);
      else await this.#startStandalone(this.#client);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Unsubscribes everywhere and closes every connection. Idempotent; never throws. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#checkSoonTimer);
    if (this.#client instanceof Cluster) {
      this.#client.off('refresh', this.#onTopologyHint);
      this.#client.off('+node', this.#onTopologyHint);
      this.#client.off('-node', this.#onTopologyHint);
    }
    for (const handover of this.#handovers.values()) clearTimeout(handover.timer);
    this.#handovers.clear();
    const tracked = [...this.#tracked.values()];
    this.#tracked.clear();
    await Promise.all(tracked.map((entry) => entry.node.close()));
    await this.#checking?.catch(() => undefined);
  }

  /** Stops reading every subscriber socket; Redis keeps the events in its output buffer meanwhile. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    for (const tracked of this.#tracked.values()) tracked.node.pause();
  }

  /** Reads the sockets again. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    for (const tracked of this.#tracked.values()) if (!tracked.heldPaused) tracked.node.resume();
  }

  /** True while paused by {@link pause}. */
  get paused(): boolean {
    return this.#paused;
  }

  async #startStandalone(client: Redis): Promise<void> {
    const host = client.options.host ?? 'localhost';
    const port = client.options.port ?? 6379;
    const node = this.#createNode(client, host, port, undefined);
    await this.#openNode(node, `${host}:${port}`);
    await this.#ensureFlags(node);
    if (isSentinelClient(client)) {
      for (const result of await configureReplicas(node.commands, this.#needed, this.#configure)) {
        if (result instanceof Error) this.#warn(result, { node: node.address }, 'cannot configure a replica');
        else this.#reportConfigured(result);
      }
    }
    this.#track(node, 'active', []);
  }

  async #startCluster(client: Cluster): Promise<void> {
    const template = this.#template();
    const view = await this.#readView();
    const masters = servingMasters(view);
    if (masters.length === 0) {
      throw new KeelError('KEYSPACE_SUBSCRIBE_FAILED', 'The cluster reports no master serving slots');
    }
    await Promise.all(
      view.nodes
        .filter((info) => !info.failed)
        .map(async (info) => {
          try {
            await this.#configureAt(template, info);
          } catch (error) {
            if (info.role === 'master') throw error;
            if (this.#configure === 'merge') {
              this.#warn(toError(error), { node: info.address }, 'cannot configure a replica');
            }
          }
        }),
    );
    const opened = await Promise.allSettled(
      masters.map(async (info) => {
        const node = this.#createNode(template, info.host, info.port, info.id);
        await this.#openNode(node, info.address);
        return { node, info };
      }),
    );
    const failed = opened.find((result) => result.status === 'rejected');
    for (const result of opened) {
      if (result.status === 'fulfilled') {
        const { node, info } = result.value;
        if (failed === undefined) this.#track(node, 'active', info.slots);
        else await node.close();
      }
    }
    if (failed !== undefined) throw failed.reason;
    this.#appliedEpoch = view.epoch;
    client.on('refresh', this.#onTopologyHint);
    client.on('+node', this.#onTopologyHint);
    client.on('-node', this.#onTopologyHint);
    this.#timer = setInterval(() => {
      void this.#checkTopology();
    }, this.#topologyCheckMs);
    this.#timer.unref();
  }

  /** A connected node of the cluster client, whose options new connections copy. */
  #template(): Redis {
    const client = this.#client;
    if (client instanceof Redis) return client;
    const [template] = [...client.nodes('master'), ...client.nodes('all')];
    if (template === undefined) {
      throw new KeelError('KEYSPACE_SUBSCRIBE_FAILED', 'The cluster client knows no node (is it connected?)');
    }
    return template;
  }

  #createNode(template: Redis, host: string, port: number, id: string | undefined): KeyspaceNode {
    return new KeyspaceNode({
      host,
      port,
      db: this.#db,
      template,
      id,
      channelPatterns: this.#channelPatterns,
      handlers: this.#handlers,
    });
  }

  async #openNode(node: KeyspaceNode, address: string): Promise<void> {
    try {
      await node.open();
    } catch (error) {
      throw new KeelError(
        'KEYSPACE_SUBSCRIBE_FAILED',
        `Cannot subscribe to keyspace events on Redis ${address}: ${toError(error).message}`,
        { cause: error, details: { node: address } },
      );
    }
  }

  async #ensureFlags(node: KeyspaceNode): Promise<void> {
    let result: NotifyFlagsResult;
    try {
      result = await ensureNotifyFlags(node.commands, node.address, this.#needed, this.#configure);
    } catch (error) {
      await node.close();
      throw error;
    }
    this.#reportConfigured(result);
  }

  async #configureAt(template: Redis, info: ClusterNodeInfo): Promise<void> {
    const result = await configureNodeAt(template, info.host, info.port, this.#needed, this.#configure);
    this.#configured.add(info.address);
    this.#reportConfigured(result);
  }

  #reportConfigured(result: NotifyFlagsResult): void {
    if (result.added !== '') {
      this.#logger.info(
        { node: result.node, before: result.before, after: result.after },
        `added "${result.added}" to notify-keyspace-events`,
      );
    }
    this.emit('configured', result);
  }

  #track(node: KeyspaceNode, state: Tracked['state'], slots: readonly SlotRange[]): Tracked {
    const tracked: Tracked = { node, state, slots, held: [], heldPaused: false, handover: undefined };
    this.#tracked.set(node, tracked);
    if (this.#paused) node.pause();
    this.emit('nodeAdded', { node: node.address });
    return tracked;
  }

  async #untrack(tracked: Tracked, reason: string): Promise<void> {
    if (!this.#tracked.delete(tracked.node)) return;
    this.emit('nodeRemoved', { node: tracked.node.address, reason });
    await tracked.node.close();
  }

  #onMessage(node: KeyspaceNode, pattern: string, channel: Buffer, message: Buffer): void {
    const tracked = this.#tracked.get(node);
    if (tracked === undefined) return;
    const keyBytes = channel.subarray(this.#channelPrefix.length);
    const isFence = keyBytes.subarray(0, FENCE_PREFIX_BYTES.length).equals(FENCE_PREFIX_BYTES);
    if (pattern === this.#fencePattern) {
      if (isFence) this.#onFence(tracked, keyBytes.toString());
      return;
    }
    if (isFence) return;
    if (this.#patternRegExps.length > 1) {
      const latin1 = keyBytes.toString('latin1');
      const first = this.#patternRegExps.findIndex((regexp) => regexp.test(latin1));
      if (first !== this.#patternIndex.get(pattern)) return;
    }
    const event = message.toString('latin1');
    const eventClass = eventClassOf(event);
    if (!this.#classes.has(eventClass)) return;
    const keyspaceEvent: KeyspaceEvent = {
      key: keyBytes.toString(),
      keyBytes,
      event,
      eventClass,
      db: this.#db,
      node: node.address,
      receivedAt: Date.now(),
    };
    switch (tracked.state) {
      case 'active':
      case 'draining':
        this.#emitEvent(keyspaceEvent);
        break;
      case 'pending':
        this.stats.handoverSkipped++;
        break;
      case 'held':
        tracked.held.push(keyspaceEvent);
        if (tracked.held.length >= HOLD_LIMIT && !tracked.heldPaused) {
          tracked.heldPaused = true;
          node.pause();
        }
        break;
    }
  }

  #emitEvent(event: KeyspaceEvent): void {
    this.stats.emitted++;
    try {
      this.#onEvent(event);
    } catch (error) {
      this.#warn(toError(error), { key: event.key }, 'the keyspace event consumer threw');
    }
  }

  #onDown(node: KeyspaceNode, error: Error | undefined): void {
    this.stats.disconnects++;
    this.#logger.warn(
      { node: node.address, error: error?.message },
      'keyspace subscriber connection lost; reconnecting (events published meanwhile are lost)',
    );
    this.emit('disconnected', { node: node.address, error });
    if (this.#client instanceof Cluster) this.#checkSoon();
  }

  /** Reports a gap (and the flags checked after a reconnect), unless stopped meanwhile. */
  #onGap({ gap, configured, error }: Partial<ReconnectOutcome> & { gap: KeyspaceGap }): void {
    if (this.#stopped) return;
    if (configured !== undefined) this.#reportConfigured(configured);
    if (error !== undefined)
      this.#warn(error, { node: gap.node }, 'cannot check notify-keyspace-events after a reconnect');
    this.stats.gaps++;
    this.#logger.warn({ ...gap }, `keyspace events may have been missed (${gap.reason})`);
    this.emit('gap', gap);
  }

  #warn(error: Error, context: Record<string, unknown>, message: string): void {
    this.#logger.warn({ ...context, error: error.message }, message);
    this.emit('warning', error);
  }

  // ---- cluster topology -------------------------------------------------------------------

  /**
   * `CLUSTER NODES` from the first connected node that answers within {@link VIEW_TIMEOUT_MS}
   * (a dead node must not stall the topology checks).
   */
  async #readView(): Promise<ClusterView> {
    const client = this.#client;
    const candidates = [
      ...[...this.#tracked.values()].map((tracked) => tracked.node.commands),
      ...(client instanceof Cluster ? client.nodes('all') : [client]),
    ].filter((candidate) => candidate.status === 'ready');
    let lastError: unknown = new Error('no connected node to read the topology from');
    for (const candidate of candidates) {
      try {
        const text = await within(candidate.call('CLUSTER', 'NODES'), VIEW_TIMEOUT_MS);
        return parseClusterView(Buffer.isBuffer(text) ? text.toString() : String(text));
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  #checkSoon(): void {
    if (this.#stopped || this.#checkSoonTimer !== undefined) return;
    this.#checkSoonTimer = setTimeout(() => {
      this.#checkSoonTimer = undefined;
      void this.#checkTopology();
    }, 50);
    this.#checkSoonTimer.unref();
  }

  /** Re-reads the topology and applies it; one check at a time (another one follows if asked meanwhile). */
  #checkTopology(): Promise<void> {
    if (this.#checking !== undefined) {
      this.#recheck = true;
      return this.#checking;
    }
    this.#checking = (async () => {
      do {
        this.#recheck = false;
        try {
          const view = await this.#readView();
          if (this.#stopped) return;
          if (view.epoch < this.#appliedEpoch) continue; // an older view: ignore
          this.#appliedEpoch = view.epoch;
          await this.#reconcile(view);
        } catch (error) {
          if (!this.#stopped) this.#logger.debug({ error: toError(error).message }, 'topology check failed');
        }
      } while (this.#takeRecheck());
    })().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  /** Whether another check was asked for while one ran. */
  #takeRecheck(): boolean {
    return this.#recheck && !this.#stopped;
  }

  async #reconcile(view: ClusterView): Promise<void> {
    // A failed master keeps its slots until a replica takes over: it stays listened to (its
    // subscriber reconnects) until then, since it may also come back.
    const owners = new Map(
      view.nodes
        .filter((info) => info.role === 'master' && info.slots.length > 0)
        .map((info) => [info.address, info]),
    );
    const byAddress = new Map(view.nodes.map((info) => [info.address, info]));
    const trackedAddresses = new Set([...this.#tracked.values()].map((tracked) => tracked.node.address));
    for (const tracked of this.#tracked.values()) {
      const info = owners.get(tracked.node.address);
      if (info !== undefined) {
        tracked.slots = info.slots;
        tracked.node.id = info.id;
      }
    }
    // New masters, handed over from the node that served their slots before.
    for (const info of servingMasters(view)) {
      if (trackedAddresses.has(info.address) || this.#stopped) continue;
      const predecessor = [...this.#tracked.values()].find(
        (tracked) =>
          tracked.state === 'active' &&
          !owners.has(tracked.node.address) &&
          rangesOverlap(tracked.slots, info.slots),
      );
      await this.#addMaster(info, predecessor, byAddress.get(predecessor?.node.address ?? ''));
    }
    // Nodes that serve no slots any more (and are not draining in a handover).
    for (const tracked of [...this.#tracked.values()]) {
      if (owners.has(tracked.node.address) || tracked.state !== 'active') continue;
      const info = byAddress.get(tracked.node.address);
      const reason =
        info === undefined
          ? 'gone'
          : info.failed
            ? 'failed'
            : info.role === 'replica'
              ? 'replica'
              : 'no slots';
      this.#logger.info({ node: tracked.node.address, reason }, 'no longer listening to a node');
      await this.#untrack(tracked, reason);
    }
    // Replicas seen for the first time get the flags too, ready for a later failover.
    if (this.#configure === 'merge') {
      const template = this.#template();
      for (const info of view.nodes) {
        if (info.failed || this.#configured.has(info.address)) continue;
        this.#configured.add(info.address);
        this.#configureAt(template, info).catch((error: unknown) => {
          this.#configured.delete(info.address);
          this.#warn(toError(error), { node: info.address }, 'cannot configure a node');
        });
      }
    }
  }

  async #addMaster(
    info: ClusterNodeInfo,
    predecessor: Tracked | undefined,
    predecessorInfo?: ClusterNodeInfo,
  ): Promise<void> {
    const node = this.#createNode(this.#template(), info.host, info.port, info.id);
    try {
      await this.#openNode(node, info.address);
      const result = await ensureNotifyFlags(node.commands, node.address, this.#needed, this.#configure);
      this.#configured.add(info.address);
      this.#reportConfigured(result);
    } catch (error) {
      await node.close();
      this.#warn(
        toError(error),
        { node: info.address },
        'cannot listen to a new master; retrying on the next check',
      );
      return;
    }
    if (this.#stopped) {
      await node.close();
      return;
    }
    this.#logger.info({ node: info.address, from: predecessor?.node.address }, 'listening to a new master');
    const fenceable =
      predecessor !== undefined &&
      predecessor.node.connected &&
      predecessorInfo !== undefined &&
      !predecessorInfo.failed;
    if (predecessor === undefined || !fenceable) {
      this.#track(node, 'active', info.slots);
      if (predecessor !== undefined) {
        await this.#untrack(predecessor, 'failed');
        this.stats.handovers++;
        this.emit('handover', { from: predecessor.node.address, to: info.address, outcome: 'immediate' });
        this.#onGap({ gap: handoverGap(predecessor.node, node, Date.now()) });
      }
      return;
    }
    const to = this.#track(node, 'pending', info.slots);
    predecessor.state = 'draining';
    const handover: Handover = {
      seq: ++this.#seq,
      from: predecessor,
      to,
      startedAt: Date.now(),
      fromFenced: false,
      toFenced: false,
      timer: undefined,
    };
    predecessor.handover = handover;
    to.handover = handover;
    this.#handovers.set(handover.seq, handover);
    handover.timer = setTimeout(() => {
      void this.#finishHandover(handover, 'timeout');
    }, this.#handoverTimeoutMs);
    handover.timer.unref();
    void this.#writeFence(handover, info.slots);
  }

  /** Writes the fence key on the new master (retrying until the handover ends). */
  async #writeFence(handover: Handover, slots: readonly SlotRange[]): Promise<void> {
    const tag = hashTagForRanges(slots);
    const key = `${FENCE_PREFIX}{${tag ?? ''}}:${this.#id}:${handover.seq}`;
    while (this.#handovers.get(handover.seq) === handover && !this.#stopped) {
      try {
        await handover.to.node.commands.set(key, '1', 'PX', FENCE_TTL_MS);
        return;
      } catch (error) {
        this.#logger.debug(
          { error: toError(error).message, node: handover.to.node.address },
          'fence write failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, FENCE_RETRY_MS).unref());
      }
    }
  }

  #onFence(tracked: Tracked, key: string): void {
    const [source, seqText] = key.slice(key.lastIndexOf('}:') + 2).split(':');
    if (source !== this.#id) return;
    const handover = this.#handovers.get(Number(seqText));
    if (handover === undefined) return;
    if (tracked === handover.to && !handover.toFenced) {
      handover.toFenced = true;
      if (tracked.state === 'pending') tracked.state = handover.fromFenced ? 'active' : 'held';
    } else if (tracked === handover.from && !handover.fromFenced) {
      handover.fromFenced = true;
      void this.#untrack(tracked, 'handover');
      if (handover.to.state === 'held') this.#release(handover.to);
    }
    if (handover.fromFenced && handover.toFenced) void this.#finishHandover(handover, 'fenced');
  }

  /** Reports the events a new master held back, and makes it active. */
  #release(tracked: Tracked): void {
    tracked.state = 'active';
    const held = tracked.held;
    tracked.held = [];
    for (const event of held) this.#emitEvent(event);
    if (tracked.heldPaused) {
      tracked.heldPaused = false;
      if (!this.#paused) tracked.node.resume();
    }
  }

  async #finishHandover(handover: Handover, outcome: 'fenced' | 'timeout'): Promise<void> {
    if (this.#handovers.get(handover.seq) !== handover) return;
    this.#handovers.delete(handover.seq);
    clearTimeout(handover.timer);
    handover.from.handover = undefined;
    handover.to.handover = undefined;
    if (outcome === 'timeout') {
      this.#logger.warn(
        {
          from: handover.from.node.address,
          to: handover.to.node.address,
          fromFenced: handover.fromFenced,
          toFenced: handover.toFenced,
        },
        'failover handover timed out; events of the last moments may be missing',
      );
    }
    if (handover.to.state !== 'active') this.#release(handover.to);
    if (outcome === 'timeout')
      this.#onGap({ gap: handoverGap(handover.from.node, handover.to.node, handover.startedAt) });
    this.stats.handovers++;
    this.emit('handover', { from: handover.from.node.address, to: handover.to.node.address, outcome });
    await this.#untrack(handover.from, 'handover');
  }
}
