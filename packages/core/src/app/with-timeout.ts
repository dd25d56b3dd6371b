import { KeelError } from '../errors/keel-error.js';

/**
 * Runs `task` with an AbortSignal that fires after `timeoutMs`; rejects with `code` when the
 * time is up, whether or not the task honours the signal.
 */
export async function withTimeout<T>(
  task: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  code: string,
  message: string,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new KeelError(code, message, { details: { timeoutMs } });
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([task(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
