/* Which server an ioredis client is connected to right now, and how it finds it. */
import type { Redis } from 'ioredis';
import { formatHostPort } from './connection-target.js';

/**
 * `host:port` of the server at the other end of `client`'s socket (the primary a Sentinel client
 * was sent to, say), or undefined while it is not connected.
 */
export function serverAddressOf(client: Redis): string | undefined {
  return peerAddressOf((client as { stream?: PeerSocket }).stream);
}

/** The part of a socket {@link peerAddressOf} reads. */
export interface PeerSocket {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

/** `host:port` of the other end of `socket`, or undefined while it is not connected. */
export function peerAddressOf(socket: PeerSocket | undefined): string | undefined {
  const host = socket?.remoteAddress;
  const port = socket?.remotePort;
  return host === undefined || port === undefined ? undefined : formatHostPort({ host, port });
}

/** True when `client` finds its server through Redis Sentinel (it was made with `sentinels`). */
export function isSentinelClient(client: Redis): boolean {
  const { sentinels } = client.options;
  return Array.isArray(sentinels) && sentinels.length > 0;
}
