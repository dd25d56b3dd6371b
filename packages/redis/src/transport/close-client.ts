import { Redis } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import { settlesWithin } from '../util/within.js';

/**
 * Closes a client: `QUIT` (so pending replies arrive) when it is connected, then a hard
 * disconnect if it has not ended; resolves once the client reached status `end` or `timeoutMs`
 * elapsed. Never throws.
 *
 * A Sentinel client is `disconnect()`ed in the end as well: ioredis (6.0) keeps the
 * failover detector's subscriptions to the sentinels open after `QUIT` (redis/ioredis#1362),
 * and only `disconnect()` closes them.
 */
export async function closeClient(client: RedisClient, timeoutMs: number): Promise<void> {
  try {
    await quitClient(client, timeoutMs);
  } finally {
    if (client instanceof Redis && client.options.sentinels != null) client.disconnect();
  }
}

async function quitClient(client: RedisClient, timeoutMs: number): Promise<void> {
  const hasEnded = (): boolean => client.status === 'end';
  if (hasEnded()) return;
  const deadline = Date.now() + timeoutMs;
  let onEnd: (() => void) | undefined;
  const ended = new Promise<void>((resolve) => {
    onEnd = resolve;
    client.once('end', onEnd);
  });
  try {
    if (client.status === 'ready') {
      await settlesWithin(
        client.quit().then(() => ended),
        timeoutMs,
      );
    }
    if (!hasEnded()) {
      client.disconnect();
      await settlesWithin(ended, Math.max(0, deadline - Date.now()));
    }
  } catch {
    // closing is best effort
  } finally {
    if (onEnd !== undefined) client.off('end', onEnd);
  }
}
