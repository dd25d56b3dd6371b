import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeStreamMessage, MESSAGE_FIELD } from '../../redis/src/streams/wire-format.js';
import { RedisTransportService, redisTransportSettings } from '../../redis/src/index.js';
import { metricValue, parsePrometheusText, testAppContext, waitUntil } from '../../test-utils/src/index.js';
import { FIXTURES, runKeel, spawnKeel } from './run-keel.js';

const DRAIN = join(FIXTURES, 'admin', 'drain.yaml');
const SECOND = join(FIXTURES, 'admin', 'second.yaml');
const DASHBOARD = join(FIXTURES, 'admin', 'dashboard.yaml');
const TOKEN = 'cli-admin-token-1b7e4d0c93aa';
const dirs: string[] = [];
const children: ChildProcess[] = [];

/** `keel ...args`, killed after the test if it still runs (a failed test sends no signal). */
function spawnTracked(...args: Parameters<typeof spawnKeel>): ReturnType<typeof spawnKeel> {
  const run = spawnKeel(...args);
  children.push(run.child);
  return run;
}

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Parsed JSON log lines of a `--log-format json` run. */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** `{ app: url }` of every admin service that logged where it listens. */
function adminUrls(output: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const line of logLines(output)) {
    if (String(line['msg']).startsWith('admin HTTP listening on '))
      urls[String(line['app'])] = String(line['address']);
  }
  return urls;
}

/** XADDs one message (field `_`) to `stream` on the Redis at 127.0.0.1:`port`. */
async function xadd(port: number, stream: string, message: Buffer): Promise<void> {
  const transport = new RedisTransportService({
    app: testAppContext(),
    name: 'redis',
    settings: { ...redisTransportSettings.defaults, host: '127.0.0.1', port },
    logger: testAppContext().logger,
  });
  await transport.init(AbortSignal.timeout(10_000));
  try {
    await transport.client.xadd(stream, '*', MESSAGE_FIELD, message);
  } finally {
    await transport.close();
  }
}

/** A port p where p and p + 1 are both free now. */
async function freePortPair(): Promise<number> {
  const bind = (port: number): Promise<ReturnType<typeof createServer> | undefined> =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => {
        resolve(undefined);
      });
      server.listen(port, '127.0.0.1', () => {
        resolve(server);
      });
    });
  for (;;) {
    const first = await bind(0);
    const address = first?.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const second = port > 0 && port < 65535 ? await bind(port + 1) : undefined;
    for (const server of [first, second]) {
      if (server !== undefined) await new Promise((resolve) => server.close(resolve));
    }
    if (second !== undefined) return port;
  }
}

