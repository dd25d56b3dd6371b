// NotifyFlagsConfigurator: checks and merges `notify-keyspace-events` on the nodes a keyspace source meets.
import { toError } from '@keel/core';
import type { Redis } from 'ioredis';
import type { ClusterNodeInfo } from './cluster-view.js';
import { configureNodeAt } from './configure-node.js';
import { configureReplicas } from './configure-replicas.js';
import { afterReconnect, type KeyspaceGap } from './keyspace-gap.js';
import type { KeyspaceEventClass } from './keyspace-flags.js';
import type { KeyspaceNode } from './keyspace-node.js';
import type { KeyspaceSourceReporter } from './keyspace-source-reporter.js';
import { ensureNotifyFlags, type ConfigureMode, type NotifyFlagsResult } from './notify-config.js';

/**
 * The `notify-keyspace-events` flags of one keyspace source: the classes it reports, plus `g`
 * in a cluster when neither `$` nor `g` is reported (fences are written with `SET … PX`, which
 * publishes `set` and `expire`). Remembers the nodes already configured.
 */
export class NotifyFlagsConfigurator {
  /** `merge` or `never`. */
  readonly mode: ConfigureMode;
  readonly #needed: ReadonlySet<KeyspaceEventClass>;
  readonly #configured = new Set<string>();
  readonly #reporter: KeyspaceSourceReporter;

  constructor(
    classes: ReadonlySet<KeyspaceEventClass>,
    withFences: boolean,
    mode: ConfigureMode,
    reporter: KeyspaceSourceReporter,
  ) {
    const needed = new Set(classes);
    if (withFences && !needed.has('$') && !needed.has('g')) needed.add('g');
    this.#needed = needed;
    this.mode = mode;
    this.#reporter = reporter;
  }

  /** Checks (and merges) the flags over a node's command connection. */
  async ensure(node: KeyspaceNode): Promise<void> {
    const result = await ensureNotifyFlags(node.commands, node.address, this.#needed, this.mode);
    this.#configured.add(node.address);
    this.#report(result);
  }

  /**
   * Configures the replicas a server lists in `INFO replication` (a Sentinel primary's), so
   * that a replica promoted later publishes events at once. A replica that fails is a warning.
   */
  async configureReplicasOf(node: KeyspaceNode): Promise<void> {
    for (const result of await configureReplicas(node.commands, this.#needed, this.mode)) {
      if (result instanceof Error)
        this.#reporter.warn(result, { node: node.address }, 'cannot configure a replica');
      else this.#report(result);
    }
  }

  /**
   * After a node's subscriber reconnected: checks (and merges) the flags on the server it is
   * connected to now (a restarted server, or a replica Sentinel promoted, may lack them) and
   * describes the gap. Never rejects.
   */
  async afterReconnect(node: KeyspaceNode): Promise<KeyspaceGap> {
    const { gap, configured, error } = await afterReconnect(node, this.#needed, this.mode);
    if (configured !== undefined) this.#report(configured);
    if (error !== undefined)
      this.#reporter.warn(error, { node: gap.node }, 'cannot check notify-keyspace-events after a reconnect');
    return gap;
  }

  /**
   * Configures every node of a cluster that is not failed, before the source subscribes. A
   * master that fails rejects; a replica that fails is a warning (with `merge`).
   */
  async configureCluster(template: Redis, nodes: readonly ClusterNodeInfo[]): Promise<void> {
    await Promise.all(
      nodes
        .filter((info) => !info.failed)
        .map(async (info) => {
          try {
            await this.#configureAt(template, info);
          } catch (error) {
            if (info.role === 'master') throw error;
            if (this.mode === 'merge') {
              this.#reporter.warn(toError(error), { node: info.address }, 'cannot configure a replica');
            }
          }
        }),
    );
  }

  /**
   * With `merge`, configures the nodes seen for the first time (in the background; a failure is
   * a warning, retried when the node is seen again), so that a replica is ready for a failover.
   */
  configureNew(template: () => Redis, nodes: readonly ClusterNodeInfo[]): void {
    if (this.mode !== 'merge') return;
    const from = template();
    for (const info of nodes) {
      if (info.failed || this.#configured.has(info.address)) continue;
      this.#configured.add(info.address);
      this.#configureAt(from, info).catch((error: unknown) => {
        this.#configured.delete(info.address);
        this.#reporter.warn(toError(error), { node: info.address }, 'cannot configure a node');
      });
    }
  }

  async #configureAt(template: Redis, info: ClusterNodeInfo): Promise<void> {
    const result = await configureNodeAt(template, info.host, info.port, this.#needed, this.mode);
    this.#configured.add(info.address);
    this.#report(result);
  }

  #report(result: NotifyFlagsResult): void {
    if (result.added !== '') {
      this.#reporter.logger.info(
        { node: result.node, before: result.before, after: result.after },
        `added "${result.added}" to notify-keyspace-events`,
      );
    }
    this.#reporter.notify('configured', result);
  }
}
