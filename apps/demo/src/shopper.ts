import { Scheduler, Service, dependency } from '@keel/core';
import { RedisStreamRPCClient } from '@keel/redis';
import type { Order } from './order.js';
import { type ShopperSettings, shopperSettings } from './shopper-settings.js';

const rpc = dependency(RedisStreamRPCClient);
const scheduler = dependency(Scheduler);
const ITEMS = ['apples', 'pears', 'plums'] as const;

/**
 * The client side of the demo: every `intervalMs` it places an order with the server app over
 * its Redis stream (`request()`: the result comes back on a reply stream), reads it back, and
 * sends a one-way notification the way kaiju clients do (`call()`).
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
    const client = this.use(rpc);
    const app = this.settings.serverApp;
    const item = ITEMS[this.#orders % ITEMS.length] ?? 'apples';
    this.#orders += 1;
    const order = await client.request<Order>(
      'orders.place',
      { item, qty: this.#orders },
      { app, timeout: 5000 },
    );
    const stored = await client.request<Order | null>('orders.get', { id: order.id }, { app, timeout: 5000 });
    this.logger.info(
      { order: order.id, fencingToken: order.token, roundTrip: stored?.id === order.id },
      `ordered ${order.qty} × ${order.item} (fencing token ${order.token}); read back: ${stored === null ? 'missing' : 'ok'}`,
    );
    await client.call('orders.place', { item: 'notification', qty: 1 }, { app });
  }
}
