import type { SlotRange } from './slot-ranges.js';

/** One node of a Redis Cluster, from a `CLUSTER NODES` line. */
export interface ClusterNodeInfo {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** `host:port`. */
  readonly address: string;
  readonly role: 'master' | 'replica';
  /** The master's id, for a replica. */
  readonly masterId: string | undefined;
  /** Flagged `fail` (or `noaddr`) by the node that answered: taken as gone. */
  readonly failed: boolean;
  readonly configEpoch: number;
  /** Slots it serves (masters), without migration markers. */
  readonly slots: readonly SlotRange[];
}

/** The cluster as one node sees it. */
export interface ClusterView {
  readonly nodes: readonly ClusterNodeInfo[];
  /** The highest config epoch among masters: a view with a lower one is older. */
  readonly epoch: number;
}

function parseSlots(entries: readonly string[]): SlotRange[] {
  const ranges: SlotRange[] = [];
  for (const entry of entries) {
    if (entry === '' || entry.startsWith('[')) continue;
    const [from = '', to = from] = entry.split('-');
    const range = { from: Number(from), to: Number(to) };
    if (Number.isInteger(range.from) && Number.isInteger(range.to)) ranges.push(range);
  }
  return ranges;
}

/** Parses the reply of `CLUSTER NODES` (Redis 3 to 7 formats). */
export function parseClusterView(text: string): ClusterView {
  const nodes: ClusterNodeInfo[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const [id = '', address = '', flagText = '', master = '-', , , epoch = '0', , ...slots] = line.split(' ');
    const hostPort = address.split('@')[0] ?? '';
    const colon = hostPort.lastIndexOf(':');
    const host = hostPort.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
    const port = Number(hostPort.slice(colon + 1));
    if (host === '' || !Number.isInteger(port) || port <= 0) continue;
    const flags = flagText.split(',');
    const role = flags.includes('slave') ? 'replica' : 'master';
    nodes.push({
      id,
      host,
      port,
      address: `${host}:${port}`,
      role,
      masterId: master === '-' ? undefined : master,
      failed: flags.includes('fail') || flags.includes('noaddr') || flags.includes('handshake'),
      configEpoch: Number(epoch) || 0,
      slots: role === 'master' ? parseSlots(slots) : [],
    });
  }
  const epoch = Math.max(
    0,
    ...nodes.filter((node) => node.role === 'master').map((node) => node.configEpoch),
  );
  return { nodes, epoch };
}

/** The masters that serve slots and are not failed: the nodes whose keyspace events count. */
export function servingMasters(view: ClusterView): ClusterNodeInfo[] {
  return view.nodes.filter((node) => node.role === 'master' && !node.failed && node.slots.length > 0);
}
