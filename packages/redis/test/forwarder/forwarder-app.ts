import type { App } from '@keel/core';
import { startTestApp, type RedisTarget } from '../../../test-utils/src/index.js';
import type { ForwardedEvent } from '../../src/forwarder/forwarded-event.js';
import { SinkSendError } from '../../src/forwarder/forwarder-errors.js';
import { KeyspaceForwarder } from '../../src/forwarder/keyspace-forwarder.js';
import { KeyspaceSinkService, type KeyspaceSink } from '../../src/forwarder/keyspace-sink.js';
import { RedisLocksService } from '../../src/locks/redis-locks-service.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';

/** A sink kept in memory that the test can switch off (sends fail while `down`). */
export class MemorySink implements KeyspaceSink {
  readonly name = 'memory';
  readonly received: ForwardedEvent[] = [];
  down = false;
  get ready(): boolean {
    return !this.down;
  }
  send(batch: readonly ForwardedEvent[]): Promise<void> {
    if (this.down) return Promise.reject(new SinkSendError(this.name, 0, new Error('memory sink is down')));
    this.received.push(...batch);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A sink provider service for tests: `sink: memory`. */
export class MemorySinkService extends KeyspaceSinkService {
  readonly sinkKind = 'memory';
  readonly sink = new MemorySink();
  openSink(): KeyspaceSink {
    return this.sink;
  }
}

/**
 * Builds (not starts) an app with its own transport, locks, a forwarder with `settings` over the
 * defaults and a memory sink.
 */
export function forwarderApp(
  target: RedisTarget,
  settings: Readonly<Record<string, unknown>>,
  name = 'fwd',
): Promise<App> {
  return startTestApp({
    name,
    classes: [RedisTransportService, RedisLocksService, KeyspaceForwarder, MemorySinkService],
    services: [
      { cls: 'RedisTransportService', name: 'redis', settings: target.transportSettings() },
      { cls: 'RedisLocksService', name: 'locks' },
      { cls: 'MemorySinkService', name: 'memory' },
      { cls: 'KeyspaceForwarder', name: 'forwarder', settings },
    ],
    start: false,
  });
}

/** Reads every entry of a stream as `event key` strings. */
export async function streamEntries(target: RedisTarget, stream: string): Promise<string[]> {
  const entries = await target.client().xrange(stream, '-', '+');
  return entries.map(([, fields]) => {
    const map = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
    return `${map.get('event') ?? '?'} ${map.get('key') ?? '?'}`;
  });
}

/**
 * A key prefix no other test uses, with a hash tag: in a cluster every key of a test lives on one
 * master, whose events arrive in order (across masters there is no global order).
 */
export function uniquePrefix(name: string): string {
  return `${name}:{${Math.random().toString(36).slice(2, 8)}}:`;
}
