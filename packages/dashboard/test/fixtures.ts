// Test apps (a counting RPC service behind a listener) and a dashboard server with fetch helpers.
import { randomUUID } from 'node:crypto';
import { type App, JSONRPCServer, type RpcService, Scope, Service } from '@keel/core';
import {
  RedisListener,
  type RedisListenerSettings,
  RedisLocksService,
  RedisStreamRPCClient,
  RedisTransportService,
} from '@keel/redis';
import { startTestApp, type RedisTarget } from '@keel/test-utils';
import { startDashboardServer, type DashboardServer } from '../src/index.js';

/** What the `work` methods of each app did. */
export class WorkLog {
  runs = 0;
  /** While true, `work.run` with `poison: true` throws. */
  poisoned = true;
  readonly params: unknown[] = [];
}

const logs = new Map<string, WorkLog>();

/** The work log of the app named `app`. */
export function workLog(app: string): WorkLog {
  let log = logs.get(app);
  if (log === undefined) {
    log = new WorkLog();
    logs.set(app, log);
  }
  return log;
}

/** `work.run` (counts, fails on poison), `work.double`. */
export class WorkService extends Service implements RpcService {
  /* eslint-disable @typescript-eslint/unbound-method -- the server binds `this` */
  get routes() {
    return { run: this.run, double: this.double };
  }
  /* eslint-enable @typescript-eslint/unbound-method */

  get permissions() {
    return { '*': Scope.GUEST };
  }

  run(params: { poison?: boolean } | null): string {
    const log = workLog(this.app.name);
    if (params?.poison === true && log.poisoned) throw new Error('poisoned message');
    log.runs++;
    log.params.push(params);
    return 'done';
  }

  double(params: { value: number }): number {
    return params.value * 2;
  }
}

/** A random app name. */
export function appName(prefix = 'app'): string {
  return `${prefix}${randomUUID().slice(0, 8)}`;
}

const apps: App[] = [];

/** Starts an app with a listener on topic `rpc` (unless `listener: false`), a client and locks. */
export async function startWorkApp(
  target: RedisTarget,
  options: { readonly name?: string; readonly listener?: Partial<RedisListenerSettings> | false } = {},
): Promise<App> {
  const { listener = {} } = options;
  const app = await startTestApp({
    name: options.name ?? appName(),
    classes: [
      RedisTransportService,
      JSONRPCServer,
      WorkService,
      RedisListener,
      RedisStreamRPCClient,
      RedisLocksService,
    ],
    services: [
      { cls: 'RedisTransportService', name: 'redis', settings: target.transportSettings() },
      { cls: 'JSONRPCServer', name: 'rpc_server' },
      { cls: 'WorkService', name: 'work' },
      {
        cls: 'RedisListener',
        name: 'listener',
        enabled: listener !== false,
        settings: { scope: 'USER', maxWaitTimeMs: 100, ...(listener === false ? {} : listener) },
      },
      { cls: 'RedisStreamRPCClient', name: 'client' },
      { cls: 'RedisLocksService', name: 'locks' },
    ],
  });
  apps.push(app);
  return app;
}

/** Stops every app started by {@link startWorkApp}. */
export async function stopWorkApps(): Promise<void> {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
}

/** What {@link sendAndPartlyAck} left in Redis. */
export interface PartlyAcked {
  readonly key: string;
  /** The ids of the 7 entries sent. */
  readonly sent: readonly string[];
  /** The 5 entries group `workers` consumer `c1` read (the first 2 acknowledged). */
  readonly delivered: readonly string[];
}

/**
 * `client` sends N = 7 messages to app `svc` (which has no listener); consumer `c1` of group
 * `workers` reads 5 of them and acknowledges M = 2: pending 3, lag 2.
 */
export async function sendAndPartlyAck(
  target: RedisTarget,
  client: RedisStreamRPCClient,
  svc: string,
): Promise<PartlyAcked> {
  const sent: string[] = [];
  for (let i = 0; i < 7; i++) sent.push(await client.call('work.run', { i }, { app: svc }));
  const key = client.streamKey({ app: svc });
  const redis = target.client();
  await redis.xgroup('CREATE', key, 'workers', '0');
  const read = (await redis.xreadgroup('GROUP', 'workers', 'c1', 'COUNT', 5, 'STREAMS', key, '>')) as [
    string,
    [string, string[]][],
  ][];
  const delivered = read[0]?.[1].map(([id]) => id) ?? [];
  await redis.xack(key, 'workers', delivered[0] ?? '', delivered[1] ?? '');
  return { key, sent, delivered };
}

/** A dashboard server on a free port and requests to its API. */
export interface DashboardFixture {
  readonly server: DashboardServer;
  readonly transport: RedisTransportService;
  get<T = Record<string, unknown>>(
    route: string,
    params?: Record<string, string | number | string[]>,
  ): Promise<T>;
  post<T = Record<string, unknown>>(route: string, body: unknown): Promise<T>;
  /** The raw answer of a request. */
  fetch(route: string, init?: RequestInit): Promise<Response>;
}

/** The search string of `params` (arrays become repeated parameters). */
export function query(params: Record<string, string | number | string[]>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** Starts a dashboard server for `target` (stop it with `fixture.server.close()`). */
export async function startDashboard(
  target: RedisTarget,
  options: { readonly token?: string; readonly app?: App } = {},
): Promise<DashboardFixture> {
  const transport = await target.transport();
  const server = await startDashboardServer({
    transport,
    port: 0,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.app === undefined ? {} : { app: options.app }),
  });
  const auth: Record<string, string> =
    options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
  const call = (route: string, init: RequestInit = {}): Promise<Response> =>
    fetch(new URL(`api/${route}`, server.url), {
      ...init,
      headers: { ...auth, ...(init.headers as Record<string, string> | undefined) },
    });
  const json = async <T>(response: Response): Promise<T> => {
    const body = (await response.json()) as T;
    if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  return {
    server,
    transport,
    fetch: call,
    get: async (route, params = {}) => json(await call(`${route}${query(params)}`)),
    post: async (route, body) =>
      json(
        await call(route, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-keel-dashboard': '1' },
          body: JSON.stringify(body),
        }),
      ),
  };
}
