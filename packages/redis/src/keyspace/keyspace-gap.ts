/* The `gap` notice of keyspace sources: events may have been missed, and what to do after one. */
import { toError } from '@keel/core';
import type { KeyspaceEventClass } from './keyspace-flags.js';
import type { KeyspaceNode } from './keyspace-node.js';
import { ensureNotifyFlags, type ConfigureMode, type NotifyFlagsResult } from './notify-config.js';

/**
 * Keyspace events may have been missed: Redis does not keep notifications for a subscriber that
 * is not connected. Reported once events flow again, so that a consumer that needs every change
 * can re-read the keys it cares about (events from `until` on are delivered).
 */
export interface KeyspaceGap {
  /** `host:port` events come from now. */
  readonly node: string;
  /** `host:port` events came from before (another server after a failover). */
  readonly previousNode: string;
  /**
   * `reconnect`: the subscriber connection to the same server was lost and is back.
   * `failover`: events now come from another server — a Sentinel switch, or a cluster failover
   * whose old master could not be fenced (it failed, or the handover timed out).
   */
  readonly reason: 'reconnect' | 'failover';
  /** `Date.now()` from when events may be missing… */
  readonly since: number;
  /** …to when they are received again. */
  readonly until: number;
}

/** What {@link afterReconnect} found: the gap, and how `notify-keyspace-events` was checked. */
export interface ReconnectOutcome {
  readonly gap: KeyspaceGap;
  readonly configured?: NotifyFlagsResult;
  /** Checking or merging the flags failed (the gap is reported all the same). */
  readonly error?: Error;
}

/**
 * After a node's subscriber reconnected and subscribed again: checks (with `merge`: completes)
 * `notify-keyspace-events` on the server it is connected to now — a restarted server without a
 * config file, or a replica promoted by Sentinel, may lack the flags — and describes the gap.
 * Never rejects.
 */
export async function afterReconnect(
  node: KeyspaceNode,
  needed: ReadonlySet<KeyspaceEventClass>,
  mode: ConfigureMode,
): Promise<ReconnectOutcome> {
  const down = node.lastDown;
  const previousNode = down?.address ?? node.address;
  let configured: NotifyFlagsResult | undefined;
  let error: Error | undefined;
  try {
    configured = await ensureNotifyFlags(node.commands, node.address, needed, mode);
  } catch (caught) {
    error = toError(caught);
  }
  const gap: KeyspaceGap = {
    node: node.address,
    previousNode,
    reason: previousNode === node.address ? 'reconnect' : 'failover',
    since: down?.at ?? Date.now(),
    until: Date.now(),
  };
  return {
    gap,
    ...(configured === undefined ? {} : { configured }),
    ...(error === undefined ? {} : { error }),
  };
}

/** The gap of a cluster failover handover that could not be fenced. */
export function handoverGap(from: KeyspaceNode, to: KeyspaceNode, since: number): KeyspaceGap {
  return {
    node: to.address,
    previousNode: from.address,
    reason: 'failover',
    since: Math.min(since, from.lastDown?.at ?? since),
    until: Date.now(),
  };
}
