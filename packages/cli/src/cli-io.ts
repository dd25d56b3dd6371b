/** Where the CLI writes; tests and embedding programs pass their own streams. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

/** The process's own streams and environment. */
export const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };

/** Collects a repeatable option (`--var a=1 --var b=2`). */
export function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}
