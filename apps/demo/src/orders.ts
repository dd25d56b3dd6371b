import { randomUUID } from 'node:crypto';
import { Scope, Service, dependency, type RpcHandler, type RpcService, type RpcValidator } from '@keel/core';
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

  get routes(): Readonly<Record<string, RpcHandler>> {
    return {
      place: (params: unknown) => this.place(params as PlaceOrder),
      get: (params: unknown) => this.get((params as { id: string }).id),
    };
  }

  get permissions(): Readonly<Record<string, Scope>> {
    return { '*': Scope.USER };
  }

  get validators(): Readonly<Record<string, RpcValidator>> {
    return { place: validatePlaceOrder, get: validateGetOrder };
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
