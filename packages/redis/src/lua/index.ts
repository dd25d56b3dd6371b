export * from './lua-script.js';
