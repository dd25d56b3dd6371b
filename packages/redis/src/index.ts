export * from './embedded/index.js';
export * from './transport/index.js';
export * from './cache/codec/index.js';
export * from './keel-services.js';
export * from './lua/index.js';
export * from './keyspace/index.js';
export * from './map/index.js';
export * from './locks/index.js';
