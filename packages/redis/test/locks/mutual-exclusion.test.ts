import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { killWorkersAfterEach, runMutexWorkers } from './mutex-workers.js';

const PROCESSES = 2;
const WORKERS_PER_PROCESS = 25;
const ITERATIONS = 6;

killWorkersAfterEach();

describeBoth('RedisLocksService mutual exclusion across processes', (target) => {
  it(`keeps ${PROCESSES * WORKERS_PER_PROCESS} workers in ${PROCESSES} processes out of each other's way`, async () => {
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

    const { results, errors, codes } = await runMutexWorkers(config, PROCESSES);

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
