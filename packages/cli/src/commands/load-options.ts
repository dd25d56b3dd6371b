import { createModuleImporter, type LoadConfigOptions, type ModuleImporter, parseVarArgs } from '@keel/core';
import { CLI_PACKAGE_ROOT } from '../package-info.js';

/** Options shared by the commands that load a config. */
export interface ConfigCommandOptions {
  readonly var: readonly string[];
  readonly envFile: readonly string[];
}

/**
 * How the CLI imports `packages:`: from the config file's directory, then the working directory,
 * then the Keel packages the CLI itself depends on (so `@keel/redis` works without a local install).
 */
export const cliImportModule: ModuleImporter = createModuleImporter({
  fallbacks: [{ dir: CLI_PACKAGE_ROOT, label: "the keel CLI's own dependencies" }],
});

/** Turns `--var` and `--env-file` options into {@link LoadConfigOptions}. */
export function loadOptions(options: ConfigCommandOptions, env: NodeJS.ProcessEnv): LoadConfigOptions {
  return {
    vars: parseVarArgs(options.var),
    envFiles: [...options.envFile],
    env,
    importModule: cliImportModule,
  };
}
