import { App, ConfigError, createLogger, formatConfigIssue, loadConfig } from '@keel/core';
import type { CliIo } from '../cli-io.js';
import { type ConfigCommandOptions, loadOptions } from './load-options.js';

/**
 * `keel check FILE...`: loads, validates and builds the app without starting anything.
 * Prints `ok` (exit 0) or every problem, one per line (exit 1).
 */
export async function checkCommand(
  files: readonly string[],
  options: ConfigCommandOptions,
  io: CliIo,
): Promise<number> {
  try {
    const config = await loadConfig(files, loadOptions(options, io.env));
    new App(config, { logger: createLogger({ level: 'silent' }) });
    io.stdout.write('ok\n');
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const issue of error.issues) io.stderr.write(`${formatConfigIssue(issue)}\n`);
      io.stderr.write(`${error.issues.length} ${error.issues.length === 1 ? 'problem' : 'problems'} found\n`);
      return 1;
    }
    throw error;
  }
}
