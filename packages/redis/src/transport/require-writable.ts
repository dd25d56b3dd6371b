/* The check that a service which writes is not given a read-only (replica) transport. */
import { KeelError } from '@keel/core';

/**
 * Throws `REDIS_TRANSPORT_READ_ONLY` when `transport` connects to a replica (`role: replica`):
 * `service` writes to Redis, which a replica refuses. Called at init, so that the mistake is a
 * startup error rather than `READONLY` replies later.
 */
export function requireWritableTransport(
  transport: { readonly name: string; readonly role: 'master' | 'replica' },
  service: string,
): void {
  if (transport.role !== 'replica') return;
  throw new KeelError(
    'REDIS_TRANSPORT_READ_ONLY',
    `${service} writes to Redis, but its transport "${transport.name}" connects to a replica ` +
      '(role: replica); give it a transport with role: master',
    { details: { service, transport: transport.name } },
  );
}
