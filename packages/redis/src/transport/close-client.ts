import type { RedisClient } from './redis-client.js';

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
      await settleWithin(
        client.quit().then(() => ended),
        timeoutMs,
      );
    }
    if (!hasEnded()) {
      client.disconnect();
      await settleWithin(ended, Math.max(0, deadline - Date.now()));
    }
  } catch {
    // closing is best effort
  } finally {
    if (onEnd !== undefined) client.off('end', onEnd);
  }
}

async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
