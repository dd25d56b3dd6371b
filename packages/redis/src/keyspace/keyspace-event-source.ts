// KeyspaceEventSource: the keyspace notifications of a server or a whole cluster, as one ordered stream.
import { EventEmitter } from 'node:events';
import { createLogger, KeelError, toError, type Logger } from '@keel/core';
import { Cluster, Redis } from 'ioredis';
import { ClusterTopologyFollower } from './cluster-topology-follower.js';
import { FailoverHandovers } from './failover-handovers.js';
import { KeyspaceChannels } from './keyspace-channels.js';
import { keyspaceClientOf } from './keyspace-client-of.js';
import type { KeyspaceConnection, KeyspaceEvent } from './keyspace-event.js';
import { parseEventClasses, type KeyspaceEventClass } from './keyspace-flags.js';
import { KeyspaceNode, type KeyspaceNodeHandlers } from './keyspace-node.js';
import { KeyspaceSourceReporter } from './keyspace-source-reporter.js';
import type {
  KeyspaceSourceNotices,
  KeyspaceSourceOptions,
  KeyspaceSourceStats,
} from './keyspace-source-types.js';
import { NotifyFlagsConfigurator } from './notify-flags-configurator.js';
import { TrackedNodes } from './tracked-nodes.js';
import { isSentinelClient } from '../transport/server-address.js';

function defaultLogger(): Logger {
  return createLogger({ level: 'warn', destination: process.stderr, base: { component: 'keyspace' } });
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
  readonly #reporter: KeyspaceSourceReporter;
  readonly #patterns: readonly string[];
  readonly #classes: ReadonlySet<KeyspaceEventClass>;
  readonly #db: number;
  readonly #channels: KeyspaceChannels;
  readonly #flags: NotifyFlagsConfigurator;
  readonly #nodes: TrackedNodes;
  readonly #handovers: FailoverHandovers;
  /** Set in cluster mode. */
  readonly #topology: ClusterTopologyFollower | undefined;
  readonly #handlers: KeyspaceNodeHandlers;
  #started = false;
  #stopped = false;

  constructor(
    connection: KeyspaceConnection,
    options: KeyspaceSourceOptions,
    onEvent: (event: KeyspaceEvent) => void,
  ) {
    super();
    this.#client = keyspaceClientOf(connection);
    this.#onEvent = onEvent;
    const reporter = new KeyspaceSourceReporter(options.logger ?? defaultLogger(), this.stats, this);
    this.#reporter = reporter;
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
    this.#flags = new NotifyFlagsConfigurator(this.#classes, cluster, options.configure ?? 'merge', reporter);
    this.#channels = new KeyspaceChannels(this.#db, this.#patterns, this.#classes, cluster);
    this.#nodes = new TrackedNodes(reporter);
    this.#handovers = new FailoverHandovers({
      nodes: this.#nodes,
      reporter,
      report: (event) => {
        this.#emitEvent(event);
      },
      timeoutMs: options.handoverTimeoutMs ?? 5000,
    });
    this.#topology =
      this.#client instanceof Cluster
        ? new ClusterTopologyFollower({
            client: this.#client,
            nodes: this.#nodes,
            flags: this.#flags,
            handovers: this.#handovers,
            reporter,
            checkMs: options.topologyCheckMs ?? 1000,
            openNode: (template, host, port, id) => this.#openNode(template, host, port, id),
          })
        : undefined;
    this.#handlers = {
      message: (node, pattern, channel, message) => {
        this.#onMessage(node, pattern, channel, message);
      },
      down: (node, error) => {
        this.#onDown(node, error);
      },
      resubscribed: (node) => {
        this.stats.resubscribes++;
        reporter.logger.info({ node: node.address }, 'keyspace subscriber reconnected and subscribed again');
        this.emit('resubscribed', { node: node.address });
        void this.#flags.afterReconnect(node).then((gap) => {
          if (!this.#stopped) reporter.gap(gap);
        });
      },
      resubscribeFailed: (node, error) => {
        reporter.warn(toError(error), { node: node.address }, 'subscribing again after a reconnect failed');
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
    return this.#nodes.all().map((tracked) => tracked.node.address);
  }

  /** The command connection (in the watched db) of a node listened to, for value fetches. */
  commandClient(node: string): Redis | undefined {
    return this.#nodes.commandClient(node);
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
      if (this.#topology !== undefined) await this.#topology.start();
      else if (this.#client instanceof Redis) await this.#startStandalone(this.#client);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Unsubscribes everywhere and closes every connection. Idempotent; never throws. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#topology?.stop();
    this.#handovers.stop();
    await this.#nodes.closeAll();
    await this.#topology?.settled();
  }

  /** Stops reading every subscriber socket; Redis keeps the events in its output buffer meanwhile. */
  pause(): void {
    this.#nodes.pause();
  }

  /** Reads the sockets again. */
  resume(): void {
    this.#nodes.resume();
  }

  /** True while paused by {@link pause}. */
  get paused(): boolean {
    return this.#nodes.paused;
  }

  async #startStandalone(client: Redis): Promise<void> {
    const host = client.options.host ?? 'localhost';
    const port = client.options.port ?? 6379;
    const node = await this.#openNode(client, host, port, undefined);
    try {
      await this.#flags.ensure(node);
      if (isSentinelClient(client)) await this.#flags.configureReplicasOf(node);
    } catch (error) {
      await node.close();
      throw error;
    }
    this.#nodes.add(node, 'active', []);
  }

  /** Makes a node from `template`'s options and subscribes it; rejects (with the node closed) when that fails. */
  async #openNode(
    template: Redis,
    host: string,
    port: number,
    id: string | undefined,
  ): Promise<KeyspaceNode> {
    const node = new KeyspaceNode({
      host,
      port,
      db: this.#db,
      template,
      id,
      channelPatterns: this.#channels.patterns,
      handlers: this.#handlers,
    });
    try {
      await node.open();
    } catch (error) {
      throw new KeelError(
        'KEYSPACE_SUBSCRIBE_FAILED',
        `Cannot subscribe to keyspace events on Redis ${node.address}: ${toError(error).message}`,
        { cause: error, details: { node: node.address } },
      );
    }
    return node;
  }

  #onMessage(node: KeyspaceNode, pattern: string, channel: Buffer, message: Buffer): void {
    const tracked = this.#nodes.get(node);
    if (tracked === undefined) return;
    const read = this.#channels.read(node.address, pattern, channel, message);
    if (read === undefined) return;
    if (read.kind === 'fence') {
      this.#handovers.onFence(tracked, read.key);
      return;
    }
    switch (tracked.state) {
      case 'active':
      case 'draining':
        this.#emitEvent(read.event);
        break;
      case 'pending':
        this.stats.handoverSkipped++;
        break;
      case 'held':
        this.#nodes.hold(tracked, read.event);
        break;
    }
  }

  #emitEvent(event: KeyspaceEvent): void {
    this.stats.emitted++;
    try {
      this.#onEvent(event);
    } catch (error) {
      this.#reporter.warn(toError(error), { key: event.key }, 'the keyspace event consumer threw');
    }
  }

  #onDown(node: KeyspaceNode, error: Error | undefined): void {
    this.stats.disconnects++;
    this.#reporter.logger.warn(
      { node: node.address, error: error?.message },
      'keyspace subscriber connection lost; reconnecting (events published meanwhile are lost)',
    );
    this.emit('disconnected', { node: node.address, error });
    this.#topology?.checkSoon();
  }
}
