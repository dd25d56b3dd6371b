import type { Logger } from '@keel/core';
import {
  encodeEventBody,
  SinkSendError,
  type ForwardedEvent,
  type ForwardFormat,
  type KeyspaceSink,
} from '@keel/redis';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { AmqpSinkSettings } from './amqp-sink-settings.js';

/** Options of an {@link AmqpKeyspaceSink}. */
export interface AmqpKeyspaceSinkOptions {
  readonly settings: Readonly<AmqpSinkSettings>;
  readonly format: ForwardFormat;
  readonly logger: Logger;
}

/**
 * Publishes events to an AMQP exchange over a confirm channel: a batch counts as sent only when
 * the broker confirmed every message. Connects lazily (on the first `send`, and again after the
 * connection dropped); the forwarder paces retries.
 */
export class AmqpKeyspaceSink implements KeyspaceSink {
  readonly name = 'amqp';
  readonly #options: AmqpKeyspaceSinkOptions;
  #connection: ChannelModel | undefined;
  #channel: ConfirmChannel | undefined;
  #connecting: Promise<ConfirmChannel> | undefined;
  #closed = false;

  constructor(options: AmqpKeyspaceSinkOptions) {
    this.#options = options;
  }

  get ready(): boolean {
    return this.#channel !== undefined;
  }

  /** The current connection (undefined while disconnected). */
  get connection(): ChannelModel | undefined {
    return this.#connection;
  }

  async send(batch: readonly ForwardedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    let channel: ConfirmChannel;
    try {
      channel = await this.#open();
    } catch (error) {
      throw new SinkSendError(this.name, 0, error);
    }
    const { exchange, routingKey, deliveryMode } = this.#options.settings;
    const contentType = this.#options.format === 'json' ? 'application/json' : 'text/plain';
    const confirms = batch.map(
      (event) =>
        new Promise<void>((resolve, reject) => {
          try {
            channel.publish(
              exchange,
              routingKey,
              encodeEventBody(event, this.#options.format),
              { deliveryMode, contentType, messageId: event.id, timestamp: Math.floor(event.ts / 1000) },
              (error: unknown) => {
                if (error === null || error === undefined) resolve();
                else
                  reject(
                    error instanceof Error ? error : new Error('the broker did not confirm the message'),
                  );
              },
            );
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }),
    );
    const outcomes = await Promise.allSettled(confirms);
    const failed = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    if (failed >= 0) {
      const outcome = outcomes[failed];
      throw new SinkSendError(this.name, failed, outcome?.status === 'rejected' ? outcome.reason : undefined);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const connection = this.#connection;
    this.#reset();
    try {
      await connection?.close();
    } catch {
      // already closed
    }
  }

  /** Read through a method: `close()` may run while `#connect` awaits. */
  #isClosed(): boolean {
    return this.#closed;
  }

  #reset(): void {
    this.#connection = undefined;
    this.#channel = undefined;
  }

  #open(): Promise<ConfirmChannel> {
    if (this.#channel !== undefined) return Promise.resolve(this.#channel);
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<ConfirmChannel> {
    if (this.#closed) throw new Error('the AMQP sink is closed');
    const { settings, logger } = this.#options;
    const target = settings.url ?? {
      protocol: 'amqp',
      hostname: settings.host,
      port: settings.port,
      username: settings.username,
      password: settings.password,
      vhost: settings.vhost,
      heartbeat: settings.heartbeat,
    };
    const connection = await connect(target, { timeout: settings.connectTimeoutMs });
    const lost = (error?: Error): void => {
      if (this.#connection !== connection) return;
      this.#reset();
      if (!this.#closed) logger.warn({ err: error }, 'AMQP connection lost');
    };
    connection.on('error', (error: Error) => {
      lost(error);
    });
    connection.on('close', (error?: Error) => {
      lost(error);
    });
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', (error: Error) => {
        logger.warn({ err: error }, 'AMQP channel error');
      });
      channel.on('close', () => {
        if (this.#channel === channel) this.#channel = undefined;
        // A closed channel (e.g. missing exchange) makes the whole connection unusable for us.
        connection.close().catch(() => undefined);
      });
      if (this.#isClosed()) {
        await connection.close();
        throw new Error('the AMQP sink is closed');
      }
      this.#connection = connection;
      this.#channel = channel;
      logger.info(
        {
          host:
            settings.url === null || settings.url === undefined ? `${settings.host}:${settings.port}` : 'url',
        },
        'connected to the AMQP broker',
      );
      return channel;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }
}
