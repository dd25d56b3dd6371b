import { randomUUID } from 'node:crypto';
import {
  type App,
  JSONRPCServer,
  RpcError,
  type RpcContext,
  type RpcService,
  Scope,
  Service,
} from '@keel/core';
import typia from 'typia';
import { startTestApp, type RedisTarget } from '../../../test-utils/src/index.js';
import { RedisPublisher } from '../../src/pubsub/redis-publisher.js';
import { RedisSubscriber } from '../../src/pubsub/redis-subscriber.js';
import type { RedisSubscriberSettings } from '../../src/pubsub/redis-subscriber-settings.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import type { RedisListenerSettings } from '../../src/streams/redis-listener-settings.js';
import { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import type { RedisStreamRpcClientSettings } from '../../src/streams/redis-stream-rpc-client-settings.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';

/** What the test handlers saw, per app. */
export class Probe {
  readonly calls: { method: string; params: unknown; context: RpcContext }[] = [];
  readonly failures = new Map<string, number>();
  /** `ext.record`: runs per `i`, the `i`s running now, and runs that began while the same `i` ran. */
  readonly runs = new Map<number, number>();
  readonly running = new Set<number>();
  overlaps = 0;

  count(method: string): number {
    return this.calls.filter((call) => call.method === method).length;
  }

  paramsOf(method: string): unknown[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.params);
  }
}

const probes = new Map<string, Probe>();

/** The probe of the app named `app`. */
export function probeOf(app: string): Probe {
  let probe = probes.get(app);
  if (probe === undefined) {
    probe = new Probe();
    probes.set(app, probe);
  }
  return probe;
}

/** The methods the tests call, served as `ext.<route>`. */
export class ExtService extends Service implements RpcService {
  /* eslint-disable @typescript-eslint/unbound-method -- the server binds `this` */
  get routes() {
    return {
      echo: this.echo,
      double: this.double,
      whoami: this.whoami,
      admin_echo: this.echo,
      public_echo: this.echo,
      fail: this.fail,
      flaky: this.flaky,
      reject: this.reject,
      slow: this.slow,
      record: this.record,
    };
  }
  /* eslint-enable @typescript-eslint/unbound-method */

  get permissions() {
    return { '*': Scope.USER, 'admin_*': Scope.SYSTEM, 'public_*': Scope.GUEST };
  }

  get validators() {
    return { double: typia.createValidate<{ value: number }>() };
  }

  get #probe(): Probe {
    return probeOf(this.app.name);
  }

  echo(params: unknown, context: RpcContext): unknown {
    this.#probe.calls.push({ method: context.method, params, context });
    return params;
  }

  double({ value }: { value: number }, context: RpcContext): number {
    this.#probe.calls.push({ method: context.method, params: { value }, context });
    return value * 2;
  }

  whoami(params: unknown, context: RpcContext): object {
    this.#probe.calls.push({ method: context.method, params, context });
    return { scope: context.scope, correlationId: context.correlationId ?? null, headers: context.headers };
  }

  fail(params: unknown, context: RpcContext): never {
    this.#probe.calls.push({ method: context.method, params, context });
    throw new Error('boom');
  }

  /** Fails the first `times` calls with the same `key`, then succeeds. */
  flaky(params: { key: string; times: number }, context: RpcContext): string {
    this.#probe.calls.push({ method: context.method, params, context });
    const failed = this.#probe.failures.get(params.key) ?? 0;
    if (failed < params.times) {
      this.#probe.failures.set(params.key, failed + 1);
      throw new Error(`flaky ${params.key}`);
    }
    return 'ok';
  }

  reject(params: unknown, context: RpcContext): never {
    this.#probe.calls.push({ method: context.method, params, context });
    throw new RpcError(4001, 'Out of stock', { data: { sku: 'A1' } });
  }

  /** Counts a run of message `i` (not kept in `calls`: meant for many messages), async. */
  async record({ i }: { i: number }): Promise<null> {
    const probe = this.#probe;
    probe.runs.set(i, (probe.runs.get(i) ?? 0) + 1);
    if (probe.running.has(i)) probe.overlaps += 1;
    probe.running.add(i);
    await new Promise((resolve) => setImmediate(resolve));
    probe.running.delete(i);
    return null;
  }

  async slow(params: { ms: number }, context: RpcContext): Promise<string> {
    this.#probe.calls.push({ method: context.method, params, context });
    await new Promise((resolve) => setTimeout(resolve, params.ms));
    return 'slow';
  }
}

/** Options of {@link startApp}. */
export interface StartAppOptions {
  /** App name (a random one by default, so tests never share streams). */
  readonly name?: string;
  /** Listener settings over the defaults; `false`: no listener. */
  readonly listener?: Partial<RedisListenerSettings> | false;
  /** Client settings over the defaults. */
  readonly client?: Partial<RedisStreamRpcClientSettings>;
  /** Subscriber settings; unset: no subscriber. */
  readonly subscriber?: Partial<RedisSubscriberSettings>;
  /** Serve the ext methods (default true). */
  readonly ext?: boolean;
  /** More of the `app:` section (e.g. `metrics: false`). */
  readonly app?: object;
}

const apps: App[] = [];

/** A random app name. */
export function appName(prefix = 'app'): string {
  return `${prefix}${randomUUID().slice(0, 8)}`;
}

/**
 * Starts a real App on `target`: transport, JSONRPCServer, `ext` methods, a listener, a stream
 * client, a publisher (and a subscriber when asked). Stopped by {@link stopApps}.
 */
export async function startApp(target: RedisTarget, options: StartAppOptions = {}): Promise<App> {
  const { listener = {}, subscriber } = options;
  const app = await startTestApp({
    name: options.name ?? appName(),
    ...(options.app === undefined ? {} : { app: options.app }),
    classes: [
      RedisTransportService,
      JSONRPCServer,
      ExtService,
      RedisListener,
      RedisStreamRPCClient,
      RedisSubscriber,
      RedisPublisher,
    ],
    services: [
      { cls: 'RedisTransportService', name: 'redis', settings: target.transportSettings() },
      { cls: 'JSONRPCServer', name: 'rpc_server' },
      { cls: 'ExtService', name: 'ext', enabled: options.ext !== false },
      {
        cls: 'RedisListener',
        name: 'redis_stream.rpc',
        enabled: listener !== false,
        settings: listener === false ? {} : listener,
      },
      { cls: 'RedisStreamRPCClient', name: 'stream_client', settings: options.client ?? {} },
      { cls: 'RedisPublisher', name: 'publisher' },
      {
        cls: 'RedisSubscriber',
        name: 'subscriber',
        enabled: subscriber !== undefined,
        settings: subscriber ?? {},
      },
    ],
  });
  apps.push(app);
  return app;
}

/** Stops every app started by {@link startApp}. */
export async function stopApps(): Promise<void> {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
}
