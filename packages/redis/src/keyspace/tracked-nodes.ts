// TrackedNodes: the nodes a keyspace source listens to, their handover state and their back-pressure.
import type { Redis } from 'ioredis';
import type { KeyspaceEvent } from './keyspace-event.js';
import type { KeyspaceNode } from './keyspace-node.js';
import type { KeyspaceSourceReporter } from './keyspace-source-reporter.js';
import type { SlotRange } from './slot-ranges.js';

/** Events a held new master may buffer before its socket is paused. */
const HOLD_LIMIT = 10_000;

/** A node listened to. */
export interface TrackedNode {
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
}

/**
 * The nodes a keyspace source listens to. Pausing pauses every subscriber socket (a node added
 * meanwhile starts paused); a held node's own pause (too many held events) is kept apart.
 */
export class TrackedNodes {
  readonly #tracked = new Map<KeyspaceNode, TrackedNode>();
  readonly #reporter: KeyspaceSourceReporter;
  #paused = false;

  constructor(reporter: KeyspaceSourceReporter) {
    this.#reporter = reporter;
  }

  /** True while paused by {@link pause}. */
  get paused(): boolean {
    return this.#paused;
  }

  /** The tracked entry of `node`, if it is listened to. */
  get(node: KeyspaceNode): TrackedNode | undefined {
    return this.#tracked.get(node);
  }

  /** Every node listened to (a copy: safe to change the set while going through it). */
  all(): TrackedNode[] {
    return [...this.#tracked.values()];
  }

  /** The command connection of the node listened to at `address`. */
  commandClient(address: string): Redis | undefined {
    for (const tracked of this.#tracked.values())
      if (tracked.node.address === address) return tracked.node.commands;
    return undefined;
  }

  /** Starts listening to an opened node (`nodeAdded`). */
  add(node: KeyspaceNode, state: TrackedNode['state'], slots: readonly SlotRange[]): TrackedNode {
    const tracked: TrackedNode = { node, state, slots, held: [], heldPaused: false };
    this.#tracked.set(node, tracked);
    if (this.#paused) node.pause();
    this.#reporter.notify('nodeAdded', { node: node.address });
    return tracked;
  }

  /** Stops listening to a node and closes it (`nodeRemoved`); nothing when it is not listened to. */
  async remove(tracked: TrackedNode, reason: string): Promise<void> {
    if (!this.#tracked.delete(tracked.node)) return;
    this.#reporter.notify('nodeRemoved', { node: tracked.node.address, reason });
    await tracked.node.close();
  }

  /** Forgets and closes every node, without notices. */
  async closeAll(): Promise<void> {
    const tracked = [...this.#tracked.values()];
    this.#tracked.clear();
    await Promise.all(tracked.map((entry) => entry.node.close()));
  }

  /** Keeps an event of a held node; pauses its socket when too many are kept. */
  hold(tracked: TrackedNode, event: KeyspaceEvent): void {
    tracked.held.push(event);
    if (tracked.held.length >= HOLD_LIMIT && !tracked.heldPaused) {
      tracked.heldPaused = true;
      tracked.node.pause();
    }
  }

  /**
   * Makes a pending or held node active: hands the events it held to `report`, in order, then
   * reads its socket again if {@link hold} paused it (unless all are paused).
   */
  release(tracked: TrackedNode, report: (event: KeyspaceEvent) => void): void {
    tracked.state = 'active';
    const held = tracked.held;
    tracked.held = [];
    for (const event of held) report(event);
    if (tracked.heldPaused) {
      tracked.heldPaused = false;
      if (!this.#paused) tracked.node.resume();
    }
  }

  /** Stops reading every subscriber socket. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    for (const tracked of this.#tracked.values()) tracked.node.pause();
  }

  /** Reads the sockets again (but those of nodes paused by {@link hold}). */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    for (const tracked of this.#tracked.values()) if (!tracked.heldPaused) tracked.node.resume();
  }
}
