import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@keel/core';

/** A logger that keeps what it writes, and its lines parsed, to check what was logged. */
export interface CapturedLogger {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[];
}

/** A pino logger at `level` (default `info`) writing to memory. */
export function captureLogger(level = 'info'): CapturedLogger {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return {
    logger: createLogger({ level, destination }),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
