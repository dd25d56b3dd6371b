// `npm create keel [dir]`: the `keel init` of @keel/cli under the name npm create looks for.
import { type CliIo, defineInitCommand, processIo, setExitCode } from '@keel/cli';
import { Command } from 'commander';

/** Builds the `create-keel` program; `exit` receives the exit code. */
export function createKeelProgram(
  io: CliIo = processIo,
  exit: (code: number) => void = setExitCode,
): Command {
  return defineInitCommand(new Command('create-keel'), io, exit);
}
