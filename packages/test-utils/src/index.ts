export * from './cluster-admin.js';
export * from './describe-both.js';
export * from './start-cluster.js';
export * from './start-redis.js';
export * from './test-app-context.js';
export * from './wait-until.js';
export * from './start-test-app.js';
export * from './capture-logger.js';
