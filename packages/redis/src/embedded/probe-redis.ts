import { Redis } from 'ioredis';

/** An error reply (`-ERR ...`) of a {@link probeRedis} command. */
export interface ProbeErrorReply {
  readonly error: string;
}

/** One reply of a {@link probeRedis} command. */
export type ProbeReply = unknown;

/** True when `reply` is an error reply. */
export function isProbeError(reply: ProbeReply): reply is ProbeErrorReply {
  return typeof reply === 'object' && reply !== null && !Array.isArray(reply) && 'error' in reply;
}

/**
 * Sends commands, in order, on a short-lived ioredis connection with no retries and no offline
 * queue, and resolves with the replies received until every command was answered, the
 * connection closed or failed (e.g. after `SHUTDOWN`, or nothing listening), or `timeoutMs`
 * elapsed. It never rejects: callers decide what a missing reply means. Used to probe and stop
 * embedded servers.
 */
export async function probeRedis(
  host: string,
  port: number,
  commands: readonly (readonly string[])[],
  timeoutMs: number,
): Promise<ProbeReply[]> {
  const client = new Redis({
    host,
    port,
    lazyConnect: true,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    protocol: 2,
    disableClientInfo: true,
  });
  client.on('error', () => undefined); // failures surface as missing replies
  const replies: ProbeReply[] = [];
  try {
    await client.connect();
    for (const [command, ...args] of commands) {
      if (command === undefined) continue;
      try {
        replies.push(await client.call(command, ...args));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (/Connection is closed|ECONNRESET|Command timed out/i.test(message)) break;
        replies.push({ error: message });
      }
    }
  } catch {
    // nothing listening (yet): no replies
  } finally {
    client.disconnect();
  }
  return replies;
}
