import { Redis } from 'ioredis';
import type { RedisClient } from '../transport/redis-client.js';

/**
 * The dedicated connection a listener blocks on (`XREADGROUP … BLOCK`). On a single server it
 * remembers its `CLIENT ID` (again after every reconnect) so that {@link unblock} can end a
 * blocked read at once through the shared client; in a cluster a read ends on its own.
 *
 * `onReconnect` is called whenever the connection is ready again after a loss (a restart, a
 * Sentinel or cluster failover): acknowledgements may have been lost with it, and ioredis
 * resends an interrupted read without an error, so the owner re-reads its pending entries.
 */
export class BlockingReader {
  readonly connection: RedisClient;
  readonly #shared: RedisClient;
  #id: number | undefined;

  /** `connection` blocks; `shared` (another connection) sends `CLIENT UNBLOCK`. */
  constructor(connection: RedisClient, shared: RedisClient, onReconnect: () => void = () => undefined) {
    this.connection = connection;
    this.#shared = shared;
    connection.on('ready', onReconnect); // connected already: every 'ready' is a reconnect
    if (connection instanceof Redis) {
      const remember = (): void => {
        connection.client('ID').then(
          (id) => {
            this.#id = id;
          },
          () => {
            this.#id = undefined;
          },
        );
      };
      remember();
      connection.on('ready', remember);
    }
  }

  /** The connection's ioredis status (`ready` when usable). */
  get status(): string {
    return this.connection.status;
  }

  /** Ends a blocked read now, as if its `BLOCK` time had run out (`CLIENT UNBLOCK`); no-op in a cluster. */
  async unblock(): Promise<void> {
    if (this.#id === undefined) return;
    await this.#shared.call('CLIENT', 'UNBLOCK', this.#id).catch(() => undefined);
  }

  /** Drops the connection at once (a read in progress fails). */
  disconnect(): void {
    this.connection.disconnect();
  }

  /** Quits the connection. */
  async close(): Promise<void> {
    await this.connection.quit().catch(() => undefined);
    this.connection.disconnect();
  }
}
