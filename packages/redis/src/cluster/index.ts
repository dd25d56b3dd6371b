export * from './key-slot.js';
export * from './same-slot-key.js';
