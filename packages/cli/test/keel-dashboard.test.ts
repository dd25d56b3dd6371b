import type { ChildProcess } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil, type RedisTarget } from '../../test-utils/src/index.js';
import { runKeel, spawnKeel } from './run-keel.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** The `-s` URL and flags pointing at the target. */
function connectionArgs(target: RedisTarget): string[] {
  if (target.mode === 'standalone') return ['-s', `redis://${target.server.host}:${target.server.port}`];
  if (target.mode === 'sentinel') return ['-s', target.url()];
  const [seed] = target.cluster.seeds;
  return ['-s', `redis://${seed?.host ?? ''}:${seed?.port ?? 0}`, '--cluster'];
}

describeBoth('keel dashboard', (target) => {
  it('serves the UI and the API for the Redis it is pointed at, and stops on SIGTERM', async () => {
    await target.client().xadd('test.cliapp._stream.rpc', '*', '_', Buffer.from([0x92, 0xc0, 0x80]));
    const run = spawnKeel(['dashboard', ...connectionArgs(target), '--port', '0']);
    children.push(run.child);
    const url = await waitUntil(
      () => /keel dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.output())?.[1],
      {
        what: 'the dashboard URL',
      },
    );
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"></div>');
    const info = (await (await fetch(new URL('api/info', url))).json()) as {
      redis: { mode: string; masters: string[] };
    };
    expect(info.redis.mode).toBe(target.mode);
    expect(info.redis.masters).toHaveLength(target.mode === 'cluster' ? 3 : 1);
    const streams = (await (await fetch(new URL('api/streams?match=test.cliapp.*', url))).json()) as {
      streams: { key: string; length: number }[];
    };
    expect(streams.streams).toEqual([expect.objectContaining({ key: 'test.cliapp._stream.rpc', length: 1 })]);
    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('asks for the token given in KEEL_DASHBOARD_TOKEN; refuses a non-loopback host without one', async () => {
    const refused = await runKeel([
      'dashboard',
      ...connectionArgs(target),
      '--host',
      '0.0.0.0',
      '--port',
      '0',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^keel dashboard: The dashboard listens on 0\.0\.0\.0, which is not a loopback address: give it a token/,
    );

    const token = 'cli-test-token-0123456789';
    const run = spawnKeel(['dashboard', ...connectionArgs(target), '--port', '0'], {
      KEEL_DASHBOARD_TOKEN: token,
    });
    children.push(run.child);
    const url = await waitUntil(
      () => /keel dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.output())?.[1],
      {
        what: 'the dashboard URL',
      },
    );
    expect(run.output()).not.toContain(token);
    expect((await fetch(new URL('api/info', url))).status).toBe(401);
    const authorized = await fetch(new URL('api/info', url), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(authorized.status).toBe(200);
    run.child.kill('SIGINT');
    expect((await run.result).code).toBe(0);
  });
});
