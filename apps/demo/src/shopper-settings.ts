import { defineSettings, type SettingsSpec } from '@keel/core';
import typia from 'typia';

/** Settings of the demo {@link Shopper} service. */
export interface ShopperSettings {
  /**
   * How often to place an order, in ms.
   * @default 1500
   */
  intervalMs: number & typia.tags.Type<'uint32'> & typia.tags.Minimum<10>;
  /**
   * The app serving `orders.*`.
   * @default "orders"
   */
  serverApp: string;
}

export const shopperSettings: SettingsSpec<ShopperSettings> = defineSettings<ShopperSettings>({
  validate: typia.createValidateEquals<Partial<ShopperSettings>>(),
  keys: typia.misc.literals<keyof ShopperSettings>(),
  defaults: { intervalMs: 1500, serverApp: 'orders' },
});
