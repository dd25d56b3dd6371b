/** Counters and gauges of one {@link RedisListener}, readable with `listener.metrics`. */
export interface RedisListenerMetrics {
  /** Messages acknowledged after running: succeeded, or failed with a final error. */
  readonly processed: number;
  /** Of `processed`, messages where a call failed (including failed calls of a batch). */
  readonly failed: number;
  /** Messages moved to the dead-letter stream. */
  readonly deadLettered: number;
  /** Failed runs left pending for another delivery. */
  readonly retried: number;
  /** Entries taken over from idle consumers by `XAUTOCLAIM`. */
  readonly claimed: number;
  /** Messages being processed now. */
  readonly inFlight: number;
  /** Redis errors met by the listener's loops (reads, acks, claims, trims); each one backs off. */
  readonly errors: number;
  /** Entries removed by trimming. */
  readonly trimmed: number;
  /** True while the topic's pause lock is held. */
  readonly paused: boolean;
  /** The group's pending entries (delivered, not acknowledged), as of the last refresh. */
  readonly pending: number | undefined;
  /** Entries not yet delivered to the group (Redis 7 `lag`), as of the last refresh. */
  readonly lag: number | undefined;
}

/** What the listener emits on `listener.events`. */
export interface RedisListenerEvents {
  /** After a batch's acknowledgement: how many messages it settled. */
  settled: [count: number];
  /** A message moved to the dead-letter stream: its id and the error. */
  deadLettered: [id: string, error: Error];
}

/** The listener's mutable counters. */
export class ListenerCounters {
  processed = 0;
  failed = 0;
  deadLettered = 0;
  retried = 0;
  claimed = 0;
  inFlight = 0;
  errors = 0;
  trimmed = 0;
  paused = false;
  pending: number | undefined;
  lag: number | undefined;

  snapshot(): RedisListenerMetrics {
    return {
      processed: this.processed,
      failed: this.failed,
      deadLettered: this.deadLettered,
      retried: this.retried,
      claimed: this.claimed,
      inFlight: this.inFlight,
      errors: this.errors,
      trimmed: this.trimmed,
      paused: this.paused,
      pending: this.pending,
      lag: this.lag,
    };
  }
}
