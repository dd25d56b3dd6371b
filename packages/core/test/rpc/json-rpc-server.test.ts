import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppStartError } from '../../src/errors/app-start-error.js';
import { RpcCode } from '../../src/rpc/rpc-codes.js';
import { RpcError } from '../../src/rpc/rpc-error.js';
import { Scope } from '../../src/rpc/scope.js';
import { probe, req, startServer, stopAll } from './fixtures.js';

beforeEach(() => {
  probe.reset();
});

afterEach(async () => {
  await stopAll();
});

const USER = { scope: Scope.USER };

describe('JSONRPCServer: requests', () => {
  it('dispatches service.route with this bound to the service and answers with the id', async () => {
    const { server } = await startServer();
    expect(await server.call(req('ext.double', { value: 21 }, 'a'), USER)).toEqual({
      jsonrpc: '2.0',
      id: 'a',
      result: 42,
    });
    expect(await server.call(req('ext.whoami', undefined, 7), USER)).toMatchObject({
      id: 7,
      result: { service: 'ext', method: 'ext.whoami', scope: Scope.USER, hasDeadline: true },
    });
  });

  it('passes positional params through and reads missing or null params as {}', async () => {
    const { server } = await startServer();
    expect(await server.call(req('ext.echo', [1, 'two']), USER)).toMatchObject({ result: [1, 'two'] });
    expect(await server.call(req('ext.echo'), USER)).toMatchObject({ result: {} });
    expect(await server.call(req('ext.echo', null), USER)).toMatchObject({ result: {} });
  });

  it('runs a notification without answering it', async () => {
    const { server } = await startServer();
    expect(await server.call({ jsonrpc: '2.0', method: 'ext.echo', params: { x: 1 } }, USER)).toBeNull();
    expect(probe.count('echo')).toBe(1);
    expect(server.stats).toMatchObject({ processed: 1, failed: 0 });
  });

  it('answers a request whose id is null (it is not a notification)', async () => {
    const { server } = await startServer();
    expect(await server.call(req('ext.echo', { x: 1 }, null), USER)).toEqual({
      jsonrpc: '2.0',
      id: null,
      result: { x: 1 },
    });
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['a number', 42],
    ['a wrong version', { jsonrpc: '1.0', id: 1, method: 'ext.echo' }],
    ['no method', { jsonrpc: '2.0', id: 1 }],
    ['a non-string method', { jsonrpc: '2.0', id: 1, method: 5 }],
    ['an object id', { jsonrpc: '2.0', id: {}, method: 'ext.echo' }],
    ['string params', { jsonrpc: '2.0', id: 1, method: 'ext.echo', params: 'bar' }],
  ])('answers %s with -32600 and id null', async (_label, request) => {
    const { server } = await startServer();
    const response = await server.call(request, USER);
    expect(response).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { code: RpcCode.INVALID_REQUEST, message: 'Invalid Request' },
    });
    expect(probe.count('echo')).toBe(0);
  });

  it('answers an unknown method with -32601', async () => {
    const { server } = await startServer();
    expect(await server.call(req('ext.nope'), USER)).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: RpcCode.METHOD_NOT_FOUND, message: 'Method not found' },
    });
  });
});

describe('JSONRPCServer: batches', () => {
  it('answers every non-notification of a batch, in order, with their own outcomes', async () => {
    const { server } = await startServer();
    const responses = await server.call(
      [
        req('ext.double', { value: 1 }, 1),
        { jsonrpc: '2.0', method: 'ext.echo', params: { n: 1 } },
        1,
        req('ext.nope', {}, 'x'),
        req('ext.double', { value: 'one' }, 3),
        { jsonrpc: '2.0', method: 'ext.nope' },
      ],
      USER,
    );
    expect(Array.isArray(responses)).toBe(true);
    const list = responses as { id: unknown; result?: unknown; error?: { code: number } }[];
    expect(list.map((r) => [r.id, r.result ?? r.error?.code])).toEqual([
      [1, 2],
      [null, RpcCode.INVALID_REQUEST],
      ['x', RpcCode.METHOD_NOT_FOUND],
      [3, RpcCode.INVALID_PARAMS],
    ]);
    expect(probe.count('echo')).toBe(1);
    expect(server.stats).toMatchObject({ processed: 6, failed: 4 });
  });

  it('answers an empty batch with one -32600 and a batch of notifications with nothing', async () => {
    const { server } = await startServer();
    expect(await server.call([], USER)).toMatchObject({ id: null, error: { code: RpcCode.INVALID_REQUEST } });
    const notifications = [1, 2].map((n) => ({ jsonrpc: '2.0', method: 'ext.echo', params: { n } }));
    expect(await server.call(notifications, USER)).toBeNull();
    expect(probe.count('echo')).toBe(2);
  });
});

