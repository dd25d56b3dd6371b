/* Read-only queries on Redis Sentinel processes and on the data nodes they watch. */
import { parseInfo, withNode } from './cluster-admin.js';

/** A host and port. */
export interface NodeAddress {
  readonly host: string;
  readonly port: number;
}

/** `host:port`. */
export function addressOf(node: NodeAddress): string {
  return `${node.host}:${node.port}`;
}

/** A flat `[key, value, key, value…]` reply as a map. */
function pairs(reply: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (!Array.isArray(reply)) return map;
  for (let index = 0; index + 1 < reply.length; index += 2) {
    map.set(String(reply[index]), String(reply[index + 1]));
  }
  return map;
}

/** What one sentinel says about the master group `name`. */
export interface SentinelView {
  /** `SENTINEL GET-MASTER-ADDR-BY-NAME` (the promoted replica as soon as it is promoted). */
  readonly master: NodeAddress | undefined;
  /** `SENTINEL MASTER` fields (`flags`, `num-other-sentinels`, `num-slaves`…). */
  readonly masterInfo: ReadonlyMap<string, string>;
  /** `SENTINEL REPLICAS`, one map of fields per replica. */
  readonly replicas: readonly ReadonlyMap<string, string>[];
}

/** Asks one sentinel what it knows about `name`. */
export function sentinelViewOf(
  sentinel: NodeAddress,
  password: string | undefined,
  name: string,
): Promise<SentinelView> {
  return withNode(sentinel, password, async (client) => {
    const address = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as
      [string, string] | null;
    const masterInfo = pairs(await client.call('SENTINEL', 'MASTER', name));
    const replicas = ((await client.call('SENTINEL', 'REPLICAS', name)) as unknown[]).map(pairs);
    return {
      master: address === null ? undefined : { host: address[0], port: Number(address[1]) },
      masterInfo,
      replicas,
    };
  });
}

/** `INFO replication` of a data node. */
export function replicationOf(node: NodeAddress, password: string | undefined): Promise<Map<string, string>> {
  return withNode(node, password, async (client) => parseInfo(await client.info('replication')));
}

/** True when a `flags` field of `SENTINEL MASTER`/`REPLICAS` reports no trouble. */
export function flagsHealthy(flags: string | undefined): boolean {
  if (flags === undefined) return false;
  return !flags
    .split(',')
    .some((flag) =>
      ['s_down', 'o_down', 'disconnected', 'failover_in_progress', 'promoted', 'reconf_sent'].includes(flag),
    );
}
