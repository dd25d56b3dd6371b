import { KeelError, type KeelErrorOptions } from '@keel/core';

/**
 * A stream entry that is not a valid message: no `_` field, not MessagePack, not
 * `[body, headers]`, or a body that is neither `[method, params]` nor a list of those.
 * Such an entry is dead-lettered at once with this error (code `STREAM_MESSAGE_INVALID`).
 */
export class StreamMessageError extends KeelError {
  constructor(message: string, options: KeelErrorOptions = {}) {
    super('STREAM_MESSAGE_INVALID', message, options);
  }
}

/**
 * The error stored with an entry that was delivered more than `maxDeliveries` times without
 * being acknowledged (its consumers crashed or kept failing): code `STREAM_MAX_DELIVERIES`.
 */
export class StreamMaxDeliveriesError extends KeelError {
  constructor(deliveries: number, maxDeliveries: number) {
    super(
      'STREAM_MAX_DELIVERIES',
      `delivered ${deliveries} times, more than max_deliveries (${maxDeliveries}), without being acknowledged`,
      { details: { deliveries, maxDeliveries } },
    );
  }
}

/** `RedisStreamRPCClient.request` got no reply in time (code `STREAM_REQUEST_TIMEOUT`). */
export class StreamRequestTimeoutError extends KeelError {
  constructor(method: string, timeoutMs: number, stream: string) {
    super('STREAM_REQUEST_TIMEOUT', `No reply to ${method} on ${stream} within ${timeoutMs} ms`, {
      details: { method, timeoutMs, stream },
    });
  }
}

/** A stream client used before `init` or after `close` (code `STREAM_CLIENT_CLOSED`). */
export class StreamClientClosedError extends KeelError {
  constructor(service: string, what: string) {
    super('STREAM_CLIENT_CLOSED', `${service} is not running: ${what}`, { details: { service } });
  }
}
