import { randomUUID } from 'node:crypto';
import { type ApiOf, Scope, Service, dependency, route, type RpcService } from '@keel/core';
import { RedisCache, RedisLocksService } from '@keel/redis';
import { type Order, OrderType, type PlaceOrder, validateGetOrder, validatePlaceOrder } from './order.js';

const cache = dependency(RedisCache);
const locks = dependency(RedisLocksService);

/**
 * The server side of the demo: `orders.place` and `orders.get`, served over a Redis stream by the
 * app's RedisListener. Placing an order takes a lock on the item's stock (its fencing token goes
 * into the order) and stores the order in the cache as a typed struct.
 */
export class Orders extends Service implements RpcService {
  static override serviceName = 'orders';
  static override dependencies = [cache, locks];

  /** Each route with the typia validator its params are checked with; the types flow to {@link OrdersApi}. */
  get routes() {
    return {
      place: route(validatePlaceOrder, (order) => this.place(order)),
      get: route(validateGetOrder, ({ id }) => this.get(id), { only: 'request' }),
    };
  }

  get permissions(): Readonly<Record<string, Scope>> {
    return { '*': Scope.USER };
  }

  /** Places an order under the item's stock lock and caches it for an hour. */
  async place({ item, qty }: PlaceOrder): Promise<Order> {
    const stockKey = this.app.namespace.key('stock', item);
    return this.use(locks).withLock(
      stockKey,
      async (_signal, lock) => {
        const order: Order = { id: randomUUID(), item, qty, token: lock.token, placedAt: new Date() };
        await this.use(cache).set(this.app.namespace.key('order', order.id), order, {
          ttl: 3600,
          type: OrderType,
        });
        this.logger.info(
          { order: order.id, item, qty, fencingToken: lock.token },
          `placed order for ${qty} × ${item}`,
        );
        return order;
      },
      { ttl: 5000 },
    );
  }

  /** Reads an order back from the cache, validated as an Order (null when unknown). */
  get(id: string): Promise<Order | null> {
    return this.use(cache).get(this.app.namespace.key('order', id), OrderType);
  }
}

/** What a client of the demo's `orders` service calls: `stream.client<OrdersApi>({ app: 'orders' })`. */
export type OrdersApi = ApiOf<Orders, 'orders'>;
