export * from './pubsub-keys.js';
export * from './redis-publisher-settings.js';
export * from './redis-publisher.js';
export * from './redis-subscriber-settings.js';
export * from './redis-subscriber.js';
