import { KeelError } from './keel-error.js';

/** Why one service did not start. */
export interface ServiceStartFailure {
  readonly service: string;
  readonly error: unknown;
}

/** A required service failed to start; lists every service that failed (the app is stopped). */
export class AppStartError extends KeelError {
  readonly failures: readonly ServiceStartFailure[];

  constructor(failures: readonly ServiceStartFailure[]) {
    const lines = failures.map(({ service, error }) => `  - ${service}: ${messageOf(error)}`);
    super('APP_START_FAILED', `The app failed to start:\n${lines.join('\n')}`, {
      cause: failures[0]?.error,
      details: { services: failures.map((f) => f.service) },
    });
    this.failures = failures;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
