export * from './amqp-keyspace-sink.js';
export * from './amqp-sink.js';
export * from './amqp-sink-settings.js';
export * from './keel-services.js';
