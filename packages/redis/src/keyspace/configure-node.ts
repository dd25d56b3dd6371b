import type { Redis } from 'ioredis';
import { closeClient } from '../transport/close-client.js';
import type { KeyspaceEventClass } from './keyspace-flags.js';
import { ensureNotifyFlags, type ConfigureMode, type NotifyFlagsResult } from './notify-config.js';

/**
 * Runs {@link ensureNotifyFlags} on the node at `host:port` over a short-lived connection made
 * from `template`'s options (no retries), and closes it.
 */
export async function configureNodeAt(
  template: Redis,
  host: string,
  port: number,
  needed: ReadonlySet<KeyspaceEventClass>,
  mode: ConfigureMode,
): Promise<NotifyFlagsResult> {
  const client = template.duplicate({
    host,
    port,
    // this very node, even when the template finds its server through Sentinel
    sentinels: undefined,
    Connector: undefined,
    lazyConnect: true,
    readOnly: false,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await ensureNotifyFlags(client, `${host}:${port}`, needed, mode);
  } finally {
    await closeClient(client, 1000);
  }
}
