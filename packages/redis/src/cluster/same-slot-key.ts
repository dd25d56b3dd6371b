import { CLUSTER_SLOTS, hashTagOf, keySlot } from './key-slot.js';

let slotTags: string[] | undefined;

/** A short string (base-36, no braces) that hashes to `slot`; the table is built once, lazily. */
export function slotTag(slot: number): string {
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
  const tag = slotTags[slot];
  if (tag === undefined) throw new RangeError(`${slot} is not a cluster slot`);
  return tag;
}

/**
 * A companion key of `key` that is always in the same cluster slot, so one Lua script can touch
 * both:
 * - `key` has a hash tag (`lock:{order:7}`): `<key><suffix>` (same tag);
 * - `key` contains no `}` (`dev.app.lock`): `{<key>}<suffix>` (the key becomes the tag);
 * - otherwise (braces that form no tag, e.g. `a}b`): `{<tag>}<suffix>:<key>`, `<tag>` being a
 *   short string hashing to the key's slot.
 *
 * `suffix` must not contain `{` or `}`.
 */
export function sameSlotKey(key: string, suffix: string): string {
  if (hashTagOf(key) !== undefined) return `${key}${suffix}`;
  if (key !== '' && !key.includes('}')) return `{${key}}${suffix}`;
  return `{${slotTag(keySlot(key))}}${suffix}:${key}`;
}
