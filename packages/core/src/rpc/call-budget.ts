// CallBudget: the time budget and early stop of one admitted RPC call, with an AbortSignal made only when asked for.

/**
 * The time budget of one call: it stops the call with an error when its timer fires, the
 * transport cancels it or the server closes. Cheap when nothing happens: the `AbortSignal`
 * handlers see is created only when one reads it, and the timer is armed only while the call
 * waits (for a slot, or for an asynchronous handler) — a handler that returns synchronously
 * cannot be interrupted, so it needs neither.
 */
export class CallBudget {
  /** When the call times out, as epoch milliseconds. */
  readonly deadline: number;
  readonly #onTimeout: () => Error;
  #controller: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stoppedWith: Error | undefined;
  #answerEarly: ((error: Error) => void) | undefined;

  /** `onTimeout` makes the error a call that outlives `deadline` is stopped with. */
  constructor(deadline: number, onTimeout: () => Error) {
    this.deadline = deadline;
    this.#onTimeout = onTimeout;
  }

  /** Aborts with the stop's error; created on first read. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#stoppedWith !== undefined) this.#controller.abort(this.#stoppedWith);
    }
    return this.#controller.signal;
  }

  /** The error the call was stopped with, if it was. */
  get stoppedWith(): Error | undefined {
    return this.#stoppedWith;
  }

  /** Stops the call: aborts the signal and answers a waiting {@link race} with `error`. Once only. */
  stop(error: Error): void {
    if (this.#stoppedWith !== undefined) return;
    this.#stoppedWith = error;
    clearTimeout(this.#timer);
    this.#controller?.abort(error);
    this.#answerEarly?.(error);
  }

  /** Starts the timer (idempotent). */
  arm(): void {
    if (this.#timer !== undefined || this.#stoppedWith !== undefined) return;
    this.#timer = setTimeout(
      () => {
        this.stop(this.#onTimeout());
      },
      Math.max(0, this.deadline - Date.now()),
    );
  }

  /** Settles like `work`, unless the call is stopped first (then rejects with the stop's error). */
  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#stoppedWith !== undefined) {
        reject(this.#stoppedWith);
        return;
      }
      this.#answerEarly = reject;
      this.arm();
      work.then(resolve, reject);
    });
  }

  /** Clears the timer once the call is answered. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#answerEarly = undefined;
  }
}
