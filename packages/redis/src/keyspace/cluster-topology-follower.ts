// ClusterTopologyFollower: keeps a keyspace source subscribed on every master as a cluster changes.
import { KeelError, toError } from '@keel/core';
import type { Cluster, Redis } from 'ioredis';
import { parseClusterView, servingMasters, type ClusterNodeInfo, type ClusterView } from './cluster-view.js';
import type { FailoverHandovers } from './failover-handovers.js';
import type { KeyspaceNode } from './keyspace-node.js';
import type { KeyspaceSourceReporter } from './keyspace-source-reporter.js';
import type { NotifyFlagsConfigurator } from './notify-flags-configurator.js';
import { rangesOverlap } from './slot-ranges.js';
import type { TrackedNode, TrackedNodes } from './tracked-nodes.js';
import { within } from '../util/within.js';
import { handoverGap } from './keyspace-gap.js';

/** Bound on one `CLUSTER NODES` call, in ms. */
const VIEW_TIMEOUT_MS = 1000;

/** What a {@link ClusterTopologyFollower} works with. */
export interface ClusterTopologyParts {
  readonly client: Cluster;
  readonly nodes: TrackedNodes;
  readonly flags: NotifyFlagsConfigurator;
  readonly handovers: FailoverHandovers;
  readonly reporter: KeyspaceSourceReporter;
  /** How often to re-read the topology, in ms. */
  readonly checkMs: number;
  /** Makes a node (from `template`'s options) and subscribes it; rejects when that fails. */
  readonly openNode: (
    template: Redis,
    host: string,
    port: number,
    id: string | undefined,
  ) => Promise<KeyspaceNode>;
}

/**
 * The cluster side of a keyspace source: subscribes on every master serving slots at start,
 * then re-reads `CLUSTER NODES` (every `checkMs`, on ioredis topology events and when a node's
 * connection drops) and applies it: new masters are added (handed over from the node that
 * served their slots), masters that are gone or demoted are dropped, new nodes are configured.
 */
