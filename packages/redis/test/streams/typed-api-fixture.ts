import { type ApiOf, type App, JSONRPCServer, route, Scope, Service, type RpcContext } from '@keel/core';
import typia, { type tags } from 'typia';
import * as v from 'valibot';
import { z } from 'zod';
import { startTestApp, type RedisTarget } from '../../../test-utils/src/index.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import { appName, probeOf } from './fixtures.js';

export interface PlaceOrder {
  item: string & tags.MinLength<1>;
  qty: number & tags.Type<'uint32'> & tags.Minimum<1>;
}

export interface Order extends PlaceOrder {
  id: string;
  placedBy: string | null;
}

/** Params of `orders.quote`, a zod schema: `currency` has a default. */
export const Quote = z.object({
  lines: z.array(z.object({ item: z.string().min(1), qty: z.number().int().positive() })).min(1),
  currency: z.enum(['EUR', 'USD']).default('EUR'),
});

/** Params of `orders.note`, a valibot schema. */
export const Note = v.object({ order: v.string(), text: v.pipe(v.string(), v.maxLength(20)) });

/** The service behind the typed-client tests: one route per kind of validator and call mode. */
export class OrdersService extends Service {
  static override serviceName = 'orders';

  get routes() {
    return {
      place: route(typia.createValidate<PlaceOrder>(), (order, context) => this.place(order, context)),
      quote: route(Quote, ({ lines, currency }) => ({
        currency,
        total: lines.reduce((sum, line) => sum + line.qty * 3, 0),
      })),
      get: route(z.object({ id: z.string() }), ({ id }) => (id === 'missing' ? null : this.find(id)), {
        only: 'request',
      }),
      note: route(
        Note,
        (note, context) => {
          this.record(context, note);
        },
        { only: 'notify' },
      ),
      // eslint-disable-next-line @typescript-eslint/unbound-method -- the server binds `this`
      status: this.status,
    };
  }

  get permissions() {
    return { '*': Scope.USER };
  }

  place(order: PlaceOrder, context: RpcContext): Order {
    this.record(context, order);
    return { id: `o-${order.item}`, ...order, placedBy: context.sessionId ?? null };
  }

  find(id: string): Order {
    return { id, item: 'pears', qty: 1, placedBy: null };
  }

  status(): { ok: true; service: string } {
    return { ok: true, service: this.name };
  }

  record(context: RpcContext, params: unknown): void {
    probeOf(this.app.name).calls.push({ method: context.method, params, context });
  }
}

/** What a client of the `orders` service sees. */
export type OrdersApi = ApiOf<OrdersService, 'orders'>;

const apps: App[] = [];

/**
 * Starts a server app (transport, JSONRPCServer, OrdersService as `serviceName`, a USER-scope
 * listener) and a client app (transport, stream client) on `target`.
 */
export async function startOrders(
  target: RedisTarget,
  serviceName = 'orders',
): Promise<{ server: App; client: RedisStreamRPCClient }> {
  const transport = { cls: 'RedisTransportService', name: 'redis', settings: target.transportSettings() };
  const server = await startTestApp({
    name: appName('orders'),
    classes: [RedisTransportService, JSONRPCServer, OrdersService, RedisListener],
    services: [
      transport,
      { cls: 'JSONRPCServer' },
      { cls: 'OrdersService', name: serviceName },
      { cls: 'RedisListener', name: 'redis_stream.rpc', settings: { scope: 'USER' } },
    ],
  });
  apps.push(server);
  const caller = await startTestApp({
    name: appName('shop'),
    classes: [RedisTransportService, RedisStreamRPCClient],
    services: [transport, { cls: 'RedisStreamRPCClient' }],
  });
  apps.push(caller);
  return { server, client: caller.services.get(RedisStreamRPCClient) };
}

/** Stops every app started by {@link startOrders}. */
export async function stopOrders(): Promise<void> {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
}
