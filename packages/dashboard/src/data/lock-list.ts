// Locks held under a key prefix: owner, time left and fencing token, a SCAN page at a time.
import { fenceKeyOf } from '@keel/redis';
import { runCommands, type DashboardRedis } from './dashboard-redis.js';
import { scanPage } from './node-scan.js';

/** A lock as the dashboard shows it. */
export interface LockInfo {
  readonly key: string;
  /** The identifier stored as the lock's value. */
  readonly owner: string;
  /** Time to live left, ms. */
  readonly ttlMs: number;
  /** The key's fencing-token counter (`null`: none, e.g. a pause lock). */
  readonly token: number | null;
}

/** A page of locks. */
export interface LockPage {
  readonly locks: readonly LockInfo[];
  readonly cursor: string | null;
}

/** `text` with the glob characters `* ? [ ] \` escaped, for `SCAN MATCH`. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}

/**
 * A page of the string keys under `prefix` that expire (a lock always has a time to live;
 * fence counters never do): `GET`, `PTTL` and the fence counter `GET` for each, pipelined per
 * node.
 */
export async function listLocks(
  redis: DashboardRedis,
  options: { readonly prefix: string; readonly cursor?: string | undefined; readonly limit: number },
): Promise<LockPage> {
  const page = await scanPage(redis, {
    match: `${escapeGlob(options.prefix)}*`,
    type: 'string',
    limit: options.limit,
    cursor: options.cursor,
  });
  const outcomes = await runCommands(
    redis,
    page.keys.flatMap((key) => [
      { key, name: 'GET', args: [key] },
      { key, name: 'PTTL', args: [key] },
      { key: fenceKeyOf(key), name: 'GET', args: [fenceKeyOf(key)] },
    ]),
  );
  const locks = page.keys.flatMap((key, index): LockInfo[] => {
    const [owner, ttl, fence] = outcomes.slice(index * 3, index * 3 + 3);
    const ttlMs = Number(ttl?.value);
    if (typeof owner?.value !== 'string' || !(ttlMs > 0)) return [];
    const token = fence?.error === null && fence.value !== null ? Number(fence.value) : NaN;
    return [{ key, owner: owner.value, ttlMs, token: Number.isSafeInteger(token) ? token : null }];
  });
  locks.sort((a, b) => a.key.localeCompare(b.key));
  return { locks, cursor: page.cursor };
}
