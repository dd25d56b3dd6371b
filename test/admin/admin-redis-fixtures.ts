// Apps with an AdminHttpService on a real Redis: a cache app, and a listener app whose handler the test holds.
import { randomUUID } from 'node:crypto';
import { AdminHttpService, type App, JSONRPCServer, type RpcService, Scope, Service } from '@keel/core';
import { RedisCache, RedisListener, RedisStreamRPCClient, RedisTransportService } from '@keel/redis';
import { startTestApp, type RedisTarget } from '@keel/test-utils';

/** `gate.wait` blocks until the test opens the gate; `gate.count` counts. */
export class GateService extends Service implements RpcService {
  started = 0;
  finished = 0;
  counted = 0;
  #open: () => void = () => undefined;
  #opened: Promise<void> = this.#close();
  readonly #counts = this.metricsSink.counter({
    name: 'keel_test_gate_counts_total',
    help: 'gate.count calls.',
  });

  /* eslint-disable @typescript-eslint/unbound-method -- the server binds `this` */
  get routes() {
    return { wait: this.wait, count: this.count };
  }
  /* eslint-enable @typescript-eslint/unbound-method */

  get permissions() {
    return { '*': Scope.GUEST };
  }

  /** Lets every waiting (and future) `wait` finish. */
  open(): void {
    this.#open();
  }

  async wait(): Promise<string> {
    this.started += 1;
    await this.#opened;
    this.finished += 1;
    return 'opened';
  }

  count(): null {
    this.counted += 1;
    this.#counts.inc({});
    return null;
  }

  #close(): Promise<void> {
    return new Promise((resolve) => {
      this.#open = resolve;
    });
  }
}

/** The app's gate service. */
export function gateOf(app: App): GateService {
  const [gate] = app.services.findAll(GateService);
  if (gate === undefined) throw new Error('no gate service');
  return gate;
}

/** Options of {@link startAdminRedisApp}. */
export interface AdminRedisAppOptions {
  /** Admin settings over `{ port: 0 }`. */
  readonly admin?: object;
  /** Transport settings over the target's. */
  readonly transport?: object;
}

/**
 * A listener app on `target`: transport, cache, JSON-RPC server, `gate` methods behind a
 * RedisListener of topic `rpc`, a stream client, and the admin service (on a free port).
 */
export function startAdminRedisApp(target: RedisTarget, options: AdminRedisAppOptions = {}): Promise<App> {
  return startTestApp({
    name: `admin${randomUUID().slice(0, 8)}`,
    classes: [
      RedisTransportService,
      RedisCache,
      JSONRPCServer,
      GateService,
      RedisListener,
      RedisStreamRPCClient,
      AdminHttpService,
    ],
    services: [
      {
        cls: 'RedisTransportService',
        name: 'redis',
        settings: { ...target.transportSettings(), ...options.transport },
      },
      { cls: 'RedisCache' },
      { cls: 'JSONRPCServer' },
      { cls: 'GateService', name: 'gate' },
      { cls: 'RedisListener', settings: { topic: 'rpc', maxWaitTimeMs: 100 } },
      { cls: 'RedisStreamRPCClient' },
      { cls: 'AdminHttpService', name: 'admin', settings: { port: 0, ...options.admin } },
    ],
  });
}

/** GET `path` of the app's admin service. */
export async function adminGet(
  app: App,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; body: unknown }> {
  const response = await fetch(`${app.services.get(AdminHttpService).url}${path}`, {
    headers,
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}
