import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPermissionResolver, globToRegExp } from '../../src/rpc/permissions.js';
import { RpcCode } from '../../src/rpc/rpc-codes.js';
import { Scope, parseScope, scopeAllows, scopeName } from '../../src/rpc/scope.js';
import { probe, req, startServer, stopAll } from './fixtures.js';

beforeEach(() => {
  probe.reset();
});

afterEach(async () => {
  await stopAll();
});

describe('Scope', () => {
  it('orders SYSTEM > USER > GUEST', () => {
    expect(scopeAllows(Scope.SYSTEM, Scope.GUEST)).toBe(true);
    expect(scopeAllows(Scope.SYSTEM, Scope.SYSTEM)).toBe(true);
    expect(scopeAllows(Scope.USER, Scope.GUEST)).toBe(true);
    expect(scopeAllows(Scope.USER, Scope.SYSTEM)).toBe(false);
    expect(scopeAllows(Scope.GUEST, Scope.USER)).toBe(false);
  });

  it('parses names from config in any case, and the numeric values', () => {
    expect(parseScope('SYSTEM')).toBe(Scope.SYSTEM);
    expect(parseScope('user')).toBe(Scope.USER);
    expect(parseScope(' Guest ')).toBe(Scope.GUEST);
    expect(parseScope(100)).toBe(Scope.USER);
    expect(scopeName(Scope.GUEST)).toBe('GUEST');
    expect(() => parseScope('ADMIN')).toThrow(expect.objectContaining({ code: 'RPC_SCOPE_INVALID' }));
    expect(() => parseScope(5)).toThrow(/expected SYSTEM, USER or GUEST/);
  });
});

describe('permissions', () => {
  it('lets an exact name beat any glob, and more literal characters beat fewer', () => {
    const scopeOf = createPermissionResolver(
      { '*': Scope.USER, 'get_*': Scope.GUEST, 'get_secret*': Scope.SYSTEM, get_secret_menu: Scope.GUEST },
      'svc',
    );
    expect(scopeOf('put')).toBe(Scope.USER);
    expect(scopeOf('get_user')).toBe(Scope.GUEST);
    expect(scopeOf('get_secret_key')).toBe(Scope.SYSTEM);
    expect(scopeOf('get_secret_menu')).toBe(Scope.GUEST);
  });

  it('breaks ties by the order patterns are listed in', () => {
    expect(createPermissionResolver({ 'a*': Scope.GUEST, '*b': Scope.USER }, 's')('ab')).toBe(Scope.GUEST);
    expect(createPermissionResolver({ '*b': Scope.USER, 'a*': Scope.GUEST }, 's')('ab')).toBe(Scope.USER);
  });

  it('requires SYSTEM when nothing matches (or there are no permissions)', () => {
    expect(createPermissionResolver({ 'get_*': Scope.GUEST }, 's')('put')).toBe(Scope.SYSTEM);
    expect(createPermissionResolver(undefined, 's')('anything')).toBe(Scope.SYSTEM);
  });

  it('reads ? as one character and other characters literally', () => {
    expect(globToRegExp('a?c').test('abc')).toBe(true);
    expect(globToRegExp('a?c').test('ac')).toBe(false);
    expect(globToRegExp('a.c').test('abc')).toBe(false);
    expect(globToRegExp('(x)+').test('(x)+')).toBe(true);
  });

  it('refuses a value that is not a scope', () => {
    expect(() => createPermissionResolver({ '*': 'USER' }, 'svc')).toThrow(
      expect.objectContaining({ code: 'RPC_PERMISSION_INVALID' }),
    );
  });
});

describe('JSONRPCServer: scopes', () => {
  it('runs a method for a caller whose scope is high enough', async () => {
    const { server } = await startServer();
    expect(await server.call(req('ext.public_echo', { a: 1 }), { scope: Scope.GUEST })).toMatchObject({
      result: { a: 1 },
    });
    expect(await server.call(req('ext.echo', { a: 1 }), { scope: Scope.USER })).toMatchObject({
      result: { a: 1 },
    });
    expect(await server.call(req('ext.admin_reset', {}), { scope: Scope.SYSTEM })).toMatchObject({
      result: {},
    });
  });

  it('answers a denied method exactly like an unknown one, and does not run it', async () => {
    const { server } = await startServer();
    const denied = await server.call(req('ext.admin_reset', { a: 1 }, 9), { scope: Scope.USER });
    const unknown = await server.call(req('ext.admin_nothing', { a: 1 }, 9), { scope: Scope.USER });
    expect(denied).toEqual(unknown);
    expect(JSON.stringify(denied)).toBe(JSON.stringify(unknown));
    expect(denied).toMatchObject({ error: { code: RpcCode.METHOD_NOT_FOUND } });
    expect(probe.count('echo')).toBe(0);
  });

  it('denies before validating, so invalid params do not reveal a method either', async () => {
    const { server } = await startServer();
    const denied = await server.call(req('ext.double', { value: 'x' }), { scope: Scope.GUEST });
    const unknown = await server.call(req('ext.triple', { value: 'x' }), { scope: Scope.GUEST });
    expect(denied).toEqual(unknown);
    const thrownDenied: unknown = await server
      .dispatch('ext.double', {}, { scope: Scope.GUEST })
      .catch((e: unknown) => e);
    const thrownUnknown: unknown = await server
      .dispatch('ext.triple', {}, { scope: Scope.GUEST })
      .catch((e: unknown) => e);
    expect(thrownDenied).toEqual(thrownUnknown);
  });
});
