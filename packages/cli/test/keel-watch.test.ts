import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil, withNode, type RedisTarget } from '../../test-utils/src/index.js';
import { KEEL_BIN, REPO_ROOT, spawnKeel } from './run-keel.js';

const WATCHDOG_BIN = fileURLToPath(new URL('../dist/bin/redis-watchdog.js', import.meta.url));

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const children: ChildProcess[] = [];
/** Shell pipelines run in their own process group, killed whole. */
const groups: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const group of groups.splice(0)) {
    try {
      if (group.pid !== undefined) process.kill(-group.pid, 'SIGKILL');
    } catch {
      // the group has already exited
    }
  }
});

/** Runs `sh -c script` and collects its output. */
function runShell(script: string): { child: ChildProcess; done: Promise<Finished> } {
  for (const bin of [KEEL_BIN, WATCHDOG_BIN]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run "pnpm build" first`);
  }
  const child = spawn('sh', ['-c', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, REDIS_URL: '' },
    detached: true,
  });
  groups.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The `-s` URL and flags pointing at the target. */
function connectionArgs(target: RedisTarget): string[] {
  if (target.mode === 'standalone') return ['-s', `redis://${target.server.host}:${target.server.port}`];
  if (target.mode === 'sentinel') return ['-s', target.url()];
  const [seed] = target.cluster.seeds;
  return ['-s', `redis://${seed?.host ?? ''}:${seed?.port ?? 0}`, '--cluster'];
}

type Node = { readonly host: string; readonly port: number };

async function mastersOf(target: RedisTarget): Promise<Node[]> {
  return target.masters();
}

/** Ids of the clients of every master that hold pattern subscriptions (`psub` > 0 in `CLIENT LIST`). */
async function patternSubscribers(target: RedisTarget): Promise<Set<string>[]> {
  return Promise.all(
    (await mastersOf(target)).map(async (node) => {
      const list = String(await withNode(node, target.password, (client) => client.call('CLIENT', 'LIST')));
      const ids = list
        .split('\n')
        .filter((line) => / psub=[1-9]/.test(line))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1] ?? '');
      return new Set(ids);
    }),
  );
}

/**
 * Runs `start` (which spawns a watcher) and waits until it subscribed on every master: each
 * master has a pattern subscriber it did not have before. (Counting subscriptions instead would
 * race with a watcher of an earlier test that is still going away.)
 */
async function whenSubscribed<T extends { result: Promise<unknown> } | { done: Promise<unknown> }>(
  target: RedisTarget,
  start: () => T,
): Promise<T> {
  const before = await patternSubscribers(target);
  const started = start();
  const exited = 'result' in started ? started.result : started.done;
  let subscribed = false;
  await Promise.race([
    waitUntil(
      async () =>
        (await patternSubscribers(target)).every((ids, index) =>
          [...ids].some((id) => before[index]?.has(id) !== true),
        ),
      { what: 'the watcher to subscribe', timeout: 20_000 },
    ).then(() => {
      subscribed = true;
    }),
    // A watcher that exits before it subscribed fails the test at once, with its output.
    exited.then((finished) => {
      if (!subscribed)
        throw new Error(`the watcher exited before it subscribed: ${JSON.stringify(finished)}`);
    }),
  ]);
  return started;
}

/** Sets `<prefix><i>` = `value-<i>` for i in [0, n), one after another. */
async function produce(target: RedisTarget, prefix: string, n: number): Promise<void> {
  const client = target.client();
  for (let i = 0; i < n; i++) await client.set(`${prefix}${i}`, `value-${i}`);
}

describeBoth('keel watch / redis-watchdog', (target) => {
  it('-q -P -c 10 piped into awk gives exactly 10 "KEY VALUE" lines and exits 0', async () => {
    const prefix = `pipe:${target.mode}:`;
    const args = [...connectionArgs(target), '-r', `${prefix}*`, '-q', '-P', '-c', '10'].map(quote).join(' ');
    const run = await whenSubscribed(target, () =>
      runShell(
        `(node ${quote(WATCHDOG_BIN)} ${args}; echo "watchdog exit $?" >&2) | awk '{print $1" ### "$2}'`,
      ),
    );
    // One server (standalone, or the Sentinel primary) reports in write order; a cluster's masters
    // are read side by side, so only the order per node is defined: 10 writes there, as a set.
    await produce(target, prefix, target.mode === 'cluster' ? 10 : 15);
    const { code, stdout, stderr } = await run.done;
    expect(code).toBe(0);
    expect(stderr).toBe('watchdog exit 0\n');
    const lines = stdout.split('\n').filter(Boolean);
    const expected = Array.from({ length: 10 }, (_, i) => `${prefix}${i} ### value-${i}`);
    if (target.mode !== 'cluster') expect(lines).toEqual(expected);
    else expect([...lines].sort()).toEqual([...expected].sort());
  });
});

