import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonRpcResponse } from '../../src/rpc/json-rpc-types.js';
import { RpcCode } from '../../src/rpc/rpc-codes.js';
import { Scope } from '../../src/rpc/scope.js';
import { probe, req, startServer, stopAll, until } from './fixtures.js';

beforeEach(() => {
  probe.reset();
});

afterEach(async () => {
  await stopAll();
});

const USER = { scope: Scope.USER };
const epochSeconds = (offsetSeconds: number): string => String(Date.now() / 1000 + offsetSeconds);

describe('JSONRPCServer: headers', () => {
  it('gives Session-Id and Correlation-Id (any case) to the handler', async () => {
    const { server } = await startServer();
    const headers = { 'session-ID': 's-1', 'CORRELATION-id': 'c-1', 'Custom-Header': '1' };
    expect(await server.call(req('ext.whoami'), { ...USER, headers })).toMatchObject({
      result: { sessionId: 's-1', correlationId: 'c-1' },
    });
  });

  it('drops a call whose deadline has passed without running it (seconds or milliseconds)', async () => {
    const { server } = await startServer();
    const past = await server.call(req('ext.echo', { a: 1 }), {
      ...USER,
      headers: { Deadline: epochSeconds(-5) },
    });
    expect(past).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: RpcCode.DEADLINE_EXCEEDED, message: 'Request deadline exceeded' },
    });
    const pastMs = await server.call(req('ext.echo'), { ...USER, headers: { deadline: Date.now() - 5000 } });
    expect(pastMs).toMatchObject({ error: { code: RpcCode.DEADLINE_EXCEEDED } });
    await server.call(
      { jsonrpc: '2.0', method: 'ext.echo' },
      { ...USER, headers: { Deadline: epochSeconds(-1) } },
    );
    expect(probe.count('echo')).toBe(0);
    const future = await server.call(req('ext.echo', { a: 1 }), {
      ...USER,
      headers: { Deadline: epochSeconds(60) },
    });
    expect(future).toMatchObject({ result: { a: 1 } });
    expect(probe.count('echo')).toBe(1);
  });

  it('refuses malformed Deadline and Timeout headers with -32600', async () => {
    const { server } = await startServer();
    for (const headers of [{ Deadline: 'tomorrow' }, { Timeout: '-1' }, { timeout: 0 }, { Timeout: {} }]) {
      expect(await server.call(req('ext.echo'), { ...USER, headers })).toMatchObject({
        id: null,
        error: { code: RpcCode.INVALID_REQUEST },
      });
    }
    expect(probe.count('echo')).toBe(0);
  });

  it('times out a call after its Timeout (seconds), aborting the handler signal', async () => {
    const { server } = await startServer();
    const response = await server.call(req('ext.slow'), { ...USER, headers: { Timeout: '0.05' } });
    expect(response).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: RpcCode.REQUEST_TIMEOUT, message: 'Request timed out' },
    });
    expect(probe.aborted).toEqual(['ext.slow']);
  });

  it('clamps Timeout to maxRequestTimeMs, and uses defaultRequestTimeMs without one', async () => {
    const { server } = await startServer({ maxRequestTimeMs: 50, defaultRequestTimeMs: 40 });
    expect(await server.call(req('ext.slow'), { ...USER, headers: { Timeout: '3600' } })).toMatchObject({
      error: { code: RpcCode.REQUEST_TIMEOUT },
    });
    expect(await server.call(req('ext.slow'), USER)).toMatchObject({
      error: { code: RpcCode.REQUEST_TIMEOUT },
    });
    expect(probe.aborted).toHaveLength(2);
  });

  it('answers -32001 when the deadline, nearer than the timeout, passes while running', async () => {
    const { server } = await startServer();
    const response = await server.call(req('ext.slow'), {
      ...USER,
      headers: { Deadline: epochSeconds(0.05) },
    });
    expect(response).toMatchObject({ error: { code: RpcCode.DEADLINE_EXCEEDED } });
  });
});

