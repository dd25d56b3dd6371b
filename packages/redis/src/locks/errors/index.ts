export * from './lock-aborted-error.js';
export * from './lock-argument-error.js';
export * from './lock-exists-error.js';
export * from './lock-keys-cross-slot-error.js';
export * from './lock-lost-error.js';
export * from './lock-timeout-error.js';
export * from './locks-closed-error.js';
export * from './not-lock-owner-error.js';