describe('keel run --admin', () => {
  it('serves /metrics, and on SIGTERM /health/ready is 503 while the listener still drains', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-admin-'));
    dirs.push(dir);
    const files = { started: join(dir, 'started'), release: join(dir, 'release'), done: join(dir, 'done') };
    const run = spawnTracked(['run', DRAIN, '--embedded-redis', '--admin', '0', '--log-format', 'json']);
    try {
      await waitUntil(() => run.output().includes('running; send SIGINT'), { what: 'keel run to start' });
      const url = adminUrls(run.output())['drain'];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const samples = parsePrometheusText(await metrics.text());
      expect(metricValue(samples, 'keel_process_start_time_seconds', { app: 'drain' })).toBeGreaterThan(0);

      const address = /embedded redis-server started on 127\.0\.0\.1:(\d+)/.exec(run.output())?.[1];
      await xadd(Number(address), 'test.drain._stream.rpc', encodeStreamMessage(['blocker.wait', files]));
      await waitUntil(() => existsSync(files.started), { what: 'the handler to start' });
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);

      run.child.kill('SIGTERM');
      const draining = await waitUntil(
        async () => {
          const ready = await fetch(`${url}/health/ready`);
          return ready.status === 503 ? ready : undefined;
        },
        { what: '/health/ready to answer 503' },
      );
      expect(await draining.json()).toEqual({ healthy: false, stopping: true });
      expect(existsSync(files.done)).toBe(false); // the message is still in flight
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      const stoppedYet = logLines(run.output()).filter((line) => line['msg'] === 'service stopped');
      expect(stoppedYet.map((line) => line['service'])).not.toContain('RedisListener');
    } finally {
      writeFileSync(files.release, '');
    }
    const { code, stdout } = await run.result;
    expect(code).toBe(0);
    expect(existsSync(files.done)).toBe(true);
    const stoppedServices = logLines(stdout)
      .filter((line) => line['msg'] === 'service stopped')
      .map((line) => line['service']);
    expect(stoppedServices.at(-1)).toBe('admin');
    expect(stoppedServices).toContain('RedisListener');
  });

  it('gives each app of --each its own port (port, port + 1) and the token from KEEL_ADMIN_TOKEN', async () => {
    const port = await freePortPair();
    const run = spawnTracked(
      [
        'run',
        DRAIN,
        SECOND,
        '--each',
        '--embedded-redis',
        '--admin',
        `127.0.0.1:${port}`,
        '--log-format',
        'json',
      ],
      { KEEL_ADMIN_TOKEN: TOKEN },
    );
    try {
      await waitUntil(() => run.output().includes('running; send SIGINT'), { what: 'keel run to start' });
      expect(adminUrls(run.output())).toEqual({
        drain: `http://127.0.0.1:${port}`,
        second: `http://127.0.0.1:${port + 1}`,
      });
      for (const [app, url] of [
        ['drain', `http://127.0.0.1:${port}`],
        ['second', `http://127.0.0.1:${port + 1}`],
      ] as const) {
        expect((await fetch(`${url}/metrics`)).status).toBe(401);
        expect((await fetch(`${url}/health/live`)).status).toBe(200);
        const metrics = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(metrics.status).toBe(200);
        const samples = parsePrometheusText(await metrics.text());
        expect(metricValue(samples, 'keel_process_start_time_seconds', { app })).toBeGreaterThan(0);
        expect(samples.every((sample) => sample.labels['app'] === app)).toBe(true);
      }
    } finally {
      run.child.kill('SIGTERM');
    }
    const { code, stdout, stderr } = await run.result;
    expect(code).toBe(0);
    expect(stdout + stderr).not.toContain(TOKEN);
  });

  it('serves the dashboard of an AdminHttpService with dashboard: true, @keel/dashboard found from the CLI', async () => {
    const run = spawnTracked([
      'run',
      DASHBOARD,
      '--embedded-redis',
      '--admin',
      '0',
      '--log-format',
      'json',
      '--var',
      `DASH_TOKEN=${TOKEN}`,
    ]);
    try {
      await waitUntil(() => run.output().includes('running; send SIGINT'), { what: 'keel run to start' });
      const url = adminUrls(run.output())['dash'];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const page = await fetch(`${url}/dashboard/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect((await fetch(`${url}/dashboard/api/app`)).status).toBe(401);
      const status = await fetch(`${url}/dashboard/api/app`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ app: { name: 'dash', healthy: true } });
    } finally {
      run.child.kill('SIGTERM');
    }
    const { code, stdout, stderr } = await run.result;
    expect(code).toBe(0);
    expect(stdout + stderr).not.toContain(TOKEN);
  });

  it('refuses a bad address or a short token without echoing the token', async () => {
    const badAddress = await runKeel(['run', DRAIN, '--admin', 'localhost']);
    expect(badAddress.code).not.toBe(0);
    expect(badAddress.stderr).toContain('expected [host:]port');
    const shortToken = await runKeel(['run', DRAIN, '--admin', '0', '--admin-token', 'tiny-secret']);
    expect(shortToken.code).toBe(1);
    expect(shortToken.stderr).toContain('must be 16 to 1024 characters');
    expect(shortToken.stdout + shortToken.stderr).not.toContain('tiny-secret');
  });
});
