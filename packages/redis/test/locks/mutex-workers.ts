/* Runs mutex-worker.mjs processes (critical sections under one lock) for the cross-process lock tests. */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';

const WORKER = fileURLToPath(new URL('./workers/mutex-worker.mjs', import.meta.url));
const BUILT_LOCKS = fileURLToPath(new URL('../../dist/locks/index.js', import.meta.url));

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; sections: number; violations: number; retries: number; failures: Record<string, number> }
  | { type: 'error'; message: string };

/** What one worker process reported. */
export type WorkerResult = Extract<WorkerMessage, { type: 'done' }>;

/** What the processes of one run reported. */
export interface MutexRun {
  readonly results: WorkerResult[];
  readonly errors: string[];
  readonly codes: (number | null)[];
}

const children = new Set<ChildProcess>();

/** Kills the worker processes a test left behind; call once at the top of the test file. */
export function killWorkersAfterEach(): void {
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
    children.clear();
  });
}

/**
 * Forks `processes` worker processes with `config` (see mutex-worker.mjs), waits until all are
 * connected, tells them to go, runs `during` (say, a failover) while they work, and resolves
 * with what they reported once all have exited and `during` is done.
 */
export async function runMutexWorkers(
  config: unknown,
  processes: number,
  during: () => Promise<void> = () => Promise.resolve(),
): Promise<MutexRun> {
  expect(
    existsSync(BUILT_LOCKS),
    `${BUILT_LOCKS} is missing: run \`pnpm build\` first (the worker processes run plain node on dist/)`,
  ).toBe(true);
  const results: WorkerResult[] = [];
  const errors: string[] = [];
  const ready: Promise<void>[] = [];
  const workers = Array.from({ length: processes }, () => {
    const child = fork(WORKER, [JSON.stringify(config)], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    ready.push(
      new Promise<void>((resolve) => {
        child.on('message', (raw) => {
          const message = raw as WorkerMessage;
          if (message.type === 'ready') resolve();
          else if (message.type === 'done') results.push(message);
          else errors.push(message.message);
        });
      }),
    );
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => {
        children.delete(child);
        resolve(code);
      });
    });
    return { child, exited };
  });
  const exits = Promise.all(workers.map((worker) => worker.exited));
  // start every worker at once, when all processes are connected (or one died early)
  await Promise.race([Promise.all(ready), exits]);
  for (const { child } of workers) if (child.connected) child.send({ type: 'go' });
  const [codes] = await Promise.all([exits, during()]);
  return { results, errors, codes };
}
