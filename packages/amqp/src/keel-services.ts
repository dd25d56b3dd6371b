import type { RegisteredServiceClass } from '@keel/core';
import { AmqpSink } from './amqp-sink.js';

/** Service classes of @keel/amqp, registered when the package is listed in `packages:`. */
export const keelServices: readonly RegisteredServiceClass[] = [AmqpSink];
