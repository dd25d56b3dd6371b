import { Redis } from 'ioredis';

/** One line of `CLUSTER NODES`, as seen by one node. */
export interface ClusterNodeView {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly flags: readonly string[];
  /** The master's id, for a replica. */
  readonly masterId: string | undefined;
  readonly connected: boolean;
  /** Slot ranges, as written (`0-5460`). */
  readonly slots: readonly string[];
  readonly role: 'master' | 'replica';
  /** Flagged `fail`, `fail?`, `handshake` or `noaddr`. */
  readonly unhealthy: boolean;
}

/** Parses the reply of `CLUSTER NODES`. */
export function parseClusterNodes(text: string): ClusterNodeView[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [id = '', address = '', flagText = '', master = '-', , , , link = '', ...slots] = line.split(' ');
      const hostPort = address.split('@')[0] ?? '';
      const colon = hostPort.lastIndexOf(':');
      const flags = flagText.split(',');
      return {
        id,
        host: hostPort.slice(0, colon),
        port: Number(hostPort.slice(colon + 1)),
        flags,
        masterId: master === '-' ? undefined : master,
        connected: link === 'connected',
        slots,
        role: flags.includes('slave') ? 'replica' : 'master',
        unhealthy: flags.some((flag) => ['fail', 'fail?', 'handshake', 'noaddr'].includes(flag)),
      } satisfies ClusterNodeView;
    });
}

/** Parses `INFO`-style `key:value` lines. */
export function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) map.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return map;
}

/**
 * Runs `fn` on a fresh, short-lived admin connection to one node (no retries, no offline
 * queue), and always closes it.
 */
export async function withNode<T>(
  node: { readonly host: string; readonly port: number },
  password: string | undefined,
  fn: (client: Redis) => Promise<T>,
): Promise<T> {
  const client = new Redis({
    host: node.host,
    port: node.port,
    ...(password === undefined ? {} : { password }),
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    connectTimeout: 2000,
    commandTimeout: 5000,
    protocol: 2,
    disableClientInfo: true,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** `CLUSTER NODES` of one node, parsed. */
export function clusterNodesOf(
  node: { readonly host: string; readonly port: number },
  password: string | undefined,
): Promise<ClusterNodeView[]> {
  return withNode(node, password, async (client) => parseClusterNodes(String(await client.cluster('NODES'))));
}
