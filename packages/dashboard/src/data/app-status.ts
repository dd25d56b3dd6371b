// The serving app's health, its listeners' counters and what they say about their streams.
import type { App } from '@keel/core';
import { RedisListener } from '@keel/redis';
import { toJsonSafe, type JsonValue } from './json-safe.js';
import type { TrimModeLookup } from './stream-summaries.js';

/** One service of the app. */
export interface ServiceStatus {
  readonly name: string;
  readonly state: string;
  readonly healthy: boolean;
  readonly details: JsonValue;
}

/** One listener's counters (`listener.metrics`). */
export interface ListenerStatus {
  readonly name: string;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly metrics: JsonValue;
}

/** The serving app at a glance. */
export interface AppStatus {
  readonly name: string;
  readonly env: string;
  readonly id: string;
  readonly healthy: boolean;
  readonly services: readonly ServiceStatus[];
  readonly listeners: readonly ListenerStatus[];
}

/** The app's health (`app.health()`) and its listeners' metrics. */
export async function appStatus(app: App): Promise<AppStatus> {
  const health = await app.health();
  return {
    name: app.name,
    env: app.env,
    id: app.id,
    healthy: health.healthy,
    services: Object.entries(health.services).map(([name, service]) => ({
      name,
      state: service.state,
      healthy: service.healthy,
      details: toJsonSafe(service.details ?? {}),
    })),
    listeners: app.services.findAll(RedisListener).map((listener) => ({
      name: listener.name,
      stream: listener.stream,
      group: listener.group,
      consumer: listener.consumer,
      metrics: toJsonSafe(listener.metrics),
    })),
  };
}

/** The trim mode of the streams the app's listeners consume. */
export function appTrimModes(app: App): TrimModeLookup {
  return (key) => {
    const listener = app.services.findAll(RedisListener).find((candidate) => candidate.stream === key);
    if (listener === undefined) return undefined;
    return listener.settings.trimDelivered
      ? { mode: 'delivered' }
      : { mode: 'maxlen', size: listener.settings.trimSize };
  };
}
