// `keel dashboard`: the web UI against any Redis (standalone or cluster), without an app config.
import { createLogger, redactUrl } from '@keel/core';
import { startDashboardServer, type DashboardServer } from '@keel/dashboard';
import { Command, InvalidArgumentError } from 'commander';
import type { CliIo } from '../cli-io.js';
import { cliTransport } from './watch/cli-app-context.js';

/** Options of `keel dashboard`. */
export interface DashboardCommandOptions {
  /** Redis URL; with `cluster`, one seed node. */
  readonly redisConnectionString: string;
  readonly cluster: boolean;
  readonly host: string;
  readonly port: number;
  /** Bearer token; falls back to `KEEL_DASHBOARD_TOKEN`. */
  readonly token?: string | undefined;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

function portNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError('expected a port number (0 to 65535)');
  }
  return parsed;
}

/**
 * Connects to Redis, serves the dashboard on `host:port` and runs until SIGINT/SIGTERM
 * (resolves 0), or resolves 1 when Redis cannot be reached or the options are refused (a
 * non-loopback host without a token).
 */
export async function dashboardCommand(options: DashboardCommandOptions, io: CliIo): Promise<number> {
  const logger = createLogger({ level: 'warn', destination: io.stderr, base: { app: 'keel-dashboard' } });
  const token = options.token ?? io.env['KEEL_DASHBOARD_TOKEN'];
  const transport = cliTransport('dashboard', options.redisConnectionString, options.cluster, logger);
  let server: DashboardServer | undefined;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const onSignal = (): void => {
    stop();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    await transport.init(AbortSignal.timeout(30_000));
    server = await startDashboardServer({
      transport,
      host: options.host,
      port: options.port,
      logger,
      ...(token === undefined || token === '' ? {} : { token }),
    });
    const where = `${options.cluster ? 'cluster' : 'redis'} ${redactUrl(options.redisConnectionString)}`;
    const tokenNote =
      token === undefined || token === ''
        ? ''
        : '; token required: enter it on the page, or add #token=<token> to the URL';
    io.stdout.write(`keel dashboard: ${server.url} (${where})${tokenNote}; Ctrl-C to stop\n`);
    await stopped;
    return 0;
  } catch (error) {
    io.stderr.write(`keel dashboard: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    await server?.close();
    await transport.close();
  }
}

/** Registers `dashboard` on the `keel` program. */
export function registerDashboardCommand(program: Command, io: CliIo, exit: (code: number) => void): void {
  program
    .command('dashboard')
    .description('web UI for streams, dead letters, locks, keyspace events and RPC of any Redis')
    .option('-s, --redis-connection-string <url>', 'Redis URL', 'redis://localhost')
    .option('--cluster', 'the URL names a seed node of a Redis Cluster', false)
    .option('--host <host>', 'address to listen on (other than loopback: --token required)', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', portNumber, 9465)
    .option('--token <token>', 'bearer token the UI and API require (default: $KEEL_DASHBOARD_TOKEN)')
    .action(async (options: DashboardCommandOptions) => {
      exit(await dashboardCommand(options, io));
    });
}
