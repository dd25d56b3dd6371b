// An app with an AdminHttpService and probe services whose health and close the tests control.
import type { App } from '../../src/app/app.js';
import { AdminHttpService } from '../../src/admin/admin-http-service.js';
import type { Logger } from '../../src/logger/create-logger.js';
import type { CounterMetric } from '../../src/metrics/metrics-sink.js';
import { Service, type ServiceContext, type ServiceHealth } from '../../src/services/service.js';
import { startTestApp } from '../../../test-utils/src/index.js';

/** Init and close calls of every probe and admin service, in order. */
export const lifecycle: string[] = [];

/** A service whose health and close the test sets; counts `hit()` in `keel_test_probe_hits_total`. */
export class ProbeService extends Service {
  healthy = true;
  /** A health() that never settles. */
  hangHealth = false;
  /** close() waits for this. */
  closeGate: Promise<void> | undefined;
  closing = false;
  readonly #hits: CounterMetric<'kind'>;

  constructor(context: ServiceContext<object>) {
    super(context);
    this.#hits = this.metricsSink.counter({
      name: 'keel_test_probe_hits_total',
      help: 'Hits of the test probe.',
      labelNames: ['kind'],
    });
  }

  hit(kind: string, times = 1): void {
    this.#hits.inc({ kind }, times);
  }

  /** Declares a gauge whose collector throws `message` on every scrape. */
  breakMetrics(message: string): void {
    this.metricsSink.gauge({
      name: 'keel_test_broken',
      help: 'A gauge whose collector throws.',
      collect: () => {
        throw new Error(message);
      },
    });
  }

  override init(): Promise<void> {
    lifecycle.push(`init:${this.name}`);
    return Promise.resolve();
  }

  override async close(): Promise<void> {
    this.closing = true;
    await this.closeGate;
    lifecycle.push(`close:${this.name}`);
  }

  override health(): Promise<ServiceHealth> {
    if (this.hangHealth) return new Promise(() => undefined);
    return Promise.resolve(
      this.healthy
        ? { healthy: true }
        : { healthy: false, details: { reason: 'switched off', offset: 12_345_678_901_234_567_890n } },
    );
  }
}

/** AdminHttpService that records its init and close in {@link lifecycle}. */
export class RecordedAdmin extends AdminHttpService {
  override async init(): Promise<void> {
    await super.init();
    lifecycle.push(`init:${this.name}`);
  }

  override async close(): Promise<void> {
    await super.close();
    lifecycle.push(`close:${this.name}`);
  }
}

/** Options of {@link startAdminApp}. */
export interface AdminAppOptions {
  /** Admin settings over `{ port: 0 }`. */
  readonly admin?: object;
  /** More of the `app:` section. */
  readonly app?: object;
  readonly logger?: Logger;
  readonly start?: boolean;
}

const started: App[] = [];

/**
 * An app of `probe` (required), `extra` (optional) and `admin` last in the list, on a free port;
 * stopped by {@link stopAdminApps}.
 */
export async function startAdminApp(options: AdminAppOptions = {}): Promise<App> {
  const app = await startTestApp({
    name: 'admin-test',
    classes: [ProbeService, RecordedAdmin],
    services: [
      { cls: 'ProbeService', name: 'probe' },
      { cls: 'ProbeService', name: 'extra', required: false },
      { cls: 'RecordedAdmin', name: 'admin', settings: { port: 0, ...options.admin } },
    ],
    ...(options.app === undefined ? {} : { app: options.app }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.start === undefined ? {} : { start: options.start }),
  });
  started.push(app);
  return app;
}

/** Stops every app {@link startAdminApp} started. */
export async function stopAdminApps(): Promise<void> {
  await Promise.all(started.splice(0).map((app) => app.stop()));
}

/** The probe service named `name`. */
export function probeOf(app: App, name: string): ProbeService {
  const probe = app.services.findAll(ProbeService).find((service) => service.name === name);
  if (probe === undefined) throw new Error(`no probe "${name}"`);
  return probe;
}

/** What {@link request} got back. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json(): unknown;
}

/** A request to the app's admin service at `path`. */
export async function request(app: App, path: string, init: RequestInit = {}): Promise<Reply> {
  const admin = app.services.get(AdminHttpService);
  const response = await fetch(`${admin.url}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as unknown,
  };
}
