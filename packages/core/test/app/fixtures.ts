import type { AppConfig, ServiceConfig } from '../../src/config/app-config.js';
import { createLogger } from '../../src/logger/create-logger.js';
import { dependency } from '../../src/services/dependency.js';
import { Service } from '../../src/services/service.js';
import { ServiceRegistry } from '../../src/services/service-registry.js';

/** Records init/close calls of every test service, in order. */
export class Journal {
  readonly events: string[] = [];
}

export const journal = new Journal();

export class Recorder extends Service {
  override init(_signal?: AbortSignal): Promise<void> {
    journal.events.push(`init:${this.name}`);
    return Promise.resolve();
  }

  override close(): Promise<void> {
    journal.events.push(`close:${this.name}`);
    return Promise.resolve();
  }
}

export class Store extends Recorder {}

const storeDep = dependency(Store, { setting: 'store' });

export class Consumer extends Recorder {
  static override dependencies = [storeDep];
  get store(): Store {
    return this.use(storeDep);
  }
}

export class Failing extends Recorder {
  override async init(): Promise<void> {
    await super.init();
    throw new Error(`${this.name} cannot start`);
  }
}

export class Hanging extends Recorder {
  override async init(signal: AbortSignal): Promise<void> {
    await super.init();
    await new Promise<void>((resolve) => {
      signal.addEventListener('abort', () => {
        resolve();
      });
    });
  }
}

export class BadClose extends Recorder {
  override async close(): Promise<void> {
    await super.close();
    throw new Error('close failed');
  }
}

export const registry = new ServiceRegistry().register(Recorder, Store, Consumer, Failing, Hanging, BadClose);

export function entry(cls: string, overrides: Partial<ServiceConfig> = {}, index = 0): ServiceConfig {
  return {
    cls,
    name: overrides.name ?? cls,
    enabled: true,
    required: true,
    override: false,
    dependsOn: [],
    settings: {},
    source: { file: 'app.yaml', path: `services[${index}]` },
    ...overrides,
  };
}

export function config(services: ServiceConfig[], app: Partial<AppConfig['app']> = {}): AppConfig {
  return {
    packages: [],
    files: ['app.yaml'],
    app: {
      name: 'test',
      env: 'dev',
      initTimeoutMs: 2000,
      closeTimeoutMs: 1000,
      logLevel: 'silent',
      metrics: true,
      ...app,
    },
    services: services.map((s, i) => ({ ...s, source: { file: 'app.yaml', path: `services[${i}]` } })),
  };
}

export const silentLogger = createLogger({ level: 'silent' });
