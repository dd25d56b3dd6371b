// dashboard: true where @keel/dashboard cannot be imported: the app does not start, ADMIN_DASHBOARD_UNAVAILABLE.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

/** The built @keel/core: in the workspace, @keel/dashboard is not resolvable from packages/core. */
const CORE_DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Starts an app with `AdminHttpService { dashboard: true }` and prints the start error's codes. */
const SCRIPT = `
import { App, configFromObject } from ${JSON.stringify(pathToFileURL(CORE_DIST).href)};
const config = await configFromObject({
  app: { name: 'nodash', env: 'test' },
  services: [{ cls: 'AdminHttpService', settings: { port: 0, dashboard: true } }],
});
const app = new App(config);
try {
  await app.start();
  console.log(JSON.stringify({ started: true }));
  await app.stop();
} catch (error) {
  console.log(JSON.stringify({ code: error.code, cause: error.cause?.code, message: error.cause?.message }));
}
`;

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('AdminHttpService dashboard: true without @keel/dashboard', () => {
  it('fails to start with ADMIN_DASHBOARD_UNAVAILABLE naming the package, in a process where it cannot be imported', async () => {
    // The script and the working directory are outside the workspace, so none of the places
    // loadDashboard looks in (@keel/core, the working directory, the main script) has it.
    const dir = await mkdtemp(join(tmpdir(), 'keel-nodash-'));
    dirs.push(dir);
    const script = join(dir, 'start.mjs');
    await writeFile(script, SCRIPT);
    const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd: dir });
    // The script's own line, not one of the app's log lines (pino may flush after it).
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const result = lines.findLast((line) => !('level' in line)) ?? {};
    expect(result).toMatchObject({ code: 'APP_START_FAILED', cause: 'ADMIN_DASHBOARD_UNAVAILABLE' });
    expect(result['message']).toContain('@keel/dashboard');
    expect(result['message']).toContain('dashboard: false');
  });
});
