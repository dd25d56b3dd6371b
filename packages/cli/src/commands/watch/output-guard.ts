/**
 * Watches a stdout for a closed reader (`EPIPE`, e.g. `| head -1`): once closed, `closed` is
 * true, nothing more is written, and `onClose` runs once.
 */
export class OutputGuard {
  #closed = false;
  readonly #stream: NodeJS.WritableStream;
  readonly #onClose: () => void;
  readonly #onError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') this.#close();
  };

  constructor(stream: NodeJS.WritableStream, onClose: () => void) {
    this.#stream = stream;
    this.#onClose = onClose;
    stream.on('error', this.#onError);
  }

  /** True once the reader went away. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Writes `text`; resolves when the stream can take more (back-pressure on a slow reader).
   * Does nothing once closed.
   */
  async write(text: string): Promise<void> {
    if (this.#closed) return;
    let ok: boolean;
    try {
      ok = this.#stream.write(text);
    } catch (error) {
      this.#onError(error as NodeJS.ErrnoException);
      return;
    }
    // An EPIPE may have been reported by the write itself.
    if (ok || this.#isClosed()) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.#stream.off('drain', done);
        this.#stream.off('close', done);
        resolve();
      };
      this.#stream.once('drain', done);
      this.#stream.once('close', done);
    });
  }

  /** Stops reacting to the stream (a late `EPIPE` is still swallowed, never thrown). */
  dispose(): void {
    this.#stream.off('error', this.#onError);
    this.#stream.on('error', () => undefined);
  }

  #isClosed(): boolean {
    return this.#closed;
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose();
  }
}
