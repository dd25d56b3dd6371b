/* Coalesced socket writes: the commands a tick sends leave in one write, not one system call each. */
import type { Duplex } from 'node:stream';
import { SentinelConnector, type AbstractConnector } from 'ioredis';
// The connector ioredis uses for a single server and for each cluster node; ioredis exports it
// only from here (its index exports the Sentinel one).
import { StandaloneConnector } from 'ioredis/built/connectors/index.js';

/** What ioredis resolves a connector's `connect` with (a `net.Socket` or a `tls.TLSSocket`). */
type NetStream = Awaited<ReturnType<AbstractConnector['connect']>>;

const COALESCING = Symbol('keel.coalescing');

/**
 * Makes `stream` hold back what is written during one tick and send it together when the tick
 * ends (`cork()` at the first write, `uncork()` in `process.nextTick`), as one `writev`.
 *
 * ioredis writes every command to its socket as it is sent: at 100 commands in flight that is
 * 100 system calls where one would do, and the write calls are most of a busy client's CPU time.
 * Order is kept (a socket's writes leave in order), and nothing waits longer than the code that
 * runs in the same tick: a command sent and then awaited leaves at once. Idempotent.
 */
export function coalesceWrites(stream: Duplex): void {
  const marked = stream as Duplex & { [COALESCING]?: true };
  if (marked[COALESCING] === true) return;
  marked[COALESCING] = true;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    stream.uncork();
  };
  stream.write = ((...args: unknown[]): boolean => {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
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
