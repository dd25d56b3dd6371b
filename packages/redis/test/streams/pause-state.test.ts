import { expect, it } from 'vitest';
import { createLogger } from '@keel/core';
import { describeBoth } from '../../../test-utils/src/index.js';
import { KeyPauseLock, type TopicPauseLock } from '../../src/streams/pause-lock.js';
import { PauseState } from '../../src/streams/pause-state.js';

/** A real pause lock whose `held()` replies are handed over only when the test says so. */
class HeldGate implements TopicPauseLock {
  readonly #lock: KeyPauseLock;
  #open: (() => void) | undefined;
  #gate: Promise<void> | undefined;

  constructor(lock: KeyPauseLock) {
    this.#lock = lock;
  }

  get key(): string {
    return this.#lock.key;
  }

  /** Holds back the next `held()` reply (read from Redis now) until `release()`. */
  hold(): () => void {
    this.#gate = new Promise<void>((resolve) => {
      this.#open = resolve;
    });
    return () => this.#open?.();
  }

  acquire(owner: string, ttlMs: number): Promise<boolean> {
    return this.#lock.acquire(owner, ttlMs);
  }

  release(owner: string): Promise<boolean> {
    return this.#lock.release(owner);
  }

  async held(): Promise<boolean> {
    const held = await this.#lock.held();
    const gate = this.#gate;
    this.#gate = undefined;
    await gate;
    return held;
  }
}

describeBoth('PauseState', (target) => {
  const logger = createLogger({ level: 'silent' });
  const stateOf = (key: string): [PauseState, HeldGate] => {
    const lock = new HeldGate(new KeyPauseLock(target.client(), key));
    return [new PauseState(lock, 'me', logger, () => Promise.resolve()), lock];
  };

  it('keeps the pause it took when a poll sent before it replies late', async () => {
    const [state, lock] = stateOf(`pause-state:take:${target.mode}`);
    const open = lock.hold();
    const poll = state.refresh(); // reads "not held" now, replies after the take
    await new Promise((resolve) => setTimeout(resolve, 20));
    await state.take(60_000, 'stream');
    expect(state.paused).toBe(true);
    open();
    await poll;
    expect(state.paused).toBe(true);
    await state.refresh();
    expect(state.paused).toBe(true);
    expect(await state.release()).toBe(true);
  });

  it('keeps the resume it made when a poll sent before the release replies late', async () => {
    const [state, lock] = stateOf(`pause-state:release:${target.mode}`);
    await state.take(60_000, 'stream');
    const open = lock.hold();
    const poll = state.refresh(); // reads "held" now, replies after the release
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await state.release()).toBe(true);
    open();
    await poll;
    expect(state.paused).toBe(false);
  });
});
