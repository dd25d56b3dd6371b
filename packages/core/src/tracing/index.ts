export * from './tracer-source.js';
export * from './trace-context.js';
export * from './log-trace-fields.js';
