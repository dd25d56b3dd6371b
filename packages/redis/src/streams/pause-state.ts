import { KeelError, type Logger } from '@keel/core';
import { sleep } from './sleep.js';
import type { TopicPauseLock } from './pause-lock.js';

/** How often listeners look at the topic's pause lock, in ms. */
export const PAUSE_POLL_MS = 200;

/**
 * One listener's view of its topic's shared pause lock: polls the lock every 200 ms, lets the
 * read loop wait while it is held, and takes or releases it for {@link RedisListener.lock}.
 */
export class PauseState {
  readonly lock: TopicPauseLock;
  readonly #owner: string;
  readonly #logger: Logger;
  readonly #onPause: () => Promise<void>;
  #paused = false;
  #resume: (() => void) | undefined;

  /** `onPause` runs when this listener becomes paused (to end a blocked read). */
  constructor(lock: TopicPauseLock, owner: string, logger: Logger, onPause: () => Promise<void>) {
    this.lock = lock;
    this.#owner = owner;
    this.#logger = logger;
    this.#onPause = onPause;
  }

  /** True while the lock is held, as of the last check. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Checks the lock once. */
  async refresh(): Promise<void> {
    await this.#set(await this.lock.held());
  }

  /** Polls the lock until `signal` aborts; a failed check keeps the current state. */
  async follow(signal: AbortSignal): Promise<void> {
    const aborted = (): boolean => signal.aborted;
    while (!aborted()) {
      await sleep(PAUSE_POLL_MS, signal);
      if (aborted()) break;
      try {
        await this.refresh();
      } catch {
        // the read loop reports connection errors
      }
    }
    this.wake();
  }

  /** Resolves when the lock is seen released (or {@link wake} is called). */
  waitUntilResumed(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#resume = resolve;
    });
  }

  /** Lets a waiting read loop go on (at close). */
  wake(): void {
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
  }

  /** Takes the lock for `ttlMs` (or extends it); throws `STREAM_PAUSE_LOCKED` when another listener holds it. */
  async take(ttlMs: number, stream: string): Promise<void> {
    if (!(await this.lock.acquire(this.#owner, ttlMs))) {
      throw new KeelError('STREAM_PAUSE_LOCKED', `The pause lock of ${stream} is held by another listener`, {
        details: { stream, key: this.lock.key },
      });
    }
    await this.#set(true);
  }

  /** Releases the lock if this listener holds it. */
  async release(): Promise<boolean> {
    const released = await this.lock.release(this.#owner);
    if (released) await this.#set(false);
    return released;
  }

  async #set(paused: boolean): Promise<void> {
    const was = this.#paused;
    this.#paused = paused;
    if (paused === was) return;
    this.#logger.info(
      { key: this.lock.key },
      paused ? 'paused by the topic lock' : 'resumed: the topic lock was released',
    );
    if (paused) await this.#onPause();
    else this.wake();
  }
}
