import 'reflect-metadata';

export * from './errors/keel-error.js';
export * from './errors/config-error.js';
export * from './settings/settings-spec.js';
export * from './logger/create-logger.js';
export * from './namespace/namespace.js';
export * from './services/app-context.js';
export * from './services/dependency.js';
export * from './services/service.js';
export * from './services/service-registry.js';
export * from './config/app-config.js';
