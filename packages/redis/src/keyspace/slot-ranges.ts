import { keySlot } from '../cluster/key-slot.js';

/** An inclusive range of slots. */
export interface SlotRange {
  readonly from: number;
  readonly to: number;
}

/** True when `slot` is in one of `ranges`. */
export function slotInRanges(slot: number, ranges: readonly SlotRange[]): boolean {
  return ranges.some((range) => slot >= range.from && slot <= range.to);
}

/** True when two lists of ranges share a slot. */
export function rangesOverlap(a: readonly SlotRange[], b: readonly SlotRange[]): boolean {
  return a.some((x) => b.some((y) => x.from <= y.to && y.from <= x.to));
}

/**
 * A short hash tag (without braces) whose slot is in `ranges`: `{tag}` routes a key to the
 * node serving those slots. Undefined when `ranges` is empty.
 */
export function hashTagForRanges(ranges: readonly SlotRange[]): string | undefined {
  if (ranges.length === 0) return undefined;
  // Every slot is reached within a few hundred thousand candidates; a node owns thousands.
  for (let candidate = 0; candidate < 1_000_000; candidate++) {
    const tag = candidate.toString(36);
    if (slotInRanges(keySlot(tag), ranges)) return tag;
  }
  return undefined;
}
