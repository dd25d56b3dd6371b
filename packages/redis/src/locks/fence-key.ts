import { CLUSTER_SLOTS, hashTagOf, keySlot } from './key-slot.js';

let slotTags: string[] | undefined;

/** A short hash tag (base-36 text, no braces) for every slot, built once on first use. */
function slotTag(slot: number): string {
  if (slotTags === undefined) {
    const tags = new Array<string>(CLUSTER_SLOTS);
    let missing = CLUSTER_SLOTS;
    for (let n = 0; missing > 0; n++) {
      const tag = n.toString(36);
      const tagSlot = keySlot(tag);
      if (tags[tagSlot] === undefined) {
        tags[tagSlot] = tag;
        missing--;
      }
    }
    slotTags = tags;
  }
  return slotTags[slot] ?? '';
}

/**
 * The key of the fencing-token counter of lock `key`; always in the same cluster slot as `key`,
 * so one script can update both:
 * - a key with a hash tag (`lock:{order:7}`) → `lock:{order:7}:fence` (same tag);
 * - a key without `}` (`dev.app.lock`) → `{dev.app.lock}:fence` (the key becomes the tag);
 * - any other key (braces that do not form a tag, e.g. `a}b`) →
 *   `{<tag of its slot>}:fence:<key>`.
 */
export function fenceKeyOf(key: string): string {
  if (hashTagOf(key) !== undefined) return `${key}:fence`;
  if (!key.includes('}')) return `{${key}}:fence`;
  return `{${slotTag(keySlot(key))}}:fence:${key}`;
}
