// The options, notices and counters of a KeyspaceEventSource.
import type { Logger } from '@keel/core';
import type { ConfigureMode, NotifyFlagsResult } from './notify-config.js';
import type { KeyspaceGap } from './keyspace-gap.js';

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
