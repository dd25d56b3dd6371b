// createLogger: Keel's root pino logger (secrets redacted, trace_id/span_id of the active span on every line).
import { pino, type Logger, type LoggerOptions } from 'pino';
import { mergeTraceLogFields, traceLogFields } from '../tracing/log-trace-fields.js';

export type { Logger } from 'pino';

/** Paths whose values are replaced by `[redacted]` in every log line. */
export const REDACTED_PATHS: readonly string[] = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  '*.*.token',
  'secret',
  '*.secret',
  '*.*.secret',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  '*.*.authorization',
  'settings.password',
  'settings.url',
  'url',
  '*.url',
];

/** Options for the root logger. */
export interface CreateLoggerOptions {
  /** pino level (`info` by default, or `KEEL_LOG_LEVEL`). */
  readonly level?: string;
  /** Write to this stream instead of stdout (tests capture logs this way). */
  readonly destination?: NodeJS.WritableStream;
  /** Extra bindings on every line (e.g. app name and env). */
  readonly base?: Record<string, unknown>;
}

/**
 * Creates the root pino logger. Secrets are redacted by key (`password`, `token`, `secret`,
 * `authorization`, `apiKey`) and credentials in URLs are never logged (`url` keys are redacted;
 * use {@link redactUrl} to log a safe form). While an OpenTelemetry span is active, every line
 * carries its `trace_id`, `span_id` and `trace_flags`.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env['KEEL_LOG_LEVEL'] ?? 'info',
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    base: options.base ?? null,
    mixin: traceLogFields,
    mixinMergeStrategy: mergeTraceLogFields,
  };
  return options.destination === undefined
    ? pino(config)
    : pino(config, options.destination as pino.DestinationStream);
}

/** Returns `url` with any password replaced by `***` (user names are kept). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}
