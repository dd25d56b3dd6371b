export * from './embedded/index.js';
export * from './transport/index.js';
export * from './cache/codec/index.js';
export * from './keel-services.js';
export * from './lua/index.js';
