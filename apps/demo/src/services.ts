import type { RegisteredServiceClass } from '@keel/core';
import { Heartbeat } from './heartbeat.js';
import { Orders } from './orders.js';
import { Shopper } from './shopper.js';

export { Heartbeat } from './heartbeat.js';
export { Orders } from './orders.js';
export { Shopper } from './shopper.js';
export * from './order.js';

/** Registered when this module is listed in `packages:`. */
export const keelServices: readonly RegisteredServiceClass[] = [Heartbeat, Orders, Shopper];
