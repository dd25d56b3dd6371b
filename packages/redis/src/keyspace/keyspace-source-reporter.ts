// KeyspaceSourceReporter: how the parts of a keyspace source log, count and emit their notices.
import type { Logger } from '@keel/core';
import type { KeyspaceGap } from './keyspace-gap.js';
import type { KeyspaceSourceNotices, KeyspaceSourceStats } from './keyspace-source-types.js';

/** Where notices are emitted (the source, an EventEmitter). */
export interface KeyspaceNoticeEmitter {
  emit<K extends keyof KeyspaceSourceNotices>(name: K, ...args: KeyspaceSourceNotices[K]): boolean;
}

/** The logger, counters and notices of one keyspace source, shared by its parts. */
export class KeyspaceSourceReporter {
  readonly logger: Logger;
  readonly stats: KeyspaceSourceStats;
  readonly #emitter: KeyspaceNoticeEmitter;

  constructor(logger: Logger, stats: KeyspaceSourceStats, emitter: KeyspaceNoticeEmitter) {
    this.logger = logger;
    this.stats = stats;
    this.#emitter = emitter;
  }

  /** Emits a notice of the source. */
  notify<K extends keyof KeyspaceSourceNotices>(name: K, ...args: KeyspaceSourceNotices[K]): void {
    this.#emitter.emit(name, ...args);
  }

  /** Counts, logs and emits a `gap` notice. */
  gap(gap: KeyspaceGap): void {
    this.stats.gaps++;
    this.logger.warn({ ...gap }, `keyspace events may have been missed (${gap.reason})`);
    this.notify('gap', gap);
  }

  /** Logs a problem the source recovers from and emits it as `warning`. */
  warn(error: Error, context: Record<string, unknown>, message: string): void {
    this.logger.warn({ ...context, error: error.message }, message);
    this.notify('warning', error);
  }
}
