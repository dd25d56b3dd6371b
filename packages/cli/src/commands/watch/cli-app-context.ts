// What a command that builds services by hand (no YAML) needs: an app context and a Redis transport.
import { randomUUID } from 'node:crypto';
import { KeelError, Namespace, type AppContext, type Logger } from '@keel/core';
import { RedisTransportService, redisTransportSettings } from '@keel/redis';

/** The app context of a command that builds services by hand (no YAML, no other services). */
export function cliAppContext(name: string, logger: Logger): AppContext {
  const none = (): never => {
    throw new KeelError('SERVICE_NOT_FOUND', `keel ${name} has no other services`);
  };
  return {
    name,
    env: 'cli',
    id: randomUUID(),
    namespace: new Namespace('cli', name),
    namespaceShared: new Namespace('cli', '_shared'),
    services: { get: none, has: () => false, all: () => [] },
    logger,
  };
}

/** A (not yet initialised) transport of `keel <command>` for a Redis URL, or a cluster seed. */
export function cliTransport(
  command: string,
  url: string,
  cluster: boolean,
  logger: Logger,
): RedisTransportService {
  return new RedisTransportService({
    app: cliAppContext(command, logger),
    name: 'redis',
    settings: { ...redisTransportSettings.defaults, url, cluster },
    logger: logger.child({ service: 'redis' }),
  });
}
