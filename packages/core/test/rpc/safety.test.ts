import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findUnsafeParams } from '../../src/rpc/check-params.js';
import { REDACTED, TRUNCATED, redactParams } from '../../src/rpc/redact-params.js';
import { RpcCode } from '../../src/rpc/rpc-codes.js';
import { Scope } from '../../src/rpc/scope.js';
import { captureLogger } from '../../../test-utils/src/capture-logger.js';
import { probe, req, startServer, stopAll } from './fixtures.js';

beforeEach(() => {
  probe.reset();
});

afterEach(async () => {
  await stopAll();
});

const USER = { scope: Scope.USER };

describe('redactParams', () => {
  it('hides every secret-looking key at any depth, in objects and arrays, any case', () => {
    const params = {
      user: 'bob',
      password: 'p1',
      pass: 'p2',
      nested: {
        apiKey: 'k1',
        API_KEY: 'k2',
        'api-key': 'k3',
        list: [{ token: 't1' }, { refreshToken: 't2' }],
      },
      Authorization: 'Bearer x',
      clientSecret: 's1',
      count: 3,
    };
    expect(redactParams(params)).toEqual({
      user: 'bob',
      password: REDACTED,
      pass: REDACTED,
      nested: {
        apiKey: REDACTED,
        API_KEY: REDACTED,
        'api-key': REDACTED,
        list: [{ token: REDACTED }, { refreshToken: REDACTED }],
      },
      Authorization: REDACTED,
      clientSecret: REDACTED,
      count: 3,
    });
    expect(params.password).toBe('p1');
    expect(params.nested.list[0]?.token).toBe('t1');
  });

  it('redacts a whole secret subtree, keeps primitives, and truncates beyond the depth bound', () => {
    expect(redactParams({ auth: { user: 'u', pw: 'x' } })).toEqual({ auth: REDACTED });
    expect(redactParams('plain')).toBe('plain');
    expect(redactParams(null)).toBeNull();
    expect(redactParams({ a: { b: { c: { password: 'x' } } } }, 2)).toEqual({ a: { b: TRUNCATED } });
    const cyclic: Record<string, unknown> = { token: 't' };
    cyclic['self'] = cyclic;
    expect(JSON.stringify(redactParams(cyclic, 3))).not.toContain('"t"');
  });

  it('copies __proto__ keys as data without touching prototypes', () => {
    const parsed: unknown = JSON.parse('{"__proto__": {"polluted": true, "secret": "s"}}');
    const redacted = redactParams(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.hasOwn(redacted, '__proto__')).toBe(true);
    expect(JSON.stringify(redacted)).toBe('{"__proto__":{"polluted":true,"secret":"[redacted]"}}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('JSONRPCServer: logs', () => {
  it('logs each failed call at warn with method, correlation id and redacted params', async () => {
    const capture = captureLogger('warn');
    const { server } = await startServer({}, { logger: capture.logger });
    await server.call(
      req('ext.fail', { user: 'bob', password: 'hunter2', opts: { api_key: 'k-123', authToken: 'a-9' } }),
      {
        ...USER,
        headers: { 'Correlation-Id': 'corr-42' },
      },
    );
    await server.call(req('ext.echo', { fine: true }), USER);
    const failures = capture.lines().filter((line) => line['msg'] === 'rpc call failed');
    expect(failures).toHaveLength(1);
    const [line] = failures;
    expect(line).toMatchObject({
      level: 40,
      method: 'ext.fail',
      correlationId: 'corr-42',
      code: RpcCode.INTERNAL_ERROR,
      params: { user: 'bob', password: REDACTED, opts: { api_key: REDACTED, authToken: REDACTED } },
    });
    const text = JSON.stringify(capture.lines());
    expect(text).not.toContain('k-123');
    expect(text).not.toContain('a-9');
  });

  it('tells denied from unknown methods in the log only', async () => {
    const capture = captureLogger('warn');
    const { server } = await startServer({}, { logger: capture.logger });
    await server.call(req('ext.admin_reset'), USER);
    await server.call(req('ext.missing'), USER);
    const reasons = capture
      .lines()
      .filter((line) => line['msg'] === 'rpc call failed')
      .map((line) => line['reason']);
    expect(reasons).toEqual(['scope USER may not call a method that needs SYSTEM', 'unknown method']);
  });
});

describe('JSONRPCServer: __proto__ and constructor keys', () => {
  it('refuses them anywhere in params with -32602, without running the handler or polluting anything', async () => {
    const { server } = await startServer();
    const bodies = [
      '{"jsonrpc":"2.0","id":1,"method":"ext.echo","params":{"__proto__":{"polluted":true}}}',
      '{"jsonrpc":"2.0","id":1,"method":"ext.echo","params":{"a":[{"constructor":{"prototype":{"polluted":true}}}]}}',
      '{"jsonrpc":"2.0","id":1,"method":"ext.double","params":{"value":1,"__proto__":{"value":"x"}}}',
    ];
    const responses = [];
    for (const body of bodies) responses.push(await server.call(JSON.parse(body), USER));
    expect(responses.map((r) => (r as { error: { code: number } }).error.code)).toEqual([
      RpcCode.INVALID_PARAMS,
      RpcCode.INVALID_PARAMS,
      RpcCode.INVALID_PARAMS,
    ]);
    expect(responses[0]).toMatchObject({
      error: {
        data: { problems: [{ path: '$input.__proto__', expected: 'no "__proto__" or "constructor" key' }] },
      },
    });
    expect(responses[1]).toMatchObject({
      error: { data: { problems: [{ path: '$input.a[0].constructor' }] } },
    });
    expect(probe.count('echo') + probe.count('double')).toBe(0);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('accepts other keys and refuses nesting deeper than the bound', () => {
    expect(findUnsafeParams({ a: { b: [1, { c: 'constructor' }] }, proto: 1, 'x-y': 2 })).toEqual([]);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i += 1) deep = { d: deep };
    expect(findUnsafeParams(deep)).toEqual([
      expect.objectContaining({ expected: 'at most 64 levels of nesting' }) as unknown,
    ]);
  });
});
