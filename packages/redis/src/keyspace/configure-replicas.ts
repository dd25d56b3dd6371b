/* Sets notify-keyspace-events on the replicas of a server, ready for a Sentinel failover. */
import { toError } from '@keel/core';
import type { Redis } from 'ioredis';
import type { KeyspaceEventClass } from './keyspace-flags.js';
import { configureNodeAt } from './configure-node.js';
import type { ConfigureMode, NotifyFlagsResult } from './notify-config.js';

/** `host`/`port` of each `slaveN:ip=…,port=…` line of `INFO replication`. */
function replicasIn(info: string): { host: string; port: number }[] {
  const replicas: { host: string; port: number }[] = [];
  for (const line of info.split('\n')) {
    const match = /^slave\d+:.*\bip=([^,]+),port=(\d+)/.exec(line.trim());
    if (match?.[1] !== undefined) replicas.push({ host: match[1], port: Number(match[2]) });
  }
  return replicas;
}

/**
 * Runs `ensureNotifyFlags` on every replica `commands`' server lists in `INFO replication`, over
 * short direct connections (not through the sentinels), so that a replica promoted later
 * publishes the events from its first moment as a primary. One result per replica: what was
 * found and done, or the error (a replica is not required to be reachable).
 */
export async function configureReplicas(
  commands: Redis,
  needed: ReadonlySet<KeyspaceEventClass>,
  mode: ConfigureMode,
): Promise<(NotifyFlagsResult | Error)[]> {
  let info: string;
  try {
    info = await commands.info('replication');
  } catch (error) {
    return [toError(error)];
  }
  return Promise.all(
    replicasIn(info).map(({ host, port }) =>
      configureNodeAt(commands, host, port, needed, mode).catch((error: unknown) => toError(error)),
    ),
  );
}
