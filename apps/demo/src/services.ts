import type { RegisteredServiceClass } from '@keel/core';
import { Heartbeat } from './heartbeat.js';

export { Heartbeat } from './heartbeat.js';

/** Registered when this module is listed in `packages:`. */
export const keelServices: readonly RegisteredServiceClass[] = [Heartbeat];
