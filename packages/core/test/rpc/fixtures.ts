import { trace } from '@opentelemetry/api';
import typia from 'typia';
import { App } from '../../src/app/app.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { KeelError } from '../../src/errors/keel-error.js';
import type { Logger } from '../../src/logger/create-logger.js';
import { JSONRPCServer } from '../../src/rpc/json-rpc-server.js';
import { type JsonRpcServerSettings, jsonRpcServerSettings } from '../../src/rpc/json-rpc-server-settings.js';
import type { RpcContext } from '../../src/rpc/rpc-context.js';
import { RpcError } from '../../src/rpc/rpc-error.js';
import type { RpcService } from '../../src/rpc/rpc-service.js';
import { Scope } from '../../src/rpc/scope.js';
import { Service } from '../../src/services/service.js';
import { ServiceRegistry } from '../../src/services/service-registry.js';
import { config, entry, silentLogger } from '../app/fixtures.js';

/** A promise that tests open by hand. */
export class Gate {
  #open!: () => void;
  readonly promise = new Promise<void>((resolve) => {
    this.#open = resolve;
  });

  open(): void {
    this.#open();
  }
}

/** What the test handlers record. */
export const probe = {
  calls: new Map<string, number>(),
  running: 0,
  maxRunning: 0,
  gate: new Gate(),
  aborted: [] as string[],
  reset(): void {
    this.calls.clear();
    this.running = 0;
    this.maxRunning = 0;
    this.gate = new Gate();
    this.aborted.length = 0;
  },
  count(route: string): number {
    return this.calls.get(route) ?? 0;
  },
  hit(route: string): void {
    this.calls.set(route, this.count(route) + 1);
  },
};

/** A service exposing routes the tests call. */
export class ExtService extends Service implements RpcService {
  /* eslint-disable @typescript-eslint/unbound-method -- the server calls routes with `this` bound to the service */
  get routes() {
    return {
      double: this.double,
      echo: this.echo,
      whoami: this.whoami,
      fail: this.fail,
      reject: this.reject,
      keel_fail: this.keelFail,
      gated: this.gated,
      slow: this.slow,
      stuck: this.stuck,
      admin_reset: this.echo,
      public_echo: this.echo,
      public_info: this.echo,
      traced: this.traced,
    };
  }
  /* eslint-enable @typescript-eslint/unbound-method */

  get permissions() {
    return { '*': Scope.USER, 'admin_*': Scope.SYSTEM, 'public_*': Scope.GUEST };
  }

  get validators() {
    return { double: typia.createValidate<{ value: number }>() };
  }

  double({ value }: { value: number }): number {
    probe.hit('double');
    return value * 2;
  }

  echo(params: unknown): unknown {
    probe.hit('echo');
    return params;
  }

  whoami(_params: unknown, context: RpcContext): object {
    return {
      service: this.name,
      method: context.method,
      scope: context.scope,
      sessionId: context.sessionId ?? null,
      correlationId: context.correlationId ?? null,
      hasDeadline: context.deadline > Date.now(),
    };
  }

  fail(): never {
    probe.hit('fail');
    throw new Error('database password is hunter2 at /srv/app.ts:12');
  }

  reject(): never {
    throw new RpcError(4001, 'Out of stock', { data: { sku: 'A1' } });
  }

  keelFail(): never {
    throw new KeelError('LOCK_TIMEOUT', 'could not lock order:1');
  }

  async gated(params: { tag?: string }): Promise<string> {
    probe.hit('gated');
    probe.running += 1;
    probe.maxRunning = Math.max(probe.maxRunning, probe.running);
    try {
      await probe.gate.promise;
      return params.tag ?? 'done';
    } finally {
      probe.running -= 1;
    }
  }

  /** Resolves only when its signal aborts. */
  async slow(_params: unknown, context: RpcContext): Promise<string> {
    probe.hit('slow');
    await new Promise<void>((resolve) => {
      context.signal.addEventListener('abort', () => {
        probe.aborted.push(context.method);
        resolve();
      });
    });
    return 'late';
  }

  /** The trace and span ids active while the handler runs (null without a span); logs a line. */
  traced(): object {
    const active = trace.getActiveSpan()?.spanContext();
    this.logger.info('traced handler ran');
    return { traceId: active?.traceId ?? null, spanId: active?.spanId ?? null };
  }

  /** Ignores its signal; finishes when the gate opens. */
  async stuck(): Promise<string> {
    probe.hit('stuck');
    await probe.gate.promise;
    return 'finally';
  }
}

/** A service with a route that is not a function. */
export class BrokenRoutes extends Service {
  get routes() {
    return { nope: 42 };
  }
}

/** A service with a validator for a route it does not have. */
export class StrayValidator extends Service {
  get routes() {
    return { ok: () => 1 };
  }

  get validators() {
    return { missing: typia.createValidate<{ a: string }>() };
  }
}

export const registry = new ServiceRegistry().register(
  JSONRPCServer,
  ExtService,
  BrokenRoutes,
  StrayValidator,
);

export interface TestServer {
  readonly app: App;
  readonly server: JSONRPCServer;
}

const started: App[] = [];

/** Starts an app with a JSONRPCServer (settings over the defaults) and an ExtService named `ext`. */
export async function startServer(
  settings: Partial<JsonRpcServerSettings> = {},
  options: { logger?: Logger; extra?: string[]; app?: Partial<AppConfig['app']> } = {},
): Promise<TestServer> {
  const app = new App(
    config(
      [
        entry('JSONRPCServer', { settings: { ...jsonRpcServerSettings.defaults, ...settings } }),
        entry('ExtService', { name: 'ext' }),
        ...(options.extra ?? []).map((cls) => entry(cls)),
      ],
      { closeTimeoutMs: 10_000, ...options.app },
    ),
    { registry, logger: options.logger ?? silentLogger },
  );
  started.push(app);
  await app.start();
  return { app, server: app.services.get(JSONRPCServer) };
}

/** Stops every app started by {@link startServer}. */
export async function stopAll(): Promise<void> {
  probe.gate.open();
  await Promise.all(started.splice(0).map((app) => app.stop()));
}

/** A JSON-RPC request object. */
export function req(
  method: string,
  params?: unknown,
  id: string | number | null = 1,
): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) };
}

/** Waits (polling) until `condition` holds. */
export async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
