import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from './process-alive.js';

/*
 * A child Node process imports the embedded-server module (transpiled on the fly by a tiny
 * loader), starts a server, reports its pid and leaves in one of several ways without calling
 * stop(). The server must be gone afterwards.
 */

const require = createRequire(import.meta.url);
const typescriptUrl = pathToFileURL(require.resolve('typescript')).href;
const embeddedUrl = new URL('../../src/embedded/index.ts', import.meta.url).href;

const CORE_STUB = `export class KeelError extends Error {
  constructor(code, message, options = {}) { super(message, { cause: options.cause }); this.code = code; }
}`;

const HOOKS = `import ts from ${JSON.stringify(typescriptUrl)};
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const CORE = 'data:text/javascript,' + encodeURIComponent(${JSON.stringify(CORE_STUB)});
export async function resolve(specifier, context, next) {
  if (specifier === '@keel/core') return { url: CORE, shortCircuit: true };
  if (context.parentURL?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = readFileSync(fileURLToPath(url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
`;

const SCRIPT = `import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
const { startRedisServer } = await import(${JSON.stringify(embeddedUrl)});
const server = await startRedisServer();
process.stdout.write(JSON.stringify({ pid: server.pid, dir: server.dir }) + '\\n');
const how = process.argv[2];
if (how.includes('sigterm')) setInterval(() => {}, 1000); // an app with work to do
if (how === 'exit') process.exit(0);
if (how === 'throw') throw new Error('boom');
if (how === 'sigterm') process.kill(process.pid, 'SIGTERM');
if (how === 'handled-sigterm') {
  process.on('SIGTERM', () => { process.stdout.write('app handler ran\\n'); process.exit(0); });
  process.kill(process.pid, 'SIGTERM');
}
// 'idle': nothing else keeps the event loop alive, so the process ends by itself
`;

let workDir: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'keel-reaper-test-'));
  writeFileSync(join(workDir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(workDir, 'main.mjs'), SCRIPT);
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

interface ChildRun {
  readonly pid: number;
  readonly dir: string;
  readonly stdout: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function runChild(how: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(workDir, 'main.mjs'), how], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line === undefined) {
        reject(new Error(`child did not report a server (code ${code}): ${stderr}`));
        return;
      }
      const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
      resolve({ pid, dir, stdout, code, signal });
    });
  });
}

async function expectGone(pid: number): Promise<void> {
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(20);
  expect(isAlive(pid)).toBe(false);
}

describe('embedded servers never outlive their parent', () => {
  it('process.exit()', async () => {
    const run = await runChild('exit');
    expect(run.code).toBe(0);
    await expectGone(run.pid);
    expect(existsSync(run.dir)).toBe(false);
  });

  it('the event loop empties (the server does not keep the parent alive)', async () => {
    const run = await runChild('idle');
    expect(run.code).toBe(0);
    await expectGone(run.pid);
  });

  it('an uncaught error', async () => {
    const run = await runChild('throw');
    expect(run.code).not.toBe(0);
    await expectGone(run.pid);
  });

  it('SIGTERM without an app handler still terminates the parent', async () => {
    const run = await runChild('sigterm');
    expect(run.signal).toBe('SIGTERM');
    await expectGone(run.pid);
  });

  it("SIGTERM with an app handler runs the app's handler", async () => {
    const run = await runChild('handled-sigterm');
    expect(run.stdout).toContain('app handler ran');
    expect(run.code).toBe(0);
    await expectGone(run.pid);
  });
});
