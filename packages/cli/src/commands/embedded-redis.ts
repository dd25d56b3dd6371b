import type { AppConfig, Logger } from '@keel/core';
import { type RedisServerHandle, startRedisServer } from '@keel/redis';

/** Class name of the transport whose settings are pointed at the embedded server. */
const TRANSPORT_CLASS = 'RedisTransportService';

/**
 * Starts a throwaway `redis-server` on a free port when `REDIS_URL` is unset and sets `REDIS_URL`
 * in `env` (so `[REDIS_URL]` templates see it). Returns `undefined` when `REDIS_URL` is set.
 */
export async function startEmbeddedRedis(
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RedisServerHandle | undefined> {
  const configured = env['REDIS_URL'];
  if (configured !== undefined && configured !== '') {
    logger.info('REDIS_URL is set: not starting an embedded redis-server');
    return undefined;
  }
  const server = await startRedisServer();
  env['REDIS_URL'] = server.url;
  logger.info(
    { address: `${server.host}:${server.port}`, pid: server.pid },
    `embedded redis-server started on ${server.host}:${server.port}`,
  );
  return server;
}

/** Points every standalone RedisTransportService of `config` at `server`. */
export function pointTransportsAt(config: AppConfig, server: RedisServerHandle): AppConfig {
  return {
    ...config,
    services: config.services.map((service) => {
      if (service.cls !== TRANSPORT_CLASS || service.settings['cluster'] === true) return service;
      const { url: _url, password: _password, username: _username, ...settings } = service.settings;
      return { ...service, settings: { ...settings, host: server.host, port: server.port } };
    }),
  };
}
