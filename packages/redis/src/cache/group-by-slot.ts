import { keySlot } from '../cluster/key-slot.js';

/** Keys of one cluster slot, with their positions in the caller's list. */
export interface SlotGroup {
  /** The first key (it routes the group's command). */
  readonly key: string;
  /** The slot (cluster mode only). */
  readonly slot?: number | undefined;
  readonly keys: string[];
  readonly positions: number[];
}

/**
 * `keys` grouped by cluster slot, groups in order of first appearance; a single group of every
 * key when not in cluster mode. Empty for no keys.
 */
export function groupBySlot(keys: readonly string[], cluster: boolean): SlotGroup[] {
  const [first] = keys;
  if (first === undefined) return [];
  if (!cluster) return [{ key: first, keys: [...keys], positions: keys.map((_, index) => index) }];
  const bySlot = new Map<number, SlotGroup>();
  keys.forEach((key, position) => {
    const slot = keySlot(key);
    const group = bySlot.get(slot);
    if (group === undefined) {
      bySlot.set(slot, { key, slot, keys: [key], positions: [position] });
    } else {
      group.keys.push(key);
      group.positions.push(position);
    }
  });
  return [...bySlot.values()];
}
