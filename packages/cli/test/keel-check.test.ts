import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runKeel } from './run-keel.js';

describe('keel check', () => {
  it('prints every problem with its YAML path and exits 1', async () => {
    const { code, stderr, stdout } = await runKeel(['check', join(FIXTURES, 'three-mistakes.yaml')]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    const problem = (path: string): string | undefined => lines.find((line) => line.includes(`: ${path}:`));
    expect(problem('services[0].cls')).toMatch(/RedisTransportServise.*did you mean "RedisTransportService"/);
    expect(problem('services[1].settings.port')).toMatch(/expected .*number.*got "not a port"/);
    expect(problem('services[2].settings.close_timeout_ms')).toMatch(/missing_key/);
    expect(stderr).toContain('three-mistakes.yaml');
    expect(lines.at(-1)).toBe('3 problems found');
  });

  it('prints ok for a valid file', async () => {
    const { code, stdout } = await runKeel(['check', join(FIXTURES, 'ok.yaml')]);
    expect(stdout.trim()).toBe('ok');
    expect(code).toBe(0);
  });

  it('reports a missing file', async () => {
    const { code, stderr } = await runKeel(['check', join(FIXTURES, 'nope.yaml')]);
    expect(code).toBe(1);
    expect(stderr).toContain('nope.yaml');
  });
});
