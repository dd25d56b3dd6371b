import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';

const WORKER = fileURLToPath(new URL('./workers/mutex-worker.mjs', import.meta.url));
const BUILT_LOCKS = fileURLToPath(new URL('../../dist/locks/index.js', import.meta.url));

const PROCESSES = 2;
const WORKERS_PER_PROCESS = 25;
const ITERATIONS = 6;

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; sections: number; violations: number }
  | { type: 'error'; message: string };

const children = new Set<ChildProcess>();

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

/** A started worker process and its exit code. */
interface Worker {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

/** Starts a worker process; its messages go to `onMessage`. */
function startWorker(config: unknown, onMessage: (message: WorkerMessage) => void): Worker {
  const child = fork(WORKER, [JSON.stringify(config)], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.on('message', (message) => {
    onMessage(message as WorkerMessage);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    });
  });
  return { child, exited };
}

describeBoth('RedisLocksService mutual exclusion across processes', (target) => {
  it(`keeps ${PROCESSES * WORKERS_PER_PROCESS} workers in ${PROCESSES} processes out of each other's way`, async () => {
    expect(
      existsSync(BUILT_LOCKS),
      `${BUILT_LOCKS} is missing: run \`pnpm build\` first (the worker processes run plain node on dist/)`,
    ).toBe(true);
    const id = randomUUID();
    const keys = {
      lock: `test.mutex.${id}.lock`,
      counter: `test.mutex.${id}.counter`,
      marker: `test.mutex.${id}.inside`,
      log: `test.mutex.${id}.tokens`,
    };
    const config = {
      transport: target.transportSettings(),
      keys,
      workers: WORKERS_PER_PROCESS,
      iterations: ITERATIONS,
      ttl: 400,
      maxDelayMs: 5,
      timeout: 60_000,
    };

    const results: { sections: number; violations: number }[] = [];
    const errors: string[] = [];
    const ready: Promise<void>[] = [];
    const workers = Array.from({ length: PROCESSES }, () => {
      let onReady: () => void = () => undefined;
      ready.push(
        new Promise<void>((resolve) => {
          onReady = resolve;
        }),
      );
      return startWorker(config, (message) => {
        if (message.type === 'ready') onReady();
        else if (message.type === 'done') results.push(message);
        else errors.push(message.message);
      });
    });
    const exits = Promise.all(workers.map((worker) => worker.exited));
    // start every worker at once, when all processes are connected (or one died early)
    await Promise.race([Promise.all(ready), exits]);
    for (const { child } of workers) if (child.connected) child.send({ type: 'go' });
    const codes = await exits;

    expect(errors).toEqual([]);
    expect(codes).toEqual(Array.from({ length: PROCESSES }, () => 0));
    const total = PROCESSES * WORKERS_PER_PROCESS * ITERATIONS;
    expect(results.reduce((sum, result) => sum + result.sections, 0)).toBe(total);
    // no two holders at once: nobody found the "inside" marker set on entering
    expect(results.reduce((sum, result) => sum + result.violations, 0)).toBe(0);
    // no lost update
    const client = target.client();
    expect(Number(await client.get(keys.counter))).toBe(total);
    // tokens strictly increase in the order the critical sections ran
    const tokens = (await client.lrange(keys.log, 0, -1)).map(Number);
    expect(tokens).toHaveLength(total);
    const outOfOrder = tokens.filter((token, index) => index > 0 && token <= tokens[index - 1]!);
    expect(outOfOrder).toEqual([]);
    expect(await client.exists(keys.lock)).toBe(0);
    expect(await client.exists(keys.marker)).toBe(0);
  }, 120_000);
});
