import { Scheduler, Service, dependency } from '@keel/core';
import { RedisStreamRPCClient } from '@keel/redis';
import type { OrdersApi } from './orders.js';
import { type ShopperSettings, shopperSettings } from './shopper-settings.js';

const rpc = dependency(RedisStreamRPCClient);
const scheduler = dependency(Scheduler);
const ITEMS = ['apples', 'pears', 'plums'] as const;

/**
 * The client side of the demo: every `intervalMs` it places an order with the server app over
 * its Redis stream (`request()`: the result comes back on a reply stream), reads it back, and
 * sends a one-way notification the way kaiju clients do (`call()`) — through a typed view of the
 * stream client (`client<OrdersApi>()`).
 */
export class Shopper extends Service<ShopperSettings> {
  static override settingsSpec = shopperSettings;
  static override dependencies = [rpc, scheduler];

  #orders = 0;

  override init(): Promise<void> {
    this.use(scheduler).schedule(() => this.shop(), { intervalMs: this.settings.intervalMs, name: 'shop' });
    return Promise.resolve();
  }

  /** One round: place an order, read it back, notify. */
  async shop(): Promise<void> {
    // Typed by the server's routes: a wrong method, params or result use is a compile error.
    const orders = this.use(rpc).client<OrdersApi>({ app: this.settings.serverApp, timeout: 5000 });
    const item = ITEMS[this.#orders % ITEMS.length] ?? 'apples';
    this.#orders += 1;
    // 1..10: orders.place refuses more than 100.
    const order = await orders.request('orders.place', { item, qty: ((this.#orders - 1) % 10) + 1 });
    const stored = await orders.request('orders.get', { id: order.id });
    this.logger.info(
      { order: order.id, fencingToken: order.token, roundTrip: stored?.id === order.id },
      `ordered ${order.qty} × ${order.item} (fencing token ${order.token}); read back: ${stored === null ? 'missing' : 'ok'}`,
    );
    await orders.call('orders.place', { item: 'notification', qty: 1 });
  }
}
