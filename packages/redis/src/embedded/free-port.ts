import { createServer } from 'node:net';

/** Options of {@link findFreePort}. */
export interface FindFreePortOptions {
  /** Interface to probe (default `127.0.0.1`). */
  readonly host?: string;
  /**
   * Also require `port + 10000` to be free (the Redis Cluster bus port), which in turn needs
   * `port <= 55535`.
   */
  readonly clusterBus?: boolean;
}

const CLUSTER_BUS_OFFSET = 10_000;
const MAX_ATTEMPTS = 50;

/**
 * Finds a TCP port that is free right now by binding port 0 and releasing it. Another process
 * may take it before it is used, so callers retry on `EADDRINUSE`.
 */
export async function findFreePort(options: FindFreePortOptions = {}): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const port = await bindAndRelease(host, 0);
    if (port === undefined) continue;
    if (options.clusterBus !== true) return port;
    const busPort = port + CLUSTER_BUS_OFFSET;
    if (busPort <= 65_535 && (await bindAndRelease(host, busPort)) !== undefined) return port;
  }
  throw new Error(`No free TCP port found on ${host} after ${MAX_ATTEMPTS} attempts`);
}

/** Binds `port` (0: any) and releases it; resolves with the bound port, or undefined if taken. */
function bindAndRelease(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => {
      resolve(undefined);
    });
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => {
        resolve(bound);
      });
    });
  });
}
