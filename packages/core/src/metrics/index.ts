export * from './metrics-sink.js';
export * from './noop-metrics.js';
export * from './app-metrics.js';
