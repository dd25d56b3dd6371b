// Type tests of the typed stream client. Not run by vitest: `pnpm typecheck` checks this file
// (the root tsconfig includes packages/*/test), and every `@ts-expect-error` below fails it as
// soon as the types accept what they must refuse.
import type { ApiOf, RpcMethodType } from '@keel/core';
import { expectTypeOf } from 'vitest';
import type { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import type { TypedStreamClient } from '../../src/streams/typed-stream-client.js';
import type { Order, OrdersApi, OrdersService } from './typed-api-fixture.js';

declare const stream: RedisStreamRPCClient;
const orders = stream.client<OrdersApi>({ app: 'orders' });

export async function methodNamesParamsAndResults(): Promise<void> {
  const order = await orders.request('orders.place', { item: 'pears', qty: 2 });
  expectTypeOf(order).toEqualTypeOf<Order>();
  expectTypeOf(await orders.request('orders.get', { id: 'o-1' })).toEqualTypeOf<Order | null>();
  // zod: the schema's input type (currency has a default, so it may be left out)
  const quote = await orders.request('orders.quote', { lines: [{ item: 'a', qty: 1 }] });
  expectTypeOf(quote).toEqualTypeOf<{ currency: 'EUR' | 'USD'; total: number }>();
  // a route without params: params may be left out
  expectTypeOf(await orders.request('orders.status')).toEqualTypeOf<{ ok: true; service: string }>();
  expectTypeOf(orders.call('orders.note', { order: 'o-1', text: 'hi' })).toEqualTypeOf<Promise<string>>();

  // @ts-expect-error -- a method the API does not have
  await orders.request('orders.cancel', { id: 'o-1' });
  // @ts-expect-error -- the method name needs its service prefix
  await orders.request('place', { item: 'pears', qty: 2 });
  // @ts-expect-error -- qty is a number
  await orders.request('orders.place', { item: 'pears', qty: '2' });
  // @ts-expect-error -- qty is missing
  await orders.request('orders.place', { item: 'pears' });
  // @ts-expect-error -- the params are missing altogether
  await orders.request('orders.place');
  // @ts-expect-error -- PlaceOrder has no `colour` (an object literal is checked exactly)
  await orders.request('orders.place', { item: 'pears', qty: 2, colour: 'green' });
  // @ts-expect-error -- zod input: currency is 'EUR' | 'USD'
  await orders.request('orders.quote', { lines: [], currency: 'GBP' });
  // @ts-expect-error -- the result is an Order: qty is a number
  const shouted: string = order.qty; // eslint-disable-line @typescript-eslint/no-unused-vars
  const maybe = await orders.request('orders.get', { id: 'o-1' });
  // @ts-expect-error -- orders.get may answer null
  const item: string = maybe.item; // eslint-disable-line @typescript-eslint/no-unused-vars
  // @ts-expect-error -- orders.get is request-only: a notification would be pointless
  await orders.call('orders.get', { id: 'o-1' });
  // @ts-expect-error -- orders.note is notify-only: it answers nothing worth waiting for
  await orders.request('orders.note', { order: 'o-1', text: 'hi' });
  // @ts-expect-error -- call checks params as request does
  await orders.call('orders.place', { item: 'pears', qty: '2' });
  // @ts-expect-error -- request options, not call options: `timeout` is only for requests
  await orders.call('orders.note', { order: 'o-1', text: 'hi' }, { timeout: 5 });
}

export async function batches(): Promise<void> {
  await orders.callMultiple([
    ['orders.place', { item: 'pears', qty: 2 }],
    { method: 'orders.note', params: { order: 'o-1', text: 'hi' } },
    ['orders.status'],
  ]);
  // @ts-expect-error -- a batch call with the wrong params
  await orders.callMultiple([['orders.place', { item: 'pears' }]]);
  // @ts-expect-error -- a request-only method in a batch of notifications
  await orders.callMultiple([['orders.get', { id: 'o-1' }]]);
}

export function apiTypes(): void {
  // The API type carries the service name it was made for.
  expectTypeOf<keyof OrdersApi>().toEqualTypeOf<
    'orders.place' | 'orders.quote' | 'orders.get' | 'orders.note' | 'orders.status'
  >();
  const eu = stream.client<ApiOf<OrdersService, 'orders_eu'>>();
  expectTypeOf(eu).toEqualTypeOf<TypedStreamClient<ApiOf<OrdersService, 'orders_eu'>>>();
  // @ts-expect-error -- that client's methods are orders_eu.*
  void eu.request('orders.status');

  // An API type written by hand, e.g. by a client without the server's code.
  interface Pricing {
    'pricing.price': RpcMethodType<{ sku: string }, number>;
    'pricing.audit': { params: { sku: string }; result: null; only: 'notify' };
  }
  const pricing = stream.client<Pricing>({ app: 'pricing' });
  expectTypeOf(pricing.request('pricing.price', { sku: 'A' })).toEqualTypeOf<Promise<number>>();
  // @ts-expect-error -- notify-only
  void pricing.request('pricing.audit', { sku: 'A' });
  // @ts-expect-error -- an API type's members must be method types
  stream.client<{ 'x.y': string }>();
}
