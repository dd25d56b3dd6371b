// Sends JSON-RPC requests to topic streams with RedisStreamRPCClient.request, one client per env.
import { performance } from 'node:perf_hooks';
import {
  App,
  configFromObject,
  createLogger,
  isKeelError,
  RpcError,
  ServiceRegistry,
  type Logger,
} from '@keel/core';
import { RedisStreamRPCClient, RedisTransportService, type RedisTransportSettings } from '@keel/redis';
import { DashboardRequestError } from '../dashboard-request-error.js';
import { toJsonSafe, type JsonValue } from './json-safe.js';
import { parseTopicStreamKey } from './topic-stream-key.js';

/** A request from the RPC form. */
export interface RpcRequest {
  /** The topic stream of the app to call (`<env>.<app>._stream.<topic>`). */
  readonly key: string;
  readonly method: string;
  readonly params?: unknown;
  readonly timeoutMs?: number;
  readonly headers?: Readonly<Record<string, string | number | boolean>>;
}

/** The result, or the JSON-RPC error, and how long it took (ms). */
export type RpcOutcome =
  | { readonly ok: true; readonly result: JsonValue; readonly ms: number }
  | {
      readonly ok: false;
      readonly error: { readonly code: number | string; readonly message: string; readonly data: JsonValue };
      readonly ms: number;
    };

/** The name of the dashboard's own app in each env (its reply streams: `<env>.keel-dashboard._reply.<id>`). */
export const DASHBOARD_APP_NAME = 'keel-dashboard';
/** Bound on the envs one dashboard keeps a client for. */
const MAX_ENVS = 16;

/**
 * Calls methods of apps over their topic streams. A listener only replies to a reply stream of
 * its own env, so the gateway keeps one small app (a transport and a `RedisStreamRPCClient`)
 * per env it has called, started on first use and stopped by {@link close}.
 */
export class RpcGateway {
  readonly #settings: RedisTransportSettings;
  readonly #logger: Logger;
  readonly #apps = new Map<string, Promise<App>>();

  constructor(settings: RedisTransportSettings, logger: Logger = createLogger({ level: 'silent' })) {
    this.#settings = settings;
    this.#logger = logger;
  }

  /** Sends `request` and waits for its reply (the client's `request()`). */
  async request(request: RpcRequest): Promise<RpcOutcome> {
    const target = parseTopicStreamKey(request.key);
    if (target?.env === undefined || target.app === undefined) {
      throw new DashboardRequestError(
        400,
        `key: ${JSON.stringify(request.key)} is not a topic stream of an app (<env>.<app>._stream.<topic>)`,
      );
    }
    const client = (await this.#appFor(target.env)).services.get(RedisStreamRPCClient);
    const started = performance.now();
    try {
      const result = await client.request(request.method, request.params, {
        ...(target.shared ? { shared: true } : { app: target.app }),
        topic: target.topic,
        ...(request.timeoutMs === undefined ? {} : { timeout: request.timeoutMs }),
        ...(request.headers === undefined ? {} : { headers: request.headers }),
      });
      return { ok: true, result: toJsonSafe(result), ms: performance.now() - started };
    } catch (error) {
      const ms = performance.now() - started;
      if (error instanceof RpcError) {
        return {
          ok: false,
          error: { code: error.rpcCode, message: error.message, data: toJsonSafe(error.data) },
          ms,
        };
      }
      if (isKeelError(error)) {
        return { ok: false, error: { code: error.code, message: error.message, data: null }, ms };
      }
      throw error;
    }
  }

  /** Stops every client app (their reply streams are deleted). */
  async close(): Promise<void> {
    const apps = [...this.#apps.values()];
    this.#apps.clear();
    await Promise.all(apps.map(async (app) => (await app.catch(() => undefined))?.stop()));
  }

  #appFor(env: string): Promise<App> {
    let app = this.#apps.get(env);
    if (app === undefined) {
      if (this.#apps.size >= MAX_ENVS) {
        throw new DashboardRequestError(
          429,
          `the dashboard already calls ${MAX_ENVS} envs; restart it to call others`,
        );
      }
      app = this.#startApp(env);
      this.#apps.set(env, app);
      app.catch(() => this.#apps.delete(env));
    }
    return app;
  }

  async #startApp(env: string): Promise<App> {
    const registry = new ServiceRegistry().register(RedisTransportService, RedisStreamRPCClient);
    const settings = Object.fromEntries(
      Object.entries(this.#settings).filter(([, value]) => value !== undefined),
    );
    const config = await configFromObject(
      {
        app: { name: DASHBOARD_APP_NAME, env },
        services: [{ cls: 'RedisTransportService', settings }, { cls: 'RedisStreamRPCClient' }],
      },
      { registry, env: {}, source: 'keel-dashboard' },
    );
    const app = new App(config, { registry, logger: this.#logger });
    await app.start();
    return app;
  }
}
