import { KeelError } from '@keel/core';

/**
 * The server does not publish the keyspace events a watcher needs, and the watcher was told not
 * to change its configuration (`configure: never`). Set `notify-keyspace-events` on the server
 * (the message names the flags to add), or use `configure: merge`.
 */
export class KeyspaceEventsDisabledError extends KeelError {
  constructor(
    /** `host:port` of the node. */
    readonly node: string,
    /** The node's `notify-keyspace-events` value. */
    readonly current: string,
    /** The flags it lacks. */
    readonly missing: string,
  ) {
    super(
      'KEYSPACE_EVENTS_DISABLED',
      `Redis ${node} does not publish the keyspace events needed: notify-keyspace-events is ` +
        `"${current}", flags "${missing}" are missing (configure: never forbids adding them; ` +
        `run CONFIG SET notify-keyspace-events ${current}${missing} or use configure: merge)`,
      { details: { node, current, missing } },
    );
  }
}

/** `CONFIG GET`/`CONFIG SET notify-keyspace-events` failed on a node (ACL, renamed command…). */
export class KeyspaceConfigureError extends KeelError {
  constructor(
    /** `host:port` of the node. */
    readonly node: string,
    cause: unknown,
  ) {
    super(
      'KEYSPACE_CONFIGURE_FAILED',
      `Cannot read or merge notify-keyspace-events on Redis ${node}: ` +
        `${cause instanceof Error ? cause.message : String(cause)} (set the flags on the server and use configure: never)`,
      { cause, details: { node } },
    );
  }
}
