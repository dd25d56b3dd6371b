// countCommandErrors: calls back for every command of a client that fails (error reply, timeout, lost connection).
import type { RedisClient } from './redis-client.js';

/** Errors ioredis handles itself (it reloads the script, or follows the redirect). */
const HANDLED = /^(NOSCRIPT|MOVED|ASK|TRYAGAIN)\b/;

/** Marks a command whose `reject` is wrapped already (ioredis may send one command twice: offline queue). */
const WRAPPED = Symbol('keel.commandErrorsCounted');

interface CommandLike {
  reject: (error: Error) => void;
  [WRAPPED]?: true;
}

type SendCommand = (command: CommandLike, ...rest: unknown[]) => unknown;

/**
 * Calls `onError` once for every command sent through `client` that fails: an error reply, a
 * timeout, or the connection lost under it, pipelined commands included, but not the errors
 * ioredis recovers from by itself (NOSCRIPT, cluster redirections). It wraps the client's
 * `sendCommand`, and each command's `reject`, without touching the command's promise (a
 * rejection nobody handles still surfaces as it did).
 */
export function countCommandErrors(client: RedisClient, onError: (error: Error) => void): void {
  const target = client as unknown as { sendCommand: SendCommand };
  const send: SendCommand = target.sendCommand.bind(client);
  target.sendCommand = (command, ...rest) => {
    if (command[WRAPPED] !== true) {
      command[WRAPPED] = true;
      const reject = command.reject;
      command.reject = (error: Error) => {
        if (!HANDLED.test(error.message)) onError(error);
        reject.call(command, error);
      };
    }
    return send(command, ...rest);
  };
}
