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
  /** Bumped by every take/release, so that a poll sent before one cannot undo it. */
  #changes = 0;
  readonly #resumers: (() => void)[] = [];

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

  /**
   * Checks the lock once. A reply that a take/release by this listener overtook is dropped:
   * it describes the lock before that change.
   */
  async refresh(): Promise<void> {
    const changes = this.#changes;
    const held = await this.lock.held();
    if (changes === this.#changes) await this.#set(held);
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
      this.#resumers.push(resolve);
    });
  }

  /** Lets every waiting loop go on (on a resume, and at close). */
  wake(): void {
    for (const resume of this.#resumers.splice(0)) resume();
  }

  /** Takes the lock for `ttlMs` (or extends it); throws `STREAM_PAUSE_LOCKED` when another listener holds it. */
  async take(ttlMs: number, stream: string): Promise<void> {
    this.#changes++;
    const acquired = await this.lock.acquire(this.#owner, ttlMs);
    this.#changes++; // a poll sent while the script ran is dropped too
    if (!acquired) {
      throw new KeelError('STREAM_PAUSE_LOCKED', `The pause lock of ${stream} is held by another listener`, {
        details: { stream, key: this.lock.key },
      });
    }
    await this.#set(true);
  }

  /** Releases the lock if this listener holds it. */
  async release(): Promise<boolean> {
    this.#changes++;
    const released = await this.lock.release(this.#owner);
    this.#changes++;
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
