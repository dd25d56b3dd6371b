import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT, runKeel, spawnKeel } from './run-keel.js';

/** The pids of redis-server processes serving `address` (other test files run their own). */
function redisServerPids(address: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `^redis-server ${address.replaceAll('.', '\\.')}( |$)`], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A port nothing listens on: bind, read the port, close. */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

describe('keel run', () => {
  it('runs the demo apps on an embedded redis-server and stops them on SIGTERM, exiting 0', async () => {
    const run = spawnKeel([
      'run',
      join(REPO_ROOT, 'apps/demo/server.yaml'),
      join(REPO_ROOT, 'apps/demo/client.yaml'),
      '--each',
      '--embedded-redis',
      '--var',
      'HEARTBEAT_MS=100',
      '--var',
      'SHOP_MS=100',
    ]);
    await until(() => /heartbeat #2/.test(run.output()) && /ordered 2 × pears/.test(run.output()), 30_000);
    const output = run.output();
    const address = /embedded redis-server started on (127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(address).toBeDefined();
    expect(output).toContain('service started');
    const embedded = redisServerPids(address ?? '');
    expect(embedded).toHaveLength(1);
    run.child.kill('SIGTERM');
    const { code, stdout } = await run.result;
    expect(code).toBe(0);
    expect(stdout).toMatch(/placed order for 1 × apples/);
    expect(stdout).toMatch(/read back: ok/);
    expect(stdout.match(/app stopped/g)).toHaveLength(2);
    expect(stdout).toContain('embedded redis-server stopped');
    expect(embedded.filter(pidIsAlive)).toEqual([]);
  });

  it('exits non-zero, naming host and port, when Redis is unreachable', async () => {
    const port = await deadPort();
    const { code, stderr } = await runKeel([
      'run',
      join(FIXTURES, 'unreachable.yaml'),
      '--var',
      `DEAD_PORT=${port}`,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain(`127.0.0.1:${port}`);
  });
});
