export * from './cli-io.js';
export * from './program.js';
export * from './commands/check-command.js';
export * from './commands/run-command.js';
export * from './commands/embedded-redis.js';
export * from './commands/watch-command.js';
export * from './commands/dashboard-command.js';
