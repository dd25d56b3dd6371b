import { Scheduler, type ScheduledTask, Service, dependency } from '@keel/core';
import { RedisTransportService } from '@keel/redis';
import { type HeartbeatSettings, heartbeatSettings } from './heartbeat-settings.js';

const transport = dependency(RedisTransportService, { setting: 'transport' });
const scheduler = dependency(Scheduler);

/**
 * The demo's own service: every `intervalMs` it increments a counter in Redis, stores the time of
 * the beat with a TTL, and logs both — something visible happening through Redis.
 */
export class Heartbeat extends Service<HeartbeatSettings> {
  static override settingsSpec = heartbeatSettings;
  static override dependencies = [transport, scheduler];

  #task: ScheduledTask | undefined;

  override init(): Promise<void> {
    this.#task = this.use(scheduler).schedule(() => this.beat(), {
      intervalMs: this.settings.intervalMs,
      name: 'heartbeat',
      runImmediately: true,
    });
    return Promise.resolve();
  }

  /** One beat: INCR the counter and SET the last-beat time, in one round trip. */
  async beat(): Promise<number> {
    const counterKey = this.app.namespace.key('heartbeat', 'count');
    const lastKey = this.app.namespace.key('heartbeat', 'last');
    const now = new Date().toISOString();
    const results = await this.use(transport).pipeline().incr(counterKey).set(lastKey, now, 'EX', 60).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    this.logger.info({ key: counterKey, count, last: now }, `heartbeat #${count}`);
    return count;
  }

  override close(): Promise<void> {
    this.#task?.disable();
    return Promise.resolve();
  }
}
