import type { Logger } from '@keel/core';
import type { FallbackBuffer } from './fallback-buffer.js';
import type { ForwardedEvent } from './forwarded-event.js';
import { SinkSendError } from './forwarder-errors.js';
import type { KeyspaceSink } from './keyspace-sink.js';

/** Options of a {@link ForwardPump}. */
export interface ForwardPumpOptions {
  readonly sink: KeyspaceSink;
  /** The fallback list; `undefined`: fallback off (undeliverable events are dropped). */
  readonly fallback: FallbackBuffer | undefined;
  /** Largest batch handed to the sink. */
  readonly batchSize: number;
  /** Events held in memory at which `onPressure(true)` is called (reading should pause). */
  readonly maxPending: number;
  /** First retry delay after a failure, in ms (doubles up to `retryMaxMs`). */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly logger: Logger;
  /** Called with `true` when memory is full, `false` when it has room again. */
  readonly onPressure: (full: boolean) => void;
}

/** Counters of a forwarder. */
export interface ForwardStats {
  /** Events delivered to the sink (directly or replayed). */
  forwarded: number;
  /** Of those, events replayed from the fallback list. */
  replayed: number;
  /** Events written to the fallback list. */
  buffered: number;
  /** Events lost: sink failed with fallback off, or unreadable fallback entries. */
  dropped: number;
  /** Failed sink sends. */
  sendFailures: number;
}

/**
 * Moves events from memory to the sink, one batch at a time, in order. When the sink fails the
 * undelivered events (and every later one) go to the fallback list; when it answers again the
 * list is replayed from its head, new events being appended behind it, until it is empty.
 */
export class ForwardPump {
  readonly stats: ForwardStats = { forwarded: 0, replayed: 0, buffered: 0, dropped: 0, sendFailures: 0 };
  readonly #options: ForwardPumpOptions;
  readonly #queue: ForwardedEvent[] = [];
  /** The fallback list may hold events (true at start: a previous leader may have left some). */
  #fallbackPending: boolean;
  #down = false;
  #retryAt = 0;
  #delay: number;
  #stopping = false;
  #full = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: ForwardPumpOptions) {
    this.#options = options;
    this.#fallbackPending = options.fallback !== undefined;
    this.#delay = options.retryMinMs;
  }

  /** Events in memory. */
  get pending(): number {
    return this.#queue.length;
  }

  /** True while the sink is considered unreachable. */
  get down(): boolean {
    return this.#down;
  }

  /** True while events are (or may be) waiting in the fallback list. */
  get replaying(): boolean {
    return this.#fallbackPending;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  push(event: ForwardedEvent): void {
    this.#queue.push(event);
    if (!this.#full && this.#queue.length >= this.#options.maxPending) {
      this.#full = true;
      this.#options.onPressure(true);
    }
    this.#wakeUp();
  }

  /**
   * Stops after a last attempt at the events in memory (sent, or written to the fallback list);
   * waits at most `timeoutMs`.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    this.#wakeUp();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#loop,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (this.#queue.length > 0) {
      this.#options.logger.warn(
        { lost: this.#queue.length },
        'forwarder stopped with undelivered events in memory',
      );
      this.stats.dropped += this.#queue.length;
      this.#queue.length = 0;
    }
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #sleep(ms: number | undefined): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      if (ms !== undefined) timer = setTimeout(resolve, Math.max(0, ms));
    });
    clearTimeout(timer);
    this.#wake = undefined;
  }

  /** Removes the `count` oldest events from memory. */
  #take(count: number): void {
    this.#queue.splice(0, count);
    if (this.#full && this.#queue.length < this.#options.maxPending / 2) {
      this.#full = false;
      this.#options.onPressure(false);
    }
  }

  #failed(error: unknown): void {
    this.stats.sendFailures++;
    if (!this.#down) {
      this.#options.logger.warn(
        { err: error, sink: this.#options.sink.name },
        'sink unreachable; events go to the fallback list until it is back',
      );
    }
    this.#down = true;
    this.#retryAt = Date.now() + this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.#options.retryMaxMs);
  }

  #succeeded(): void {
    if (this.#down) this.#options.logger.info({ sink: this.#options.sink.name }, 'sink reachable again');
    this.#down = false;
    this.#delay = this.#options.retryMinMs;
  }

  async #run(): Promise<void> {
    let idleRounds = 0;
    while (!(this.#stopping && (this.#queue.length === 0 || idleRounds > 1))) {
      try {
        const progressed = await this.#step();
        idleRounds = progressed ? 0 : idleRounds + 1;
      } catch (error) {
        // Redis (the fallback list) failed: keep the events in memory and retry later.
        this.#options.logger.warn({ err: error }, 'fallback list unreachable; events stay in memory');
        idleRounds++;
        if (!this.#stopping) await this.#sleep(this.#delay);
      }
    }
  }

  /** One unit of work; false when it had nothing to do (and waited). */
  async #step(): Promise<boolean> {
    const { fallback, sink } = this.#options;
    const now = Date.now();
    if (fallback !== undefined && (this.#fallbackPending || (this.#down && now < this.#retryAt))) {
      // Order: everything new goes behind what the list holds.
      if (this.#queue.length > 0) {
        const batch = this.#queue.slice(0, this.#options.batchSize);
        await fallback.push(batch);
        this.#take(batch.length);
        this.stats.buffered += batch.length;
        this.#fallbackPending = true;
        return true;
      }
      if (this.#down && now < this.#retryAt) {
        if (this.#stopping) return false;
        await this.#sleep(this.#retryAt - now);
        return false;
      }
      const entries = await fallback.peek(this.#options.batchSize);
      if (entries.length === 0) {
        this.#fallbackPending = false;
        return true;
      }
      const events = entries.filter((entry): entry is ForwardedEvent => entry !== undefined);
      let sent = events.length;
      let failure: unknown;
      try {
        await sink.send(events);
      } catch (error) {
        sent = error instanceof SinkSendError ? error.sent : 0;
        failure = error;
      }
      // Remove the delivered events and the unreadable entries among them.
      let remove = 0;
      for (let seen = 0; remove < entries.length; remove++) {
        if (entries[remove] !== undefined) {
          if (seen === sent) break;
          seen++;
        } else {
          this.stats.dropped++;
        }
      }
      await fallback.drop(remove);
      this.stats.forwarded += sent;
      this.stats.replayed += sent;
      if (failure === undefined) this.#succeeded();
      else this.#failed(failure);
      return true;
    }
    if (this.#queue.length === 0) {
      if (this.#stopping) return false;
      await this.#sleep(undefined);
      return false;
    }
    if (fallback === undefined && this.#down && now < this.#retryAt) {
      // Fallback off: events wait in memory (bounded by back-pressure) until the retry.
      if (this.#stopping) return false;
      await this.#sleep(this.#retryAt - now);
      return false;
    }
    const batch = this.#queue.slice(0, this.#options.batchSize);
    try {
      await sink.send(batch);
      this.#take(batch.length);
      this.stats.forwarded += batch.length;
      this.#succeeded();
    } catch (error) {
      const sent = error instanceof SinkSendError ? error.sent : 0;
      this.stats.forwarded += sent;
      this.#failed(error);
      if (fallback === undefined) {
        this.#take(batch.length);
        this.stats.dropped += batch.length - sent;
        this.#options.logger.warn(
          { dropped: batch.length - sent },
          'sink failed and fallback is off: events dropped',
        );
      } else {
        // The undelivered rest stays at the head of memory and is spilled to the list next.
        this.#take(sent);
      }
    }
    return true;
  }
}
