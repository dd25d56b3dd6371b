import { createLogger, redactUrl } from '@keel/core';
import { KeyspaceWatcher, type KeyspaceEventInfo, type KeyspaceWatcherStats } from '@keel/redis';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type CliIo, collect, processIo } from '../cli-io.js';
import { cliTransport } from './watch/cli-app-context.js';
import { pipelineLine, readableLine } from './watch/format-event.js';
import { OutputGuard } from './watch/output-guard.js';

/** Options of `keel watch` / `redis-watchdog`. */
export interface WatchCommandOptions {
  /** Redis URL (`redis://[user:password@]host:port[/db]`, `rediss://` for TLS). */
  readonly redisConnectionString: string;
  /** Key globs; none means `*`. */
  readonly redisPattern: readonly string[];
  /** Exit 0 after exactly this many events. */
  readonly count?: number | undefined;
  /** No banners on stderr. */
  readonly quiet: boolean;
  /** `KEY VALUE` lines for a shell pipeline. */
  readonly pipeline: boolean;
  /** Event classes (`notify-keyspace-events` flags). */
  readonly events: string;
  /** The URL names a seed of a Redis Cluster. */
  readonly cluster: boolean;
  /** `merge` the missing notify-keyspace-events flags, or `never` change the server. */
  readonly configure: 'merge' | 'never';
}

/** Signals that stop watching (SIGPIPE: the reader of stdout went away). */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGPIPE'];

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

/** Adds the options of `keel watch` (the flags of aioredis-watchdog, plus a few) to `command`. */
export function addWatchOptions(command: Command): Command {
  return command
    .option('-s, --redis-connection-string <url>', 'Redis URL', 'redis://localhost')
    .option('-r, --redis-pattern <pattern>', 'key glob to watch (repeatable; default *)', collect, [])
    .option('-c, --count <n>', 'exit after exactly N events', positiveInt)
    .option('-q, --quiet', 'no banners on stderr', false)
    .option('-P, --pipeline', 'print "KEY VALUE" lines for a shell pipeline', false)
    .option('--events <flags>', 'event classes: A or any of g$lshzxetdmn', 'A')
    .option('--cluster', 'the URL names a seed node of a Redis Cluster', false)
    .addOption(
      new Option('--configure <mode>', 'add missing notify-keyspace-events flags, or never change the server')
        .choices(['merge', 'never'])
        .default('merge'),
    );
}

/**
 * `keel watch` / `redis-watchdog`: prints a line per key change until stopped (SIGINT, SIGTERM,
 * a closed stdout) or, with `count`, after exactly that many events. Lines go to stdout; banners,
 * warnings and errors to stderr. Resolves with the exit code: 0, or 1 when Redis cannot be
 * reached or the watch cannot start.
 */
export async function watchCommand(options: WatchCommandOptions, io: CliIo): Promise<number> {
  const logger = createLogger({
    level: options.quiet ? 'error' : 'warn',
    destination: io.stderr,
    base: { app: 'keel-watch' },
  });
  const patterns = options.redisPattern.length === 0 ? ['*'] : [...options.redisPattern];
  const banner = (text: string): void => {
    if (!options.quiet) io.stderr.write(`${text}\n`);
  };
  const transport = cliTransport('watch', options.redisConnectionString, options.cluster, logger);
  let watcher: KeyspaceWatcher | undefined;
  const stop = (): void => {
    void watcher?.stop();
  };
  const output = new OutputGuard(io.stdout, stop);
  const onSignal = (): void => {
    stop();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    await transport.init(AbortSignal.timeout(30_000));
    const format = options.pipeline ? pipelineLine : readableLine;
    watcher = new KeyspaceWatcher(transport, {
      patterns,
      events: options.events,
      configure: options.configure,
      count: options.count,
      fetchValue: 'get',
      // One at a time: lines come out in the order the events arrived.
      concurrency: 1,
      logger,
      callbacks: [(_key, _value, _event, info: KeyspaceEventInfo) => output.write(format(info))],
    });
    await watcher.start();
    banner(
      `watching ${redactUrl(options.redisConnectionString)} keys ${patterns.join(' ')} events ${options.events}` +
        `${options.count === undefined ? '' : `, ${options.count} events`} (${watcher.source.nodes().length} node(s)); Ctrl-C to stop`,
    );
    const stats: KeyspaceWatcherStats = await watcher.done;
    banner(`${stats.delivered} event(s)`);
    return 0;
  } catch (error) {
    io.stderr.write(`keel watch: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    await watcher?.stop();
    output.dispose();
    await transport.close();
  }
}

/** Registers `watch` on the `keel` program. */
export function registerWatchCommand(program: Command, io: CliIo, exit: (code: number) => void): void {
  addWatchOptions(
    program.command('watch').description('print Redis key changes (keyspace notifications) as they happen'),
  ).action(async (options: WatchCommandOptions) => {
    exit(await watchCommand(options, io));
  });
}

/** The `redis-watchdog` program: `keel watch` under aioredis-watchdog's name. */
export function createWatchdogProgram(
  io: CliIo = processIo,
  exit: (code: number) => void = setExitCode,
): Command {
  return addWatchOptions(
    new Command('redis-watchdog')
      .description('print Redis key changes (keyspace notifications) as they happen; same as keel watch')
      .showHelpAfterError(),
  ).action(async (options: WatchCommandOptions) => {
    exit(await watchCommand(options, io));
  });
}

function setExitCode(code: number): void {
  process.exitCode = code;
}
