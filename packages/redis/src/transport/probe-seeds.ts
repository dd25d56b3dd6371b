import { connect } from 'node:net';
import { formatHostPort, type HostPort } from './connection-target.js';

/**
 * Opens (and closes) a TCP connection to every seed in parallel and describes the ones that
 * fail, e.g. `127.0.0.1:7000 ECONNREFUSED`. Resolves with undefined when every seed accepts.
 * Used to explain a cluster connect failure, where ioredis only reports "Failed to refresh
 * slots cache.".
 */
export async function probeSeeds(seeds: readonly HostPort[], timeoutMs: number): Promise<string | undefined> {
  const results = await Promise.all(seeds.map((seed) => probe(seed, timeoutMs)));
  const failures = results.filter((result): result is string => result !== undefined);
  return failures.length === 0 ? undefined : failures.join(', ');
}

function probe(seed: HostPort, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: seed.host, port: seed.port });
    const done = (result: string | undefined): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => {
      done(`${formatHostPort(seed)} timed out`);
    });
    socket.once('connect', () => {
      done(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      done(`${formatHostPort(seed)} ${error.code ?? error.message}`);
    });
  });
}
