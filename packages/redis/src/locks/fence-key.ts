import { sameSlotKey } from '../cluster/same-slot-key.js';

/**
 * The key of the fencing-token counter of lock `key`; always in the same cluster slot as `key`,
 * so one script can update both (`dev.app.lock` → `{dev.app.lock}:fence`,
 * `lock:{order:7}` → `lock:{order:7}:fence`; see {@link sameSlotKey}).
 */
export function fenceKeyOf(key: string): string {
  return sameSlotKey(key, ':fence');
}
