// listenHttp and closeHttpServer: starting and stopping a node:http server with clear errors.
import type { Server } from 'node:http';
import { KeelError } from '../errors/keel-error.js';

/** What {@link listenHttp} needs to name a failure. */
export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  /** The error code when listening fails (e.g. `ADMIN_LISTEN_FAILED`). */
  readonly code: string;
  /** Who listens, for the message (e.g. `the admin HTTP service`). */
  readonly what: string;
}

/**
 * Listens on `host:port` and resolves with the bound port (the chosen one for port 0); a
 * failure (port in use, address not available) rejects with a KeelError of `code`.
 */
export function listenHttp(server: Server, options: ListenOptions): Promise<number> {
  const { host, port, code, what } = options;
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        new KeelError(code, `${what} cannot listen on ${host}:${port}: ${error.message}`, {
          cause: error,
          details: { host, port },
        }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Stops accepting connections, closes idle keep-alive ones, gives requests in progress up to
 * `graceMs` to finish, then closes what is left. Resolves once the server is closed.
 */
export async function closeHttpServer(server: Server, graceMs = 1000): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([closed, grace]);
  clearTimeout(timer);
  server.closeAllConnections();
  await closed;
}
