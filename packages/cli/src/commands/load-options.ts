import { type LoadConfigOptions, parseVarArgs } from '@keel/core';

/** Options shared by the commands that load a config. */
export interface ConfigCommandOptions {
  readonly var: readonly string[];
  readonly envFile: readonly string[];
}

/** Turns `--var` and `--env-file` options into {@link LoadConfigOptions}. */
export function loadOptions(options: ConfigCommandOptions, env: NodeJS.ProcessEnv): LoadConfigOptions {
  return { vars: parseVarArgs(options.var), envFiles: [...options.envFile], env };
}
