// Pauses and resumes every listener of a topic through its shared pause lock.
import { KeyPauseLock, pauseLockKey } from '@keel/redis';
import { DashboardRequestError } from '../dashboard-request-error.js';
import type { DashboardRedis } from './dashboard-redis.js';
import { requireTopicStream } from './stream-detail.js';
import { pauseHolder, type PauseHolder } from './stream-summaries.js';

/** Who holds the pause lock of `stream` now, or `null`. */
export async function pauseHolderOf(redis: DashboardRedis, stream: string): Promise<PauseHolder | null> {
  const key = pauseLockKey(requireTopicStream(stream));
  const [holder, ttl] = await Promise.all([redis.client.get(key), redis.client.pttl(key)]);
  return pauseHolder(holder, ttl);
}

/**
 * Takes (or, for the same owner, extends) the pause lock of `stream` for `ttlMs`: every listener
 * of the topic stops reading within its next poll. A 409 when another owner holds it.
 */
export async function pauseTopic(
  redis: DashboardRedis,
  stream: string,
  owner: string,
  ttlMs: number,
): Promise<PauseHolder | null> {
  const lock = new KeyPauseLock(redis.client, pauseLockKey(requireTopicStream(stream)));
  if (!(await lock.acquire(owner, ttlMs))) {
    const holder = await pauseHolderOf(redis, stream);
    throw new DashboardRequestError(409, `the topic is already paused by ${JSON.stringify(holder?.holder)}`, {
      holder,
    });
  }
  return pauseHolderOf(redis, stream);
}

/**
 * Releases the pause lock of `stream` when `owner` holds it, or whoever holds it with `force`
 * (`DEL`); the listeners resume within a poll. A 409 when another owner holds it and `force` is
 * off. Resolves `false` when the topic was not paused.
 */
export async function resumeTopic(
  redis: DashboardRedis,
  stream: string,
  owner: string,
  force: boolean,
): Promise<boolean> {
  const key = pauseLockKey(requireTopicStream(stream));
  if (force) return (await redis.client.del(key)) === 1;
  if (await new KeyPauseLock(redis.client, key).release(owner)) return true;
  const holder = await pauseHolderOf(redis, stream);
  if (holder === null) return false;
  throw new DashboardRequestError(
    409,
    `the topic is paused by ${JSON.stringify(holder.holder)}, not by this dashboard; resume with force to release it anyway`,
    { holder },
  );
}
