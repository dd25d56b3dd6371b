// FailoverHandovers: hands a failed-over master's slots to the new master with fence keys.
import { randomBytes } from 'node:crypto';
import { toError } from '@keel/core';
import { FENCE_PREFIX } from './keyspace-channels.js';
import type { KeyspaceEvent } from './keyspace-event.js';
import { handoverGap } from './keyspace-gap.js';
import type { KeyspaceSourceReporter } from './keyspace-source-reporter.js';
import { hashTagForRanges, type SlotRange } from './slot-ranges.js';
import type { TrackedNode, TrackedNodes } from './tracked-nodes.js';

/** Fence keys expire by themselves. */
const FENCE_TTL_MS = 10_000;
/** Pause between attempts at writing a fence. */
const FENCE_RETRY_MS = 200;

interface Handover {
  readonly seq: number;
  readonly from: TrackedNode;
  readonly to: TrackedNode;
  /** `Date.now()` when it began. */
  readonly startedAt: number;
  fromFenced: boolean;
  toFenced: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** What {@link FailoverHandovers} works with. */
export interface FailoverHandoversParts {
  readonly nodes: TrackedNodes;
  readonly reporter: KeyspaceSourceReporter;
  /** Hands an event to the source's consumer. */
  readonly report: (event: KeyspaceEvent) => void;
  /** How long a handover may wait for its fences, in ms. */
  readonly timeoutMs: number;
}

/**
 * Failover handovers of one keyspace source. A fence key (in the new master's slots) is written
 * on the new master; the old master reports the fence through replication, the new one itself.
 * Until its fence, the old master (`draining`) is reported and the new one (`pending`) is not;
 * between its fence and the old master's, the new one is `held` (kept in order); after both (or
 * the timeout) the new one is active and the old one dropped: no event is reported twice.
 */
export class FailoverHandovers {
  readonly #id = randomBytes(6).toString('hex');
  readonly #handovers = new Map<number, Handover>();
  readonly #parts: FailoverHandoversParts;
  #seq = 0;
  #stopped = false;

  constructor(parts: FailoverHandoversParts) {
    this.#parts = parts;
  }

  /** Starts handing `from`'s slots over to `to` (tracked `pending`). */
  begin(from: TrackedNode, to: TrackedNode, slots: readonly SlotRange[]): void {
    from.state = 'draining';
    const handover: Handover = {
      seq: ++this.#seq,
      from,
      to,
      startedAt: Date.now(),
      fromFenced: false,
      toFenced: false,
      timer: undefined,
    };
    this.#handovers.set(handover.seq, handover);
    handover.timer = setTimeout(() => {
      void this.#finish(handover, 'timeout');
    }, this.#parts.timeoutMs);
    handover.timer.unref();
    void this.#writeFence(handover, slots);
  }

  /** A fence key was reported by `tracked`. */
  onFence(tracked: TrackedNode, key: string): void {
    const [source, seqText] = key.slice(key.lastIndexOf('}:') + 2).split(':');
    if (source !== this.#id) return;
    const handover = this.#handovers.get(Number(seqText));
    if (handover === undefined) return;
    if (tracked === handover.to && !handover.toFenced) {
      handover.toFenced = true;
      if (tracked.state === 'pending') tracked.state = handover.fromFenced ? 'active' : 'held';
    } else if (tracked === handover.from && !handover.fromFenced) {
      handover.fromFenced = true;
      void this.#parts.nodes.remove(tracked, 'handover');
      if (handover.to.state === 'held') this.#parts.nodes.release(handover.to, this.#parts.report);
    }
    if (handover.fromFenced && handover.toFenced) void this.#finish(handover, 'fenced');
  }

  /** Abandons every handover (the source stops). */
  stop(): void {
    this.#stopped = true;
    for (const handover of this.#handovers.values()) clearTimeout(handover.timer);
    this.#handovers.clear();
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
        this.#parts.reporter.logger.debug(
          { error: toError(error).message, node: handover.to.node.address },
          'fence write failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, FENCE_RETRY_MS).unref());
      }
    }
  }

  async #finish(handover: Handover, outcome: 'fenced' | 'timeout'): Promise<void> {
    if (this.#handovers.get(handover.seq) !== handover) return;
    this.#handovers.delete(handover.seq);
    clearTimeout(handover.timer);
    const { nodes, reporter } = this.#parts;
    if (outcome === 'timeout') {
      reporter.logger.warn(
        {
          from: handover.from.node.address,
          to: handover.to.node.address,
          fromFenced: handover.fromFenced,
          toFenced: handover.toFenced,
        },
        'failover handover timed out; events of the last moments may be missing',
      );
    }
    if (handover.to.state !== 'active') nodes.release(handover.to, this.#parts.report);
    if (outcome === 'timeout')
      reporter.gap(handoverGap(handover.from.node, handover.to.node, handover.startedAt));
    reporter.stats.handovers++;
    reporter.notify('handover', { from: handover.from.node.address, to: handover.to.node.address, outcome });
    await nodes.remove(handover.from, 'handover');
  }
}
