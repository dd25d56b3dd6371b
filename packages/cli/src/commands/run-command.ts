import { AdminHttpService, App, ConfigError, createLogger, formatConfigIssue, loadConfig } from '@keel/core';
import type { RedisServerHandle } from '@keel/redis';
import pinoPretty from 'pino-pretty';
import type { CliIo } from '../cli-io.js';
import { type AdminAddress, adminPortOf, adminTokenProblem, withAdminService } from './admin-option.js';
import { pointTransportsAt, startEmbeddedRedis } from './embedded-redis.js';
import { type ConfigCommandOptions, loadOptions } from './load-options.js';

/** Options of `keel run`. */
export interface RunCommandOptions extends ConfigCommandOptions {
  /** Start a throwaway redis-server when `REDIS_URL` is unset. */
  readonly embeddedRedis: boolean;
  /** Run each file as its own app (sharing the embedded Redis) instead of merging them into one. */
  readonly each: boolean;
  /** `json` (pino lines) or `pretty` (human-readable, via pino-pretty). */
  readonly logFormat: 'json' | 'pretty';
  /** Add an AdminHttpService on this address to every app (app N of `--each` on port + N). */
  readonly admin?: AdminAddress;
  /** Bearer token of the admin service; falls back to `KEEL_ADMIN_TOKEN`. */
  readonly adminToken?: string;
}

/** Signals that stop the app gracefully. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * `keel run FILE...`: starts the app and runs until SIGINT/SIGTERM, then stops it gracefully
 * (services close in reverse order) and resolves with the exit code. A second signal exits at once.
 */
export async function runCommand(
  files: readonly string[],
  options: RunCommandOptions,
  io: CliIo,
): Promise<number> {
  const destination = logDestination(options.logFormat, io.stdout);
  const logger = createLogger({ destination, base: { app: 'keel' } });
  const env = { ...io.env };
  const adminToken =
    options.admin === undefined ? undefined : (options.adminToken ?? nonEmpty(env['KEEL_ADMIN_TOKEN']));
  const tokenProblem = adminToken === undefined ? undefined : adminTokenProblem(adminToken);
  if (tokenProblem !== undefined) {
    io.stderr.write(`keel run: ${tokenProblem}\n`);
    return 1;
  }
  let server: RedisServerHandle | undefined;
  const started: App[] = [];
  try {
    if (options.embeddedRedis) server = await startEmbeddedRedis(env, logger);
    // One app from all files merged, or (--each) one app per file, started in order.
    const fileGroups = options.each ? files.map((file) => [file]) : [files];
    const apps: App[] = [];
    for (const [index, group] of fileGroups.entries()) {
      let config = await loadConfig(group, loadOptions(options, env));
      if (server !== undefined) config = pointTransportsAt(config, server);
      if (options.admin !== undefined) {
        const address = { host: options.admin.host, port: adminPortOf(options.admin, index) };
        config = withAdminService(config, address, adminToken);
      }
      const appLogger = createLogger({
        destination,
        level: config.app.logLevel,
        base: { app: config.app.name, env: config.app.env },
      });
      apps.push(new App(config, { logger: appLogger }));
    }
    const stopped = waitForStopSignal(logger);
    for (const app of apps) {
      await app.start();
      started.push(app);
      app.logger.info({ services: app.services.all().map((s) => s.name), ...adminUrlOf(app) }, 'app started');
    }
    logger.info('running; send SIGINT or SIGTERM to stop');
    const signal = await stopped.signal;
    logger.info({ signal }, 'stopping');
    stopped.dispose();
    // Every app's /health/ready answers 503 from now on, while they stop one after another.
    for (const app of started) app.markStopping();
    await stopAll(started);
    return 0;
  } catch (error) {
    await stopAll(started);
    if (error instanceof ConfigError) {
      for (const issue of error.issues) io.stderr.write(`${formatConfigIssue(issue)}\n`);
    } else {
      logger.error({ err: error }, 'failed to start');
      io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    }
    return 1;
  } finally {
    if (server !== undefined) {
      await server.stop();
      logger.info('embedded redis-server stopped');
    }
  }
}

/** `{ admin: url }` of the app's admin service, if it has one and it started. */
function adminUrlOf(app: App): { admin?: string } {
  const [admin] = app.services.findAll(AdminHttpService);
  return admin === undefined || app.stateOf(admin.name) !== 'started' ? {} : { admin: admin.url };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Stops apps in reverse start order (App.stop never throws). */
async function stopAll(apps: App[]): Promise<void> {
  while (apps.length > 0) {
    const app = apps.pop();
    if (app === undefined) break;
    await app.stop();
    app.logger.info('app stopped');
  }
}

function logDestination(format: 'json' | 'pretty', stdout: NodeJS.WritableStream): NodeJS.WritableStream {
  if (format === 'json') return stdout;
  return pinoPretty({
    sync: true,
    destination: stdout,
    colorize: (stdout as { isTTY?: boolean }).isTTY === true,
    ignore: 'pid,hostname,env',
    translateTime: 'HH:MM:ss.l',
    singleLine: true,
  });
}

function waitForStopSignal(logger: ReturnType<typeof createLogger>): {
  signal: Promise<NodeJS.Signals>;
  dispose: () => void;
} {
  let resolveSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    resolveSignal = resolve;
  });
  const onSignal = (received: NodeJS.Signals): void => {
    resolveSignal(received);
  };
  const onSecondSignal = (received: NodeJS.Signals): void => {
    logger.warn({ signal: received }, 'second signal: exiting without waiting');
    process.exit(130);
  };
  for (const name of STOP_SIGNALS) process.once(name, onSignal);
  return {
    signal,
    dispose: () => {
      for (const name of STOP_SIGNALS) {
        process.off(name, onSignal);
        process.once(name, onSecondSignal);
      }
    },
  };
}