describeBoth(
  'keel watch output',
  (target) => {
    it('prints readable lines on stdout and banners on stderr', async () => {
      const run = await whenSubscribed(target, () =>
        spawnKeel(['watch', ...connectionArgs(target), '-r', 'readable:*', '-c', '3']),
      );
      children.push(run.child);
      const client = target.client();
      await client.set('readable:a', 'hello world');
      await client.hset('readable:h', 'f', 'v');
      await client.set('readable:bin', Buffer.from([0xff, 0x00, 0x41]));
      const { code, stdout, stderr } = await run.result;
      expect(code).toBe(0);
      const lines = stdout.split('\n').filter(Boolean);
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} set +readable:a = hello world$/);
      expect(lines[1]).toMatch(/ hset +readable:h \(not a string\)$/);
      expect(lines[2]).toMatch(/ set +readable:bin = base64:\/wBB$/);
      expect(stderr).toContain('watching redis://');
      expect(stderr).toContain('3 event(s)');
    });

    it('prints nothing but the lines in quiet mode', async () => {
      const run = await whenSubscribed(target, () =>
        spawnKeel(['watch', ...connectionArgs(target), '-r', 'quiet:*', '-q', '-P', '-c', '2']),
      );
      children.push(run.child);
      await produce(target, 'quiet:', 2);
      const { code, stdout, stderr } = await run.result;
      expect(code).toBe(0);
      expect(stdout).toBe('quiet:0 value-0\nquiet:1 value-1\n');
      expect(stderr).toBe('');
    });

    it('ends quietly with exit 0 when the reader of stdout goes away (| head -1)', async () => {
      const args = ['watch', ...connectionArgs(target), '-r', 'head:*', '-q', '-P'].map(quote).join(' ');
      const run = await whenSubscribed(target, () =>
        runShell(`(node ${quote(KEEL_BIN)} ${args}; echo "keel exit $?" >&2) | head -1`),
      );
      let finished: Finished | undefined;
      void run.done.then((result) => (finished = result));
      // The first line reaches head, which exits; later lines hit the closed pipe.
      const client = target.client();
      for (let i = 0; finished === undefined && i < 300; i++) {
        await client.set(`head:${i}`, `value-${i}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const { stdout, stderr } = await run.done;
      expect(stdout).toBe('head:0 value-0\n');
      expect(stderr).toBe('keel exit 0\n');
    });

    it('stops on SIGTERM with exit 0', async () => {
      const run = await whenSubscribed(target, () =>
        spawnKeel(['watch', ...connectionArgs(target), '-r', 'term:*']),
      );
      children.push(run.child);
      await produce(target, 'term:', 1);
      await waitUntil(() => run.output().includes('term:0'));
      run.child.kill('SIGTERM');
      const { code, stdout } = await run.result;
      expect(code).toBe(0);
      expect(stdout).toMatch(/set +term:0 = value-0/);
    });

    it('exits 1 naming host and port when Redis cannot be reached', async () => {
      const { code, stderr } = await spawnKeel(['watch', '-s', 'redis://127.0.0.1:1', '-q']).result;
      expect(code).toBe(1);
      expect(stderr).toContain('127.0.0.1:1');
    });

    it('rejects a bad count and bad event flags', async () => {
      const bad = await spawnKeel(['watch', '-c', 'zero']).result;
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('positive integer');
      const flags = await spawnKeel(['watch', ...connectionArgs(target), '--events', 'gq', '-q']).result;
      expect(flags.code).toBe(1);
      expect(flags.stderr).toContain('Unknown keyspace event flag "q"');
    });
  },
  { modes: ['standalone'] },
);
