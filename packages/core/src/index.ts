import 'reflect-metadata';

export * from './errors/keel-error.js';
export * from './errors/config-error.js';
export * from './errors/to-error.js';
export * from './settings/settings-spec.js';
export * from './logger/create-logger.js';
export * from './namespace/namespace.js';
export * from './metrics/index.js';
export * from './tracing/index.js';
export * from './services/dependency.js';
export * from './services/service.js';
export * from './services/service-registry.js';
export * from './config/app-config.js';
export * from './errors/app-start-error.js';
export * from './app/app.js';
export * from './app/service-container.js';
export type { BuiltService } from './app/build-services.js';
export * from './scheduler/scheduled-task.js';
export * from './scheduler/scheduler-settings.js';
export * from './scheduler/scheduler.js';
export * from './admin/index.js';
export * from './builtin-services.js';
export * from './config/load-config.js';
export * from './config/load-config-options.js';
export * from './config/parse-var-args.js';
export { parseEnvFile } from './config/env-file.js';
export {
  createModuleImporter,
  defaultImportModule,
  type ModuleImporterOptions,
  type ModuleSearchPlace,
} from './config/default-import-module.js';
export * from './validation/issue-path.js';
export * from './validation/validator.js';
export * from './rpc/index.js';
