import { App, ConfigError, createLogger, formatConfigIssue, loadConfig } from '@keel/core';
import type { RedisServerHandle } from '@keel/redis';
import pinoPretty from 'pino-pretty';
import type { CliIo } from '../cli-io.js';
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
  let server: RedisServerHandle | undefined;
  const started: App[] = [];
  try {
    if (options.embeddedRedis) server = await startEmbeddedRedis(env, logger);
    // One app from all files merged, or (--each) one app per file, started in order.
    const fileGroups = options.each ? files.map((file) => [file]) : [files];
    const apps: App[] = [];
    for (const group of fileGroups) {
      let config = await loadConfig(group, loadOptions(options, env));
      if (server !== undefined) config = pointTransportsAt(config, server);
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
      app.logger.info({ services: app.services.all().map((s) => s.name) }, 'app started');
    }
    logger.info('running; send SIGINT or SIGTERM to stop');
    const signal = await stopped.signal;
    logger.info({ signal }, 'stopping');
    stopped.dispose();
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