describe('JSONRPCServer: parallelism', () => {
  it('never runs more than maxParallelTasks handlers at once; the rest wait in order', async () => {
    const { server } = await startServer({ maxParallelTasks: 2 });
    const calls = Array.from({ length: 6 }, (_, i) =>
      server.call(req('ext.gated', { tag: `t${i}` }, i), USER),
    );
    await until(() => server.stats.inFlight === 2 && server.stats.queued === 4);
    expect(probe.running).toBe(2);
    probe.gate.open();
    const responses = (await Promise.all(calls)) as JsonRpcResponse[];
    expect(responses.map((r) => ('result' in r ? r.result : r.error.code))).toEqual([
      't0',
      't1',
      't2',
      't3',
      't4',
      't5',
    ]);
    expect(probe.maxRunning).toBeLessThanOrEqual(2);
    expect(probe.count('gated')).toBe(6);
    expect(server.stats).toMatchObject({ inFlight: 0, queued: 0, processed: 6, failed: 0 });
  });

  it('answers -32005 when every slot is busy and the queue is full', async () => {
    const { server } = await startServer({ maxParallelTasks: 1, maxQueuedRequests: 1 });
    const running = server.call(req('ext.gated', { tag: 'a' }, 1), USER);
    const waiting = server.call(req('ext.gated', { tag: 'b' }, 2), USER);
    await until(() => server.stats.inFlight === 1 && server.stats.queued === 1);
    expect(await server.call(req('ext.gated', {}, 3), USER)).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: { code: RpcCode.SERVER_BUSY, message: 'Server busy' },
    });
    probe.gate.open();
    expect(await running).toMatchObject({ result: 'a' });
    expect(await waiting).toMatchObject({ result: 'b' });
    expect(probe.count('gated')).toBe(2);
  });

  it('times out a call still waiting in the queue without running it', async () => {
    const { server } = await startServer({ maxParallelTasks: 1 });
    const running = server.call(req('ext.gated', {}, 1), USER);
    await until(() => server.stats.inFlight === 1);
    const queued = await server.call(req('ext.gated', {}, 2), { ...USER, headers: { Timeout: 0.05 } });
    expect(queued).toMatchObject({ id: 2, error: { code: RpcCode.REQUEST_TIMEOUT } });
    expect(server.stats.queued).toBe(0);
    probe.gate.open();
    await running;
    expect(probe.count('gated')).toBe(1);
  });

  it('cancels a call when the transport aborts its signal', async () => {
    const { server } = await startServer({ maxParallelTasks: 1 });
    const controller = new AbortController();
    const call = server.call(req('ext.slow'), { ...USER, signal: controller.signal });
    await until(() => probe.count('slow') === 1);
    controller.abort();
    expect(await call).toMatchObject({
      error: { code: RpcCode.REQUEST_CANCELLED, message: 'Request cancelled' },
    });
    expect(probe.aborted).toEqual(['ext.slow']);
    const already = await server.call(req('ext.echo'), { ...USER, signal: controller.signal });
    expect(already).toMatchObject({ error: { code: RpcCode.REQUEST_CANCELLED } });
    expect(probe.count('echo')).toBe(0);
  });

  it('keeps the slot of a timed-out handler until it really returns', async () => {
    const { server } = await startServer({ maxParallelTasks: 1 });
    const stuck = await server.call(req('ext.stuck'), { ...USER, headers: { Timeout: 0.02 } });
    expect(stuck).toMatchObject({ error: { code: RpcCode.REQUEST_TIMEOUT } });
    expect(server.stats.inFlight).toBe(1);
    const next = server.call(req('ext.echo', { n: 1 }), USER);
    await until(() => server.stats.queued === 1);
    expect(probe.count('echo')).toBe(0);
    probe.gate.open();
    expect(await next).toMatchObject({ result: { n: 1 } });
  });
});

describe('JSONRPCServer: close', () => {
  it('refuses new calls while closing and waits for running and queued ones', async () => {
    const { app, server } = await startServer({ maxParallelTasks: 1 });
    const running = server.call(req('ext.gated', { tag: 'r' }, 1), USER);
    const queued = server.call(req('ext.gated', { tag: 'q' }, 2), USER);
    await until(() => server.stats.inFlight === 1 && server.stats.queued === 1);
    let stopped = false;
    const stopping = app.stop().then(() => {
      stopped = true;
    });
    await until(() => server.closing); // the app closes ext first, then the server
    expect(await server.call(req('ext.echo', {}, 3), USER)).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: { code: RpcCode.SERVER_CLOSING, message: 'Server closing' },
    });
    await expect(server.dispatch('ext.echo', {}, USER)).rejects.toMatchObject({
      rpcCode: RpcCode.SERVER_CLOSING,
    });
    expect(stopped).toBe(false);
    probe.gate.open();
    expect(await running).toMatchObject({ result: 'r' });
    expect(await queued).toMatchObject({ result: 'q' });
    await stopping;
    expect(stopped).toBe(true);
    expect(probe.count('echo')).toBe(0);
  });

  it('aborts calls still running after closeTimeoutMs and answers them -32004', async () => {
    const { app, server } = await startServer({ closeTimeoutMs: 30 });
    const call = server.call(req('ext.stuck'), USER);
    await until(() => probe.count('stuck') === 1);
    await app.stop();
    expect(await call).toMatchObject({ error: { code: RpcCode.SERVER_CLOSING } });
  });
});
