import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { OrderedDispatcher } from '../../src/keyspace/ordered-dispatcher.js';

describe('OrderedDispatcher', () => {
  it('keeps per-key order and bounds concurrency', async () => {
    let running = 0;
    let maxRunning = 0;
    const seen = new Map<string, number[]>();
    const dispatcher = new OrderedDispatcher<{ key: string; n: number }>(3, async ({ key, n }) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep((n * 7) % 5);
      seen.set(key, [...(seen.get(key) ?? []), n]);
      running--;
    });
    for (let n = 0; n < 60; n++) {
      const key = `k${n % 4}`;
      dispatcher.push(key, { key, n });
    }
    expect(dispatcher.size).toBe(60);
    await dispatcher.idle();
    expect(dispatcher.size).toBe(0);
    expect(maxRunning).toBe(3);
    for (let k = 0; k < 4; k++) {
      const expected = Array.from({ length: 15 }, (_, i) => i * 4 + k);
      expect(seen.get(`k${k}`)).toEqual(expected);
    }
  });

  it('never runs two items of one key at once', async () => {
    let active = 0;
    let overlap = false;
    const dispatcher = new OrderedDispatcher<number>(10, async () => {
      active++;
      if (active > 1) overlap = true;
      await sleep(1);
      active--;
    });
    for (let n = 0; n < 20; n++) dispatcher.push('same', n);
    await dispatcher.idle();
    expect(overlap).toBe(false);
  });

  it('runs in arrival order, a key waiting only for its own previous item', async () => {
    const started: string[] = [];
    const strict = new OrderedDispatcher<string>(1, async (item) => {
      started.push(item);
      await sleep(1);
    });
    for (const item of ['a1', 'a2', 'b1', 'a3', 'c1', 'b2']) strict.push(item.slice(0, 1), item);
    await strict.idle();
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3', 'c1', 'b2']);

    started.length = 0;
    const wide = new OrderedDispatcher<string>(2, async (item) => {
      started.push(item);
      await sleep(item === 'a1' ? 20 : 1);
    });
    for (const item of ['a1', 'a2', 'b1', 'b2', 'c1']) wide.push(item.slice(0, 1), item);
    await wide.idle();
    // a2 waits for a1; b1, b2 and c1 go ahead of it in arrival order.
    expect(started.slice(0, 3)).toEqual(['a1', 'b1', 'b2']);
    expect(started.indexOf('a2')).toBeGreaterThan(started.indexOf('a1'));
  });

  it('counts a rejected item as handled', async () => {
    const handled: number[] = [];
    const dispatcher = new OrderedDispatcher<number>(1, async (n) => {
      handled.push(n);
      if (n === 1) throw new Error('boom');
      await Promise.resolve();
    });
    for (let n = 0; n < 3; n++) dispatcher.push('k', n);
    await dispatcher.idle();
    expect(handled).toEqual([0, 1, 2]);
  });

  it('resolves idle() at once when empty', async () => {
    const dispatcher = new OrderedDispatcher<number>(1, () => Promise.resolve());
    await dispatcher.idle();
    expect(dispatcher.running).toBe(0);
  });
});