export class ClusterTopologyFollower {
  readonly #parts: ClusterTopologyParts;
  #appliedEpoch = 0;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;
  #recheck = false;
  #checkSoonTimer: NodeJS.Timeout | undefined;
  readonly #onTopologyHint = (): void => {
    this.checkSoon();
  };

  constructor(parts: ClusterTopologyParts) {
    this.#parts = parts;
  }

  /** Configures the nodes, subscribes on every master and starts following the topology. */
  async start(): Promise<void> {
    const { client, nodes, flags } = this.#parts;
    const template = this.#template();
    const view = await this.#readView();
    const masters = servingMasters(view);
    if (masters.length === 0) {
      throw new KeelError('KEYSPACE_SUBSCRIBE_FAILED', 'The cluster reports no master serving slots');
    }
    await flags.configureCluster(template, view.nodes);
    const opened = await Promise.allSettled(
      masters.map(async (info) => {
        const node = await this.#parts.openNode(template, info.host, info.port, info.id);
        return { node, info };
      }),
    );
    const failed = opened.find((result) => result.status === 'rejected');
    for (const result of opened) {
      if (result.status === 'fulfilled') {
        const { node, info } = result.value;
        if (failed === undefined) nodes.add(node, 'active', info.slots);
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
    }, this.#parts.checkMs);
    this.#timer.unref();
  }

  /** Stops the checks (a running one is awaited by {@link settled}). */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#checkSoonTimer);
    const { client } = this.#parts;
    client.off('refresh', this.#onTopologyHint);
    client.off('+node', this.#onTopologyHint);
    client.off('-node', this.#onTopologyHint);
  }

  /** Settles when no check runs any more. */
  async settled(): Promise<void> {
    await this.#checking?.catch(() => undefined);
  }

  /** Checks the topology shortly (hints coming together make one check). */
  checkSoon(): void {
    if (this.#stopped || this.#checkSoonTimer !== undefined) return;
    this.#checkSoonTimer = setTimeout(() => {
      this.#checkSoonTimer = undefined;
      void this.#checkTopology();
    }, 50);
    this.#checkSoonTimer.unref();
  }

  /** A connected node of the cluster client, whose options new connections copy. */
  #template(): Redis {
    const { client } = this.#parts;
    const [template] = [...client.nodes('master'), ...client.nodes('all')];
    if (template === undefined) {
      throw new KeelError('KEYSPACE_SUBSCRIBE_FAILED', 'The cluster client knows no node (is it connected?)');
    }
    return template;
  }

  /**
   * `CLUSTER NODES` from the first connected node that answers within {@link VIEW_TIMEOUT_MS}
   * (a dead node must not stall the topology checks).
   */
  async #readView(): Promise<ClusterView> {
    const candidates = [
      ...this.#parts.nodes.all().map((tracked) => tracked.node.commands),
      ...this.#parts.client.nodes('all'),
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
          if (!this.#stopped) {
            this.#parts.reporter.logger.debug({ error: toError(error).message }, 'topology check failed');
          }
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
    const { nodes, reporter } = this.#parts;
    // A failed master keeps its slots until a replica takes over: it stays listened to (its
    // subscriber reconnects) until then, since it may also come back.
    const owners = new Map(
      view.nodes
        .filter((info) => info.role === 'master' && info.slots.length > 0)
        .map((info) => [info.address, info]),
    );
    const byAddress = new Map(view.nodes.map((info) => [info.address, info]));
    const trackedAddresses = new Set(nodes.all().map((tracked) => tracked.node.address));
    for (const tracked of nodes.all()) {
      const info = owners.get(tracked.node.address);
      if (info !== undefined) {
        tracked.slots = info.slots;
        tracked.node.id = info.id;
      }
    }
    // New masters, handed over from the node that served their slots before.
    for (const info of servingMasters(view)) {
      if (trackedAddresses.has(info.address) || this.#stopped) continue;
      const predecessor = nodes
        .all()
        .find(
          (tracked) =>
            tracked.state === 'active' &&
            !owners.has(tracked.node.address) &&
            rangesOverlap(tracked.slots, info.slots),
        );
      await this.#addMaster(info, predecessor, byAddress.get(predecessor?.node.address ?? ''));
    }
    // Nodes that serve no slots any more (and are not draining in a handover).
    for (const tracked of nodes.all()) {
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
      reporter.logger.info({ node: tracked.node.address, reason }, 'no longer listening to a node');
      await nodes.remove(tracked, reason);
    }
    // Replicas seen for the first time get the flags too, ready for a later failover.
    this.#parts.flags.configureNew(() => this.#template(), view.nodes);
  }

  async #addMaster(
    info: ClusterNodeInfo,
    predecessor: TrackedNode | undefined,
    predecessorInfo?: ClusterNodeInfo,
  ): Promise<void> {
    const { nodes, reporter } = this.#parts;
    const template = this.#template();
    let node: KeyspaceNode | undefined;
    try {
      node = await this.#parts.openNode(template, info.host, info.port, info.id);
      await this.#parts.flags.ensure(node);
    } catch (error) {
      await node?.close();
      reporter.warn(
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
    reporter.logger.info(
      { node: info.address, from: predecessor?.node.address },
      'listening to a new master',
    );
    const fenceable =
      predecessor !== undefined &&
      predecessor.node.connected &&
      predecessorInfo !== undefined &&
      !predecessorInfo.failed;
    if (predecessor === undefined || !fenceable) {
      nodes.add(node, 'active', info.slots);
      if (predecessor !== undefined) {
        await nodes.remove(predecessor, 'failed');
        reporter.stats.handovers++;
        reporter.notify('handover', {
          from: predecessor.node.address,
          to: info.address,
          outcome: 'immediate',
        });
        reporter.gap(handoverGap(predecessor.node, node, Date.now()));
      }
      return;
    }
    const to = nodes.add(node, 'pending', info.slots);
    this.#parts.handovers.begin(predecessor, to, info.slots);
  }
}
