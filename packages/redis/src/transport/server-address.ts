/* Which server an ioredis client is connected to right now, and how it finds it. */
import type { Redis } from 'ioredis';

/**
 * `host:port` of the server at the other end of `client`'s socket (the primary a Sentinel client
 * was sent to, say), or undefined while it is not connected.
 */
export function serverAddressOf(client: Redis): string | undefined {
  const { stream } = client as { stream?: { remoteAddress?: string; remotePort?: number } };
  const host = stream?.remoteAddress;
  const port = stream?.remotePort;
  if (host === undefined || port === undefined) return undefined;
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** True when `client` finds its server through Redis Sentinel (it was made with `sentinels`). */
export function isSentinelClient(client: Redis): boolean {
  const { sentinels } = client.options;
  return Array.isArray(sentinels) && sentinels.length > 0;
}
