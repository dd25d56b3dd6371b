import { Command, Option } from 'commander';
import { type CliIo, collect, processIo } from './cli-io.js';
import { parseAdminAddress } from './commands/admin-option.js';
import { checkCommand } from './commands/check-command.js';
import { registerDashboardCommand } from './commands/dashboard-command.js';
import { defineInitCommand } from './commands/init-command.js';
import { type RunCommandOptions, runCommand } from './commands/run-command.js';
import { registerWatchCommand } from './commands/watch-command.js';
import { cliManifest } from './package-info.js';

/** Builds the `keel` command line program; `exit` receives each command's exit code. */
export function createProgram(io: CliIo = processIo, exit: (code: number) => void = setExitCode): Command {
  const program = new Command('keel')
    .description('Create, check and run Keel apps wired from YAML service lists')
    .version(cliManifest().version, '-V, --version', 'print the @keel/cli version')
    .showHelpAfterError();

  const configOptions = (command: Command): Command =>
    command
      .option('--var <key=value>', 'template variable (highest precedence; repeatable)', collect, [])
      .option('--env-file <file>', 'env file with KEY=VALUE lines (repeatable, in order)', collect, []);

  defineInitCommand(program.command('init'), io, exit);

  configOptions(
    program
      .command('check')
      .description('validate config files without starting anything; prints every problem')
      .argument('<files...>', 'YAML config files, merged in order'),
  ).action(async (files: string[], options: { var: string[]; envFile: string[] }) => {
    exit(await checkCommand(files, options, io));
  });

  configOptions(
    program
      .command('run')
      .description('start the app; stops gracefully on SIGINT/SIGTERM')
      .argument('<files...>', 'YAML config files, merged in order')
      .option('--embedded-redis', 'start a throwaway redis-server when REDIS_URL is unset', false)
      .option('--each', 'run each file as its own app (in one process) instead of merging them', false)
      .option(
        '--admin <[host:]port>',
        'serve /health/live, /health/ready and /metrics (AdminHttpService); with --each app N gets port+N',
        parseAdminAddress,
      )
      .option('--admin-token <token>', 'bearer token for the admin routes (default: KEEL_ADMIN_TOKEN)')
      .addOption(
        new Option(
          '--log-format <format>',
          'log lines as JSON or human-readable (default: pretty on a terminal)',
        )
          .choices(['json', 'pretty'])
          .default(isTerminal(io.stdout) ? 'pretty' : 'json'),
      ),
  ).action(async (files: string[], options: RunCommandOptions) => {
    exit(await runCommand(files, options, io));
  });

  registerWatchCommand(program, io, exit);
  registerDashboardCommand(program, io, exit);

  return program;
}

function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** Sets `process.exitCode` (the default `exit` of the programs). */
export function setExitCode(code: number): void {
  process.exitCode = code;
}
