import { randomUUID } from 'node:crypto';
import {
  createLogger,
  KeelError,
  Namespace,
  type AppContext,
  type Logger,
  type ServiceLookup,
} from '@keel/core';

/** Options of {@link testAppContext}. */
export interface TestAppContextOptions {
  readonly name?: string;
  readonly env?: string;
  readonly id?: string;
  /** Default: a silent logger (`KEEL_TEST_LOG_LEVEL` raises it). */
  readonly logger?: Logger;
}

/**
 * A minimal {@link AppContext} for constructing services directly in tests: app `test`, env
 * `test`, a random id, kaiju-style namespaces, and a service lookup that finds nothing.
 */
export function testAppContext(options: TestAppContextOptions = {}): AppContext {
  const name = options.name ?? 'test';
  const env = options.env ?? 'test';
  const notFound = (what: string): never => {
    throw new KeelError('SERVICE_NOT_FOUND', `testAppContext has no services (asked for ${what})`);
  };
  const services: ServiceLookup = {
    get: (nameOrClass: unknown) =>
      notFound(
        typeof nameOrClass === 'string' ? nameOrClass : String((nameOrClass as { name?: unknown }).name),
      ),
    has: () => false,
    all: () => [],
  };
  return {
    name,
    env,
    id: options.id ?? randomUUID(),
    namespace: new Namespace(env, name),
    namespaceShared: new Namespace(env, '_shared'),
    services,
    logger: options.logger ?? createLogger({ level: process.env['KEEL_TEST_LOG_LEVEL'] ?? 'silent' }),
  };
}
