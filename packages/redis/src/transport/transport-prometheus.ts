// TransportPrometheus: the Prometheus metrics of a RedisTransportService (node connections, reconnects, command errors).
import type { BoundCounter, MetricsSink } from '@keel/core';
import { Redis } from 'ioredis';
import { countCommandErrors } from './count-command-errors.js';
import type { RedisClient } from './redis-client.js';
import { serverAddressOf } from './server-address.js';

/** What the metrics read from their transport at scrape. */
export interface TransportReadings {
  /** The shared client (undefined before init and after close). */
  readonly client: () => RedisClient | undefined;
  /** Connections the service holds now (the shared client and its duplicates). */
  readonly connections: () => number;
}

/**
 * The transport's metrics: per node the shared client has connected to (the server, the
 * Sentinel primary, or the cluster nodes it used: the topology bounds the label) 1 while its
 * connection is ready, else 0; connections held; reconnects and failed commands of every
 * connection it made.
 */
export class TransportPrometheus {
  readonly #reconnects: BoundCounter;
  readonly #commandErrors: BoundCounter;
  /** Nodes exported by the previous scrape, to drop those that left. */
  #reported = new Set<string>();
  /** Last address of a single-server client (a Sentinel one has none while disconnected). */
  #lastAddress: string | undefined;

  constructor(sink: MetricsSink, readings: TransportReadings) {
    this.#reconnects = sink
      .counter({ name: 'keel_redis_reconnects_total', help: 'Connections that were lost and came back.' })
      .bind({});
    this.#commandErrors = sink
      .counter({
        name: 'keel_redis_command_errors_total',
        help: 'Commands that failed: an error reply, a timeout, or the connection lost under them.',
      })
      .bind({});
    sink.gauge({
      name: 'keel_redis_node_up',
      help: "1 while the shared client's connection to the node is ready, else 0.",
      labelNames: ['node'],
      collect: (gauge) => {
        const states = this.#nodeStates(readings.client());
        for (const node of this.#reported) if (!states.has(node)) gauge.remove({ node });
        for (const [node, up] of states) gauge.set({ node }, up ? 1 : 0);
        this.#reported = new Set(states.keys());
      },
    });
    sink.gauge({
      name: 'keel_redis_connections',
      help: 'Connections the transport holds now (the shared client and its duplicates).',
      collect: (gauge) => {
        gauge.set({}, readings.connections());
      },
    });
  }

  /**
   * Counts the reconnects and failed commands of a client the transport made. A reconnect is a
   * connection ready again after it was ready once: the client's own, or in a cluster a node's
   * (ioredis drops a lost node and makes it anew).
   */
  watch(client: RedisClient): void {
    const everReady = new Set<string>();
    const follow = (connection: Redis): void => {
      connection.on('ready', () => {
        const node = nodeName(connection);
        if (everReady.has(node)) this.#reconnects.inc();
        everReady.add(node);
      });
    };
    if (client instanceof Redis) follow(client);
    else client.on('+node', follow);
    countCommandErrors(client, () => {
      this.#commandErrors.inc();
    });
  }

  #nodeStates(client: RedisClient | undefined): Map<string, boolean> {
    const states = new Map<string, boolean>();
    if (client === undefined) return states;
    if (client instanceof Redis) {
      const { sentinels } = client.options;
      const address =
        !Array.isArray(sentinels) || sentinels.length === 0
          ? nodeName(client)
          : (serverAddressOf(client) ?? this.#lastAddress);
      this.#lastAddress = address;
      if (address !== undefined && client.status !== 'wait') states.set(address, client.status === 'ready');
      return states;
    }
    for (const node of client.nodes('all')) {
      // A cluster connects to a node on first use: one still waiting has never been needed.
      if (node.status !== 'wait') states.set(nodeName(node), node.status === 'ready');
    }
    return states;
  }
}

/** `host:port` of a connection as configured (a Sentinel client names no server: it is one key for whichever it is on). */
function nodeName(connection: Redis): string {
  const { host, port } = connection.options;
  return `${host ?? 'localhost'}:${port ?? 6379}`;
}
