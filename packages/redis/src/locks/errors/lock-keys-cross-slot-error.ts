import { KeelError } from '@keel/core';

/**
 * In a cluster, the keys of one multi-key lock map to different hash slots, so no single script
 * can lock them together. Give them a common hash tag (`lock:{order:7}:a`, `lock:{order:7}:b`).
 * Raised before any command is sent.
 */
export class LockKeysCrossSlotError extends KeelError {
  readonly keys: readonly string[];
  /** The hash slot of each key, in the same order. */
  readonly slots: readonly number[];

  constructor(keys: readonly string[], slots: readonly number[]) {
    super(
      'LOCK_KEYS_CROSS_SLOT',
      `The keys of one lock must share a cluster hash slot; give them a common hash tag ({...}). ` +
        `Got ${keys.map((key, index) => `"${key}" (slot ${slots[index] ?? '?'})`).join(', ')}`,
      { details: { keys, slots } },
    );
    this.keys = keys;
    this.slots = slots;
  }
}
