import { Writable } from 'node:stream';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { startInMemoryTracing } from '../../../test-utils/src/in-memory-tracing.js';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../../src/logger/create-logger.js';

/** A stream that keeps the lines written to it. */
function memoryDestination(): { lines: string[]; destination: Writable } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, callback): void {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('redacts passwords, tokens, secrets and URLs', () => {
    const { lines, destination } = memoryDestination();
    const logger = createLogger({ level: 'info', destination }).child({ service: 'redis' });
    logger.info(
      {
        password: 'hunter2',
        settings: { password: 'hunter3', token: 'tok' },
        secret: 's3',
        url: 'redis://u:pw@h',
      },
      'hello',
    );
    const line = lines.join('');
    expect(line).toContain('"service":"redis"');
    for (const secret of ['hunter2', 'hunter3', 'tok"', 's3', 'u:pw']) expect(line).not.toContain(secret);
    expect(line).toContain('[redacted]');
  });

  it('redactUrl hides the password but keeps the rest', () => {
    expect(redactUrl('redis://alice:pw@localhost:6380/2')).toBe('redis://alice:***@localhost:6380/2');
    expect(redactUrl('redis://localhost:6379')).toBe('redis://localhost:6379');
  });
});

describe('logger and traces', () => {
  it('adds trace_id, span_id and trace_flags of the active span to every line, nothing without one', () => {
    const { lines, destination } = memoryDestination();
    const logger = createLogger({ level: 'info', destination }).child({ service: 'x' });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const spanId = 'b7ad6b7169203331';
    const active = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    // The API's default context manager keeps no context: register an SDK's.
    const tracing = startInMemoryTracing();
    try {
      context.with(active, () => {
        logger.info({ trace_id: 'mine' }, 'with an own field');
        logger.info('inside');
      });
      logger.info('outside');
    } finally {
      void tracing.stop();
    }
    const [own, inside, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(own).toMatchObject({ trace_id: 'mine', span_id: spanId });
    expect(inside).toMatchObject({ trace_id: traceId, span_id: spanId, trace_flags: '01', service: 'x' });
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
  });
});
