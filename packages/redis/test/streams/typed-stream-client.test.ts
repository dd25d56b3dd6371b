import { RpcCode, RpcError } from '@keel/core';
import { afterEach, expect, expectTypeOf, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import { probeOf } from './fixtures.js';
import { type Order, type OrdersApi, startOrders, stopOrders } from './typed-api-fixture.js';

afterEach(stopOrders);

/** The rejection of `promise` (the test fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(RpcError);
  return error as RpcError;
}

describeBoth('TypedStreamClient', (target) => {
  it('requests typed methods over the stream and gets typed results', async () => {
    const { server, client } = await startOrders(target);
    const orders = client.client<OrdersApi>({ app: server.name, timeout: 5000 });
    const order = await orders.request('orders.place', { item: 'pears', qty: 2 });
    expectTypeOf(order).toEqualTypeOf<Order>();
    expect(order).toEqual({ id: 'o-pears', item: 'pears', qty: 2, placedBy: null });
    // the zod schema's output reached the handler: the default currency
    await expect(orders.request('orders.quote', { lines: [{ item: 'a', qty: 2 }] })).resolves.toEqual({
      currency: 'EUR',
      total: 6,
    });
    await expect(orders.request('orders.get', { id: 'missing' })).resolves.toBeNull();
    const status = await orders.request('orders.status');
    expectTypeOf(status).toEqualTypeOf<{ ok: true; service: string }>();
    expect(status).toEqual({ ok: true, service: 'orders' });
  });

  it('sends typed notifications with call and callMultiple', async () => {
    const { server, client } = await startOrders(target);
    const orders = client.client<OrdersApi>({ app: server.name });
    const listener = server.services.get(RedisListener);
    expect(await orders.call('orders.note', { order: 'o-1', text: 'ring twice' })).toMatch(/^\d+-\d+$/);
    await orders.callMultiple([
      ['orders.place', { item: 'plums', qty: 1 }],
      { method: 'orders.note', params: { order: 'o-2', text: 'fragile' } },
    ]);
    await waitUntil(() => listener.metrics.processed === 2, { what: 'both messages to be processed' });
    expect(probeOf(server.name).paramsOf('orders.note')).toEqual([
      { order: 'o-1', text: 'ring twice' },
      { order: 'o-2', text: 'fragile' },
    ]);
    expect(probeOf(server.name).paramsOf('orders.place')).toEqual([{ item: 'plums', qty: 1 }]);
  });

  it('answers invalid params with -32602 and the schema issue paths (typia, zod, valibot)', async () => {
    const { server, client } = await startOrders(target);
    // What an untyped (or out-of-date) caller sends: the types would refuse it.
    const untyped = client.client<Record<string, { params: unknown; result: unknown }>>({ app: server.name });
    const typia = await rejection(untyped.request('orders.place', { item: '', qty: 1.5 }));
    expect(typia.rpcCode).toBe(RpcCode.INVALID_PARAMS);
    expect(typia.data).toEqual({
      problems: [
        { path: '$input.item', expected: 'string & MinLength<1>' },
        { path: '$input.qty', expected: 'number & Type<"uint32">' },
      ],
    });
    const zod = await rejection(
      untyped.request('orders.quote', { lines: [{ item: 'a', qty: 0 }, { qty: 1 }], currency: 'GBP' }),
    );
    expect(zod.rpcCode).toBe(RpcCode.INVALID_PARAMS);
    expect((zod.data as { problems: { path: string }[] }).problems.map((problem) => problem.path)).toEqual([
      '$input.lines[0].qty',
      '$input.lines[1].item',
      '$input.currency',
    ]);
    const valibot = await rejection(untyped.request('orders.note', { order: 7, text: 'x'.repeat(21) }));
    expect(valibot.data).toEqual({
      problems: [
        { path: '$input.order', expected: 'string' },
        { path: '$input.text', expected: '<=20' },
      ],
    });
    expect(probeOf(server.name).calls).toEqual([]);
  });

  it('merges the view options under each call options, headers included', async () => {
    const { server, client } = await startOrders(target);
    const orders = client.client<OrdersApi>({ app: server.name, headers: { 'Session-Id': 'sess-1' } });
    expect(orders.defaults).toEqual({ app: server.name, headers: { 'Session-Id': 'sess-1' } });
    const order = await orders.request(
      'orders.place',
      { item: 'figs', qty: 1 },
      { headers: { 'Correlation-Id': 'corr-1' }, timeout: 5000 },
    );
    expect(order.placedBy).toBe('sess-1');
    const [call] = probeOf(server.name).calls;
    expect(call?.context.correlationId).toBe('corr-1');
    // a call's app wins over the view's: nobody listens there
    const lost = await orders
      .request('orders.status', undefined, { app: 'nobody', timeout: 200 })
      .catch((failure: unknown) => failure);
    expect(lost).toMatchObject({ code: 'STREAM_REQUEST_TIMEOUT' });
  });

  it('gets -32601 when the service runs under another name than its API type says', async () => {
    const { server, client } = await startOrders(target, 'orders_eu');
    const orders = client.client<OrdersApi>({ app: server.name });
    const error = await rejection(orders.request('orders.status'));
    expect(error.rpcCode).toBe(RpcCode.METHOD_NOT_FOUND);
  });
});
