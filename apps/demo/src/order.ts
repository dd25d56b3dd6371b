import { struct } from '@keel/redis';
import typia, { type IValidation, type tags } from 'typia';

/** An order as the demo stores it in the cache (a positional msgpack struct). */
export interface Order {
  id: string & tags.Format<'uuid'>;
  item: string;
  qty: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /** Fencing token of the lock held while the order was placed. */
  token: number;
  placedAt: Date;
}

/** Params of `orders.place`. */
export interface PlaceOrder {
  item: string & tags.MinLength<1>;
  qty: number & tags.Type<'uint32'> & tags.Minimum<1> & tags.Maximum<100>;
}

/** The struct type the cache validates orders against on every read. */
export const OrderType = struct(typia.createValidate<Order>(), typia.reflect.schema<Order>());

export const validatePlaceOrder: (input: unknown) => IValidation<PlaceOrder> =
  typia.createValidate<PlaceOrder>();
export const validateGetOrder: (input: unknown) => IValidation<{ id: string }> = typia.createValidate<{
  id: string & tags.Format<'uuid'>;
}>();
