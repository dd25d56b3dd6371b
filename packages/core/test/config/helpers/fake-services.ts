import typia, { type tags } from 'typia';
import { Service } from '../../../src/services/service.js';
import { ServiceRegistry } from '../../../src/services/service-registry.js';
import { defineSettings, type SettingsSpec } from '../../../src/settings/settings-spec.js';

/** Settings of the fake transport (the shape of the kaiju RedisTransportService). */
export interface FakeTransportSettings {
  /** @default "localhost" */
  host: string;
  /** @default 6379 */
  port: number & tags.Type<'uint32'>;
  password?: string;
  /** @default 0 */
  db: number & tags.Type<'uint32'>;
  /** @default false */
  cluster: boolean;
  /** Cluster start nodes. */
  nodes?: string[];
}

export const fakeTransportSettings: SettingsSpec<FakeTransportSettings> =
  defineSettings<FakeTransportSettings>({
    validate: typia.createValidateEquals<Partial<FakeTransportSettings>>(),
    keys: typia.misc.literals<keyof FakeTransportSettings>(),
    defaults: { host: 'localhost', port: 6379, db: 0, cluster: false },
  });

/** Settings of the fake stream listener (the shape of the kaiju RedisListener). */
export interface FakeListenerSettings {
  groupId: string;
  /** @default "rpc" */
  topic: string;
  /** @default "USER" */
  scope: 'SYSTEM' | 'USER' | 'GUEST';
  /** @default false */
  trimDelivered: boolean;
  /** @default null */
  pendingMessagesTimeMs: (number & tags.Type<'uint32'>) | null;
  /** @default 10 */
  maxBatchSize: number & tags.Type<'uint32'> & tags.Minimum<1>;
  tls?: { ca: string; rejectUnauthorized?: boolean };
}

export const fakeListenerSettings: SettingsSpec<FakeListenerSettings> = defineSettings<FakeListenerSettings>({
  validate: typia.createValidateEquals<Partial<FakeListenerSettings>>(),
  keys: typia.misc.literals<keyof FakeListenerSettings>(),
  defaults: {
    groupId: 'default',
    topic: 'rpc',
    scope: 'USER',
    trimDelivered: false,
    pendingMessagesTimeMs: null,
    maxBatchSize: 10,
  },
});

export class RedisTransportService extends Service<FakeTransportSettings> {
  static override settingsSpec = fakeTransportSettings;
}

export class RedisListener extends Service<FakeListenerSettings> {
  static override settingsSpec = fakeListenerSettings;
}

export class RedisCache extends Service {}
export class RedisLocksService extends Service {}
export class JSONRPCServer extends Service {}
export class RedisStreamRPCClient extends Service {}

/** A private registry holding every fake class (never the process-wide one). */
export function fakeRegistry(): ServiceRegistry {
  return new ServiceRegistry().register(
    RedisTransportService,
    RedisListener,
    RedisCache,
    RedisLocksService,
    JSONRPCServer,
    RedisStreamRPCClient,
  );
}
