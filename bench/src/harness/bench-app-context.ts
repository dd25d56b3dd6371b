import { randomUUID } from 'node:crypto';
import { createLogger, KeelError, Namespace, type AppContext } from '@keel/core';

/** A minimal app context for constructing services in a benchmark (silent logger, no lookup). */
export function benchAppContext(): AppContext {
  const none = (): never => {
    throw new KeelError('SERVICE_NOT_FOUND', 'The benchmark app context has no services');
  };
  return {
    name: 'bench',
    env: 'bench',
    id: randomUUID(),
    namespace: new Namespace('bench', 'bench'),
    namespaceShared: new Namespace('bench', '_shared'),
    services: { get: none, has: () => false, all: () => [] },
    logger: createLogger({ level: 'silent' }),
  };
}
