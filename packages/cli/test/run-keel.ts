import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built `keel` binary; the CLI tests run the real thing (`pnpm build` first). */
export const KEEL_BIN = fileURLToPath(new URL('../dist/bin/keel.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface KeelResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns `node dist/bin/keel.js ...args` (in `cwd`, default the repository root) and collects its output. */
export function spawnKeel(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd: string = REPO_ROOT,
): {
  child: ChildProcess;
  result: Promise<KeelResult>;
  output: () => string;
} {
  if (!existsSync(KEEL_BIN)) throw new Error(`${KEEL_BIN} is missing: run "pnpm build" first`);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv['REDIS_URL'];
  if (env['REDIS_URL'] !== undefined) childEnv['REDIS_URL'] = env['REDIS_URL'];
  const child = spawn(process.execPath, [KEEL_BIN, ...args], { cwd, env: childEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const result = new Promise<KeelResult>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, result, output: () => stdout + stderr };
}

/** Runs keel to completion. */
export function runKeel(args: readonly string[], env?: NodeJS.ProcessEnv, cwd?: string): Promise<KeelResult> {
  return spawnKeel(args, env, cwd).result;
}
