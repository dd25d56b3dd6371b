// redisTracer: the OpenTelemetry tracer of @keel/redis's spans, and the messaging attribute names and values they use.
import { tracerSource, type TracerSource } from '@keel/core';

/** The tracer of every @keel/redis span; `undefined` while no OpenTelemetry SDK is registered. */
export const redisTracer: TracerSource = tracerSource('@keel/redis');

/**
 * `messaging.system` of Keel's stream and pub/sub spans. The semantic conventions list no
 * well-known value for Redis (activemq, aws_sqs, kafka, rabbitmq… only) and allow a custom one;
 * `redis` is the value they use for the database (`db.system.name`).
 */
export const MESSAGING_SYSTEM = 'redis';

/** Attribute names of the OpenTelemetry messaging semantic conventions (and Keel's own, `keel.*`). */
export const Attr = Object.freeze({
  SYSTEM: 'messaging.system',
  DESTINATION: 'messaging.destination.name',
  DESTINATION_TEMPORARY: 'messaging.destination.temporary',
  OPERATION_TYPE: 'messaging.operation.type',
  OPERATION_NAME: 'messaging.operation.name',
  MESSAGE_ID: 'messaging.message.id',
  CONVERSATION_ID: 'messaging.message.conversation_id',
  CONSUMER_GROUP: 'messaging.consumer.group.name',
  CLIENT_ID: 'messaging.client.id',
  /** How many times the entry was delivered (this delivery included): Redis's delivery counter. */
  DELIVERY_COUNT: 'messaging.redis.message.delivery_count',
  /** The JSON-RPC method of a one-call message. */
  RPC_METHOD: 'keel.rpc.method',
  /** The number of calls of a batch message (kaiju's `[[method, params], …]`). */
  RPC_CALL_COUNT: 'keel.rpc.call_count',
} as const);
