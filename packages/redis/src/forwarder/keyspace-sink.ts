import type { Logger } from '@keel/core';
import { Service } from '@keel/core';
import type { ForwardedEvent, ForwardFormat } from './forwarded-event.js';

/**
 * Where a `KeyspaceForwarder` sends events. One sink belongs to one forwarder and is used by one
 * caller at a time (the next `send` starts after the previous one settled).
 */
export interface KeyspaceSink {
  /** Short name for logs and errors (`stream`, `amqp`). */
  readonly name: string;
  /** True while the sink believes it can deliver (connected); `send` reconnects when false. */
  readonly ready: boolean;
  /**
   * Delivers `batch` in order and resolves once every event is accepted (for AMQP: confirmed
   * by the broker). On failure rejects with a {@link SinkSendError} telling how many events at
   * the head were delivered (other errors count as none delivered).
   */
  send(batch: readonly ForwardedEvent[]): Promise<void>;
  /** Closes connections. Never throws. */
  close(): Promise<void>;
}

/** What a sink provider gets to open a sink for a forwarder. */
export interface SinkOptions {
  /** Body format of messages. */
  readonly format: ForwardFormat;
  /** The forwarder's logger. */
  readonly logger: Logger;
  /** The forwarder's name. */
  readonly forwarder: string;
}

/**
 * Base class of services that provide a forwarder sink living in another package (such as
 * `AmqpSink` in @keel/amqp), so that @keel/redis does not depend on their client libraries.
 * A `KeyspaceForwarder` with `sink` other than `stream` uses the service named by its
 * `sinkService` setting (or the only one) and calls {@link openSink} when it becomes leader.
 */
export abstract class KeyspaceSinkService<S extends object = object> extends Service<S> {
  /** The sink kind this service provides (compared with the forwarder's `sink` setting). */
  abstract readonly sinkKind: string;
  /** Opens a new sink (connection may be lazy: the first `send` connects). */
  abstract openSink(options: SinkOptions): KeyspaceSink;
}
