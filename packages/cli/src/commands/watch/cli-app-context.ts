import { randomUUID } from 'node:crypto';
import { KeelError, Namespace, type AppContext, type Logger } from '@keel/core';

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
