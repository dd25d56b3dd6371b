import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/app.js';
import { AppStartError } from '../../src/errors/app-start-error.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { isKeelError } from '../../src/errors/keel-error.js';
import { Consumer, Store, config, entry, journal, registry, silentLogger } from './fixtures.js';

const build = (...args: Parameters<typeof config>): App =>
  new App(config(...args), { registry, logger: silentLogger });

beforeEach(() => {
  journal.events.length = 0;
});

describe('App lifecycle', () => {
  it('initialises in dependency order, list order breaking ties, and closes in reverse', async () => {
    const app = build([entry('Consumer'), entry('Recorder', { name: 'a' }), entry('Store')]);
    await app.start();
    expect(journal.events).toEqual(['init:a', 'init:Store', 'init:Consumer']);
    expect(app.services.get(Consumer).store).toBe(app.services.get(Store));
    await app.stop();
    expect(journal.events.slice(3)).toEqual(['close:Consumer', 'close:Store', 'close:a']);
  });

  it('honours dependsOn', async () => {
    const app = build([entry('Recorder', { name: 'a', dependsOn: ['b'] }), entry('Recorder', { name: 'b' })]);
    await app.start();
    await app.stop();
    expect(journal.events).toEqual(['init:b', 'init:a', 'close:a', 'close:b']);
  });

  it('resolves a dependency named by a settings field', () => {
    const app = build([
      entry('Store', { name: 's1' }),
      entry('Store', { name: 's2' }),
      entry('Consumer', { settings: { store: 's2' } }),
    ]);
    expect(app.services.get(Consumer).store).toBe(app.services.get('s2'));
  });

  it('reports ambiguous and missing dependencies as config errors naming both services', () => {
    const ambiguous = (): App =>
      build([entry('Store', { name: 's1' }), entry('Store', { name: 's2' }), entry('Consumer')]);
    expect(ambiguous).toThrow(ConfigError);
    expect(ambiguous).toThrow(/"Consumer" needs one Store, but 2 exist \("s1", "s2"\)/);
    const missing = (): App => build([entry('Consumer')]);
    expect(missing).toThrow(/"Consumer" needs a Store, and none is configured/);
    const wrongName = (): App =>
      build([entry('Store', { name: 'store1' }), entry('Consumer', { settings: { store: 'stor1' } })]);
    try {
      wrongName();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const [issue] = (error as ConfigError).issues;
      expect(issue?.path).toBe('services[1].settings.store');
      expect(issue?.suggestion).toBe('store1');
    }
  });

  it('treats a disabled dependency as missing', () => {
    expect(() => build([entry('Store', { enabled: false }), entry('Consumer')])).toThrow(
      /none is configured/,
    );
  });

  it('detects dependency cycles', () => {
    expect(() =>
      build([
        entry('Recorder', { name: 'a', dependsOn: ['b'] }),
        entry('Recorder', { name: 'b', dependsOn: ['a'] }),
      ]),
    ).toThrow(/dependency cycle between "a", "b"/);
  });

  it('looks services up by name and by class, and reports ambiguity', () => {
    const app = build([entry('Store', { name: 's1' }), entry('Store', { name: 's2' })]);
    expect(app.services.get('s1')).toBeInstanceOf(Store);
    expect(() => app.services.get(Store)).toThrow(expect.objectContaining({ code: 'SERVICE_AMBIGUOUS' }));
    expect(() => app.services.get('nope')).toThrow(expect.objectContaining({ code: 'SERVICE_NOT_FOUND' }));
    expect(app.services.has('s1')).toBe(true);
    expect(app.services.has(Store)).toBe(false);
  });

  it('aggregates every required failure in one error and closes started services in reverse', async () => {
    const app = build([
      entry('Recorder', { name: 'ok1' }),
      entry('Failing', { name: 'bad1' }),
      entry('Recorder', { name: 'ok2' }),
      entry('Failing', { name: 'bad2' }),
      entry('Recorder', { name: 'after-bad', dependsOn: ['bad1'] }),
    ]);
    const error: unknown = await app.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppStartError);
    const startError = error as AppStartError;
    expect(startError.code).toBe('APP_START_FAILED');
    expect(startError.failures.map((f) => f.service)).toEqual(['bad1', 'bad2', 'after-bad']);
    expect(startError.message).toContain('bad1 cannot start');
    expect(startError.message).toContain('bad2 cannot start');
    expect(journal.events).toEqual([
      'init:ok1',
      'init:bad1',
      'init:ok2',
      'init:bad2',
      'close:bad2',
      'close:ok2',
      'close:bad1',
      'close:ok1',
    ]);
  });

  it('logs and skips a failing optional service and its dependents', async () => {
    const app = build([
      entry('Failing', { name: 'opt', required: false }),
      entry('Recorder', { name: 'dependent', dependsOn: ['opt'], required: false }),
      entry('Recorder', { name: 'main' }),
    ]);
    await app.start();
    expect(app.stateOf('opt')).toBe('failed');
    expect(app.stateOf('dependent')).toBe('skipped');
    expect(app.stateOf('main')).toBe('started');
    const health = await app.health();
    expect(health.healthy).toBe(true);
    expect(health.services['opt']?.healthy).toBe(false);
    await app.stop();
  });

  it('fails a service whose init exceeds its timeout', async () => {
    const app = build([entry('Hanging', { initTimeoutMs: 50 })]);
    const error: unknown = await app.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppStartError);
    const [failure] = (error as AppStartError).failures;
    expect(isKeelError(failure?.error, 'SERVICE_INIT_TIMEOUT')).toBe(true);
  });

  it('stop never throws, even when a close fails, and is idempotent', async () => {
    const app = build([
      entry('Recorder', { name: 'a' }),
      entry('BadClose', { name: 'b' }),
      entry('Recorder', { name: 'c' }),
    ]);
    await app.start();
    await expect(app.stop()).resolves.toBeUndefined();
    await expect(app.stop()).resolves.toBeUndefined();
    expect(journal.events.filter((e) => e.startsWith('close'))).toEqual(['close:c', 'close:b', 'close:a']);
  });

  it('refuses to start twice', async () => {
    const app = build([entry('Recorder')]);
    await app.start();
    await expect(app.start()).rejects.toMatchObject({ code: 'APP_STATE_INVALID' });
    await app.stop();
  });

  it('builds namespaced keys from env and app name', () => {
    const app = build([], { name: 'orders', env: 'prod' });
    expect(app.namespace.key('x')).toBe('prod.orders.x');
    expect(app.namespaceShared.key('x')).toBe('prod._shared.x');
  });
});
