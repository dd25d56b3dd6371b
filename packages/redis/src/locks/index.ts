export * from './errors/index.js';
export { fenceKeyOf } from './fence-key.js';
export type { AcquireOptions, Lock, LockedFunction, LockKeys } from './lock.js';
export * from './redis-locks-service.js';
export * from './redis-locks-settings.js';
