import { KeelError } from '@keel/core';

/**
 * A sink could not deliver a whole batch. `sent` events at the head of the batch were delivered
 * (confirmed); the rest were not and go to the fallback list.
 */
export class SinkSendError extends KeelError {
  constructor(
    /** Name of the sink (`stream`, `amqp`). */
    readonly sink: string,
    /** How many events at the head of the batch were delivered. */
    readonly sent: number,
    cause: unknown,
  ) {
    super(
      'FORWARDER_SINK_SEND_FAILED',
      `The ${sink} sink did not deliver a batch (${sent} delivered first): ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause, details: { sink, sent } },
    );
  }
}

/** `sink: amqp` (or another external sink) names no usable sink provider service. */
export class ForwarderSinkMissingError extends KeelError {
  constructor(forwarder: string, sink: string) {
    super(
      'FORWARDER_SINK_MISSING',
      `KeyspaceForwarder "${forwarder}" has sink "${sink}" but no KeyspaceSinkService for it: add the ` +
        `sink service (e.g. "- cls: AmqpSink" from @keel/amqp) and name it in settings.sinkService`,
      { details: { forwarder, sink } },
    );
  }
}
