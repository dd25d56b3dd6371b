import { relative } from 'node:path';
import { isKeelError } from '@keel/core';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { initProject } from '../init/init-project.js';

/** Options of `keel init`. */
export interface InitCommandOptions {
  readonly force: boolean;
  readonly name?: string;
}

/**
 * Gives `command` the arguments, options and action of `keel init`. The `keel` program and
 * create-keel (`npm create keel`) both use it.
 */
export function defineInitCommand(command: Command, io: CliIo, exit: (code: number) => void): Command {
  return command
    .description('write a new Keel project (app.yaml, a service, a client, a test) into a directory')
    .argument('[dir]', 'the project directory, created if missing (default: the working directory)')
    .option('--force', 'write into a non-empty directory, overwriting the files the template has', false)
    .option('--name <name>', 'package name (default: the directory name)')
    .action(async (dir: string | undefined, options: InitCommandOptions) => {
      exit(await initCommand(dir, options, io));
    });
}

/**
 * `keel init [dir]`: writes a new project into `dir` (default: the working directory), lists the
 * files and the next commands. Exit 1 when the directory is not empty (without `--force`).
 */
export async function initCommand(
  dir: string | undefined,
  options: InitCommandOptions,
  io: CliIo,
  cwd: string = process.cwd(),
): Promise<number> {
  try {
    const result = await initProject({
      dir: dir ?? cwd,
      force: options.force,
      ...(options.name === undefined ? {} : { name: options.name }),
    });
    io.stdout.write(`Created ${result.name} in ${result.dir}:\n`);
    for (const file of result.files) io.stdout.write(`  ${file}\n`);
    const cd = cdArgument(relative(cwd, result.dir), result.dir);
    io.stdout.write(
      `\nNext (redis-server must be on the PATH):\n${cd === undefined ? '' : `  cd ${cd}\n`}` +
        '  npm install\n  npm test\n  npm start\n',
    );
    return 0;
  } catch (error) {
    if (isKeelError(error, 'INIT_DIR_NOT_EMPTY') || isKeelError(error, 'INIT_NOT_A_DIRECTORY')) {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** How to `cd` into the project: the relative path when it is below `cwd`, else the absolute one. */
function cdArgument(relativePath: string, absolutePath: string): string | undefined {
  if (relativePath === '') return undefined;
  const path = relativePath.startsWith('..') ? absolutePath : relativePath;
  return /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}
