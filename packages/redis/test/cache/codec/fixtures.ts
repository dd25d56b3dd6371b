import typia, { type tags } from 'typia';
import { arrayOf, struct, Uuid } from '../../../src/cache/codec/index.js';

export interface User {
  id: string & tags.Format<'uuid'>;
  name: string;
  email: string & tags.Format<'email'>;
  age: number & tags.Type<'uint32'>;
  createdAt: Date;
}

export interface Address {
  street: string;
  city: string;
  zip?: string;
}

export interface Line {
  sku: string;
  qty: number;
}

export interface Order {
  id: string & tags.Format<'uuid'>;
  user: User;
  shipTo?: Address | null;
  lines: Line[];
  total: bigint;
  note?: string;
  labels?: Set<string>;
  meta?: Map<string, number>;
  related?: (string & tags.Format<'uuid'>)[];
}

export interface TreeNode {
  label: string;
  children: TreeNode[];
}

export const UserType = struct(typia.createValidate<User>(), typia.reflect.schema<User>());
export const StrictUserType = struct(typia.createValidateEquals<User>(), typia.reflect.schema<User>());
export const OrderType = struct(typia.createValidate<Order>(), typia.reflect.schema<Order>());
export const TreeType = struct(typia.createValidate<TreeNode>(), typia.reflect.schema<TreeNode>());

/** The same User struct, laid out by hand. */
export const HandUserType = struct(typia.createValidate<User>(), {
  name: 'User',
  fields: ['id', 'name', 'email', 'age', 'createdAt'],
  uuid: ['id'],
});
export const LineType = struct(typia.createValidate<Line>(), typia.reflect.schema<Line>());
export const AddressType = struct(typia.createValidate<Address>(), typia.reflect.schema<Address>());
/** An Order laid out by hand, nesting the hand-written User, an Address, lines and UUIDs. */
export const HandOrderType = struct(typia.createValidate<Order>(), {
  name: 'Order',
  fields: ['id', 'user', 'shipTo', 'lines', 'total', 'note', 'labels', 'meta', 'related'],
  uuid: ['id'],
  nested: { user: HandUserType, shipTo: AddressType, lines: arrayOf(LineType), related: arrayOf(Uuid) },
});

export const alice: User = {
  id: '0b6f3a52-8c4e-4c1d-9d57-2f1e0c9a7b31',
  name: 'Alice Smith',
  email: 'alice@example.com',
  age: 34,
  createdAt: new Date('2024-03-05T10:20:30.456Z'),
};

export const order: Order = {
  id: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
  user: alice,
  shipTo: { street: '1 Main St', city: 'Springfield' },
  lines: [
    { sku: 'A-1', qty: 2 },
    { sku: 'B-7', qty: 1 },
  ],
  total: 12_345_678_901_234_567_890n,
  labels: new Set(['gift', 'express']),
  meta: new Map([['weight', 1.25]]),
  related: ['9c5b94b1-35ad-49bb-b118-8e8fc24abf80'],
};
