// Runs a command outside the workspace's environment and collects its output; fails with that output.
import { spawn } from 'node:child_process';

/** The result of a finished command. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of this process without what pnpm, vitest and the workspace put in it
 * (`npm_*`, `pnpm_*`, `VITEST*`, `NODE_OPTIONS`, `NODE_PATH`, `REDIS_URL`), plus `extra`:
 * the commands run as they would in a user's shell.
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|vitest|tinypool|node_options$|node_path$|node_env$|redis_url$|init_cwd$)/i.test(key))
      continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs `command args` in `cwd`; resolves with its output. */
export function runCommand(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed; throws with its full output otherwise. */
export async function mustRun(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  const result = await runCommand(command, args, cwd, env);
  if (result.code !== 0) {
    throw new Error(
      `"${[command, ...args].join(' ')}" in ${cwd} exited with ${result.code}\n` +
        `--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}
