import type { RedisClient } from './redis-client.js';
import { settlesWithin } from '../util/within.js';

/**
 * Closes a client: `QUIT` (so pending replies arrive) when it is connected, then a hard
 * disconnect if it has not ended; resolves once the client reached status `end` or `timeoutMs`
 * elapsed. Never throws.
 */
export async function closeClient(client: RedisClient, timeoutMs: number): Promise<void> {
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
