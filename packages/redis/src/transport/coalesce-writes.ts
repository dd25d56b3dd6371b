/* Coalesced socket writes: the commands a tick sends leave in two writes, not one system call each. */
import type { Duplex } from 'node:stream';
import { SentinelConnector, type AbstractConnector } from 'ioredis';
// The connector ioredis uses for a single server and for each cluster node; ioredis exports it
// only from here (its index exports the Sentinel one).
import { StandaloneConnector } from 'ioredis/built/connectors/index.js';

/** What ioredis resolves a connector's `connect` with (a `net.Socket` or a `tls.TLSSocket`). */
type NetStream = Awaited<ReturnType<AbstractConnector['connect']>>;

const COALESCING = Symbol('keel.coalescing');

/**
 * Makes `stream` send the first write of a tick at once and hold back the ones after it until the
 * tick ends (`cork()` at the second write, `uncork()` in `process.nextTick`), as one `writev`.
 *
 * ioredis writes every command to its socket as it is sent: at 100 commands in flight that is
 * 100 system calls where two do, and the write calls are most of a busy client's CPU time. A
 * lone command (a caller that awaits each reply) leaves as before, with no delay; commands sent
 * together wait at most for the code that runs in the same tick. Order is kept (a socket's writes
 * leave in order). Idempotent.
 */
export function coalesceWrites(stream: Duplex): void {
  const marked = stream as Duplex & { [COALESCING]?: true };
  if (marked[COALESCING] === true) return;
  marked[COALESCING] = true;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  let wrote = false;
  let corked = false;
  const endTick = (): void => {
    wrote = false;
    if (corked) {
      corked = false;
      stream.uncork();
    }
  };
  stream.write = ((...args: unknown[]): boolean => {
    if (!wrote) {
      wrote = true;
      process.nextTick(endTick);
    } else if (!corked) {
      corked = true;
      stream.cork();
    }
    return write(...args);
  }) as Duplex['write'];
}

/** A connector class as ioredis's `Connector` option takes it (the options come untyped). */
export type ConnectorConstructor<C> = new (options: unknown) => C;

/** The part of a connector {@link coalescing} extends. */
interface Connecting {
  connect(...args: Parameters<AbstractConnector['connect']>): Promise<NetStream>;
}

/** `Base` whose connections coalesce their writes (see {@link coalesceWrites}). */
export function coalescing<C extends Connecting>(Base: new (options: never) => C): ConnectorConstructor<C> {
  class Coalescing extends (Base as unknown as ConnectorConstructor<Connecting>) {
    override async connect(...args: Parameters<AbstractConnector['connect']>): Promise<NetStream> {
      const stream = await super.connect(...args);
      coalesceWrites(stream);
      return stream;
    }
  }
  return Coalescing as unknown as ConnectorConstructor<C>;
}

/** ioredis's single-server connector, coalescing writes (for standalone and cluster nodes). */
export const CoalescingStandaloneConnector: ConnectorConstructor<AbstractConnector> = coalescing(
  StandaloneConnector as new (options: never) => AbstractConnector & Connecting,
);

/** ioredis's Sentinel connector, coalescing writes. */
export const CoalescingSentinelConnector: ConnectorConstructor<SentinelConnector> =
  coalescing(SentinelConnector);

/** The Sentinel connector of a connection: coalescing writes or ioredis's own. */
export function sentinelConnector(coalesce: boolean): ConnectorConstructor<SentinelConnector> {
  return coalesce
    ? CoalescingSentinelConnector
    : (SentinelConnector as ConnectorConstructor<SentinelConnector>);
}
