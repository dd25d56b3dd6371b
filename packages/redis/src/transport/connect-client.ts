import type { RedisClient } from './redis-client.js';

/** Why a first connect failed. */
export class ConnectFailure extends Error {
  constructor(
    /** The last error seen, if any. */
    readonly lastError: Error | undefined,
    /** True when the time ran out (rather than a fatal error or an abort). */
    readonly timedOut: boolean,
    message: string,
  ) {
    super(message, lastError === undefined ? undefined : { cause: lastError });
  }

  /** True when the last error says what went wrong (not just "Connection is closed."). */
  get specific(): boolean {
    return this.lastError !== undefined && isSpecific(this.lastError);
  }
}

/** Replies that retrying cannot fix: bad credentials, missing permissions, bad db, wrong mode. */
const FATAL_REPLY =
  /^(WRONGPASS|NOAUTH|NOPERM|ERR (invalid password|AUTH|Client sent AUTH|DB index|invalid DB index|SELECT is not allowed|This instance has cluster support disabled))/i;

/** How ioredis reports a fatal reply of a sentinel (wrapped in its own message). */
const FATAL_SENTINEL_REPLY = /(?:because|Last error:) (WRONGPASS|NOAUTH|NOPERM)\b/;

/** TLS failures that retrying cannot fix: untrusted, expired or misnamed certificates. */
const FATAL_TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_|ERR_SSL_/;

/** True when `error` (or the node error behind a cluster error) cannot be fixed by retrying. */
export function isFatalConnectError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (FATAL_REPLY.test(error.message) || FATAL_SENTINEL_REPLY.test(error.message)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && FATAL_TLS_CODE.test(code)) return true;
  const nodeError = (error as { lastNodeError?: unknown }).lastNodeError;
  return nodeError !== undefined && nodeError !== error && isFatalConnectError(nodeError);
}

/**
 * Connects a `lazyConnect` client and checks it with `PING`, all within `timeoutMs`. Connection
 * errors are retried by the client's retry strategy until then; fatal replies (wrong password,
 * ...) fail at once. Rejects with a {@link ConnectFailure}; the caller disconnects the client.
 */
export async function connectClient(
  client: RedisClient,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: Error | undefined;
  let lastSpecific: Error | undefined;
  const best = (): Error | undefined => lastSpecific ?? lastError;
  await new Promise<void>((resolve, reject) => {
    const fail = (failure: ConnectFailure): void => {
      cleanup();
      reject(failure);
    };
    const onError = (error: Error): void => {
      lastError = error;
      const nodeError = (error as { lastNodeError?: unknown }).lastNodeError;
      for (const candidate of [error, nodeError]) {
        if (candidate instanceof Error && isSpecific(candidate)) lastSpecific = candidate;
      }
      if (isFatalConnectError(error)) {
        const cause = best() ?? error;
        fail(new ConnectFailure(cause, false, cause.message));
      }
    };
    // A sentinel that could not be asked, or did not know the master name (ioredis goes on to
    // the next one): a specific reason, should the connect fail.
    const onSentinelError = (error: Error): void => {
      lastSpecific = error;
      if (isFatalConnectError(error)) fail(new ConnectFailure(error, false, error.message));
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const onEnd = (): void => {
      const cause = best();
      fail(new ConnectFailure(cause, false, cause?.message ?? 'the connection was closed'));
    };
    const onAbort = (): void => {
      const cause = best();
      const last = cause === undefined ? '' : `; last error: ${cause.message}`;
      fail(new ConnectFailure(cause, false, `aborted (${describeReason(signal?.reason)})${last}`));
    };
    const timer = setTimeout(() => {
      const cause = best();
      fail(
        new ConnectFailure(cause, true, `${cause?.message ?? 'no answer'} (gave up after ${timeoutMs} ms)`),
      );
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('error', onError);
      client.off('node error', onError);
      client.off('sentinelError', onSentinelError);
      client.off('ready', onReady);
      client.off('end', onEnd);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted === true) {
      onAbort();
      return;
    }
    client.on('error', onError);
    client.on('node error', onError);
    client.on('sentinelError', onSentinelError);
    client.once('ready', onReady);
    client.once('end', onEnd);
    signal?.addEventListener('abort', onAbort, { once: true });
    // The promise rejects on the first failed attempt; retries go on and end in 'ready' or 'end'.
    client.connect().catch((error: unknown) => {
      if (error instanceof Error) onError(error);
    });
  });
  await pingBefore(client, deadline, timeoutMs);
}

/**
 * True for errors that say what went wrong (a system error such as `ECONNREFUSED`, or a server
 * reply), unlike ioredis's generic "Connection is closed." or "Failed to refresh slots cache.".
 */
function isSpecific(error: Error): boolean {
  return (
    typeof (error as { code?: unknown }).code === 'string' ||
    error.name === 'ReplyError' ||
    FATAL_REPLY.test(error.message)
  );
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

async function pingBefore(client: RedisClient, deadline: number, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        reject(new ConnectFailure(undefined, true, `PING got no answer (gave up after ${timeoutMs} ms)`));
      },
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    await Promise.race([client.ping(), timeout]);
  } catch (error) {
    if (error instanceof ConnectFailure) throw error;
    const cause = error instanceof Error ? error : new Error(String(error));
    throw new ConnectFailure(cause, false, `PING failed: ${cause.message}`);
  } finally {
    clearTimeout(timer);
  }
}
