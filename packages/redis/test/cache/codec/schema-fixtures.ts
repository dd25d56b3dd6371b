import { type } from 'arktype';
import * as v from 'valibot';
import { z } from 'zod';
import * as z3 from 'zod/v3';
import { schemaType } from '../../../src/cache/codec/index.js';

/** The typia `User` of fixtures.ts, as a zod 4 schema. */
export const ZodUser = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.email(),
  age: z.number().int().nonnegative(),
  createdAt: z.date(),
});
export type ZodUser = z.infer<typeof ZodUser>;
export const ZodUserType = schemaType(ZodUser, { name: 'User' });

/** The same, as a valibot schema. */
export const ValibotUser = v.object({
  id: v.pipe(v.string(), v.uuid()),
  name: v.string(),
  email: v.pipe(v.string(), v.email()),
  age: v.pipe(v.number(), v.integer(), v.minValue(0)),
  createdAt: v.date(),
});
export const ValibotUserType = schemaType(ValibotUser, { name: 'User' });

/** The same, as a zod 3 schema (`zod/v3`, what zod 3.24+ users have). */
export const Zod3User = z3.z.object({
  id: z3.z.string().uuid(),
  name: z3.z.string(),
  email: z3.z.string().email(),
  age: z3.z.number().int().nonnegative(),
  createdAt: z3.z.date(),
});
export const Zod3UserType = schemaType(Zod3User, { name: 'User' });

/** The same, as an arktype type: its field order has to be given. */
export const ArkUser = type({
  id: 'string.uuid',
  name: 'string',
  email: 'string.email',
  age: 'number.integer >= 0',
  createdAt: 'Date',
});
export const ArkUserType = schemaType(ArkUser, {
  name: 'User',
  fields: ['id', 'name', 'email', 'age', 'createdAt'],
  uuid: ['id'],
});

/** An order with nested objects, optional and nullable ones, arrays of objects, a Set and UUIDs. */
export const ZodOrder = z.object({
  id: z.uuid(),
  user: ZodUser,
  shipTo: z
    .object({ street: z.string(), city: z.string(), zip: z.string().optional() })
    .nullable()
    .optional(),
  lines: z.array(z.object({ sku: z.string(), qty: z.number().int().positive() })),
  total: z.bigint(),
  note: z.string().optional(),
  labels: z.set(z.string()).optional(),
  related: z.array(z.uuid()).optional(),
});
export const ZodOrderType = schemaType(ZodOrder, { name: 'Order' });

export const ValibotOrder = v.object({
  id: v.pipe(v.string(), v.uuid()),
  user: ValibotUser,
  shipTo: v.nullish(v.object({ street: v.string(), city: v.string(), zip: v.optional(v.string()) })),
  lines: v.array(v.object({ sku: v.string(), qty: v.pipe(v.number(), v.integer(), v.minValue(1)) })),
  total: v.bigint(),
  note: v.optional(v.string()),
  labels: v.optional(v.set(v.string())),
  related: v.optional(v.array(v.pipe(v.string(), v.uuid()))),
});
export const ValibotOrderType = schemaType(ValibotOrder, { name: 'Order' });

/** A recursive zod object (declared with a getter, as zod 4 does). */
export const ZodTree = z.object({
  label: z.string(),
  get children(): z.ZodArray<typeof ZodTree> {
    return z.array(ZodTree);
  },
});
export type ZodTree = z.infer<typeof ZodTree>;
export const ZodTreeType = schemaType(ZodTree, { name: 'Tree' });