describe('JSONRPCServer: errors', () => {
  it('passes an RpcError thrown by a handler through with its code, message and data', async () => {
    const { server } = await startServer();
    expect(await server.call(req('ext.reject'), USER)).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: 4001, message: 'Out of stock', data: { sku: 'A1' } },
    });
  });

  it('turns any other error into -32603 without its message or stack', async () => {
    const { server } = await startServer();
    const response = await server.call(req('ext.fail'), USER);
    expect(response).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: RpcCode.INTERNAL_ERROR, message: 'Internal error' },
    });
    expect(JSON.stringify(response)).not.toMatch(/hunter2|app\.ts|at /);
  });

  it('names a KeelError by class and code only', async () => {
    const { server } = await startServer();
    expect(await server.call(req('ext.keel_fail'), USER)).toMatchObject({
      error: { code: RpcCode.INTERNAL_ERROR, data: { error: 'KeelError', code: 'LOCK_TIMEOUT' } },
    });
  });

  it('lists the validator problems (path and expected) of invalid params and does not run the handler', async () => {
    const { server } = await startServer();
    const response = await server.call(req('ext.double', { value: 'x' }), USER);
    expect(response).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: RpcCode.INVALID_PARAMS,
        message: 'Invalid params',
        data: { problems: [{ path: '$input.value', expected: 'number' }] },
      },
    });
    expect(probe.count('double')).toBe(0);
  });
});

describe('JSONRPCServer.dispatch', () => {
  it('returns the result, or throws an RpcError with the code a response would carry', async () => {
    const { server } = await startServer();
    await expect(server.dispatch('ext.double', { value: 4 }, USER)).resolves.toBe(8);
    await expect(server.dispatch('ext.echo', undefined, USER)).resolves.toEqual({});
    await expect(server.dispatch('ext.nope', {}, USER)).rejects.toMatchObject({
      rpcCode: RpcCode.METHOD_NOT_FOUND,
      code: 'RPC_METHOD_NOT_FOUND',
    });
    await expect(server.dispatch('ext.echo', 5, USER)).rejects.toMatchObject({
      rpcCode: RpcCode.INVALID_PARAMS,
    });
    const error: unknown = await server.dispatch('ext.reject', {}, USER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).toErrorObject()).toEqual({
      code: 4001,
      message: 'Out of stock',
      data: { sku: 'A1' },
    });
  });
});

describe('JSONRPCServer: built-ins', () => {
  it('rpc.api lists what the caller may call, with whether a validator checks the params', async () => {
    const { server } = await startServer();
    const guest = await server.dispatch('rpc.api', {}, { scope: Scope.GUEST });
    expect(guest).toEqual([
      { method: 'ext.public_echo', validated: false },
      { method: 'ext.public_info', validated: false },
      { method: 'rpc.api', validated: false },
    ]);
    const user = (await server.dispatch('rpc.api', {}, USER)) as { method: string; validated: boolean }[];
    expect(user).toContainEqual({ method: 'ext.double', validated: true });
    expect(user).toContainEqual({ method: 'rpc.status', validated: false });
    expect(user.map((m) => m.method)).not.toContain('ext.admin_reset');
    const system = (await server.dispatch('rpc.api', {}, { scope: Scope.SYSTEM })) as { method: string }[];
    expect(system.map((m) => m.method)).toContain('ext.admin_reset');
  });

  it('rpc.status gives the counters to USER and up, and is unknown to GUEST', async () => {
    const { server } = await startServer();
    await server.call(req('ext.double', { value: 1 }), USER);
    await server.call(req('ext.nope'), USER);
    // rpc.status is itself in flight while it answers.
    expect(await server.dispatch('rpc.status', {}, USER)).toEqual({
      processed: 2,
      failed: 1,
      inFlight: 1,
      queued: 0,
    });
    expect(server.stats).toEqual({ processed: 3, failed: 1, inFlight: 0, queued: 0 });
    await expect(server.dispatch('rpc.status', {}, { scope: Scope.GUEST })).rejects.toMatchObject({
      rpcCode: RpcCode.METHOD_NOT_FOUND,
    });
  });

  it('are absent when enableBuiltins is false', async () => {
    const { server } = await startServer({ enableBuiltins: false });
    await expect(server.dispatch('rpc.api', {}, { scope: Scope.SYSTEM })).rejects.toMatchObject({
      rpcCode: RpcCode.METHOD_NOT_FOUND,
    });
  });
});

describe('JSONRPCServer: method table', () => {
  it.each([
    ['BrokenRoutes', /route "nope" is not a function/],
    ['StrayValidator', /validator for unknown route "missing"/],
  ])('fails the start when %s declares bad routes', async (cls, message) => {
    const error: unknown = await startServer({}, { extra: [cls] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppStartError);
    const [failure] = (error as AppStartError).failures;
    expect(failure?.service).toBe('JSONRPCServer');
    expect(failure?.error).toMatchObject({
      code: 'RPC_ROUTE_INVALID',
      message: expect.stringMatching(message) as unknown,
    });
  });
});
