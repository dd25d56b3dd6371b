/** What a suite acquired, released in reverse order. */
export class Cleanup {
  readonly #steps: (() => unknown)[] = [];

  /** Registers `step` (sync or async) to run at {@link run}, before every step registered earlier. */
  add(step: () => unknown): void {
    this.#steps.push(step);
  }

  /** Runs every step, last registered first, even past a failure; then throws the first failure. */
  async run(): Promise<void> {
    let failure: { readonly error: unknown } | undefined;
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }
}
